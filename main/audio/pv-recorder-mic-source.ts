import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { systemClock, type Clock, type TimerHandle } from '../util/clock.js';
import { ConfigError, MicError } from '../util/errors.js';
import { findBuiltFile } from '../util/built-file.js';
import { createLogger } from '../util/logger.js';
import { TypedEmitter } from '../util/typed-emitter.js';
import { MIC_FRAME_MS, MIC_FRAME_SAMPLES, type MicLevel, type MicSource, type MicSourceEvents, type MicStatus } from './mic-source.js';

const log = createLogger('mic');

/** File name of the worker script; the build copies it verbatim next to the bundle (see below). */
export const PV_RECORDER_WORKER_FILE = 'pv-recorder-worker.cjs';

/** rmsDbfs reported for digital silence (instead of -Infinity). */
export const SILENCE_DBFS = -100;

export type { MicLevel } from './mic-source.js';

export type MicDeviceInfo = {
  /** The device actually capturing. */
  name: string;
  /** The device asked for (null = system default). */
  requested: string | null;
  /** True when `requested` was not present and the default device is used instead. */
  fallback: boolean;
};

export type PvRecorderMicSourceEvents = MicSourceEvents & {
  /** A capture session opened a device (every start, unmute and recovery). */
  device: [info: MicDeviceInfo];
  muted: [muted: boolean];
};

export type PvRecorderMicSourceOptions = {
  /**
   * Device by name, as listDevices() returns it (indexes change when devices come and go).
   * null/undefined = the system default device.
   */
  deviceName?: string | null;
  /**
   * When the named device is absent: false (default) → `error` event (MicError, code
   * 'mic_device_not_found', not permanent), status 'error', and retries with backoff until it
   * appears; true → capture from the default device, log a warning and emit `device` with
   * `fallback: true` (it stays on the default device until the next start/unmute/recovery).
   */
  fallbackToDefault?: boolean;
  /** The worker script; default: located from this module's URL (see resolvePvRecorderWorkerPath). */
  workerPath?: string | URL;
  /** Reads allowed to fail before the first frame of a session (each failure takes ~1.04 s). */
  firstReadAttempts?: number;
  /** Consecutive read failures (≈1.04 s each) after which a running session is declared lost. */
  maxConsecutiveReadFailures?: number;
  /** Retry backoff after a failure: starts at the first value, doubles up to the second. */
  retryInitialMs?: number;
  retryMaxMs?: number;
  /**
   * Watchdog for a hung worker: no message from it (frame or read result) for this long → the
   * session fails with 'mic_stalled' and is restarted. Device failures are detected sooner by the
   * read-failure limits above.
   */
  stallTimeoutMs?: number;
  /** How long stop() waits for the worker to finish its current read before terminating it. */
  closeTimeoutMs?: number;
  /** Level event interval, rounded to whole 32 ms frames (default 100 → every 3 frames, 96 ms). */
  levelIntervalMs?: number;
  /** PvRecorder's internal ring, in frames. */
  bufferedFramesCount?: number;
  clock?: Clock;
};

// ---- Worker protocol (mirrors pv-recorder-worker.cjs) ----

type WorkerData =
  | { mode: 'list' }
  | {
      mode: 'capture';
      deviceName: string | null;
      fallbackToDefault: boolean;
      frameLength: number;
      bufferedFramesCount: number;
      firstReadAttempts: number;
      maxConsecutiveFailures: number;
      /** Int32 slot 0: 0 = capture, 1 = stop. */
      control: SharedArrayBuffer;
    };

type WorkerFailure = { type: 'failed'; code: string; message: string; permanent: boolean };

type WorkerMessage =
  | { type: 'devices'; devices: string[] }
  | { type: 'opened'; device: string; fallback: boolean; devices: string[] }
  | { type: 'frame'; seq: number; pcm: ArrayBuffer }
  | { type: 'read-error'; consecutive: number; message: string }
  | WorkerFailure;

/**
 * Where the worker script is, by default: next to this module when running from the sources
 * (main/audio/), and out/main/audio/ when this module is bundled into out/main/<x>.js,
 * out/main/<dir>/<x>.js or out/<dir>/<x>.js (e.g. out/bench/run.js). The build must therefore copy
 * main/audio/pv-recorder-worker.cjs verbatim (not bundled, not renamed) to
 * out/main/audio/pv-recorder-worker.cjs. Returns the first candidate that exists.
 */
