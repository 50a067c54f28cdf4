/** `scheme://host:port` of a URL, or null for an empty or invalid one. Secrets are bound to an origin. */
export function originOf(url: string): string | null {
  try {
    return url.trim() ? new URL(url.trim()).origin : null;
  } catch {
    return null;
  }
}
