import { systemClock, type Clock } from '../../util/clock.js';
import { toAssistantError, type AssistantError } from '../../util/errors.js';
import { createLogger } from '../../util/logger.js';
import { TypedEmitter } from '../../util/typed-emitter.js';
import { MIC_FRAME_MS, type MicSource, type MicSourceEvents, type MicStatus, type PcmFrame } from '../mic-source.js';
import { EchoCanceller, type EchoCancellerOptions } from './echo-canceller.js';
import type { EchoStats, PlayedAudio } from './echo-types.js';

const log = createLogger('echo');

export type EchoCancellingMicSourceOptions = {
  /** The app clock the player stamps PlayedAudio.playedAtMs with. Default: the system clock. */
  clock?: Clock;
  /** Start cancelling right away (default false: pass-through until setEnabled(true)). */
  enabled?: boolean;
  /** Bulk delay from the self-test, ms. */
  delayHintMs?: number | null;
  /** Test seam: how the canceller is started (default EchoCanceller.start). */
  startCanceller?: (options: EchoCancellerOptions) => Promise<EchoCanceller>;
  workerEntry?: EchoCancellerOptions['workerEntry'];
};

/**
 * Capture time on the app clock: a frame arrives right after its last sample was captured, plus a
 * jitter that only ever adds. So the smallest (arrival - stream time) over the last few seconds is
 * the offset from stream time to app time.
 */
const OFFSET_WINDOW_FRAMES = 256;

/**
 * A MicSource that cancels Hearth's own voice from the microphone (issue 10). It wraps the real
 * source; the app feeds it what the player played (`pushPlayed`). Enabled, every frame goes through
 * the echo canceller's worker and comes out cancelled, 512 samples with its original timestamp, in
 * order; disabled, frames pass through untouched (the same objects) and the worker does nothing.
 * If the canceller fails (worker crash, WebAssembly that will not load) it emits one `error` and
 * falls back to pass-through, giving back any frames that were inside the worker untouched.
 */
export class EchoCancellingMicSource extends TypedEmitter<MicSourceEvents> implements MicSource {
  readonly #inner: MicSource;
  readonly #clock: Clock;
  readonly #startCanceller: (options: EchoCancellerOptions) => Promise<EchoCanceller>;
  readonly #workerEntry: EchoCancellerOptions['workerEntry'];
  #enabled = false;
  #delayHintMs: number | null;
  #canceller: EchoCanceller | undefined;
  #starting: Promise<void> | undefined;
  #failed = false;
  /** Originals of the frames inside the worker, oldest first (given back untouched if it fails). */
  #inFlight: PcmFrame[] = [];
  /** Pass-through frames waiting for the worker's frames before them. */
  #held: PcmFrame[] = [];
  #offsets: number[] = [];
  #lastTimestampMs = -Infinity;
  #stats: EchoStats = { enabled: false, delayMs: null, erleDb: null, framesProcessed: 0, meanProcessMs: 0 };
  #busyMs = 0;
  #unsubscribe: Array<() => void>;

  constructor(inner: MicSource, options: EchoCancellingMicSourceOptions = {}) {
    super();
    this.#inner = inner;
    this.#clock = options.clock ?? systemClock;
    this.#startCanceller = options.startCanceller ?? ((o) => EchoCanceller.start(o));
    this.#workerEntry = options.workerEntry;
    this.#delayHintMs = options.delayHintMs ?? null;
    this.#stats.delayMs = this.#delayHintMs;
    this.#unsubscribe = [
      inner.on('frame', (frame) => this.#onFrame(frame)),
      inner.on('status', (status) => {
        if (status === 'running') this.#offsets = [];
        this.emit('status', status);
      }),
      inner.on('error', (error) => this.emit('error', error)),
      inner.on('end', () => this.emit('end')),
      inner.on('level', (level) => this.emit('level', level)),
    ];
    if (options.enabled) void this.setEnabled(true);
  }

  get status(): MicStatus {
    return this.#inner.status;
  }

  get muted(): boolean {
    return this.#inner.muted;
  }

  /** True while frames go through the canceller (enabled, and its worker is running). */
  get cancelling(): boolean {
    return this.#enabled && this.#canceller?.running === true;
  }

  start(): Promise<void> {
    return this.#inner.start();
  }

  stop(): Promise<void> {
    return this.#inner.stop();
  }

