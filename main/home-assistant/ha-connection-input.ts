/**
 * Up-front validation of what the user typed: the Home Assistant URL and the long-lived access
 * token. Pure; each failure is one sentence the user can act on.
 */

export type HaUrl = {
  /** http(s)://host[:port], no trailing slash, no path. */
  baseUrl: string;
  /** ws(s)://host[:port]/api/websocket */
  wsUrl: string;
  secure: boolean;
  /** host[:port], for messages. */
  host: string;
};

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

const EXAMPLE = 'http://homeassistant.local:8123';

export function parseHomeAssistantUrl(input: string): Checked<HaUrl> {
  const text = input.trim();
  if (text === '') return { ok: false, message: `The Home Assistant URL is empty: enter its address, e.g. ${EXAMPLE}.` };
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    return {
      ok: false,
      message: `The Home Assistant URL "${text}" has no scheme: it must start with http:// or https://, e.g. http://${text}.`,
    };
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, message: `The Home Assistant URL "${text}" is not a valid URL; it should look like ${EXAMPLE}.` };
  }
  // A pasted WebSocket address is accepted and turned into the base URL.
  const scheme = url.protocol === 'ws:' ? 'http:' : url.protocol === 'wss:' ? 'https:' : url.protocol;
  if (scheme !== 'http:' && scheme !== 'https:') {
    return { ok: false, message: `The Home Assistant URL must start with http:// or https://, not ${url.protocol}//.` };
  }
  if (url.username || url.password) {
    return { ok: false, message: 'The Home Assistant URL must not contain a user name or password; use an access token instead.' };
  }
  const path = url.pathname.replace(/\/+$/, '').replace(/\/api(\/websocket)?$/, '');
  if (path !== '') {
    return {
      ok: false,
      message: `The Home Assistant URL must be the server address without a path (Home Assistant does not run under "${url.pathname}"), e.g. ${scheme}//${url.host}.`,
    };
  }
  const baseUrl = `${scheme}//${url.host}`;
  const secure = scheme === 'https:';
  return { ok: true, value: { baseUrl, wsUrl: `${secure ? 'wss' : 'ws'}://${url.host}/api/websocket`, secure, host: url.host } };
}

export function validateAccessToken(input: string): Checked<string> {
  const token = input.trim();
  if (token === '') {
    return {
      ok: false,
      message: 'The Home Assistant access token is empty: create a long-lived access token in your Home Assistant profile (Security tab).',
    };
  }
  if (/\s/.test(token))
    return { ok: false, message: 'The Home Assistant access token contains spaces or line breaks; paste only the token.' };
  if (/[^\x21-\x7e]/.test(token)) return { ok: false, message: 'The Home Assistant access token contains characters a token never has.' };
  if (token.length > 4096) return { ok: false, message: 'The Home Assistant access token is too long to be a token.' };
  return { ok: true, value: token };
}
