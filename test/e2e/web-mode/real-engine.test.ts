import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { encodeWav } from '../../../main/audio/wav.js';
import { synthesize } from '../../helpers/speech.js';
import { eventually } from '../../helpers/wait.js';
import { loudSpan } from '../../helpers/virtual-mic.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAIRING_TOKEN, SCREENSHOTS, startRealApp, type OpenedApp, type RealApp } from './real-app-harness.js';
import type { Responder } from '../../servers/fake-realtime-server.js';

/**
 * Web mode end to end, with everything real that can be: the engine and web server, Home Assistant
 * 2024.3.3, Chromium, and PulseAudio (Chromium's audio is recorded from the sink's monitor). Only
 * OpenAI is the fake Realtime server.
 */

const STORY_MS = 4000;
const TONE_AMPLITUDE = 0.25 * 32767; // the fake server's reply tone

const responder: Responder = (ctx) => {
  const text = ctx.userText ?? '';
  if (/story/i.test(text))
    return { items: [{ type: 'message', text: 'Once upon a time, in a small kitchen, a light was left on.', audioMs: STORY_MS }] };
  if (/temperature/i.test(text)) return { items: [{ type: 'message', text: 'It is 15.6 degrees outside.', audioMs: 600 }] };
  return { items: [{ type: 'message', text: `You said: ${text}`, audioMs: 400 }] };
};

async function haState(real: RealApp, id: string): Promise<string> {
  const states = await real.admin.command<Array<{ entity_id: string; state: string }>>('get_states');
  return states.find((s) => s.entity_id === id)?.state ?? 'missing';
}

