import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AssistantApp } from '../../../main/app/assistant-app.js';
import { startQuietApp } from '../../helpers/quiet-app.js';
import { resampleClip } from '../../../main/audio/resampler.js';
import { encodeWav } from '../../../main/audio/wav.js';
import { EncryptedFileSecretStore } from '../../../main/secrets/encrypted-file-secret-store.js';
import { KeyFileCipher } from '../../../main/secrets/secret-cipher.js';
import { generatePairingToken } from '../../../main/web/token-file.js';
import { startWebServer, type WebServer } from '../../../main/web/web-server.js';
import { encodeMicFrame, encodeMicMessage } from '../../../preload/contract/mic-wire.js';
import { bestMatch } from '../../helpers/best-match.js';
import { launchChromium, type LaunchedChromium } from '../../helpers/chromium.js';
import { requireSpeechTools, synthesize } from '../../helpers/speech.js';
import { eventually } from '../../helpers/wait.js';
import { createFakeRealtimeServer, type FakeRealtimeServer } from '../../servers/fake-realtime-server.js';
import { collectProblems } from '../pages/page-problems.js';
import { concatInt16 } from '../../../main/audio/pcm.js';

/**
 * Any browser as a microphone: a real Chromium page whose microphone is Chromium's fake capture
 * device playing a WAV file (espeak-ng: a sentence without the wake word, then "hey jarvis, turn on
 * the kitchen lights"), paired with the real web server and engine. The page captures in its
 * AudioWorklet and sends 16 kHz frames on its audio socket; openWakeWord runs on the server for that
 * page; the command's exact audio must reach the fake Realtime server, and nothing before the wake.
 *
 * Chromium's fake capture loops the file. The file ends in a long silence, every check looks at the
 * first wake and the audio the server held when it started its first response, and nothing depends
 * on where in the loop the capture began (a wake missed while the page's detector was starting is
 * caught on the next loop).
 */

const TOKEN = generatePairingToken();
const RATE = 16_000;

