/**
 * Where a browser goes after pairing: the address it asked for, without the token, and always on this
 * server. A path that starts with two slashes (or a backslash, which browsers read as one) would be a
 * scheme-relative address of another host: `/.//evil.example/?token=…` has the path `//evil.example/`
 * once the URL parser has removed the dot segment. Leading slashes and backslashes become one.
 */
export function localAddressWithoutToken(url: URL): string {
  const query = new URLSearchParams(url.search);
  query.delete('token');
  const search = query.size > 0 ? `?${query.toString()}` : '';
  return `/${url.pathname.replace(/^[/\\]+/, '')}${search}`;
}
