import { describe, expect, it } from 'vitest';
import { createAssistant } from '../../../main/app/compose.js';
import { defaultSettings, type Settings } from '../../../preload/contract/settings-schema.js';
import { HeadlessPlayer } from '../../../main/audio/headless-player.js';
import { int16ToBase64 } from '../../../main/audio/pcm.js';
import type { AssistantError } from '../../../main/util/errors.js';
import { FakeMicSource } from '../../fakes/fake-mic-source.js';
import { FakeEchoCanceller, fakeEchoEngine } from '../../fakes/fake-echo-canceller.js';
import type { MicSource } from '../../../main/audio/mic-source.js';
import type { EchoTestResult } from '../../../preload/contract/settings-schema.js';
import { FakeWakeWordDetector } from '../../fakes/fake-wake-word-detector.js';
import { ManualClock } from '../../fakes/manual-clock.js';
import { ScriptedRealtimeTransport } from '../../fakes/scripted-realtime-transport.js';
import { RESPONSE_WATCHDOG_MS } from '../../../main/realtime/response-watchdog.js';

const flush = () => new Promise((r) => setImmediate(r));

async function setup(change: (s: Settings) => void = () => undefined, withWake = true, withCanceller = false) {
  const clock = new ManualClock();
  const settings = defaultSettings();
  change(settings);
  const mic = new FakeMicSource();
  const wake = withWake ? new FakeWakeWordDetector() : undefined;
  const transport = new ScriptedRealtimeTransport();
  const player = await HeadlessPlayer.create({ clock });
  let canceller: FakeEchoCanceller | undefined;
  const assistant = await createAssistant({
    echoEngine: withCanceller ? fakeEchoEngine((raw: MicSource) => (canceller = new FakeEchoCanceller(raw))) : null,
    settings: () => settings,
    apiKeyFor: () => 'k',
    mic,
    player,
    transport,
    clock,
    ...(wake ? { wakeWord: wake } : {}),
  });
  const errors: AssistantError[] = [];
  assistant.controller.on('error', (e) => errors.push(e));
  await assistant.controller.start();
  /** Sample values of every frame sent to the server, decoded from the appends (resampled, so approximate). */
  const appendedSamples = () =>
    transport.sentOfType('input_audio_buffer.append').reduce((n, e) => n + Buffer.from(e.audio, 'base64').length / 2, 0);
  const openSession = async () => {
    transport.open();
    await flush();
    transport.server({ type: 'session.updated', session: {} });
  };
  const startReply = (ms: number) => {
    transport.server({ type: 'response.created', response: { id: 'resp_1' } });
    transport.server({
      type: 'response.output_audio.delta',
      response_id: 'resp_1',
      item_id: 'item_a',
      delta: int16ToBase64(new Int16Array((ms * 24000) / 1000).fill(500)),
    });
    transport.server({ type: 'response.done', response: { id: 'resp_1', status: 'completed' } });
  };
  return {
    clock,
    settings,
    mic,
    wake,
    transport,
    player,
    errors,
    controller: assistant.controller,
    echo: assistant.echo,
    canceller,
    appendedSamples,
    openSession,
    startReply,
  };
}

describe('AssistantController: the privacy gate, wake word and pre-roll', () => {
  it('sends nothing before a trigger, although the wake-word engine hears everything', async () => {
    const { mic, wake, transport } = await setup();
    mic.push(100);
    expect(wake!.frames).toHaveLength(100);
    expect(transport.sentOfType('input_audio_buffer.append')).toEqual([]);
    expect(transport.connectCalls).toHaveLength(0);
  });

  it('on a wake word, sends from 600 ms before the detection, then everything after, while connecting', async () => {
    const { mic, wake, transport, openSession, appendedSamples, controller } = await setup();
    mic.push(100);
    wake!.fire(); // detection at the end of frame 99 → 3200 ms; pre-roll from 2600 ms = frames 81..99
    expect(controller.state.kind).toBe('connecting');
    mic.push(10);
    await openSession();
    // 19 pre-roll frames + 10 later frames = 29 × 32 ms at 24 kHz, less the resampler's ~1 ms delay.
    expect(appendedSamples()).toBeGreaterThan(29 * 768 - 64);
    expect(appendedSamples()).toBeLessThanOrEqual(29 * 768);
    expect(transport.sent[0]!.type).toBe('session.update');
  });

  it('ignores a wake word heard while it speaks in full duplex (its own voice)', async () => {
    const { mic, wake, openSession, startReply, controller, player } = await setup((s) => (s.listening.duplex = 'full'));
    const heard: boolean[] = [];
    controller.on('wake', (d) => heard.push(d.accepted));
    mic.push(5);
    wake!.fire();
    await openSession();
    startReply(2000);
    expect(player.isPlaying).toBe(true);
    wake!.fire();
    expect(heard).toEqual([true, false]);
    expect(player.isPlaying).toBe(true);
  });
});

