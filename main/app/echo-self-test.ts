/**
 * The echo self-test (issue 10): plays a short test signal through the current player, records the
 * raw microphone meanwhile and for a second after, and measures the echo path (delay, echo level, ERLE)
 * with main/audio/echo's `measureEchoPath`. The reference handed to the measurement is what the player
 * reports as played, placed on the recording's time line by the app clock, exactly as the running
 * canceller gets it.
 *
 * Recording is bounded by stream time (samples received), never by wall time; the only timers are
 * failure guards (no microphone frames at all, or the playback never finishing).
 */
import type { Clock, TimerHandle } from '../util/clock.js';
import { MIC_FRAME_MS, MIC_FRAME_SAMPLES, MIC_SAMPLE_RATE, type MicSource, type PcmFrame } from '../audio/mic-source.js';
import { PLAYER_SAMPLE_RATE, type Player } from '../audio/player.js';
import { concatInt16 } from '../audio/pcm.js';
import type { EchoPathMeasurement, PlayedAudio } from '../audio/echo/echo-types.js';
import type { EchoSelfTestFailure, EchoSelfTestResult } from '../../preload/contract/types.js';
import type { EchoTestResult } from '../../preload/contract/settings-schema.js';
import { createLogger } from '../util/logger.js';
import type { EchoControl } from './echo-control.js';

const log = createLogger('app');

export const SELF_TEST_ITEM = 'echo-self-test';
/** Recorded after the signal ends (echo tails, long Bluetooth delays). */
export const SELF_TEST_TAIL_MS = 1_000;
/** No microphone frame within this long: the microphone is not delivering. */
const FIRST_FRAME_TIMEOUT_MS = 3_000;
/** Margin on top of the signal and tail before the test gives up waiting for playback or frames. */
const OVERALL_MARGIN_MS = 10_000;

export type EchoSelfTestDeps = {
  /** The raw microphone's frames (the canceller suspended: passing through). */
  mic: MicSource;
  player: Player;
  clock: Clock;
  /** The test signal, 24 kHz PCM16 (main/audio/echo `selfTestSignal()`). */
  signal: Int16Array;
  measure: (played24k: Int16Array, recorded16k: Int16Array) => Promise<EchoPathMeasurement>;
  tailMs?: number;
};

export type EchoSelfTestRun = { ok: true; measurement: EchoPathMeasurement } | { ok: false; failure: EchoSelfTestFailure; message: string };

export async function runEchoSelfTest(deps: EchoSelfTestDeps): Promise<EchoSelfTestRun> {
  const { mic, player, clock, signal } = deps;
  if (mic.muted) return { ok: false, failure: 'mic-muted', message: 'The microphone is muted. Unmute it to test the echo.' };
  if (mic.status !== 'running')
    return { ok: false, failure: 'no-mic', message: 'No microphone is running: choose one in Settings, then test again.' };
  const signalMs = (signal.length * 1000) / PLAYER_SAMPLE_RATE;
  const wantedSamples = Math.ceil(((signalMs + (deps.tailMs ?? SELF_TEST_TAIL_MS)) * MIC_SAMPLE_RATE) / 1000);

  const frames: Int16Array[] = [];
  const played: PlayedAudio[] = [];
  let recorded = 0;
  let recordStartMs: number | undefined;
  /**
   * The recording's time zero on the app clock, as the canceller stamps frames: a frame arrives right
   * after its last sample, plus a delay that only ever adds, so the smallest (arrival - frame length -
   * stream time) over the recording is the offset from stream time to app time.
   */
  let offsetMs = Number.POSITIVE_INFINITY;
  let firstTimestampMs = 0;
  let drained = false;
  const offs: Array<() => void> = [];
  const timers: TimerHandle[] = [];
  try {
    const outcome = await new Promise<'done' | 'no-frames' | 'stuck'>((resolve) => {
      const check = () => {
        if (drained && recorded >= wantedSamples) resolve('done');
      };
      offs.push(
        mic.on('frame', (frame: PcmFrame) => {
          offsetMs = Math.min(offsetMs, clock.now() - (frame.samples.length / MIC_FRAME_SAMPLES) * MIC_FRAME_MS - frame.timestampMs);
          if (recordStartMs === undefined) {
            firstTimestampMs = frame.timestampMs;
            recordStartMs = firstTimestampMs + offsetMs;
            player.enqueue(SELF_TEST_ITEM, signal);
          }
          frames.push(frame.samples.slice());
          recorded += frame.samples.length;
          check();
        }),
        player.on('played', (audio) => {
          if (recordStartMs !== undefined) played.push(audio);
        }),
        player.on('drained', (itemId) => {
          if (itemId !== SELF_TEST_ITEM) return;
          drained = true;
          check();
        }),
      );
      timers.push(
        clock.setTimeout(() => {
          if (recordStartMs === undefined) resolve('no-frames');
        }, FIRST_FRAME_TIMEOUT_MS),
        clock.setTimeout(() => resolve('stuck'), signalMs + (deps.tailMs ?? SELF_TEST_TAIL_MS) + OVERALL_MARGIN_MS),
      );
    });
    if (outcome === 'no-frames')
      return { ok: false, failure: 'no-mic', message: 'The microphone sent no sound: check that it is connected, then test again.' };
    if (outcome === 'stuck') {
      await player.flush();
      return { ok: false, failure: 'failed', message: 'The echo test did not finish: the sound output or the microphone stopped.' };
    }
  } finally {
    for (const off of offs) off();
    for (const timer of timers) clock.clearTimeout(timer);
  }
  const recording = concatInt16(frames);
  const reference = placeOnTimeline(played, firstTimestampMs + offsetMs, Math.ceil((recorded * PLAYER_SAMPLE_RATE) / MIC_SAMPLE_RATE));
  try {
    return { ok: true, measurement: await deps.measure(reference, recording) };
  } catch (error) {
    return { ok: false, failure: 'failed', message: `The echo could not be measured: ${(error as Error).message}` };
  }
}

