import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { findBuiltFile } from '../util/built-file.js';
import { ConfigError, WakeWordError, type AssistantError, type WireError } from '../util/errors.js';
import { createLogger } from '../util/logger.js';
import { TypedEmitter } from '../util/typed-emitter.js';
import type { OpenWakeWordEngineOptions } from './open-wake-word-options.js';
import type { WakeDetection, WakeWordDetector, WakeWordDetectorEvents } from './wake-word-detector.js';
import type {
  HostToWorkerMessage,
  WakeWordEngineSpec,
  WakeWordWorkerData,
  WakeWordWorkerStats,
  WorkerToHostMessage,
} from './wake-word-worker-protocol.js';
import { closeWorker, startWorker } from '../util/start-worker.js';

export type { WakeWordEngineSpec, WakeWordWorkerStats } from './wake-word-worker-protocol.js';

const log = createLogger('wake-word');

/** The detection type under the name the worker tests import. */
export type WorkerWakeWordDetection = WakeDetection;

export type WorkerWakeWordDetectorOptions = {
  /** openWakeWord options, or `{ kind: 'porcupine' | 'openwakeword', options }`; the engine is built in the worker. */
  engine: OpenWakeWordEngineOptions | WakeWordEngineSpec;
  /**
   * The built worker script. Default: resolveWakeWordWorkerEntry(), which finds
   * out/main/wake-word/wake-word-worker.js from wherever this module was bundled. Tests running from
   * TypeScript source pass a freshly built file instead.
   */
  workerEntry?: string | URL;
  /** Give up if the worker has not loaded the models by then. Default 30 s. */
  startTimeoutMs?: number;
};

type State = 'running' | 'stopping' | 'stopped';

export const WAKE_WORD_WORKER_FILE = 'wake-word-worker.js';

/**
 * Where the built worker script is, by default. The build emits main/wake-word/wake-word-worker.ts as its
 * own entry, out/main/wake-word/wake-word-worker.js (scripts/build.mjs does), while this module ends up
 * inside a bundle such as out/main/shell/index.js or out/main/headless/cli.js. So look next to this
 * module, then in ./wake-word/ and ../wake-word/; return the first that exists, else throw ConfigError.
 */
export function resolveWakeWordWorkerEntry(moduleUrl: string | undefined = import.meta.url): string {
  const result = findBuiltFile(moduleUrl, 'wake-word', WAKE_WORD_WORKER_FILE);
  if ('found' in result) return result.found;
  const fromSource = moduleUrl !== undefined && moduleUrl.endsWith('.ts');
  throw new ConfigError(
    `The wake-word worker script was not found; looked in: ${result.tried.join(', ')}. The build must emit ` +
      `main/wake-word/wake-word-worker.ts as its own entry, out/main/wake-word/${WAKE_WORD_WORKER_FILE}` +
      (fromSource
        ? '. Running from TypeScript source: build the worker first and pass workerEntry (as test/unit/wake-word/build-worker.ts does)'
        : ''),
    { code: 'wake_word_worker_missing' },
  );
}

/**
 * Runs the openWakeWord engine in a `node:worker_threads` Worker so the main thread never waits for
 * inference: `push` only posts the frame (its buffer is transferred), and detections come back as
 * `detection` events. Frames are processed in order; the worker needs about 1.5 ms per 80 ms of audio.
 */
export class WorkerWakeWordDetector extends TypedEmitter<WakeWordDetectorEvents> implements WakeWordDetector {
  readonly name: string;
  readonly keywords: readonly string[];
  readonly frameLength: number;
  readonly sampleRate: number;
  /** Worker-side time to load the models (ms). */
  readonly initMs: number;

  #worker: Worker;
  #state: State = 'running';
  #nextStatsId = 1;
  #pendingStats = new Map<number, { resolve: (s: WakeWordWorkerStats) => void; reject: (e: Error) => void }>();
  #stopped: Promise<void> | undefined;
  #dropped = 0;

  /**
   * Starts the worker and resolves once the models are loaded. Rejects with ConfigError for bad options,
   * a bad model file (the message names it) or a missing worker entry; WakeWordError otherwise.
   */
  static async start(options: WorkerWakeWordDetectorOptions): Promise<WorkerWakeWordDetector> {
    const entry = workerEntryOf(options.workerEntry);
    const workerData: WakeWordWorkerData = { engine: options.engine };
    const { worker, ready } = await startWorker<WorkerToHostMessage>({
      entry,
      workerData,
      name: 'hearth-wake-word',
      timeoutMs: options.startTimeoutMs ?? 30_000,
      initError: (message) => (message.type === 'init-error' ? fromWire(message.error) : null),
      failure: (reason) =>
        new WakeWordError(
          reason.kind === 'error'
            ? `The wake-word worker failed to start: ${reason.error.message}`
            : reason.kind === 'exit'
              ? `The wake-word worker exited (code ${reason.code}) before it was ready`
              : `The wake-word worker was not ready after ${reason.ms} ms`,
          { category: 'application', ...(reason.kind === 'error' ? { cause: reason.error } : {}) },
        ),
    });
    log.info({ keywords: ready.keywords, initMs: Math.round(ready.initMs) }, 'wake-word worker ready');
    return new WorkerWakeWordDetector(worker, ready);
  }