describe('AssistantController: pre-roll and watchdogs', () => {
  it('a wake word during an open conversation sends only the frames the gate held back, never one twice', async () => {
    const { mic, wake, openSession, controller } = await setup((s) => (s.listening.duplex = 'full'));
    const sent: number[] = [];
    controller.on('audio_sent', (f) => sent.push(f.timestampMs));
    mic.push(3);
    wake!.fire();
    await openSession();
    mic.push(30);
    wake!.fire(); // gate already open: the pre-roll window overlaps frames already sent
    mic.push(2);
    expect(new Set(sent).size).toBe(sent.length);
    expect(sent).toEqual([...sent].sort((a, b) => a - b));
  });

  it('gives up a connect that never becomes ready, with one clear error and the microphone closed', async () => {
    const { mic, wake, clock, controller } = await setup();
    mic.push(3);
    wake!.fire();
    expect(controller.state.kind).toBe('connecting');
    clock.advance(59_000);
    expect(controller.state.kind).toBe('connecting');
    clock.advance(2_000);
    expect(controller.state).toMatchObject({ kind: 'error', error: { source: 'openai', code: 'watchdog', permanent: false } });
    expect(controller.micGateOpen).toBe(false);
  });

  it('stops a turn stuck in thinking (no reply ever comes) and returns to listening for the wake word', async () => {
    const { mic, wake, clock, transport, openSession, controller, errors } = await setup();
    mic.push(3);
    wake!.fire();
    await openSession();
    transport.server({ type: 'input_audio_buffer.speech_started', item_id: 'u', audio_start_ms: 0 });
    transport.server({ type: 'input_audio_buffer.speech_stopped', item_id: 'u', audio_end_ms: 900 });
    expect(controller.state).toEqual({ kind: 'conversing', phase: 'thinking' });
    clock.advance(31_000);
    expect(controller.state.kind).toBe('listening-for-wake-word');
    expect(controller.micGateOpen).toBe(false);
    expect(errors.map((e) => e.code)).toEqual(['watchdog']);
  });

  it('a response that was created but sends nothing is cancelled after the response watchdog; the user is told and can talk on', async () => {
    const { mic, wake, clock, transport, openSession, controller, errors, settings } = await setup();
    mic.push(3);
    wake!.fire();
    await openSession();
    transport.server({ type: 'input_audio_buffer.speech_started', item_id: 'u', audio_start_ms: 0 });
    transport.server({ type: 'input_audio_buffer.speech_stopped', item_id: 'u', audio_end_ms: 900 });
    transport.server({ type: 'response.created', response: { id: 'resp_hung' } });
    clock.advance(RESPONSE_WATCHDOG_MS);
    expect(transport.sentOfType('response.cancel')).toEqual([{ type: 'response.cancel', response_id: 'resp_hung' }]);
    expect(errors.map((e) => e.code)).toEqual(['response_timeout']);
    expect(controller.state).toEqual({ kind: 'conversing', phase: 'thinking' });
    transport.server({ type: 'response.done', response: { id: 'resp_hung', status: 'cancelled' } });
    // Back to listening for a follow-up, long before the state machine's own 30 s limit.
    expect(controller.state).toEqual({ kind: 'follow-up' });
    expect(controller.micGateOpen).toBe(true);
    clock.advance(settings.conversation.followUpSeconds * 1000);
    expect(controller.state.kind).toBe('listening-for-wake-word');
    expect(errors.map((e) => e.code)).toEqual(['response_timeout']);
  });
});