describe('web mode: a browser page as the microphone', () => {
  let dir: string;
  let realtime: FakeRealtimeServer;
  let app: AssistantApp;
  let web: WebServer;
  let browser: LaunchedChromium;
  let command: Int16Array;
  let distractor: Int16Array;
  const sentBeforeWake: number[] = [];
  let woke = false;

  beforeAll(async () => {
    requireSpeechTools();
    dir = await mkdtemp(join(tmpdir(), 'hearth-page-mic-'));
    distractor = await synthesize(
      dir,
      { id: 'distractor', text: 'what is the weather like in lisbon today', voice: 'en-us', speed: 150 },
      0,
    );
    const wake = await synthesize(dir, { id: 'wake', text: 'hey jarvis, turn on the kitchen lights', voice: 'en-us', speed: 150 }, 0);
    // The command: the last 45 % of the utterance (after "hey jarvis,"), as the listening test takes it.
    command = wake.subarray(Math.floor(wake.length * 0.55));
    const silence = (seconds: number) => new Int16Array(Math.round(RATE * seconds));
    const file = concatInt16([silence(2), distractor, silence(1.5), wake, silence(25)]);
    const wav = join(dir, 'page-mic.wav');
    await writeFile(wav, encodeWav(file, RATE));

    realtime = await createFakeRealtimeServer({
      responder: (ctx) =>
        /story/.test(ctx.userText ?? '')
          ? { items: [{ type: 'message', text: 'Once upon a time…', audioMs: 90_000 }] }
          : { userTranscript: 'turn on the kitchen lights', items: [{ type: 'message', text: 'Okay.', audioMs: 300 }] },
    });
    const paths = { config: join(dir, 'config'), data: join(dir, 'data'), logs: join(dir, 'logs') };
    await mkdir(paths.config, { recursive: true });
    await writeFile(
      join(paths.config, 'settings.json'),
      JSON.stringify({ openai: { realtimeUrl: realtime.url }, listening: { duplex: 'half' }, conversation: { followUpSeconds: 1 } }),
    );
    await writeFile(join(paths.config, 'ui-state.json'), JSON.stringify({ onboardingComplete: true }));
    const cipher = new KeyFileCipher(join(paths.data, 'secret.key'));
    await new EncryptedFileSecretStore(join(paths.config, 'secrets.json'), cipher).set('openai', 'test-key', new URL(realtime.url).origin);
    // The machine running Hearth has no microphone here (a silent one): everything heard comes from the page.
    app = await startQuietApp(dir, {
      secretCipher: cipher,
      wakeWord: 'settings',
      wakeWordWorkerEntry: resolve('out/main/wake-word/wake-word-worker.js'),
    });
    app.controller.on('wake', (d) => {
      if (d.accepted) woke = true;
    });
    app.controller.on('audio_sent', (frame) => {
      if (!woke) sentBeforeWake.push(frame.timestampMs);
    });
    web = await startWebServer({ app, staticDir: resolve('out/renderer'), port: 0, token: TOKEN });
    browser = await launchChromium({
      args: ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${wav}`],
    });
  }, 240_000);

  afterAll(async () => {
    await browser?.closeAndClean();
    await web?.close();
    await app?.shutdown();
    await realtime?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function openPage(target: LaunchedChromium): Promise<{ page: Page; problems: string[]; close(): Promise<void> }> {
    const context = await target.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    const problems = collectProblems(page);
    await page.goto(`${web.url}?token=${TOKEN}`);
    await page.locator('.app').first().waitFor({ state: 'visible', timeout: 20_000 });
    return { page, problems, close: () => context.close() };
  }

  it("wakes Hearth from the page's microphone and the command's exact audio reaches the server, with nothing sent before the wake", async () => {
    const { page, problems, close } = await openPage(browser);
    try {
      expect(realtime.connections).toHaveLength(0);
      await page.getByLabel("Use this device's microphone").check();
      await page.locator('[data-mic-state="on"]').waitFor({ timeout: 20_000 });
      // The remembered choice: the next visit of this browser starts the microphone by itself.
      const stored = await page.evaluate(() =>
        (globalThis as unknown as { localStorage: { getItem(k: string): string | null } }).localStorage.getItem('hearth.useThisMicrophone'),
      );
      expect(stored).toBe('1');

      const connection = await realtime.waitForConnection(0, 120_000);
      const created = await realtime.waitForServerEvent('response.created', { timeoutMs: 60_000 });
      expect(created.connectionIndex).toBe(0);
      expect(woke).toBe(true);
      // Privacy: not one frame went towards OpenAI before the wake word.
      expect(sentBeforeWake).toEqual([]);
      const received = connection.appendedPcm();
      const commandScore = bestMatch(received, await resampleClip(command, RATE, 24_000));
      const distractorScore = bestMatch(received, await resampleClip(distractor, RATE, 24_000));
      console.info(`page microphone: command match ${commandScore.toFixed(3)}, sentence before the wake ${distractorScore.toFixed(3)}`);
      // Through the page's worklet (Chromium's rate → 16 kHz) and the engine (16 → 24 kHz).
      expect(commandScore).toBeGreaterThan(0.9);
      expect(distractorScore).toBeLessThan(0.5);
      // The conversation rests again; the page stays the microphone (it may wake Hearth again).
      await eventually(
        () => app.controller.state.kind,
        (k) => k === 'listening-for-wake-word',
        60_000,
      );
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  }, 300_000);

  it('a wake word on a page while the conversation belongs to another device is answered "busy in <device>"', async () => {
    const { page, close } = await openPage(browser);
    try {
      const appended = () => realtime.connections.reduce((n, c) => n + c.appendedBytes, 0);
      // Someone types on another screen: the conversation is the machine's, and a long answer plays.
      app.controller.sendText('tell me a long story');
      await eventually(
        () => app.controller.state,
        (s) => s.kind === 'conversing' && s.phase === 'assistant-speaking',
        60_000,
      );
      // Only then this page's microphone (its file starts when the capture opens): its wake word
      // cannot come before the other conversation has begun.
      const mark = realtime.mark();
      await page.getByLabel("Use this device's microphone").check();
      await page.locator('[data-mic-state="on"]').waitFor({ timeout: 20_000 });
      const before = appended();
      // The page's file loops: its wake word comes round within one loop (about 35 s).
      const banner = page.getByText(/Hearth is busy in this computer/);
      await banner.waitFor({ timeout: 100_000 });
      expect(app.controller.state.kind).toBe('conversing');
      // Nothing of the page was sent meanwhile, and it opened no session of its own.
      expect(appended()).toBe(before);
      expect(realtime.log.filter((e) => e.seq >= mark && e.event.type === 'session.created')).toEqual([]);
      app.stopConversation();
    } finally {
      await close();
    }
  }, 240_000);

  it('a page the browser refuses the microphone says so, in its language', async () => {
    const denying = await launchChromium({ args: ['--use-fake-device-for-media-stream', '--deny-permission-prompts'] });
    try {
      const context = await denying.newContext({ locale: 'fr-FR' });
      const page = await context.newPage();
      await page.goto(`${web.url}?token=${TOKEN}`);
      await page.locator('.app').first().waitFor({ state: 'visible', timeout: 20_000 });
      await page.getByLabel('Utiliser le micro de cet appareil').check();
      await page.locator('[data-mic-state="denied"]').waitFor({ timeout: 20_000 });
      await expect.poll(() => page.getByRole('alert').filter({ hasText: 'Micro bloqué' }).count()).toBe(1);
    } finally {
      await denying.closeAndClean();
    }
  }, 120_000);

  it('an unpaired socket cannot send audio, and a paired one is not heard before it starts a capture', async () => {
    const wsUrl = `${web.url.replace('http', 'ws')}api/audio`;
    const origin = web.url.replace(/\/$/, '');
    const status = await new Promise<number>((resolveStatus, reject) => {
      const ws = new WebSocket(wsUrl, { headers: { Origin: origin } });
      ws.on('unexpected-response', (_req, res) => resolveStatus(res.statusCode ?? 0));
      ws.on('open', () => reject(new Error('an unpaired socket was accepted')));
      ws.on('error', () => undefined);
    });
    expect(status).toBe(401);

    // A paired browser's cookie, but frames without mic-start: dropped, nothing joins.
    const pair = await fetch(`${web.url}?token=${TOKEN}`, { redirect: 'manual' });
    const cookie = pair.headers
      .getSetCookie()
      .map((c) => c.split(';')[0]!)
      .find((c) => c.startsWith('hearth_session=') && c.length > 'hearth_session='.length)!;
    const before = realtime.connections.length;
    const ws = new WebSocket(wsUrl, { headers: { Origin: origin, Cookie: cookie } });
    await new Promise((r) => ws.once('open', r));
    // The server answers a ping after it has handled everything sent before it.
    const roundTrip = () => new Promise<void>((r) => (ws.once('pong', () => r()), ws.ping()));
    for (let i = 0; i < 50; i++) ws.send(encodeMicFrame(i, new Int16Array(512).fill(8000)));
    ws.send(encodeMicMessage({ type: 'mic-start', sampleRate: 48_000, frameSamples: 512 })); // not the format: refused
    ws.send(Buffer.from('garbage'));
    await roundTrip();
    expect(app.pageMicCount).toBe(0);
    // The same socket with the right start message does join (so the check above could fail).
    ws.send(encodeMicMessage({ type: 'mic-start', sampleRate: 16_000, frameSamples: 512, name: 'Test socket' }));
    await roundTrip();
    expect(app.pageMicCount).toBe(1);
    ws.close();
    await eventually(
      () => app.pageMicCount,
      (n) => n === 0,
    );
    expect(realtime.connections.length).toBe(before);
  }, 60_000);
});
