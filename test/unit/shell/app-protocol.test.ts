import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CONTENT_SECURITY_POLICY, mimeTypeOf } from '../../../main/web/renderer-headers.js';
import { fakeElectron, resetFakeElectron } from '../../fakes/fake-electron.js';

vi.mock('electron', async () => (await import('../../fakes/fake-electron.js')).fakeElectron);

const { APP_SCHEME, appUrl, createAppProtocolHandler, installAppProtocol, isAppUrl, registerAppScheme, resolveAppFile } =
  await import('../../../main/shell/app-protocol.js');

let dir: string;
let root: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-protocol-'));
  root = join(dir, 'renderer');
  await mkdir(join(root, 'assets'), { recursive: true });
  await mkdir(join(root, 'audio'), { recursive: true });
  await writeFile(join(root, 'index.html'), '<!doctype html><title>Hearth</title>');
  await writeFile(join(root, 'assets', 'main.js'), 'console.log(1)');
  await writeFile(join(root, 'assets', 'style.css'), 'body{}');
  await writeFile(join(root, 'audio', 'pcm-player.worklet.js'), 'registerProcessor()');
  await writeFile(join(root, 'assets', 'icon.svg'), '<svg/>');
  await writeFile(join(root, 'assets', 'model.wasm'), new Uint8Array([0, 97, 115, 109]));
  await writeFile(join(dir, 'secrets.json'), '{"openai":"sk-secret"}');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => resetFakeElectron());

const get = (url: string, init?: RequestInit) => createAppProtocolHandler(root)(new Request(url, init));

describe('app:// scheme', () => {
  it('is registered as standard and secure (before ready)', () => {
    registerAppScheme();
    expect(fakeElectron.protocol.privileged).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
    ]);
  });

  it('is served through protocol.handle', async () => {
    installAppProtocol(root);
    const response = await fakeElectron.protocol.fetch('app://hearth/');
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<title>Hearth</title>');
    expect(fakeElectron.protocol.handlers.has(APP_SCHEME)).toBe(true);
  });

  it('builds and recognises our URLs only', () => {
    expect(appUrl('index.html', { kiosk: '1' })).toBe('app://hearth/index.html?kiosk=1');
    expect(appUrl('index.html', {}, 'settings')).toBe('app://hearth/index.html#settings');
    expect(isAppUrl('app://hearth/index.html')).toBe(true);
    expect(isAppUrl('app://hearth')).toBe(true);
    for (const url of [
      'app://evil/index.html',
      'https://hearth/',
      'file:///index.html',
      'app://user:pw@hearth/',
      '',
      'not a url',
      null,
      undefined,
    ]) {
      expect(isAppUrl(url), String(url)).toBe(false);
    }
  });
});

describe('serving out/renderer', () => {
  it('serves files with the strict CSP and security headers', async () => {
    const response = await get('app://hearth/index.html');
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy');
    expect(csp).toBe(CONTENT_SECURITY_POLICY);
    for (const directive of [
      "default-src 'self'",
      "connect-src 'self'",
      "img-src 'self' data:",
      "style-src 'self'",
      "script-src 'self'",
      "worker-src 'self'",
    ]) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('sends the right MIME types (module scripts and the worklet need text/javascript)', async () => {
    const cases: Array<[string, string]> = [
      ['app://hearth/index.html', 'text/html; charset=utf-8'],
      ['app://hearth/assets/main.js', 'text/javascript; charset=utf-8'],
      ['app://hearth/audio/pcm-player.worklet.js', 'text/javascript; charset=utf-8'],
      ['app://hearth/assets/style.css', 'text/css; charset=utf-8'],
      ['app://hearth/assets/icon.svg', 'image/svg+xml'],
      ['app://hearth/assets/model.wasm', 'application/wasm'],
    ];
    for (const [url, type] of cases) {
      const response = await get(url);
      expect(response.status, url).toBe(200);
      expect(response.headers.get('content-type'), url).toBe(type);
    }
    expect(mimeTypeOf('x.unknown')).toBe('application/octet-stream');
    expect(mimeTypeOf('X.PNG')).toBe('image/png');
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await get('app://hearth/index.html', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const post = await get('app://hearth/index.html', { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
  });

  it('answers 404 for missing files and directories', async () => {
    expect((await get('app://hearth/nope.js')).status).toBe(404);
    expect((await get('app://hearth/assets')).status).toBe(404);
  });

  it('refuses path traversal in every encoding', async () => {
    const attempts = [
      'app://hearth/..%2fsecrets.json',
      'app://hearth/%2e%2e%2fsecrets.json',
      'app://hearth/assets/..%2F..%2Fsecrets.json',
      'app://hearth/%2e%2e/secrets.json',
      'app://hearth/..%5csecrets.json',
      'app://hearth/assets%5c..%5c..%5csecrets.json',
      'app://hearth/%00index.html',
      'app://hearth/C:%5cWindows%5cwin.ini',
      'app://hearth/%2fetc%2fpasswd',
      'app://hearth/index.html%2f..%2f..%2fsecrets.json',
      'app://hearth/%E0%A4%A',
    ];
    for (const url of attempts) {
      const response = await get(url);
      expect(response.status, url).toBeGreaterThanOrEqual(400);
      expect(await response.text(), url).not.toContain('sk-secret');
    }
    // Plain dot segments are resolved by the URL parser before we see them, and stay inside the root.
    const normalised = await get('app://hearth/assets/../../../secrets.json');
    expect(normalised.status).toBe(404);
  });

  it('refuses other hosts and schemes', () => {
    expect(resolveAppFile(root, 'app://other/index.html')).toMatchObject({ ok: false, status: 403 });
    expect(resolveAppFile(root, 'file:///etc/passwd')).toMatchObject({ ok: false, status: 403 });
    expect(resolveAppFile(root, 'app://hearth/..%2fsecrets.json')).toMatchObject({ ok: false, status: 403, reason: 'path traversal' });
    expect(resolveAppFile(root, 'app://hearth/..%5csecrets.json')).toMatchObject({ ok: false, status: 400 });
    expect(resolveAppFile(root, 'app://hearth/')).toEqual({ ok: true, file: join(root, 'index.html') });
    expect(resolveAppFile(root, 'app://hearth/a%20b.js?x=1#y')).toEqual({ ok: true, file: join(root, 'a b.js') });
  });
});
