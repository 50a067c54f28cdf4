import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { defaultSettings } from '../../../preload/contract/settings-schema.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MainToWorkletMessage, WorkletToMainMessage } from '../../../preload/contract/player-protocol.js';
import { startAssistantApp, type AssistantApp, type StartAssistantAppOptions } from '../../../main/app/assistant-app.js';
import { HeadlessPlayer } from '../../../main/audio/headless-player.js';
import { int16ToBase64 } from '../../../main/audio/pcm.js';
import type { PlayerPort } from '../../../main/audio/renderer-player.js';
import { SilentMicSource } from '../../../main/audio/silent-mic-source.js';
import { PageMicSource } from '../../../main/audio/page-mic-source.js';
import type { Player } from '../../../main/audio/player.js';
import { KeyFileCipher } from '../../../main/secrets/secret-cipher.js';
import { ManualClock } from '../../fakes/manual-clock.js';
import { ScriptedRealtimeTransport } from '../../fakes/scripted-realtime-transport.js';
import { FakeMicSource } from '../../fakes/fake-mic-source.js';
import { FakeEchoCanceller, fakeEchoEngine, testChirp } from '../../fakes/fake-echo-canceller.js';

const flush = () => new Promise((r) => setImmediate(r));
let app: AssistantApp | undefined;

/** The app as the tests start it: a temporary config folder, a scripted transport, no wake word or hotkey. */
async function startTestApp(
  dir: string,
  seams: { clock: ManualClock; transport: ScriptedRealtimeTransport; fallbackPlayer?: Player } & Partial<StartAssistantAppOptions>,
): Promise<AssistantApp> {
  return startAssistantApp({
    paths: { config: join(dir, 'config'), data: join(dir, 'data'), logs: join(dir, 'logs') },
    secretCipher: new KeyFileCipher(join(dir, 'data', 'secret.key')),
    env: { OPENAI_API_KEY: 'test-key' },
    createMic: () => new SilentMicSource(),
    wakeWord: 'off',
    pushToTalk: 'off',
    ...seams,
    fallbackPlayer: seams.fallbackPlayer ?? (await HeadlessPlayer.create({ clock: seams.clock })),
  });
}

afterEach(async () => {
  await app?.shutdown();
  app = undefined;
});

async function setup() {
  const dir = await mkdtemp(join(tmpdir(), 'hearth-app-'));
  const clock = new ManualClock();
  const transport = new ScriptedRealtimeTransport();
  const fallback = await HeadlessPlayer.create({ clock });
  app = await startTestApp(dir, { clock, transport, fallbackPlayer: fallback });
  const started = async (text: string) => {
    const sent = await app!.invoke('conversation:send-text', [{ text }]);
    if (!sent.ok) throw new Error(sent.error.message);
    await flush();
    transport.open();
    await flush();
    transport.server({ type: 'session.updated', session: {} });
  };
  const reply = (id: string, ms: number) => {
    transport.server({ type: 'response.created', response: { id } });
    transport.server({
      type: 'response.output_audio.delta',
      response_id: id,
      item_id: `item_${id}`,
      delta: int16ToBase64(new Int16Array((ms * 24_000) / 1000).fill(300)),
    });
  };
  return { app, clock, transport, fallback, started, reply };
}

/** A window's audio port that records what it is sent and never plays (enough to see who gets the audio). */
function recordingPort(): PlayerPort & { received: MainToWorkletMessage[] } {
  const received: MainToWorkletMessage[] = [];
  return {
    received,
    postMessage: (message: MainToWorkletMessage) => void received.push(message),
    onMessage: (_listener: (message: WorkletToMainMessage) => void) => () => undefined,
  } as PlayerPort & { received: MainToWorkletMessage[] };
}

