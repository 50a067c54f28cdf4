/**
 * The built renderer for browser tests: serves out/renderer (built once per test run by the global
 * setup, test/helpers/build-app.ts) from a tiny static server on 127.0.0.1 with the app's
 * `default-src 'self'` CSP, and bundles the FakeAssistantApi for `page.addInitScript`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { join, normalize, resolve } from 'node:path';
import { build } from 'esbuild';
import { REPO_ROOT } from '../../helpers/repo-root.js';
import { CONTENT_SECURITY_POLICY, mimeTypeOf } from '../../../main/web/renderer-headers.js';

/** The app's renderer as scripts/build.mjs builds it. */
export const BUILT_RENDERER_DIR = join(REPO_ROOT, 'out/renderer');
export const SCREENSHOT_DIR = join(REPO_ROOT, 'test-artifacts/screenshots');

/** The CSP of the app, as main serves it. */
export const RENDERER_CSP = CONTENT_SECURITY_POLICY;

let fakeBundle: Promise<string> | undefined;

/** test/e2e/pages/install-fake-api.ts as one classic script (for page.addInitScript). */
export function bundleFakeApi(): Promise<string> {
  fakeBundle ??= build({
    entryPoints: [join(REPO_ROOT, 'test/e2e/pages/install-fake-api.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'warning',
  }).then((result) => result.outputFiles[0]!.text);
  return fakeBundle;
}

export type StaticServer = {
  server: Server;
  baseUrl: string;
  /** Every path requested, in order. */
  requests: string[];
  close(): Promise<void>;
};

/**
 * Serves `root` (the built renderer) on 127.0.0.1:0. `onUpgrade` takes WebSocket upgrades (a test's
 * /api/ws server); without it upgrades are refused. `onRequest` may answer a request first (a test's
 * /health), returning true when it did.
 */
export async function serveRenderer(
  root: string,
  options: {
    onUpgrade?: (request: IncomingMessage, socket: Duplex, head: Buffer) => void;
    onRequest?: (request: IncomingMessage, response: ServerResponse) => boolean;
  } = {},
): Promise<StaticServer> {
  const requests: string[] = [];
  const base = resolve(root);
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    requests.push(path);
    if (options.onRequest?.(request, response)) return;
    const file = normalize(join(base, path === '/' ? 'index.html' : decodeURIComponent(path)));
    const headers = { 'Content-Security-Policy': RENDERER_CSP, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' };
    if (!file.startsWith(base) || !existsSync(file)) {
      response.writeHead(404, headers).end('not found');
      return;
    }
    response.writeHead(200, { ...headers, 'Content-Type': mimeTypeOf(file) }).end(readFileSync(file));
  });
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (options.onUpgrade) options.onUpgrade(request, socket, head);
    else socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
  });
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolveClose) => {
        server.closeAllConnections();
        server.close(() => resolveClose());
      }),
  };
}