describe('AssistantController: half duplex for speakers', () => {
  it('keeps the microphone from the server while the reply plays and for the tail after it', async () => {
    const { mic, wake, clock, openSession, startReply, appendedSamples } = await setup((s) => {
      s.listening.duplex = 'half';
      s.listening.halfDuplexTailMs = 300;
    });
    mic.push(3);
    wake!.fire();
    await openSession();
    const before = appendedSamples();
    startReply(1000);
    mic.push(20, () => 20000); // a loud voice while the reply plays
    clock.advance(500);
    expect(appendedSamples()).toBe(before);
    clock.advance(600); // reply over at 1000 ms
    mic.push(2);
    expect(appendedSamples()).toBe(before);
    clock.advance(300); // after the tail
    mic.push(2);
    expect(appendedSamples()).toBeGreaterThan(before);
  });

  it('lets the wake word interrupt: playback stops and the truncation is sent', async () => {
    const { mic, wake, clock, transport, openSession, startReply, player, controller } = await setup((s) => (s.listening.duplex = 'half'));
    mic.push(3);
    wake!.fire();
    await openSession();
    startReply(3000);
    clock.advance(400);
    mic.push(5);
    wake!.fire();
    await flush();
    expect(player.isPlaying).toBe(false);
    expect(transport.sentOfType('conversation.item.truncate')[0]).toMatchObject({ item_id: 'item_a', audio_end_ms: 400 });
    expect(controller.state).toEqual({ kind: 'conversing', phase: 'listening' });
  });

  it('full duplex sends the microphone during playback (the server hears barge-in)', async () => {
    const { mic, wake, openSession, startReply, appendedSamples } = await setup((s) => (s.listening.duplex = 'full'));
    mic.push(3);
    wake!.fire();
    await openSession();
    startReply(1000);
    const before = appendedSamples();
    mic.push(5);
    expect(appendedSamples()).toBeGreaterThan(before);
  });
});

const echoTest = (recommended: 'full' | 'half'): EchoTestResult => ({
  at: '2026-12-07T15:00:00.000Z',
  delayMs: 60,
  echoLevelDb: -6,
  erleDb: recommended === 'full' ? 30 : 3,
  erleFirstSecondDb: recommended === 'full' ? 18 : 1,
  recommended,
  reason: recommended === 'full' ? 'cancelled' : 'too-much-echo',
});

/** Auto duplex after a self-test that recommended `recommended`, with a canceller; collects the echo notices' codes. */
async function setupAutoDuplex(recommended: 'full' | 'half') {
  const t = await setup(
    (s) => {
      s.listening.duplex = 'auto';
      s.listening.echoTest = echoTest(recommended);
    },
    true,
    true,
  );
  const notices: string[] = [];
  t.echo.on('notice', (n) => notices.push(n.code ?? ''));
  return { ...t, notices };
}

