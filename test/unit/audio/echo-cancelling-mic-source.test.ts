/**
 * The echo canceller end to end below the app: the test room's recording goes through
 * EchoCancellingMicSource and the real worker (out/main/audio/echo/echo-worker.js, WebRTC AEC3),
 * fed with the played audio on a manual app clock, as the player would report it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pathToFileURL } from 'node:url';
import { EchoCanceller, resolveEchoWorkerEntry } from '../../../main/audio/echo/echo-canceller.js';
import { EchoCancellingMicSource } from '../../../main/audio/echo/echo-cancelling-mic-source.js';
import { MIC_FRAME_SAMPLES, MIC_SAMPLE_RATE, type PcmFrame } from '../../../main/audio/mic-source.js';
import { resampleClip } from '../../../main/audio/resampler.js';
import type { AssistantError } from '../../../main/util/errors.js';
import { ManualClock } from '../../fakes/manual-clock.js';
import { eventually } from '../../helpers/wait.js';
import { requireSpeechTools, synthesize } from '../../helpers/speech.js';
import { db, energy, joinFrames, micFrames, playRoom, recordRoom, RoomMicSource, type RoomOptions } from '../../helpers/test-room.js';

const WORKER = path.resolve('out/main/audio/echo/echo-worker.js');
const CRASHING_WORKER = path.resolve('test/fixtures/crashing-echo-worker.mjs');
const FAILING_WORKER = path.resolve('test/fixtures/failing-echo-worker.mjs');
const SECOND = MIC_SAMPLE_RATE;

let dir: string;
/** Hearth's reply, 24 kHz (espeak-ng), about 14 s. */
let reply: Int16Array;
/** The user talking over it, 16 kHz. */
let user: Int16Array;

