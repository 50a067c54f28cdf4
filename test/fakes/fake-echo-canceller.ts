import { TypedEmitter } from '../../main/util/typed-emitter.js';
import { AppError } from '../../main/util/errors.js';
import type { MicSource, MicSourceEvents, MicStatus } from '../../main/audio/mic-source.js';
import type { EchoPathMeasurement, EchoStats, PlayedAudio } from '../../main/audio/echo/echo-types.js';
import type { EchoCanceller, EchoEngine } from '../../main/app/echo-control.js';

/**
 * Stands in for main/audio/echo's EchoCancellingMicSource in unit tests: passes the wrapped
 * microphone through unchanged (or with `transform` applied while enabled), and records what the app
 * asked of it.
 */
export class FakeEchoCanceller extends TypedEmitter<MicSourceEvents> implements EchoCanceller {
  readonly played: PlayedAudio[] = [];
  readonly enabledCalls: boolean[] = [];
  enabled = false;
  readonly #mic: MicSource;
  readonly #offs: Array<() => void>;

  constructor(mic: MicSource) {
    super();
    this.#mic = mic;
    this.#offs = [
      mic.on('frame', (frame) => this.emit('frame', frame)),
      mic.on('status', (status) => this.emit('status', status)),
      mic.on('error', (error) => this.emit('error', error)),
      mic.on('level', (level) => this.emit('level', level)),
      mic.on('end', () => this.emit('end')),
    ];
  }

  get status(): MicStatus {
    return this.#mic.status;
  }

  get muted(): boolean {
    return this.#mic.muted;
  }

  start(): Promise<void> {
    return this.#mic.start();
  }

  stop(): Promise<void> {
    return this.#mic.stop();
  }

  setMuted(muted: boolean): Promise<void> {
    return this.#mic.setMuted(muted);
  }

  pushPlayed(audio: PlayedAudio): void {
    this.played.push(audio);
  }

  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
    this.enabledCalls.push(enabled);
  }

  stats(): EchoStats {
    return { enabled: this.enabled, delayMs: null, erleDb: null, framesProcessed: 0, meanProcessMs: 0 };
  }

  /** The canceller's worker died: it says so the way the real one does (an `echo_*` error). */
  fail(): void {
    this.enabled = false;
    this.emit(
      'error',
      new AppError('The echo canceller stopped.', { category: 'application', permanent: false, code: 'echo_worker_failed' }),
    );
  }

  dispose(): void {
    for (const off of this.#offs) off();
  }
}

/**
 * An echo engine around FakeEchoCanceller. Its measurement is a plain cross-correlation of the
 * recording (16 kHz) against the reference (24 kHz, decimated): enough to check that the self-test
 * hands over an aligned reference and recording; the real measurement is main/audio/echo's.
 */
export function fakeEchoEngine(
  create: (mic: MicSource) => EchoCanceller = (mic) => new FakeEchoCanceller(mic),
  options: { signal?: Int16Array; recommend?: EchoPathMeasurement['recommended'] } = {},
): EchoEngine & { selfTest: NonNullable<EchoEngine['selfTest']>; measured: Array<{ played24k: Int16Array; recorded16k: Int16Array }> } {
  const measured: Array<{ played24k: Int16Array; recorded16k: Int16Array }> = [];
  return {
    measured,
    createCanceller: (mic) => create(mic),
    selfTest: {
      signal: () => options.signal ?? testChirp(),
      measure: async (played24k, recorded16k) => {
        measured.push({ played24k, recorded16k });
        const delayMs = bestLagMs(played24k, recorded16k);
        const recommended = options.recommend ?? 'full';
        return {
          delayMs,
          echoLevelDb: -6,
          erleDb: recommended === 'full' ? 30 : 4,
          erleFirstSecondDb: recommended === 'full' ? 18 : 2,
          recommended,
          reason: recommended === 'full' ? 'cancelled' : 'too-much-echo',
        };
      },
    },
  };
}

/** 1 s of a 300–3000 Hz chirp at 24 kHz. */
export function testChirp(seconds = 1): Int16Array {
  const n = 24_000 * seconds;
  const out = new Int16Array(n);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const f = 300 + (2700 * i) / n;
    phase += (2 * Math.PI * f) / 24_000;
    out[i] = Math.round(8000 * Math.sin(phase));
  }
  return out;
}

/** The lag (ms, whole 1 ms steps up to 1 s) at which the recording best matches the reference. */
function bestLagMs(played24k: Int16Array, recorded16k: Int16Array): number | null {
  // Reference at 16 kHz by taking every 1.5th sample (nearest): coarse but enough for whole ms.
  const ref = new Float64Array(Math.floor((played24k.length * 2) / 3));
  for (let i = 0; i < ref.length; i++) ref[i] = played24k[Math.round(i * 1.5)] ?? 0;
  let best = -1;
  let bestLag: number | null = null;
  for (let lagMs = 0; lagMs <= 1000; lagMs++) {
    const lag = lagMs * 16;
    let sum = 0;
    for (let i = 0; i + lag < recorded16k.length && i < ref.length; i += 4) sum += ref[i]! * recorded16k[i + lag]!;
    if (sum > best) {
      best = sum;
      bestLag = lagMs;
    }
  }
  return best > 0 ? bestLag : null;
}