describe('web mode with the real engine, a real Home Assistant and real audio', () => {
  let real: RealApp;
  let opened: OpenedApp;

  beforeAll(async () => {
    real = await startRealApp({ onboarded: true, responder });
    opened = await real.open();
  }, 240_000);
  afterAll(async () => {
    await real?.close();
  });

  it('enforces the pairing token in the browser', async () => {
    const context = await real.browser.newContext();
    const page = await context.newPage();
    const response = await page.goto(real.web.url);
    expect(response?.status()).toBe(401);
    expect(await page.textContent('body')).toMatch(/Pairing token required/);
    const wrong = await page.goto(`${real.web.url}?token=not-the-token`);
    expect(wrong?.status()).toBe(401);
    await page.goto(`${real.web.url}?token=${PAIRING_TOKEN}`);
    expect(page.url()).toBe(real.web.url); // the token left the address bar for an HttpOnly cookie
    expect(await page.evaluate(() => (globalThis as unknown as { document: { cookie: string } }).document.cookie)).toBe('');
    await context.close();
  });

  it('shows a typed message and the streamed answer, with the connection health', async () => {
    const { hearth } = opened;
    await hearth.conversation.send('What is the temperature outside?');
    await hearth.conversation.waitForAssistant('It is 15.6 degrees outside.');
    const user = await hearth.conversation.messages('user').last().innerText();
    expect(user).toContain('What is the temperature outside?');
    await expect.poll(() => hearth.health('OpenAI').innerText()).toMatch(/Connected|Idle/);
    await expect.poll(() => hearth.health('Home Assistant').innerText()).toMatch(/Connected/);
    expect(opened.problems).toEqual([]);
  });

  it('a card toggle changes the real Home Assistant, and a change in Home Assistant updates the card', async () => {
    const { hearth } = opened;
    await hearth.goTo('Home');
    const card = hearth.home.card('Kitchen Lights');
    await card.toggle.waitFor();
    expect(await haState(real, 'light.kitchen_lights')).toBe('on');
    await card.toggle.click();
    await eventually(
      () => haState(real, 'light.kitchen_lights'),
      (s) => s === 'off',
    );
    await expect.poll(() => card.toggle.isChecked()).toBe(false);
    // Someone switches it on in Home Assistant itself.
    await real.admin.command('call_service', { domain: 'light', service: 'turn_on', target: { entity_id: 'light.kitchen_lights' } });
    await expect.poll(() => card.toggle.isChecked(), { timeout: 5000 }).toBe(true);
    await expect.poll(() => card.state.innerText()).toMatch(/On/);
    expect(opened.problems).toEqual([]);
  });

  it('plays the assistant audio for real and stops it within 50 ms of a barge-in', async () => {
    const { hearth } = opened;
    await hearth.goTo('Conversation');
    const sink = real.vmic.recordSink();
    while (sink.samples() < 16_000 * 0.3) await sleep(20); // some silence first
    const mark = real.realtime.mark();
    let stoppedAt = 0;
    const off = real.app.onEvent((channel, payload) => {
      const state = (payload as { status?: { state: { kind: string } } }).status?.state.kind;
      if (channel === 'status:changed' && stoppedAt === 0 && state === 'idle') stoppedAt = performance.now();
    });
    await hearth.conversation.send('Tell me a story');
    const firstDelta = await real.realtime.waitFor((e) => e.direction === 'out' && e.event.type === 'response.output_audio.delta', {
      since: mark,
      timeoutMs: 10_000,
    });
    await sleep(1500);
    await hearth.conversation.talkButton.click(); // "Stop" while it speaks: the user interrupts
    await eventually(
      async () => stoppedAt,
      (t) => t > 0,
      5000,
    );
    await sleep(600);
    off();
    const recorded = await sink.stop();

    const { start, end } = loudSpan(recorded, TONE_AMPLITUDE / 2);
    expect(start, 'no assistant audio reached the sound output').toBeGreaterThan(0);
    const ms = (n: number) => (n * 1000) / 16_000;
    let sum = 0;
    for (let i = start; i <= end; i++) sum += recorded[i]! * recorded[i]!;
    const rms = Math.sqrt(sum / (end - start + 1));
    const heardMs = ms(end + 1 - start);
    const expectedMs = stoppedAt - firstDelta.at;
    const context = JSON.stringify({ heardMs, expectedMs, rms });
    console.info(
      `barge-in in the browser: heard ${heardMs.toFixed(1)} ms of audio; first audio → stop took ${expectedMs.toFixed(1)} ms (difference ${(heardMs - expectedMs).toFixed(1)} ms)`,
    );
    // Really audible: the tone at its level (an RMS of amplitude/√2), not silence.
    expect(rms, context).toBeGreaterThan(0.6 * (TONE_AMPLITUDE / Math.SQRT2));
    // Cut short, well before the 4 s story ended…
    expect(heardMs, context).toBeLessThan(STORY_MS - 1000);
    // …within 50 ms of the barge-in: the sound lasted as long as from its first audio to the stop
    // (both edges cross the same output path, so the output latency cancels out).
    expect(heardMs - expectedMs, context).toBeLessThanOrEqual(50);
    // And the server was told exactly where the user cut in.
    const truncate = await real.realtime.waitForClientEvent('conversation.item.truncate', { since: mark });
    expect(Number(truncate.event.audio_end_ms)).toBeGreaterThan(1000);
    expect(Math.abs(Number(truncate.event.audio_end_ms) - heardMs), context).toBeLessThanOrEqual(80);
    expect(opened.problems).toEqual([]);
  });

  it('rejects bad settings with the field message and keeps the typed value; main refuses them too', async () => {
    const { hearth, page } = opened;
    await hearth.goTo('Settings');
    const speed = hearth.settings.field('Speaking speed');
    await speed.fill('3');
    await page.getByText('speed must be at most 1.5').waitFor();
    expect(await speed.inputValue()).toBe('3');
    await hearth.settings.save();
    await expect.poll(() => hearth.settings.saveStatus.textContent()).toBe('Fix the highlighted fields, then save.');
    expect(real.app.settings.openai.speed).toBe(1);
    // A client that skips the form's checks still cannot store it: main validates the whole settings.
    const result = await real.app.invoke('settings:update', [{ openai: { speed: 3 } }]);
    expect(result).toMatchObject({
      ok: true,
      value: { ok: false, issues: [{ path: 'openai.speed', message: 'speed must be at most 1.5' }] },
    });
    expect(real.app.settings.openai.speed).toBe(1);
    await speed.fill('1.2');
    await hearth.settings.save();
    await expect.poll(() => real.app.settings.openai.speed).toBe(1.2);
  });

  it('saves screenshots of the real app, light and kiosk', async () => {
    const { hearth, page } = opened;
    await hearth.goTo('Conversation');
    await page.screenshot({ path: join(SCREENSHOTS, 'real-conversation.png') });
    await hearth.goTo('Home');
    await page.screenshot({ path: join(SCREENSHOTS, 'real-home.png') });
    const kiosk = await real.open({ query: 'kiosk=1' });
    await kiosk.hearth.kiosk.root.waitFor();
    await kiosk.page.screenshot({ path: join(SCREENSHOTS, 'real-kiosk.png') });
    expect(kiosk.problems).toEqual([]);
  });
});

