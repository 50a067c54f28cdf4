import { systemClock, type Clock, type TimerHandle } from '../util/clock.js';
import type { MicError } from '../util/errors.js';
import { createLogger } from '../util/logger.js';
import { TypedEmitter } from '../util/typed-emitter.js';
import { LevelMeter, SILENCE_DBFS } from './mic-level.js';
import { MIC_FRAME_MS, MIC_FRAME_SAMPLES, type MicSource, type MicSourceEvents, type MicStatus } from './mic-source.js';
import { listPvRecorderDevices, type MicDeviceInfo } from './pv-recorder-devices.js';
import { CaptureSession } from './pv-recorder-session.js';
import { micError, workerPathOf, type WorkerMessage } from './pv-recorder-worker-protocol.js';

export { computeLevel, SILENCE_DBFS } from './mic-level.js';
export type { MicLevel } from './mic-source.js';
export type { MicDeviceInfo } from './pv-recorder-devices.js';
export { PV_RECORDER_WORKER_FILE, resolvePvRecorderWorkerPath } from './pv-recorder-worker-protocol.js';

const log = createLogger('mic');

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
 *
 * Files: pv-recorder-worker-protocol.ts (the worker's messages, where it is, its failures as MicError),
 * pv-recorder-devices.ts (listing devices), pv-recorder-session.ts (one capture worker, its watchdog
 * and its end), mic-level.ts (the level meter); this file: start/stop/mute, stream time and recovery.
 */
export class PvRecorderMicSource extends TypedEmitter<PvRecorderMicSourceEvents> implements MicSource {
  /**
   * Lists capture device names (for a settings UI) in a short-lived worker of its own, never in a
   * running capture worker. (A capture worker lists once, to turn its device name into an index,
   * just before opening; the first-read retry covers a first read that fails after a listing.)
   */
  static listDevices(options: { workerPath?: string | URL; timeoutMs?: number } = {}): Promise<string[]> {
    return listPvRecorderDevices(options);
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
  readonly #bufferedFramesCount: number;
  readonly #clock: Clock;

  #status: MicStatus = 'stopped';
  #wanted = false;
  #muted = false;
  #session: CaptureSession | null = null;
  #lastDevice: MicDeviceInfo | null = null;
  /** Sessions told to stop whose worker has not exited yet. */
  #closing = new Set<CaptureSession>();
  #retryTimer: TimerHandle | undefined;
  #backoffMs: number;
  #lastErrorCode: string | null = null;
  #ops: Promise<void> = Promise.resolve();
  /** Resolved when the current session delivers its first frame or fails. */
  #settleOpen: (() => void) | null = null;

  #startedAt = 0;
  /** Stream time just after the last frame emitted. */
  #nextTimestampMs = 0;
  readonly #level: LevelMeter;

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
    this.#level = new LevelMeter(Math.max(1, Math.round((options.levelIntervalMs ?? 100) / MIC_FRAME_MS)));
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
        this.#level.reset();
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
    const session = new CaptureSession(
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
      this.#clock,
    );
    this.#session = session;
    this.#level.reset();
    session.worker.on('message', (message: WorkerMessage) => this.#onMessage(session, message));
    session.worker.once('error', (error) =>
      this.#fail(session, micError('mic_worker_failed', `Microphone worker crashed: ${String(error)}`, false, error)),
    );
    session.worker.once('exit', (code) => {
      if (!session.ended) this.#fail(session, micError('mic_worker_failed', `Microphone worker exited (${code})`, false));
    });
    session.armWatchdog(
      this.#stallTimeoutMs,
      () => session === this.#session,
      (idle) => this.#fail(session, micError('mic_stalled', `The microphone did not respond for ${Math.round(idle)} ms`, false)),
    );
    return { opened };
  }

  #onMessage(session: CaptureSession, message: WorkerMessage): void {
    if (session !== this.#session || session.ended) return;
    switch (message.type) {
      case 'opened': {
        session.touch();
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
        session.touch();
        log.debug({ consecutive: message.consecutive, message: message.message }, 'microphone read failed');
        return;
      case 'failed':
        this.#fail(session, micError(message.code, message.message, message.permanent));
        return;
      case 'devices':
        return;
    }
  }

  #onFrame(session: CaptureSession, seq: number, samples: Int16Array): void {
    session.touch();
    const now = session.lastActivity;
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
    const level = this.#level.add(samples);
    if (level) this.emit('level', level);
  }

  /** Ends a session on failure: emit (deduplicated), status 'error', retry unless permanent. */
  #fail(session: CaptureSession, error: MicError): void {
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

  /** Ends the session (its worker stops and exits); until it has exited, the next open waits for it. */
  #endSession(session: CaptureSession): void {
    session.end(this.#closeTimeoutMs);
    this.#closing.add(session);
    void session.exited.then(() => this.#closing.delete(session));
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