beforeAll(async () => {
  requireSpeechTools();
  dir = await mkdtemp(path.join(tmpdir(), 'hearth-echo-'));
  const text =
    'The kitchen lights are now on. The living room is twenty one degrees, and the front door is locked. ' +
    'Tomorrow will be sunny with a high of eighteen. I have added milk and eggs to your shopping list. ' +
    'Is there anything else I can do for you?';
  reply = await resampleClip(await synthesize(dir, { id: 'reply', text, voice: 'en-us', speed: 170 }, 0.2), MIC_SAMPLE_RATE, 24_000);
  user = await synthesize(dir, { id: 'user', text: 'Stop, stop. Turn off the kitchen lights please.', voice: 'en-gb', speed: 160 }, 0);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

type Run = {
  frames: PcmFrame[];
  delivered: PcmFrame[];
  out: Float32Array;
  mic: Float32Array;
  source: EchoCancellingMicSource;
  errors: AssistantError[];
};

/** Plays the reply into the room from app time 500 ms and records what the canceller gives back. */
async function run(
  room: RoomOptions,
  options: {
    delayHintMs?: number | null;
    speech?: Int16Array;
    speechAtSample?: number;
    speechGain?: number;
    leadMs?: number;
    jitterMs?: number;
  } = {},
): Promise<Run> {
  const playedAtMs = 500;
  const lengthSamples = Math.round(((playedAtMs + (reply.length * 1000) / 24_000) / 1000 + 1.5) * SECOND);
  const recording = await recordRoom({
    room,
    played: reply,
    playedAtSample: (playedAtMs * SECOND) / 1000,
    lengthSamples,
    speech: options.speech,
    speechAtSample: options.speechAtSample,
    speechGain: options.speechGain,
  });
  const clock = new ManualClock();
  const mic = new RoomMicSource();
  const source = new EchoCancellingMicSource(mic, { clock, workerEntry: WORKER, delayHintMs: options.delayHintMs ?? null });
  const errors: AssistantError[] = [];
  source.on('error', (e) => errors.push(e));
  await source.setEnabled(true);
  expect(source.cancelling).toBe(true);
  const delivered = micFrames(recording.mic);
  const frames = await playRoom({
    source,
    mic,
    clock,
    recording: recording.mic,
    played: reply,
    playedAtMs,
    leadMs: options.leadMs,
    jitterMs: options.jitterMs,
  });
  await source.dispose();
  return { frames, delivered, out: joinFrames(frames), mic: Float32Array.from(recording.mic, (v) => v / 32768), source, errors };
}

/** ERLE over [from, to) of the recording (the output lags by the canceller's constant latency). */
function erle(r: Run, from: number, to: number): number {
  const L = 256;
  return db(energy(r.mic, from, to) / energy(r.out, from + L, to + L));
}

describe('EchoCancellingMicSource with the AEC3 worker, in the test room', () => {
  it('cancels a 60 ms echo by ≥ 25 dB once converged; frames keep their 512 samples and timestamps, in order', async () => {
    const r = await run({ delayMs: 60, gain: 0.7 });
    expect(r.errors).toEqual([]);
    expect(r.frames.map((f) => f.timestampMs)).toEqual(r.delivered.map((f) => f.timestampMs));
    expect(r.frames.every((f) => f.samples.length === MIC_FRAME_SAMPLES)).toBe(true);
    // Converged: the reply's last 6 s (it starts at 0.5 s and lasts about 14 s).
    const end = r.mic.length - 2 * SECOND;
    expect(erle(r, end - 6 * SECOND, end)).toBeGreaterThanOrEqual(25);
    const stats = r.source.stats();
    expect(stats.framesProcessed).toBe(r.frames.length);
    expect(stats.delayMs).not.toBeNull();
    expect(Math.abs(stats.delayMs! - 60)).toBeLessThanOrEqual(10);
    expect(stats.erleDb).toBeGreaterThanOrEqual(25);
  });

  it('cancels an 800 ms (Bluetooth-like) echo by ≥ 25 dB with the self-test’s delay, from the first second on', async () => {
    const r = await run({ delayMs: 800, gain: 0.7 }, { delayHintMs: 800 });
    const echoStart = (1.3 * SECOND) | 0; // played from 0.5 s, heard 0.8 s later
    const end = r.mic.length - 2 * SECOND;
    expect(erle(r, echoStart, echoStart + SECOND)).toBeGreaterThanOrEqual(20);
    expect(erle(r, end - 6 * SECOND, end)).toBeGreaterThanOrEqual(25);
  });

  it('finds an 800 ms delay on its own (no self-test) and then cancels it by ≥ 25 dB', async () => {
    const r = await run({ delayMs: 800, gain: 0.7, seed: 3 });
    expect(Math.abs(r.source.stats().delayMs! - 800)).toBeLessThanOrEqual(10);
    const end = r.mic.length - 2 * SECOND;
    expect(erle(r, end - 5 * SECOND, end)).toBeGreaterThanOrEqual(25);
  });

  it('aligns by the app clock despite a jittery microphone (frames up to 40 ms late) and a player that reports 20 ms late', async () => {
    const r = await run({ delayMs: 60, gain: 0.7, seed: 5 }, { jitterMs: 40, leadMs: -20 });
    expect(r.errors).toEqual([]);
    expect(r.frames.map((f) => f.timestampMs)).toEqual(r.delivered.map((f) => f.timestampMs));
    const end = r.mic.length - 2 * SECOND;
    expect(erle(r, end - 6 * SECOND, end)).toBeGreaterThanOrEqual(25);
  });

  it('follows a change of the echo path (200 ms, then a Bluetooth speaker at 650 ms) and cancels again', async () => {
    const played = new Int16Array(reply.length * 2);
    played.set(reply);
    played.set(reply, reply.length);
    const switchAt = Math.round((reply.length * SECOND) / 24_000); // the second reply, in mic samples
    const lengthSamples = switchAt * 2 + SECOND;
    const before = await recordRoom({ room: { delayMs: 200, gain: 0.7 }, played, lengthSamples });
    const after = await recordRoom({ room: { delayMs: 650, gain: 0.7, seed: 4 }, played, lengthSamples });
    const recording = new Int16Array(lengthSamples);
    recording.set(before.mic.subarray(0, switchAt));
    recording.set(after.mic.subarray(switchAt), switchAt);
    const clock = new ManualClock();
    const mic = new RoomMicSource();
    const source = new EchoCancellingMicSource(mic, { clock, workerEntry: WORKER });
    await source.setEnabled(true);
    const frames = await playRoom({ source, mic, clock, recording, played, playedAtMs: 0 });
    const stats = source.stats();
    await source.dispose();
    const r = { mic: Float32Array.from(recording, (v) => v / 32768), out: joinFrames(frames) } as Run;
    expect(erle(r, switchAt - 6 * SECOND, switchAt)).toBeGreaterThanOrEqual(25);
    expect(Math.abs(stats.delayMs! - 650)).toBeLessThanOrEqual(10);
    const end = lengthSamples - 2 * SECOND;
    expect(erle(r, end - 6 * SECOND, end)).toBeGreaterThanOrEqual(25);
  });

  it('during double talk the user’s speech stays ≥ 10 dB above the residual echo, with the echo louder than the user', async () => {
    const at = 8 * SECOND;
    const room = { delayMs: 60, gain: 0.7 };
    const talk = await run(room, { delayHintMs: 60, speech: user, speechAtSample: at, speechGain: 0.2 });
    const alone = await run(room, { delayHintMs: 60 });
    const from = at + 256;
    const to = at + user.length + 256;
    // The echo is louder than the user at the microphone...
    const speechAtMic = energy(Float32Array.from(user, (v) => (0.2 * v) / 32768));
    const echoAtMic = energy(alone.mic, at, at + user.length);
    expect(db(echoAtMic / speechAtMic)).toBeGreaterThanOrEqual(6);
    // ...and after cancellation what the user added stands ≥ 10 dB above what is left of the echo:
    // the same run without the user gives the residual echo; the difference is the user's speech.
    const residual = energy(alone.out, from, to);
    const diff = new Float32Array(to - from);
    for (let i = 0; i < diff.length; i++) diff[i] = talk.out[from + i]! - alone.out[from + i]!;
    const speechOut = energy(diff);
    console.info(
      `double talk: echo ${db(echoAtMic / speechAtMic).toFixed(1)} dB over the user at the mic; user ${db(speechOut / residual).toFixed(1)} dB over the residual; user level ${db(speechOut / speechAtMic).toFixed(1)} dB`,
    );
    expect(db(speechOut / residual)).toBeGreaterThanOrEqual(10);
    // The user's speech is not suppressed away either.
    expect(db(speechOut / speechAtMic)).toBeGreaterThanOrEqual(-12);
  });
});

describe('EchoCancellingMicSource: pass-through and failures', () => {
  it('disabled: frames pass through bit-exact (the very objects), played audio is ignored and no worker starts', async () => {
    const mic = new RoomMicSource();
    let started = 0;
    const source = new EchoCancellingMicSource(mic, {
      clock: new ManualClock(),
      startCanceller: (o) => {
        started++;
        return EchoCanceller.start(o);
      },
    });
    const seen: PcmFrame[] = [];
    source.on('frame', (f) => seen.push(f));
    const frames = micFrames(Int16Array.from({ length: 20 * MIC_FRAME_SAMPLES }, (_, i) => ((i * 7919) % 65536) - 32768));
    for (const frame of frames) {
      source.pushPlayed({ samples: new Int16Array(768).fill(9000), playedAtMs: frame.timestampMs });
      mic.deliver(frame);
    }
    expect(seen).toHaveLength(frames.length);
    seen.forEach((f, i) => expect(f).toBe(frames[i]));
    expect(started).toBe(0);
    expect(source.stats()).toEqual({ enabled: false, delayMs: null, erleDb: null, framesProcessed: 0, meanProcessMs: 0 });
    await source.dispose();
  });

  it('switched off while frames are inside the worker: those come back untouched, in order, then pass-through', async () => {
    const mic = new RoomMicSource();
    const source = new EchoCancellingMicSource(mic, { clock: new ManualClock(), workerEntry: WORKER });
    await source.setEnabled(true);
    const seen: PcmFrame[] = [];
    source.on('frame', (f) => seen.push(f));
    const frames = micFrames(new Int16Array(10 * MIC_FRAME_SAMPLES).fill(1234));
    frames.slice(0, 5).forEach((f) => mic.deliver(f));
    await source.setEnabled(false);
    frames.slice(5).forEach((f) => mic.deliver(f));
    expect(seen.map((f) => f.timestampMs)).toEqual(frames.map((f) => f.timestampMs));
    expect(seen.slice(-5)).toEqual(frames.slice(-5));
    expect(source.stats().enabled).toBe(false);
    await source.dispose();
  });

  it('a worker that crashes gives one error and pass-through: no frame is lost, none duplicated', async () => {
    const mic = new RoomMicSource();
    const source = new EchoCancellingMicSource(mic, { clock: new ManualClock(), workerEntry: CRASHING_WORKER });
    const errors: AssistantError[] = [];
    source.on('error', (e) => errors.push(e));
    const seen: PcmFrame[] = [];
    source.on('frame', (f) => seen.push(f));
    await source.setEnabled(true);
    expect(source.cancelling).toBe(true);
    const frames = micFrames(Int16Array.from({ length: 12 * MIC_FRAME_SAMPLES }, (_, i) => i % 1000));
    frames.slice(0, 6).forEach((f) => mic.deliver(f));
    await eventually(
      () => errors.length,
      (n) => n > 0,
      30_000,
      20,
    );
    expect(source.cancelling).toBe(false);
    frames.slice(6).forEach((f) => mic.deliver(f));
    expect(errors).toHaveLength(1);
    expect(errors[0]!.toWire()).toMatchObject({ source: 'mic', category: 'application', permanent: false, code: 'echo_canceller_failed' });
    expect(seen.map((f) => f.timestampMs)).toEqual(frames.map((f) => f.timestampMs));
    // The frames after the crash are the microphone's own objects.
    seen.slice(6).forEach((f, i) => expect(f).toBe(frames[6 + i]));
    // And it stays in pass-through: no second error, even when asked to cancel again.
    await source.setEnabled(true);
    expect(source.cancelling).toBe(false);
    expect(errors).toHaveLength(1);
    await source.dispose();
  });

  it('finds the built worker from each bundle that can start it (shell, headless, web, bench)', () => {
    for (const bundle of ['out/main/shell/index.js', 'out/main/headless/cli.js', 'out/main/web/cli.js', 'out/bench/run.js']) {
      expect(resolveEchoWorkerEntry(pathToFileURL(path.resolve(bundle)).href), bundle).toBe(WORKER);
    }
    expect(() => resolveEchoWorkerEntry(pathToFileURL(path.join(dir, 'elsewhere.js')).href)).toThrow(
      /echo-canceller worker script was not found/,
    );
  });

  it('AEC3 that fails to load in the worker gives one error, with the worker’s message, and pass-through', async () => {
    const mic = new RoomMicSource();
    const source = new EchoCancellingMicSource(mic, { clock: new ManualClock(), workerEntry: FAILING_WORKER });
    const errors: AssistantError[] = [];
    source.on('error', (e) => errors.push(e));
    await source.setEnabled(true);
    expect(errors.map((e) => e.toWire())).toEqual([
      expect.objectContaining({ source: 'mic', message: 'WebAssembly.instantiate(): out of memory', code: 'echo_canceller_failed' }),
    ]);
    expect(source.cancelling).toBe(false);
    const frame = micFrames(new Int16Array(MIC_FRAME_SAMPLES).fill(5))[0]!;
    const seen: PcmFrame[] = [];
    source.on('frame', (f) => seen.push(f));
    mic.deliver(frame);
    expect(seen).toEqual([frame]);
    expect(source.stats().enabled).toBe(false);
    await source.dispose();
  });

  it('a worker script that is missing gives one configuration error and pass-through', async () => {
    const mic = new RoomMicSource();
    const source = new EchoCancellingMicSource(mic, { clock: new ManualClock(), workerEntry: path.join(dir, 'no-such-worker.js') });
    const errors: AssistantError[] = [];
    source.on('error', (e) => errors.push(e));
    await source.setEnabled(true);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.toWire()).toMatchObject({ source: 'settings', category: 'configuration', code: 'echo_worker_missing' });
    const frame = micFrames(new Int16Array(MIC_FRAME_SAMPLES).fill(5))[0]!;
    const seen: PcmFrame[] = [];
    source.on('frame', (f) => seen.push(f));
    mic.deliver(frame);
    expect(seen).toEqual([frame]);
    await source.dispose();
  });
});
