import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { findBuiltFile } from '../../util/built-file.js';
import { ConfigError, MicError, type AssistantError, type WireError } from '../../util/errors.js';
import { createLogger } from '../../util/logger.js';
import { TypedEmitter } from '../../util/typed-emitter.js';
import type { PcmFrame } from '../mic-source.js';
import type { PlayedAudio } from './echo-types.js';
import type { EchoWorkerData, EchoWorkerFrameStats, EchoWorkerToHostMessage, HostToEchoWorkerMessage } from './echo-worker-protocol.js';
import { closeWorker, startWorker } from '../../util/start-worker.js';

const log = createLogger('echo');

export const ECHO_WORKER_FILE = 'echo-worker.js';

export type EchoCancellerOptions = {
  /** Bulk delay from the self-test, ms (null/absent: the running estimator finds it). */
  delayHintMs?: number | null;
  /** The built worker script. Default: out/main/audio/echo/echo-worker.js, found from this module. */
  workerEntry?: string | URL;
  /** Give up if the worker has not loaded AEC3 by then. Default 30 s. */
  startTimeoutMs?: number;
};

export type EchoCancellerEvents = {
  /** A cancelled frame, with the timestamp of the microphone frame it came from. In push order. */
  frame: [frame: PcmFrame, stats: EchoWorkerFrameStats];
  /** The worker failed (crashed, exited, or an error inside it). After `stopped` is true, nothing more. */
  error: [error: AssistantError];
};

/** Where the built worker is: out/main/audio/echo/echo-worker.js, from wherever this module was bundled. */
export function resolveEchoWorkerEntry(moduleUrl: string | undefined = import.meta.url): string {
  for (const folder of ['echo', 'audio/echo']) {
    const result = findBuiltFile(moduleUrl, folder, ECHO_WORKER_FILE);
    if ('found' in result) return result.found;
  }
  throw new ConfigError(
    `The echo-canceller worker script was not found next to ${moduleUrl ?? 'the app'}. The build must emit ` +
      `main/audio/echo/echo-worker.ts as its own entry, out/main/audio/echo/${ECHO_WORKER_FILE} (node scripts/build.mjs)`,
    { code: 'echo_worker_missing' },
  );
}

/**
 * WebRTC AEC3 in a `node:worker_threads` Worker: `pushRender` the played audio, `pushCapture` the
 * microphone frames, and get the cancelled frames back as `frame` events, in order, one per frame
 * pushed, with the same timestamps. Posting never blocks; buffers are transferred.
 */
export class EchoCanceller extends TypedEmitter<EchoCancellerEvents> {
  /** Input-to-output delay of the audio inside a frame, samples (constant; 256 = 16 ms). */
  readonly latencySamples: number;
  readonly initMs: number;
  #worker: Worker;
  #running = true;
  #stopped: Promise<void> | undefined;

  static async start(options: EchoCancellerOptions = {}): Promise<EchoCanceller> {
    const entry = workerEntryOf(options.workerEntry);
    const workerData: EchoWorkerData = { delayHintMs: options.delayHintMs ?? null };
    const { worker, ready } = await startWorker<EchoWorkerToHostMessage>({
      entry,
      workerData,
      name: 'hearth-echo',
      timeoutMs: options.startTimeoutMs ?? 30_000,
      initError: (message) => (message.type === 'init-error' ? fromWire(message.error) : null),
      failure: (reason) =>
        reason.kind === 'error'
          ? echoError(`The echo canceller failed to start: ${reason.error.message}`, reason.error)
          : reason.kind === 'exit'
            ? echoError(`The echo canceller's worker exited (code ${reason.code}) before it was ready`)
            : echoError(`The echo canceller was not ready after ${reason.ms} ms`),
    });
    log.info({ initMs: Math.round(ready.initMs) }, 'echo canceller ready');
    return new EchoCanceller(worker, ready);
  }

  private constructor(worker: Worker, ready: Extract<EchoWorkerToHostMessage, { type: 'ready' }>) {
    super();
    this.#worker = worker;
    this.latencySamples = ready.latencySamples;
    this.initMs = ready.initMs;
    worker.on('message', (message: EchoWorkerToHostMessage) => this.#onMessage(message));
    worker.on('error', (error: Error) => this.#fail(echoError(`The echo canceller crashed: ${error.message}`, error)));
    worker.on('exit', (code) => {
      if (this.#running) this.#fail(echoError(`The echo canceller's worker exited unexpectedly (code ${code})`));
    });
  }

  get running(): boolean {
    return this.#running;
  }

  /** Played audio (24 kHz). The samples are copied, so the caller may reuse its array. */
  pushRender(audio: PlayedAudio): void {
    if (!this.#running || audio.samples.length === 0) return;
    const samples = audio.samples.slice();
    this.#post({ type: 'render', samples, playedAtMs: audio.playedAtMs }, [samples.buffer]);
  }

  /** One microphone frame; `captureStartMs` is when its first sample was captured, on the app clock. Copied. */
  pushCapture(frame: PcmFrame, captureStartMs: number): void {
    if (!this.#running) return;
    const samples = frame.samples.slice();
    this.#post({ type: 'capture', samples, timestampMs: frame.timestampMs, captureStartMs }, [samples.buffer]);
  }

  setDelayHint(delayMs: number | null): void {
    if (this.#running) this.#post({ type: 'delay-hint', delayMs });
  }

  /** Ends the worker (frames still queued are dropped; terminated after `graceMs`). */
  stop(graceMs = 2000): Promise<void> {
    if (this.#stopped) return this.#stopped;
    const wasRunning = this.#running;
    this.#running = false;
    if (!wasRunning) return (this.#stopped = this.#worker.terminate().then(() => undefined));
    this.#stopped = closeWorker(this.#worker, { type: 'close' } satisfies HostToEchoWorkerMessage, graceMs);
    return this.#stopped;
  }

  #post(message: HostToEchoWorkerMessage, transfer?: ArrayBuffer[]): void {
    this.#worker.postMessage(message, transfer);
  }

  #fail(error: AssistantError): void {
    if (!this.#running) return;
    this.#running = false;
    log.warn({ err: error }, 'echo canceller failed');
    void this.#worker.terminate();
    this.emit('error', error);
  }

  #onMessage(message: EchoWorkerToHostMessage): void {
    switch (message.type) {
      case 'frame':
        if (this.#running) this.emit('frame', { samples: message.samples, timestampMs: message.timestampMs }, message.stats);
        break;
      case 'error':
        this.#fail(fromWire(message.error));
        break;
      case 'ready':
      case 'init-error':
        break;
    }
  }
}

function echoError(message: string, cause?: unknown): MicError {
  return new MicError(message, { category: 'application', permanent: false, code: 'echo_canceller_failed', cause });
}

function workerEntryOf(entry: string | URL | undefined): string {
  if (entry === undefined) return resolveEchoWorkerEntry();
  const file = entry instanceof URL ? fileURLToPath(entry) : entry;
  if (!existsSync(file)) throw new ConfigError(`The echo-canceller worker script ${file} does not exist`, { code: 'echo_worker_missing' });
  return file;
}

function fromWire(error: WireError): AssistantError {
  return new MicError(error.message, { category: error.category, permanent: error.permanent, code: error.code ?? 'echo_canceller_failed' });
}
