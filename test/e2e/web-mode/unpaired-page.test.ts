/**
 * A page whose device is unpaired while it is open, against the real web server and engine (no Home
 * Assistant, no OpenAI: nothing here needs them): the server closes its socket at the next ping and
 * refuses it from then on; the page finds out over GET /health (the browser never shows it the 401 of
 * the refused upgrade), says how to pair again, and comes back by itself once the browser pairs in
 * another tab.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AssistantApp } from '../../../main/app/assistant-app.js';
import { startQuietApp } from '../../helpers/quiet-app.js';
import { DeviceSessions } from '../../../main/web/device-sessions.js';
import { generatePairingToken } from '../../../main/web/token-file.js';
import { startWebServer, type WebServer } from '../../../main/web/web-server.js';
import { launchChromium, type LaunchedChromium } from '../../helpers/chromium.js';
import { HearthPage } from '../pages/hearth-page.js';
import { collectProblems } from '../pages/page-problems.js';
import { BUILT_RENDERER_DIR } from '../pages/renderer-server.js';

const TOKEN = generatePairingToken();

let dir: string;
let app: AssistantApp;
let web: WebServer;
let browser: LaunchedChromium;
const devices = DeviceSessions.inMemory();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-unpaired-'));
  const paths = { config: join(dir, 'config'), data: join(dir, 'data'), logs: join(dir, 'logs') };
  await mkdir(paths.config, { recursive: true });
  await writeFile(join(paths.config, 'ui-state.json'), JSON.stringify({ onboardingComplete: true }));
  app = await startQuietApp(dir);
  // A short ping interval, so the revoked page's sockets are closed within a second or two, not 30 s.
  web = await startWebServer({ app, staticDir: BUILT_RENDERER_DIR, port: 0, token: TOKEN, devices, limits: { pingIntervalMs: 1000 } });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.closeAndClean();
  await web?.close();
  await app?.shutdown();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** What Chromium logs for the refused socket and the refused probe; anything else is a problem. */
const unexpected = (problems: string[]) =>
  problems.filter(
    (p) => !/WebSocket connection to '.*' failed/.test(p) && !p.includes('the server responded with a status of 401 (Unauthorized)'),
  );

describe('web mode: a page whose device is unpaired while it is open', () => {
  it('shows how to pair again instead of "reconnecting", and recovers once the browser pairs in another tab', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB' });
    const page = await context.newPage();
    const problems = collectProblems(page);
    await page.goto(`${web.url}?token=${TOKEN}`);
    const hearth = new HearthPage(page);
    await hearth.waitUntilReady();
    const hasSession = async () => (await context.cookies()).some((c) => c.name === 'hearth_session');
    expect(await hasSession()).toBe(true);
    const [device] = devices.list();
    expect(device).toBeDefined();
    await expect.poll(() => web.stats().webSockets.open, { timeout: 10_000 }).toBe(2); // the API socket and the audio socket

    // Unpaired (what `npm run web -- --revoke-device ID` does to the file a running server watches).
    expect(devices.revoke(device!.id)).toBe(true);
    const unpaired = hearth.banner('This screen is no longer paired with Hearth');
    await unpaired.waitFor({ timeout: 15_000 });
    await expect(unpaired.getAttribute('role')).resolves.toBe('alert');
    await expect(hearth.banner('Connection to Hearth lost').count()).resolves.toBe(0);
    expect(web.stats().webSockets.terminated).toBeGreaterThanOrEqual(1);
    // The probe carried the stale cookie, and the server's 401 cleared it.
    await expect.poll(hasSession).toBe(false);
    // The page is still there (stale, with the banner), not the server's bare 401 text.
    await expect(page.getByRole('navigation', { name: 'Main' }).isVisible()).resolves.toBe(true);

    // Paired again in another tab of the same browser: the cookie is shared, the page's next retry
    // (12 to 18 s after the last refusal) opens, and everything is fetched afresh.
    const other = await context.newPage();
    await other.goto(`${web.url}?token=${TOKEN}`);
    await new HearthPage(other).waitUntilReady();
    expect(await hasSession()).toBe(true);
    await other.close();
    await unpaired.waitFor({ state: 'detached', timeout: 45_000 });
    await hearth.waitUntilReady();
    expect(devices.list()).toHaveLength(1);
    expect(devices.list()[0]!.id).not.toBe(device!.id);
    await expect.poll(() => web.stats().webSockets.open, { timeout: 20_000 }).toBe(2);

    expect(unexpected(problems)).toEqual([]);
    await context.close();
  }, 120_000);
});