describe('AssistantController: auto duplex with echo cancellation', () => {
  it('auto with a running canceller listens while it speaks, feeds it the played audio, and takes the wake word', async () => {
    const { mic, wake, clock, openSession, startReply, appendedSamples, controller, canceller, player } = await setup(
      (s) => (s.listening.duplex = 'auto'),
      true,
      true,
    );
    expect(canceller!.enabled).toBe(true);
    const heard: boolean[] = [];
    controller.on('wake', (d) => heard.push(d.accepted));
    mic.push(3);
    wake!.fire();
    await openSession();
    startReply(2000);
    clock.advance(300);
    const before = appendedSamples();
    mic.push(5, () => 20000); // the user talks over the reply: the (cancelled) audio reaches the server VAD
    expect(appendedSamples()).toBeGreaterThan(before);
    expect(canceller!.played.reduce((n, p) => n + p.samples.length, 0)).toBe(0.3 * 24_000);
    wake!.fire(); // heard on the cancelled signal: the user's, not the assistant's own voice
    await flush();
    expect(heard).toEqual([true, true]);
    expect(player.isPlaying).toBe(false);
  });

  it('auto falls back to half duplex when the self-test said the echo path is too bad, with one notice', async () => {
    const { mic, wake, clock, openSession, startReply, appendedSamples, canceller, echo, notices } = await setupAutoDuplex('half');
    expect(canceller!.enabled).toBe(false);
    expect(echo.current()).toEqual({ mode: 'half', cancelling: false, fallback: 'self-test' });
    mic.push(3);
    wake!.fire();
    await openSession();
    startReply(1000);
    clock.advance(200);
    const before = appendedSamples();
    mic.push(5, () => 20000);
    expect(appendedSamples()).toBe(before);
    expect(canceller!.played).toEqual([]);
    mic.push(5);
    expect(notices).toEqual(['echo_self_test']); // once, not per frame
  });

  it('auto falls back to half duplex when the canceller fails mid-reply: one notice, the microphone closed while it speaks', async () => {
    const { mic, wake, clock, openSession, startReply, appendedSamples, canceller, notices } = await setupAutoDuplex('full');
    mic.push(3);
    wake!.fire();
    await openSession();
    startReply(2000);
    clock.advance(200);
    canceller!.fail();
    const before = appendedSamples();
    mic.push(5, () => 20000);
    clock.advance(200);
    mic.push(5, () => 20000);
    expect(appendedSamples()).toBe(before);
    expect(notices).toEqual(['echo_canceller_failed']);
    expect(canceller!.enabledCalls.at(-1)).toBe(false);
  });

  it('half and full keep the canceller off (full is the raw microphone: a headset), so full still ignores its own voice', async () => {
    const half = await setup((s) => (s.listening.duplex = 'half'), true, true);
    expect(half.canceller!.enabled).toBe(false);
    const full = await setup((s) => (s.listening.duplex = 'full'), true, true);
    expect(full.canceller!.enabled).toBe(false);
    const heard: boolean[] = [];
    full.controller.on('wake', (d) => heard.push(d.accepted));
    full.mic.push(3);
    full.wake!.fire();
    await full.openSession();
    full.startReply(2000);
    full.wake!.fire();
    expect(heard).toEqual([true, false]);
  });

  it('switches when the setting changes: auto to half turns the canceller off at once', async () => {
    const { settings, canceller, echo } = await setup((s) => (s.listening.duplex = 'auto'), true, true);
    expect(canceller!.enabled).toBe(true);
    settings.listening.duplex = 'half';
    expect(echo.current()).toEqual({ mode: 'half', cancelling: false });
    expect(canceller!.enabled).toBe(false);
  });
});

describe('AssistantController: mute and push-to-talk', () => {
  it('mute stops capture and refuses voice starts with one clear message; typing still works', async () => {
    const { mic, controller, errors, transport } = await setup();
    await controller.setMuted(true);
    expect(mic.muted).toBe(true);
    expect(controller.state.kind).toBe('idle');
    controller.startConversation('push-to-talk');
    expect(errors.map((e) => e.code)).toEqual(['mic_muted']);
    expect(transport.connectCalls).toHaveLength(0);
    controller.sendText('hello');
    expect(transport.connectCalls).toHaveLength(1);
    await controller.setMuted(false);
    expect(mic.muted).toBe(false);
  });

  it('a held push-to-talk turn switches server turn detection off and commits on release', async () => {
    const { mic, controller, transport, openSession } = await setup(undefined, false);
    controller.startConversation('push-to-talk', { hold: true });
    mic.push(20, () => 3000);
    await openSession();
    const first = transport.sentOfType('session.update')[0]!;
    expect(first.session.audio?.input?.turn_detection).toBeNull();
    controller.pushToTalkReleased();
    const types = transport.sent.map((e) => e.type);
    const commit = types.lastIndexOf('input_audio_buffer.commit');
    expect(commit).toBeGreaterThan(0);
    expect(types.slice(commit)).toEqual(['input_audio_buffer.commit', 'response.create', 'session.update']);
    const restored = transport.sentOfType('session.update').at(-1)!;
    expect(restored.session.audio?.input?.turn_detection).toMatchObject({ type: 'server_vad' });
  });
});
