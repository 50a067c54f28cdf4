import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { protocol, type Protocol } from 'electron';
import { createLogger } from '../util/logger.js';
import { mimeTypeOf, SECURITY_HEADERS } from '../web/renderer-headers.js';

const log = createLogger('app-protocol');

/**
 * The renderer is served from `app://hearth/`, never from file:// (which cannot send headers and gives every
 * local file the same origin). The scheme is registered as standard and secure before `ready`, so the page
 * has a real origin, the storage APIs and AudioWorklet work, and the CSP below arrives as a header.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'hearth';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** An `app://hearth/…` URL for a renderer path, e.g. appUrl('index.html', { kiosk: '1' }). */
export function appUrl(path = 'index.html', query: Record<string, string> = {}, hash?: string): string {
  const url = new URL(`${APP_ORIGIN}/${path.replace(/^\/+/, '')}`);
  for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
  if (hash !== undefined) url.hash = hash;
  return url.toString();
}

/** True for our own origin only (`app://hearth/…`, or the origin string `app://hearth`). */
export function isAppUrl(url: string | undefined | null): boolean {
  if (!url) return false;
  try {
    const parsed = new URL(url);
    // Node gives non-special schemes the opaque origin "null", so compare the parts.
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && parsed.username === '' && parsed.password === '';
  } catch {
    return false;
  }
}

/** Must run before `app.whenReady()` (Electron only accepts privileged schemes then). */
export function registerAppScheme(target: Pick<Protocol, 'registerSchemesAsPrivileged'> = protocol): void {
  target.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      // standard: a real origin and relative URLs; secure: a secure context (AudioWorklet, getUserMedia);
      // supportFetchAPI: fetch()/audioWorklet.addModule() of our own files; codeCache: faster starts.
      privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
    },
  ]);
}

export type ResolvedAppFile = { ok: true; file: string } | { ok: false; status: 400 | 403; reason: string };

/**
 * Maps a request URL onto a file under `root`, refusing anything that could leave it: another host,
 * encoded separators or dot segments, NUL bytes, backslashes, drive letters and
 * Windows stream names (`:`). `/` is index.html.
 */
export function resolveAppFile(root: string, requestUrl: string): ResolvedAppFile {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return { ok: false, status: 400, reason: 'not a URL' };
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return { ok: false, status: 403, reason: 'foreign origin' };
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    return { ok: false, status: 400, reason: 'bad percent-encoding' };
  }
  if (path.includes('\0') || path.includes('\\')) return { ok: false, status: 400, reason: 'forbidden character' };
  const segments = path.split('/').filter((segment) => segment !== '');
  if (segments.some((segment) => segment === '..' || segment === '.' || segment.includes(':'))) {
    return { ok: false, status: 403, reason: 'path traversal' };
  }
  if (segments.length === 0 || path.endsWith('/')) segments.push('index.html');
  const base = resolve(root);
  const file = resolve(base, ...segments);
  const rel = relative(base, file);
  if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel))
    return { ok: false, status: 403, reason: 'path traversal' };
  return { ok: true, file };
}

export type AppProtocolOptions = {
  readFile?: (file: string) => Promise<Uint8Array>;
  isFile?: (file: string) => Promise<boolean>;
};

function textResponse(status: number, text: string): Response {
  return new Response(text, { status, headers: { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' } });
}

/** The `protocol.handle` handler: GET/HEAD of files under `root` with the security headers. */
export function createAppProtocolHandler(root: string, options: AppProtocolOptions = {}): (request: Request) => Promise<Response> {
  const read = options.readFile ?? ((file: string) => readFile(file));
  const isFile =
    options.isFile ??
    (async (file: string) => {
      try {
        return (await stat(file)).isFile();
      } catch {
        return false;
      }
    });
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response('Method not allowed', { status: 405, headers: { ...SECURITY_HEADERS, Allow: 'GET, HEAD' } });
    }
    const resolved = resolveAppFile(root, request.url);
    if (!resolved.ok) {
      log.warn({ url: request.url, reason: resolved.reason }, 'refused an app:// request');
      return textResponse(resolved.status, 'Forbidden');
    }
    if (!(await isFile(resolved.file))) return textResponse(404, 'Not found');
    try {
      const body = await read(resolved.file);
      const headers = { ...SECURITY_HEADERS, 'Content-Type': mimeTypeOf(resolved.file), 'Content-Length': String(body.byteLength) };
      return new Response(request.method === 'HEAD' ? null : body, { status: 200, headers });
    } catch (error) {
      log.error({ err: error, file: resolved.file }, 'could not read a renderer file');
      return textResponse(500, 'Internal error');
    }
  };
}

/** Serves `root` (out/renderer) on app://hearth/ for the default session (after `ready`). */
export function installAppProtocol(root: string, target: Pick<Protocol, 'handle'> = protocol): void {
  target.handle(APP_SCHEME, createAppProtocolHandler(root));
}