export function resolvePvRecorderWorkerPath(moduleUrl: string | undefined = import.meta.url): string {
  const result = findBuiltFile(moduleUrl, 'audio', PV_RECORDER_WORKER_FILE);
  if ('found' in result) return result.found;
  throw new ConfigError(
    `PvRecorder worker script not found; looked in: ${result.tried.join(', ')}. ` +
      `The build must copy main/audio/${PV_RECORDER_WORKER_FILE} to out/main/audio/.`,
    { code: 'mic_worker_missing' },
  );
}

function workerPathOf(option: string | URL | undefined): string {
  if (option === undefined) return resolvePvRecorderWorkerPath();
  return option instanceof URL ? fileURLToPath(option) : option;
}

function micError(code: string, message: string, permanent: boolean, cause?: unknown): MicError {
  const category = code === 'mic_device_not_found' || code === 'mic_unsupported' ? 'configuration' : 'unknown';
  return new MicError(message, { category, permanent, code, cause });
}

/** Level of a block of PCM: RMS in dBFS (floor SILENCE_DBFS) and peak 0..1. */
export function computeLevel(sumSquares: number, count: number, peakAbs: number): MicLevel {
  if (count === 0 || sumSquares === 0) return { rmsDbfs: SILENCE_DBFS, peak: peakAbs / 32768 };
  const rms = Math.sqrt(sumSquares / count) / 32768;
  return { rmsDbfs: Math.max(SILENCE_DBFS, 20 * Math.log10(rms)), peak: peakAbs / 32768 };
}

/** One worker = one open device. */
class Session {
  readonly control: Int32Array;
  readonly worker: Worker;
  readonly exited: Promise<void>;
  device: MicDeviceInfo | null = null;
  frames = 0;
  /** Stream time (ms) of this session's first frame. */
  baseMs = 0;
  lastActivity: number;
  watchdog: TimerHandle | undefined;
  ended = false;

  constructor(workerPath: string, data: Extract<WorkerData, { mode: 'capture' }>, now: number) {
    this.control = new Int32Array(data.control);
    this.worker = new Worker(workerPath, { workerData: data });
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    this.lastActivity = now;
  }

  requestStop(): void {
    Atomics.store(this.control, 0, 1);
  }
}

/**
 * The microphone through PvRecorder (16 kHz, 512-sample frames), read in a worker thread because
 * PvRecorder's read blocks. Frames arrive as `frame` events with stream timestamps (32 ms apart
 * within a session; after a gap — recovery or unmute — the stream time jumps by the wall-clock gap,
 * always increasing).
 *
 * Status: 'starting' while the first frame of start()/unmute is awaited, 'running' once frames
 * flow, 'error' after a failure while retrying with backoff (retryInitialMs doubling to
 * retryMaxMs; back to 'running' on recovery), 'stopped' when stopped or muted. Errors are emitted
 * (MicError, never thrown from callbacks): one per failure reason, not per retry. Only an
 * unsupported platform is permanent (no retry).
 *
 * Environment: PvRecorder (libpulse) reads PULSE_SERVER etc. from the process environment, so
 * they must be set in the process's main thread before start() (see test/helpers/virtual-mic.ts).
 * A live microphone has no end: `end` is never emitted.
 *
 * Build: the worker is the plain CommonJS file pv-recorder-worker.cjs, used as is from the sources
 * and copied verbatim to out/main/audio/ by the build (see resolvePvRecorderWorkerPath), or passed
 * explicitly as `workerPath`.
 */