describe('web mode first run, against the real engine', () => {
  let real: RealApp;
  beforeAll(async () => {
    real = await startRealApp({ onboarded: false, responder });
  }, 240_000);
  afterAll(async () => {
    await real?.close();
  });

  it('onboarding gets a new user from nothing to a first spoken answer', async () => {
    const { hearth, page, problems } = await real.open();
    const { onboarding } = hearth;
    await expect(onboarding.title.textContent()).resolves.toBe('Welcome to Hearth');
    await onboarding.button('Get started').click();
    // The key is tried against the (fake) OpenAI: a wrong one is refused with the server's reason.
    const key = hearth.settings.secret('OpenAI API key');
    await key.input.fill('sk-wrong');
    await key.save.click();
    await expect.poll(() => key.result.innerText()).toMatch(/refused the API key/);
    await key.input.fill('test-key');
    await key.save.click();
    await expect.poll(() => key.status.innerText()).toBe('Set');
    await onboarding.button('Continue').click();
    // Home Assistant: tested for real.
    await page.getByLabel('Home Assistant address').fill(real.ha.url);
    await page.getByLabel('Long-lived access token').fill(real.ha.token);
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByText(/Connected to Home Assistant 2024\.3\.3/).waitFor({ timeout: 15_000 });
    await onboarding.button('Save and continue').click();
    await expect.poll(() => onboarding.title.textContent()).toBe('How will you start talking?');
    await onboarding.button('Save and continue').click();
    await expect.poll(() => onboarding.title.textContent()).toBe('Check the microphone');
    // Someone speaks: real audio into the virtual microphone, captured by PvRecorder in main.
    await page.getByText('Waiting to hear you…').waitFor();
    const voice = join(real.dir, 'hello.wav');
    await writeFile(
      voice,
      encodeWav(
        await synthesize(real.dir, { id: 'hello', text: 'hello hearth, can you hear me', voice: 'en-us', speed: 150 }, 0.2),
        16_000,
      ),
    );
    await real.vmic.play(voice);
    await page.getByText('Hearth can hear you.').waitFor({ timeout: 5000 });
    await onboarding.button('Continue').click();
    await expect.poll(() => onboarding.title.textContent()).toBe('Try it');
    await page.getByRole('button', { name: 'Talk' }).click();
    // The first spoken answer: typed here, since the test machine has no one to speak.
    await expect.poll(() => real.app.status().state.kind).not.toBe('idle');
    real.app.controller.sendText('Hello Hearth');
    await page.getByText('It works! Hearth answered.').waitFor({ timeout: 15_000 });
    await onboarding.button('Finish').click();
    await hearth.nav.waitFor();
    await expect.poll(() => real.app.fullState().onboarded).toBe(true);
    await expect.poll(() => real.app.home.health).toBe('connected');
    expect(problems).toEqual([]);
  });
});
