import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import type { AssistantApp } from '../../../main/app/assistant-app.js';
import { startQuietApp } from '../../helpers/quiet-app.js';
import { PvRecorderMicSource } from '../../../main/audio/pv-recorder-mic-source.js';
import { EncryptedFileSecretStore } from '../../../main/secrets/encrypted-file-secret-store.js';
import { KeyFileCipher } from '../../../main/secrets/secret-cipher.js';
import { generatePairingToken } from '../../../main/web/token-file.js';
import { startWebServer, type WebServer } from '../../../main/web/web-server.js';
import { launchChromium, type LaunchedChromium } from '../../helpers/chromium.js';
import { applyVirtualMicEnv, startVirtualMic, VIRTUAL_MIC_DEVICE, type VirtualMic } from '../../helpers/virtual-mic.js';
import { createFakeRealtimeServer, type FakeRealtimeServer, type Responder } from '../../servers/fake-realtime-server.js';
import { connectHaWebSocket, startHomeAssistant, type HaSocket, type HomeAssistantInstance } from '../../servers/home-assistant-core.js';
import { HearthPage } from '../pages/hearth-page.js';
import { collectProblems } from '../pages/page-problems.js';

/**
 * The whole app as a user of web mode meets it: the real engine (AssistantApp) and web server in
 * this process, a real Home Assistant, the fake Realtime server in place of OpenAI, the real
 * microphone path (PvRecorder on the PulseAudio virtual microphone), and Debian's Chromium playing
 * into the PulseAudio sink, whose monitor the test records.
 */

export const PAIRING_TOKEN = generatePairingToken();
export const SCREENSHOTS = resolve('test-artifacts/screenshots');

export type RealApp = {
  app: AssistantApp;
  web: WebServer;
  realtime: FakeRealtimeServer;
  ha: HomeAssistantInstance;
  admin: HaSocket;
  browser: LaunchedChromium;
  vmic: VirtualMic;
  dir: string;
  open(options?: { query?: string; viewport?: { width: number; height: number } }): Promise<OpenedApp>;
  close(): Promise<void>;
};

export type OpenedApp = { page: Page; hearth: HearthPage; problems: string[]; close(): Promise<void> };

export async function startRealApp(options: { onboarded: boolean; responder: Responder }): Promise<RealApp> {
  const dir = await mkdtemp(join(tmpdir(), 'hearth-real-'));
  const vmic = await startVirtualMic();
  // PvRecorder's worker reads PulseAudio's address from the environment when it starts.
  const restoreEnv = applyVirtualMicEnv(vmic.env);
  const ha = await startHomeAssistant();
  const admin = await connectHaWebSocket(ha.url, ha.token);
  const realtime = await createFakeRealtimeServer({ responder: options.responder });
  const paths = { config: join(dir, 'config'), data: join(dir, 'data'), logs: join(dir, 'logs') };
  await mkdir(paths.config, { recursive: true });
  await writeFile(
    join(paths.config, 'settings.json'),
    JSON.stringify({ openai: { realtimeUrl: realtime.url }, homeAssistant: { url: ha.url } }),
  );
  await writeFile(join(paths.config, 'ui-state.json'), JSON.stringify({ onboardingComplete: options.onboarded }));
  const cipher = new KeyFileCipher(join(paths.data, 'secret.key'));
  if (options.onboarded) {
    const secrets = new EncryptedFileSecretStore(join(paths.config, 'secrets.json'), cipher);
    await secrets.set('openai', 'test-key', new URL(realtime.url).origin);
    await secrets.set('home-assistant', ha.token, new URL(ha.url).origin);
  }
  const app = await startQuietApp(dir, {
    secretCipher: cipher,
    createMic: () => new PvRecorderMicSource({ deviceName: VIRTUAL_MIC_DEVICE }),
  });
  const web = await startWebServer({ app, staticDir: resolve('out/renderer'), port: 0, token: PAIRING_TOKEN });
  const browser = await launchChromium({ audioEnv: vmic.env });
  const opened: OpenedApp[] = [];
  return {
    app,
    web,
    realtime,
    ha,
    admin,
    browser,
    vmic,
    dir,
    async open({ query = '', viewport = { width: 1280, height: 800 } } = {}) {
      const context = await browser.newContext({ viewport, locale: 'en-GB' });
      const page = await context.newPage();
      const problems = collectProblems(page);
      await page.goto(`${web.url}?token=${PAIRING_TOKEN}${query ? `&${query}` : ''}`);
      const hearth = new HearthPage(page);
      await hearth.waitUntilReady();
      const result = { page, hearth, problems, close: () => context.close() };
      opened.push(result);
      return result;
    },
    async close() {
      for (const o of opened) await o.close().catch(() => undefined);
      await browser.closeAndClean();
      await web.close();
      await app.shutdown();
      await realtime.close();
      await admin.close();
      await ha.stop();
      await vmic.stop();
      restoreEnv();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