describe('AssistantApp: invoke', () => {
  it('answers a name outside the contract, even an Object.prototype member, with an invalid_request error', async () => {
    const { app } = await setup();
    for (const channel of ['constructor', 'toString', '__proto__', 'system:reboot']) {
      expect(await app.invoke(channel, [])).toEqual({
        ok: false,
        error: { name: 'AppError', source: 'app', category: 'invalid_request', permanent: true, message: `Unknown channel ${channel}.` },
      });
    }
  });

  it('answers a channel that is not a string, even an object with a broken toString, without throwing', async () => {
    const { app } = await setup();
    for (const [channel, shown] of [
      [{ toString: 1 }, '(not a name: object)'],
      [null, '(not a name: null)'],
      [42, '(not a name: number)'],
    ] as const) {
      expect(await app.invoke(channel, [])).toEqual({
        ok: false,
        error: { name: 'AppError', source: 'app', category: 'invalid_request', permanent: true, message: `Unknown channel ${shown}.` },
      });
    }
  });
});

describe('AssistantApp: settings that need a new session', () => {
  it('a voice change mid-reply keeps the session until the assistant rests, then closes it', async () => {
    const { app, clock, transport, started, reply } = await setup();
    await started('tell me a story');
    reply('resp_1', 1000);
    const updates = transport.sentOfType('session.update').length;
    const result = await app.invoke('settings:update', [{ openai: { voice: 'cedar' } }]);
    expect(result).toMatchObject({ ok: true, value: { ok: true } });
    expect(transport.sentOfType('session.update')).toHaveLength(updates); // the server would refuse another voice now
    expect(transport.status).toBe('open');
    transport.server({ type: 'response.done', response: { id: 'resp_1', status: 'completed' } });
    clock.advance(1100); // the reply has played: the assistant rests
    await flush();
    expect(transport.status).toBe('closed');
  });
});

describe('AssistantApp: audio outputs', () => {
  it('a window attached mid-reply takes over only after the reply has played', async () => {
    const { app, clock, fallback, started, reply } = await setup();
    await started('hello');
    reply('resp_1', 1000);
    const port = recordingPort();
    const detach = app.attachAudioPort(port);
    clock.advance(500);
    expect(fallback.isPlaying).toBe(true); // not cut off by the new window
    expect(port.received.filter((m) => m.type === 'chunk')).toEqual([]);
    clock.advance(700); // played out on the fallback
    reply('resp_2', 200);
    expect(port.received.filter((m) => m.type === 'chunk').length).toBeGreaterThan(0);
    detach();
  });
});

describe('AssistantApp: a web page as the microphone', () => {
  it('Talk pressed on a device with its microphone on gives that page the conversation: its microphone is heard and the reply plays on its output, not the newest one', async () => {
    const { app, clock, transport, reply } = await setup();
    const kitchenPort = recordingPort();
    const bedroomPort = recordingPort();
    let kitchenPlayer: Player | undefined;
    app.attachAudioPort(kitchenPort, { onPlayer: (p) => (kitchenPlayer = p) });
    app.attachAudioPort(bedroomPort); // the newest output: it would play the reply
    const kitchenMic = new PageMicSource({ now: () => clock.now() });
    await kitchenMic.start();
    const remove = app.addPageMic({
      deviceId: 'kitchen',
      label: 'Kitchen',
      mic: kitchenMic,
      onBusy: () => {},
      output: () => kitchenPlayer,
    });
    expect(app.pageMicCount).toBe(1);
    app.claimMicForDevice('kitchen'); // as web mode does for the Talk button pressed on that device
    const pressed = await app.invoke('conversation:start', [{ source: 'button' }]);
    expect(pressed.ok).toBe(true);
    await flush();
    transport.open();
    await flush();
    transport.server({ type: 'session.updated', session: {} });
    await flush();
    for (let i = 0; i < 5; i++) {
      clock.advance(32);
      kitchenMic.push(new Int16Array(512).fill(1234));
    }
    expect(transport.sentOfType('input_audio_buffer.append').length).toBeGreaterThan(0); // the kitchen is heard
    reply('resp_1', 200);
    expect(kitchenPort.received.filter((m) => m.type === 'chunk').length).toBeGreaterThan(0);
    expect(bedroomPort.received.filter((m) => m.type === 'chunk')).toEqual([]);
    remove();
    expect(app.pageMicCount).toBe(0);
  });
});