/** The played pieces at their clock times, relative to `startMs`, in a 24 kHz buffer of `length` samples (silence elsewhere). */
export function placeOnTimeline(pieces: readonly PlayedAudio[], startMs: number, length: number): Int16Array {
  const out = new Int16Array(length);
  for (const piece of pieces) {
    let offset = Math.round(((piece.playedAtMs - startMs) * PLAYER_SAMPLE_RATE) / 1000);
    let samples = piece.samples;
    if (offset < 0) {
      samples = samples.subarray(-offset);
      offset = 0;
    }
    if (offset >= length) continue;
    out.set(samples.subarray(0, length - offset), offset);
  }
  return out;
}

/** The engine's raw microphone (its canceller suspended during the test), the current output and the clock, as for a run. */
export type AppEchoSelfTestDeps = Pick<EchoSelfTestDeps, 'mic' | 'player' | 'clock'> & {
  echo: EchoControl;
  /** No conversation is running. */
  resting: () => boolean;
  /** Stores the result in the settings and applies them. */
  store: (result: EchoTestResult) => Promise<void>;
};

/**
 * The app's "Test echo": plays the test signal through the current output, records the raw
 * microphone, measures, stores the result in the settings and answers with it (errors as data).
 * One test at a time, and never during a conversation.
 */
export class AppEchoSelfTest {
  #running = false;
  readonly #deps: AppEchoSelfTestDeps;

  constructor(deps: AppEchoSelfTestDeps) {
    this.#deps = deps;
  }

  async run(): Promise<EchoSelfTestResult> {
    const { echo, mic, player, clock } = this.#deps;
    const engine = echo.engine?.selfTest;
    if (!engine) return { ok: false, failure: 'unavailable', message: 'Echo cancellation is not part of this build.' };
    if (this.#running) return { ok: false, failure: 'busy', message: 'An echo test is already running.' };
    if (!this.#deps.resting() || player.isPlaying)
      return { ok: false, failure: 'conversation-running', message: 'A conversation is running: test the echo once it has ended.' };
    this.#running = true;
    echo.suspend();
    try {
      const run = await runEchoSelfTest({
        mic,
        player,
        clock,
        signal: engine.signal(),
        measure: (played, recorded) => engine.measure(played, recorded),
      });
      if (!run.ok) return { ok: false, failure: run.failure, message: run.message };
      const result = { ...run.measurement, at: new Date().toISOString() };
      log.info({ result }, 'echo self-test');
      await this.#deps.store(result);
      echo.setDelayHint(result.delayMs);
      echo.resume();
      return { ok: true, result, duplex: echo.current().mode };
    } finally {
      echo.resume();
      this.#running = false;
    }
  }
}