  setMuted(muted: boolean): Promise<void> {
    return this.#inner.setMuted(muted);
  }

  /**
   * Turns cancellation on (starting the worker, resolved once it runs or has failed: a failure is
   * emitted as `error`, never thrown) or off (pass-through; the worker is ended).
   */
  setEnabled(enabled: boolean): Promise<void> {
    this.#enabled = enabled;
    this.#stats.enabled = enabled && this.#canceller?.running === true;
    if (!enabled) {
      const canceller = this.#canceller;
      this.#canceller = undefined;
      if (canceller) {
        // Frames still inside it come back untouched, in order.
        this.#releaseInFlight();
        return canceller.stop();
      }
      return this.#starting ?? Promise.resolve();
    }
    if (this.#canceller || this.#failed) return Promise.resolve();
    this.#starting ??= this.#start().finally(() => (this.#starting = undefined));
    return this.#starting;
  }

  /** The self-test's measured delay, ms (null: unknown). */
  setDelayHint(delayMs: number | null): void {
    this.#delayHintMs = delayMs;
    this.#canceller?.setDelayHint(delayMs);
  }

  /** What the player played (24 kHz), with when it was played on the app clock. Ignored when disabled. */
  pushPlayed(audio: PlayedAudio): void {
    if (this.cancelling) this.#canceller!.pushRender(audio);
  }

  stats(): EchoStats {
    return { ...this.#stats, enabled: this.cancelling };
  }

  /** Ends the worker and stops listening to the wrapped source (which is not stopped). */
  async dispose(): Promise<void> {
    for (const off of this.#unsubscribe) off();
    this.#enabled = false;
    const canceller = this.#canceller;
    this.#canceller = undefined;
    this.#releaseInFlight();
    await canceller?.stop();
  }

  async #start(): Promise<void> {
    let canceller: EchoCanceller;
    try {
      canceller = await this.#startCanceller({ delayHintMs: this.#delayHintMs, workerEntry: this.#workerEntry });
    } catch (error) {
      this.#fallBack(toAssistantError(error, 'mic'));
      return;
    }
    if (!this.#enabled) {
      await canceller.stop();
      return;
    }
    canceller.on('frame', (frame, stats) => {
      if (this.#canceller !== canceller) return;
      this.#inFlight.shift();
      this.#stats.delayMs = stats.delayMs;
      this.#stats.erleDb = stats.erleDb;
      this.#stats.framesProcessed++;
      this.#busyMs += stats.processMs;
      this.#stats.meanProcessMs = this.#busyMs / this.#stats.framesProcessed;
      this.emit('frame', frame);
      if (this.#inFlight.length === 0) this.#flushHeld();
    });
    canceller.on('error', (error) => {
      if (this.#canceller !== canceller) return;
      this.#canceller = undefined;
      this.#fallBack(error);
    });
    this.#canceller = canceller;
    if (this.#delayHintMs !== null) canceller.setDelayHint(this.#delayHintMs);
  }

  #fallBack(error: AssistantError): void {
    this.#failed = true;
    log.warn({ err: error }, 'echo cancellation failed: passing the microphone through');
    this.#releaseInFlight();
    this.emit('error', error);
  }

  #releaseInFlight(): void {
    const frames = this.#inFlight;
    this.#inFlight = [];
    for (const frame of frames) this.emit('frame', frame);
    this.#flushHeld();
  }

  #flushHeld(): void {
    const held = this.#held;
    this.#held = [];
    for (const frame of held) this.emit('frame', frame);
  }

  #onFrame(frame: PcmFrame): void {
    const arrivalMs = this.#clock.now();
    if (frame.timestampMs < this.#lastTimestampMs) this.#offsets = [];
    this.#lastTimestampMs = frame.timestampMs;
    const canceller = this.#enabled ? this.#canceller : undefined;
    if (!canceller?.running) {
      if (this.#inFlight.length > 0) this.#held.push(frame);
      else this.emit('frame', frame);
      return;
    }
    const frameMs = (frame.samples.length / 512) * MIC_FRAME_MS;
    this.#offsets.push(arrivalMs - frameMs - frame.timestampMs);
    if (this.#offsets.length > OFFSET_WINDOW_FRAMES) this.#offsets.shift();
    const offset = Math.min(...this.#offsets);
    this.#inFlight.push(frame);
    canceller.pushCapture(frame, frame.timestampMs + offset);
  }
}