export class PvRecorderMicSource extends TypedEmitter<PvRecorderMicSourceEvents> implements MicSource {
  /**
   * Lists capture device names (for a settings UI) in a short-lived worker of its own, never in a
   * running capture worker. (A capture worker lists once, to turn its device name into an index,
   * just before opening; the first-read retry covers a first read that fails after a listing.)
   */
  static async listDevices(options: { workerPath?: string | URL; timeoutMs?: number } = {}): Promise<string[]> {
    const workerPath = workerPathOf(options.workerPath);
    const worker = new Worker(workerPath, { workerData: { mode: 'list' } satisfies WorkerData });
    try {
      return await new Promise<string[]>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(micError('mic_list_failed', 'Listing microphones timed out', false)),
          options.timeoutMs ?? 10_000,
        );
        const settle = (fn: () => void) => {
          clearTimeout(timer);
          fn();
        };
        worker.on('message', (message: WorkerMessage) => {
          if (message.type === 'devices') settle(() => resolve(message.devices));
          else if (message.type === 'failed') settle(() => reject(micError(message.code, message.message, message.permanent)));
        });
        worker.once('error', (error) => settle(() => reject(micError('mic_worker_failed', String(error), false, error))));
        worker.once('exit', () => settle(() => reject(micError('mic_list_failed', 'Listing worker exited', false))));
      });
    } finally {
      void worker.terminate();
    }
  }

  readonly #workerPath: string;
  readonly #deviceName: string | null;
  readonly #fallbackToDefault: boolean;
  readonly #firstReadAttempts: number;
  readonly #maxConsecutiveFailures: number;
  readonly #retryInitialMs: number;
  readonly #retryMaxMs: number;
  readonly #stallTimeoutMs: number;
  readonly #closeTimeoutMs: number;
  readonly #levelFrames: number;
  readonly #bufferedFramesCount: number;
  readonly #clock: Clock;

  #status: MicStatus = 'stopped';
  #wanted = false;
  #muted = false;
  #session: Session | null = null;
  #lastDevice: MicDeviceInfo | null = null;
  /** Sessions told to stop whose worker has not exited yet. */
  #closing = new Set<Session>();
  #retryTimer: TimerHandle | undefined;
  #backoffMs: number;
  #lastErrorCode: string | null = null;
  #ops: Promise<void> = Promise.resolve();
  /** Resolved when the current session delivers its first frame or fails. */
  #settleOpen: (() => void) | null = null;

  #startedAt = 0;
  /** Stream time just after the last frame emitted. */
  #nextTimestampMs = 0;
  #levelSum = 0;
  #levelPeak = 0;
  #levelCount = 0;
  #levelFramesSeen = 0;

  constructor(options: PvRecorderMicSourceOptions = {}) {
    super();
    this.#workerPath = workerPathOf(options.workerPath);
    this.#deviceName = options.deviceName ?? null;
    this.#fallbackToDefault = options.fallbackToDefault ?? false;
    this.#firstReadAttempts = options.firstReadAttempts ?? 3;
    this.#maxConsecutiveFailures = options.maxConsecutiveReadFailures ?? 2;
    this.#retryInitialMs = options.retryInitialMs ?? 500;
    this.#retryMaxMs = options.retryMaxMs ?? 10_000;
    this.#stallTimeoutMs = options.stallTimeoutMs ?? 5_000;
    this.#closeTimeoutMs = options.closeTimeoutMs ?? 3_000;
    this.#levelFrames = Math.max(1, Math.round((options.levelIntervalMs ?? 100) / MIC_FRAME_MS));
    this.#bufferedFramesCount = options.bufferedFramesCount ?? 50;
    this.#clock = options.clock ?? systemClock;
    this.#backoffMs = this.#retryInitialMs;
  }

  get status(): MicStatus {
    return this.#status;
  }

  get muted(): boolean {
    return this.#muted;
  }

  /** The device of the current (or last) session, null before one opened. */
  get device(): MicDeviceInfo | null {
    return this.#lastDevice;
  }

  /**
   * Starts capturing. Resolves when the first frame arrived (status 'running') or the first
   * attempt failed (status 'error', the error emitted, retries under way); never rejects for a
   * device problem. While muted it only records the wish and resolves (status stays 'stopped').
   */
  async start(): Promise<void> {
    let opened: Promise<void> | undefined;
    await this.#enqueue(async () => {
      if (this.#wanted) return;
      this.#wanted = true;
      this.#startedAt = this.#clock.now();
      this.#nextTimestampMs = 0;
      this.#backoffMs = this.#retryInitialMs;
      this.#lastErrorCode = null;
      if (this.#muted) return;
      this.#setStatus('starting');
      ({ opened } = await this.#open());
    });
    // Awaited outside the queue, so stop()/setMuted(true) need not wait for the first frame.
    await opened;
  }

  /** Stops capturing and releases the device; resolves when the worker has exited. */
  stop(): Promise<void> {
    return this.#enqueue(async () => {
      this.#wanted = false;
      this.#cancelRetry();
      await this.#closeSession();
      this.#setStatus('stopped');
    });
  }

  /**
   * Muting stops capture entirely (the worker exits and the device is released; status
   * 'stopped'); unmuting opens it again ('starting' → 'running'). Resolves when done, like
   * stop()/start(). Can be called before start().
   */
  async setMuted(muted: boolean): Promise<void> {
    let opened: Promise<void> | undefined;
    await this.#enqueue(async () => {
      if (this.#muted === muted) return;
      this.#muted = muted;
      this.emit('muted', muted);
      if (!this.#wanted) return;
      if (muted) {
        this.#cancelRetry();
        await this.#closeSession();
        this.#resetLevel();
        this.emit('level', { rmsDbfs: SILENCE_DBFS, peak: 0 });
        this.#setStatus('stopped');
      } else {
        this.#backoffMs = this.#retryInitialMs;
        this.#lastErrorCode = null;
        this.#setStatus('starting');
        ({ opened } = await this.#open());
      }
    });
    await opened;
  }

  #enqueue(op: () => Promise<void>): Promise<void> {
    const run = this.#ops.then(op);
    this.#ops = run.catch((error: unknown) => log.error({ err: error }, 'mic operation failed'));
    return run;
  }

  #setStatus(status: MicStatus): void {
    if (this.#status === status) return;
    this.#status = status;
    log.debug({ status }, 'mic status');
    this.emit('status', status);
  }

  /**
   * Opens a session (runs inside #enqueue). Returns a promise that settles on its first frame, its
   * failure, or when it is closed.
   */
  async #open(): Promise<{ opened: Promise<void> }> {
    // Never two recorders at once: wait for failed/stopped workers to finish releasing.
    await this.#waitClosed();
    this.#settleOpen?.();
    const opened = new Promise<void>((resolve) => (this.#settleOpen = resolve));
    const session = new Session(
      this.#workerPath,
      {
        mode: 'capture',
        deviceName: this.#deviceName,
        fallbackToDefault: this.#fallbackToDefault,
        frameLength: MIC_FRAME_SAMPLES,
        bufferedFramesCount: this.#bufferedFramesCount,
        firstReadAttempts: this.#firstReadAttempts,
        maxConsecutiveFailures: this.#maxConsecutiveFailures,
        control: new SharedArrayBuffer(4),
      },
      this.#clock.now(),
    );
    this.#session = session;
    this.#resetLevel();
    session.worker.on('message', (message: WorkerMessage) => this.#onMessage(session, message));
    session.worker.once('error', (error) =>
      this.#fail(session, micError('mic_worker_failed', `Microphone worker crashed: ${String(error)}`, false, error)),
    );
    session.worker.once('exit', (code) => {
      if (!session.ended) this.#fail(session, micError('mic_worker_failed', `Microphone worker exited (${code})`, false));
    });
    this.#armWatchdog(session);
    return { opened };
  }

  #onMessage(session: Session, message: WorkerMessage): void {
    if (session !== this.#session || session.ended) return;
    switch (message.type) {
      case 'opened': {
        session.lastActivity = this.#clock.now();
        session.device = { name: message.device, requested: this.#deviceName, fallback: message.fallback };
        this.#lastDevice = session.device;
        if (message.fallback) {
          log.warn(
            { requested: this.#deviceName, using: message.device, available: message.devices },
            'microphone not found; using the default device',
          );
        } else {
          log.info({ device: message.device }, 'microphone opened');
        }
        this.emit('device', session.device);
        return;
      }
      case 'frame':
        this.#onFrame(session, message.seq, new Int16Array(message.pcm));
        return;
      case 'read-error':
        session.lastActivity = this.#clock.now();
        log.debug({ consecutive: message.consecutive, message: message.message }, 'microphone read failed');
        return;
      case 'failed':
        this.#fail(session, micError(message.code, message.message, message.permanent));
        return;
      case 'devices':
        return;
    }
  }

  #onFrame(session: Session, seq: number, samples: Int16Array): void {
    const now = this.#clock.now();
    session.lastActivity = now;
    if (session.frames === 0) {
      // First frame of the session: continue the stream time, jumping over any gap.
      const elapsed = Math.round(now - this.#startedAt - MIC_FRAME_MS);
      session.baseMs = this.#nextTimestampMs === 0 ? 0 : Math.max(this.#nextTimestampMs, elapsed);
      const recovered = this.#status === 'error';
      this.#backoffMs = this.#retryInitialMs;
      this.#lastErrorCode = null;
      this.#setStatus('running');
      if (recovered) log.info({ device: session.device?.name }, 'microphone recovered');
      this.#settleOpen?.();
      this.#settleOpen = null;
    }
    session.frames++;
    const timestampMs = session.baseMs + seq * MIC_FRAME_MS;
    this.#nextTimestampMs = timestampMs + MIC_FRAME_MS;
    this.emit('frame', { samples, timestampMs });
    this.#accumulateLevel(samples);
  }

  #accumulateLevel(samples: Int16Array): void {
    let sum = 0;
    let peak = this.#levelPeak;
    for (let i = 0; i < samples.length; i++) {
      const s = samples[i]!;
      sum += s * s;
      const a = s < 0 ? -s : s;
      if (a > peak) peak = a;
    }
    this.#levelSum += sum;
    this.#levelPeak = peak;
    this.#levelCount += samples.length;
    if (++this.#levelFramesSeen >= this.#levelFrames) {
      const level = computeLevel(this.#levelSum, this.#levelCount, this.#levelPeak);
      this.#resetLevel();
      this.emit('level', level);
    }
  }

  #resetLevel(): void {
    this.#levelSum = 0;
    this.#levelPeak = 0;
    this.#levelCount = 0;
    this.#levelFramesSeen = 0;
  }

  #armWatchdog(session: Session): void {
    const check = () => {
      if (session.ended || session !== this.#session) return;
      const idle = this.#clock.now() - session.lastActivity;
      if (idle >= this.#stallTimeoutMs) {
        this.#fail(session, micError('mic_stalled', `The microphone did not respond for ${Math.round(idle)} ms`, false));
        return;
      }
      session.watchdog = this.#clock.setTimeout(check, Math.min(1_000, this.#stallTimeoutMs - idle + 10));
    };
    session.watchdog = this.#clock.setTimeout(check, Math.min(1_000, this.#stallTimeoutMs));
  }

  /** Ends a session on failure: emit (deduplicated), status 'error', retry unless permanent. */
  #fail(session: Session, error: MicError): void {
    if (session.ended || session !== this.#session) return;
    this.#endSession(session);
    this.#session = null;
    if (error.code !== this.#lastErrorCode) {
      this.#lastErrorCode = error.code ?? null;
      log.warn({ code: error.code, message: error.message, permanent: error.permanent }, 'microphone failed');
      this.emit('error', error);
    } else {
      log.debug({ code: error.code }, 'microphone still failing');
    }
    this.#setStatus('error');
    this.#settleOpen?.();
    this.#settleOpen = null;
    if (!error.permanent && this.#wanted && !this.#muted) this.#scheduleRetry();
  }

  /** Marks a session finished and tells its worker to stop (it releases the device and exits). */
  #endSession(session: Session): void {
    session.ended = true;
    this.#clock.clearTimeout(session.watchdog);
    session.requestStop();
    this.#closing.add(session);
    // A worker blocked in a native read sees the flag when the read returns (≤ ~1 s); terminate
    // if it does not exit in time (terminate itself also waits for the native call to return).
    const timer = this.#clock.setTimeout(() => void session.worker.terminate(), this.#closeTimeoutMs);
    void session.exited.then(() => {
      this.#clock.clearTimeout(timer);
      this.#closing.delete(session);
    });
  }

  async #closeSession(): Promise<void> {
    const session = this.#session;
    this.#session = null;
    if (session && !session.ended) this.#endSession(session);
    this.#settleOpen?.();
    this.#settleOpen = null;
    await this.#waitClosed();
  }

  /**
   * Waits for ending workers to exit, bounded: a worker stuck in a native call cannot be
   * terminated, and must not wedge stop() or the next open.
   */
  async #waitClosed(): Promise<void> {
    if (this.#closing.size === 0) return;
    let timer: TimerHandle | undefined;
    const limit = new Promise<'timeout'>((resolve) => {
      timer = this.#clock.setTimeout(() => resolve('timeout'), this.#closeTimeoutMs + 1_000);
    });
    const result = await Promise.race([Promise.all([...this.#closing].map((s) => s.exited)), limit]);
    this.#clock.clearTimeout(timer);
    if (result === 'timeout') log.warn({ workers: this.#closing.size }, 'microphone worker did not exit; continuing');
  }

  #scheduleRetry(): void {
    this.#cancelRetry();
    const delay = this.#backoffMs;
    this.#backoffMs = Math.min(this.#backoffMs * 2, this.#retryMaxMs);
    log.debug({ delay }, 'microphone retry scheduled');
    this.#retryTimer = this.#clock.setTimeout(() => {
      this.#retryTimer = undefined;
      void this.#enqueue(async () => {
        if (!this.#wanted || this.#muted || this.#session) return;
        await this.#open(); // not awaiting the first frame: the queue stays free for stop()
      });
    }, delay);
  }

  #cancelRetry(): void {
    this.#clock.clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
  }
}