describe('model notices at start and on change', () => {
  async function startWith(model: string, version = 1) {
    const dir = await mkdtemp(join(tmpdir(), 'hearth-app-models-'));
    await mkdir(join(dir, 'config'), { recursive: true });
    const file = { ...defaultSettings(), version } as Record<string, any>;
    file.openai = { ...file.openai, model };
    await writeFile(join(dir, 'config', 'settings.json'), JSON.stringify(file));
    const clock = new ManualClock();
    app = await startTestApp(dir, { clock, transport: new ScriptedRealtimeTransport() });
    return { app, status: () => app!.status().lastError };
  }

  it('the old default is moved to gpt-realtime-2 and the user is told once', async () => {
    const { app, status } = await startWith('gpt-realtime');
    expect(app.settings.openai.model).toBe('gpt-realtime-2');
    expect(status()).toMatchObject({ code: 'settings_migrated', permanent: false, message: expect.stringContaining('gpt-realtime-2') });
  });

  it('a retiring model chosen by the user is kept, with a notice naming the date and the replacement', async () => {
    const { app, status } = await startWith('gpt-realtime-mini');
    expect(app.settings.openai.model).toBe('gpt-realtime-mini');
    expect(status()).toMatchObject({ code: 'model_retiring', message: expect.stringMatching(/2027-01-20.*gpt-realtime-2\.1-mini/) });
  });

  it('no notice for a current model', async () => {
    const { status } = await startWith('gpt-realtime-2.1', 2);
    expect(status()).toBeNull();
  });
});

describe('echo:self-test', () => {
  async function startWithEcho(engine: ReturnType<typeof fakeEchoEngine> | null) {
    const dir = await mkdtemp(join(tmpdir(), 'hearth-app-echo-'));
    const clock = new ManualClock();
    const transport = new ScriptedRealtimeTransport();
    const mic = new FakeMicSource();
    app = await startTestApp(dir, { clock, transport, createMic: () => mic, echoEngine: engine });
    return { app, clock, mic, transport, dir };
  }

  it('measures, stores the result in the settings and answers with the mode in effect', async () => {
    let canceller: FakeEchoCanceller | undefined;
    const engine = fakeEchoEngine((raw) => (canceller = new FakeEchoCanceller(raw)), { signal: testChirp(1), recommend: 'half' });
    const { app, clock, mic, dir } = await startWithEcho(engine);
    expect(canceller!.enabled).toBe(true); // auto, no self-test yet: cancelled full duplex
    const answer = app.invoke('echo:self-test', []);
    await flush();
    const during: boolean[] = [];
    for (let i = 0; i < 200 && engine.measured.length === 0; i++) {
      during.push(canceller!.enabled);
      mic.push(1);
      clock.advance(32);
      await flush();
    }
    const result = await answer;
    expect(during.every((enabled) => !enabled)).toBe(true); // the raw microphone was recorded
    expect(result).toMatchObject({
      ok: true,
      value: { ok: true, duplex: 'half', result: { recommended: 'half', reason: 'too-much-echo' } },
    });
    expect(app.settings.listening.echoTest).toMatchObject({ recommended: 'half', erleDb: 4, at: expect.any(String) });
    expect(JSON.parse(await readFile(join(dir, 'config', 'settings.json'), 'utf8')).listening.echoTest.recommended).toBe('half');
    expect(canceller!.enabled).toBe(false); // auto now falls back to half duplex
    expect(app.status().lastError).toMatchObject({ code: 'echo_self_test' });
  });

  it('answers as data when it cannot run: no canceller in the build, a conversation running, the microphone muted', async () => {
    const none = await startWithEcho(null);
    expect(await none.app.invoke('echo:self-test', [])).toEqual({
      ok: true,
      value: { ok: false, failure: 'unavailable', message: expect.any(String) },
    });
    await none.app.shutdown();
    const { app, transport } = await startWithEcho(fakeEchoEngine());
    await app.invoke('conversation:send-text', [{ text: 'hello' }]);
    await flush();
    transport.open();
    await flush();
    expect(await app.invoke('echo:self-test', [])).toMatchObject({ ok: true, value: { ok: false, failure: 'conversation-running' } });
    app.stopConversation();
    await app.setMuted(true);
    expect(await app.invoke('echo:self-test', [])).toMatchObject({ ok: true, value: { ok: false, failure: 'mic-muted' } });
  });
});