  private constructor(worker: Worker, ready: Extract<WorkerToHostMessage, { type: 'ready' }>) {
    super();
    this.#worker = worker;
    this.name = ready.name;
    this.keywords = Object.freeze([...ready.keywords]);
    this.frameLength = ready.frameLength;
    this.sampleRate = ready.sampleRate;
    this.initMs = ready.initMs;
    worker.on('message', (message: WorkerToHostMessage) => this.#onMessage(message));
    worker.on('error', (error: Error) => {
      this.emit('error', new WakeWordError(`The wake-word worker crashed: ${error.message}`, { category: 'application', cause: error }));
    });
    worker.on('exit', (code) => {
      const wasRunning = this.#state === 'running';
      this.#state = 'stopped';
      this.#rejectPendingStats('the wake-word worker exited');
      if (wasRunning) {
        this.emit('error', new WakeWordError(`The wake-word worker exited unexpectedly (code ${code})`, { category: 'application' }));
      }
    });
  }

  get running(): boolean {
    return this.#state === 'running';
  }

  /** Frames pushed while not running (they are dropped). */
  get droppedFrames(): number {
    return this.#dropped;
  }

  /**
   * Queues one frame (16 kHz mono Int16, normally 512 samples) for the worker. `timestampMs` is the
   * stream time of the frame's first sample (PcmFrame.timestampMs). Zero-copy: when the frame owns its
   * whole ArrayBuffer that buffer is transferred, so the caller's `frame` is empty afterwards; pass
   * `frame.slice()` if something else still reads it. Views on a larger or shared buffer are copied.
   */
  push(frame: Int16Array, timestampMs: number): void {
    if (this.#state !== 'running') {
      this.#dropped++;
      return;
    }
    const ownsBuffer = frame.buffer instanceof ArrayBuffer && frame.byteOffset === 0 && frame.byteLength === frame.buffer.byteLength;
    const samples = ownsBuffer ? frame : frame.slice();
    this.#post({ type: 'frame', samples, timestampMs }, [samples.buffer as ArrayBuffer]);
  }

  /** Clears the engine's audio history and score state (frames already queued are processed first). */
  reset(): void {
    if (this.#state === 'running') this.#post({ type: 'reset' });
  }

  /** Worker-side counters; resolves after every frame pushed before the call has been processed. */
  stats(): Promise<WakeWordWorkerStats> {
    if (this.#state !== 'running')
      return Promise.reject(new WakeWordError('The wake-word worker is not running', { category: 'application' }));
    const id = this.#nextStatsId++;
    return new Promise((resolve, reject) => {
      this.#pendingStats.set(id, { resolve, reject });
      this.#post({ type: 'stats', id });
    });
  }

  /** Processes what is queued, disposes the engine and ends the worker (terminated after `graceMs`). */
  stop(graceMs = 2000): Promise<void> {
    if (this.#stopped) return this.#stopped;
    if (this.#state === 'stopped') return (this.#stopped = Promise.resolve());
    this.#state = 'stopping';
    this.#stopped = closeWorker(this.#worker, { type: 'close' } satisfies HostToWorkerMessage, graceMs);
    return this.#stopped;
  }

  #post(message: HostToWorkerMessage, transfer?: ArrayBuffer[]): void {
    this.#worker.postMessage(message, transfer);
  }

  #onMessage(message: WorkerToHostMessage): void {
    switch (message.type) {
      case 'detection':
        log.info({ keyword: message.keyword, score: message.score, frameTimestampMs: message.frameTimestampMs }, 'wake word detected');
        this.emit('detection', {
          keyword: message.keyword,
          score: message.score,
          frameTimestampMs: message.frameTimestampMs,
        });
        break;
      case 'error':
        this.emit('error', fromWire(message.error));
        break;
      case 'stats': {
        const pending = this.#pendingStats.get(message.id);
        this.#pendingStats.delete(message.id);
        pending?.resolve(message.stats);
        break;
      }
      case 'ready':
      case 'init-error':
        break;
    }
  }

  #rejectPendingStats(reason: string): void {
    for (const { reject } of this.#pendingStats.values()) reject(new WakeWordError(reason, { category: 'application' }));
    this.#pendingStats.clear();
  }
}

function workerEntryOf(entry: string | URL | undefined): string {
  if (entry === undefined) return resolveWakeWordWorkerEntry();
  const file = entry instanceof URL ? fileURLToPath(entry) : entry;
  if (!existsSync(file)) {
    throw new ConfigError(`The wake-word worker script ${file} does not exist`, { code: 'wake_word_worker_missing' });
  }
  return file;
}

function fromWire(error: WireError): AssistantError {
  if (error.source === 'settings') return new ConfigError(error.message, { code: error.code });
  return new WakeWordError(error.message, { category: error.category, permanent: error.permanent, code: error.code });
}
