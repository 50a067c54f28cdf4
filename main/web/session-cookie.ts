/**
 * The paired device's session cookie: HttpOnly (no script reads it), SameSite=Strict (no other site
 * sends it along), and Secure when the page is served over https (then it never travels in clear).
 * It holds a per-device session id, never the pairing token.
 */

export const SESSION_COOKIE = 'hearth_session';
/** What earlier versions kept: the pairing token itself. Cleared when a device pairs again. */
const LEGACY_COOKIE = 'hearth_pairing';
/** Browsers cap cookie lifetimes at 400 days; revocation, not expiry, ends a pairing. */
const MAX_AGE_S = 400 * 24 * 3600;

const attributes = (secure: boolean) => `HttpOnly; SameSite=Strict; Path=/${secure ? '; Secure' : ''}`;

export function sessionCookie(secret: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${secret}; ${attributes(secure)}; Max-Age=${MAX_AGE_S}`;
}

/** Deletes a session cookie that is no longer valid (revoked, or paired under an old token). */
export function clearedSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; ${attributes(secure)}; Max-Age=0`;
}

/** Deletes the cookie earlier versions kept, which held the pairing token itself. */
export function clearedLegacyCookie(secure: boolean): string {
  return `${LEGACY_COOKIE}=; ${attributes(secure)}; Max-Age=0`;
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of header?.split(';') ?? []) {
    const index = part.indexOf('=');
    if (index <= 0) continue;
    const raw = part.slice(index + 1).trim();
    try {
      out[part.slice(0, index).trim()] = decodeURIComponent(raw);
    } catch {
      out[part.slice(0, index).trim()] = raw; // a malformed escape is just a wrong value
    }
  }
  return out;
}
