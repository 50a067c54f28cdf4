import { Worker } from 'node:worker_threads';
import type { AssistantError } from './errors.js';

type WorkerMessage = { type: string };

export type StartWorkerOptions<Message extends WorkerMessage> = {
  entry: string;
  workerData: unknown;
  name: string;
  timeoutMs: number;
  /** The worker's refusal to start (its `init-error`), as the error to reject with. */
  initError(message: Message): AssistantError | null;
  /** The error for a worker that failed before it was ready: it threw, exited, or took too long. */
  failure(reason: { kind: 'error'; error: Error } | { kind: 'exit'; code: number } | { kind: 'timeout'; ms: number }): AssistantError;
};

/**
 * Starts a worker thread and resolves once it says `ready`, with that message; rejects with one
 * AssistantError (and terminates the worker) if it refuses, throws, exits or is not ready in time.
 */
export function startWorker<Message extends WorkerMessage>(
  options: StartWorkerOptions<Message>,
): Promise<{ worker: Worker; ready: Extract<Message, { type: 'ready' }> }> {
  const worker = new Worker(options.entry, { workerData: options.workerData, name: options.name });
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const fail = (error: AssistantError): void => {
      cleanup();
      void worker.terminate();
      reject(error);
    };
    const onMessage = (message: Message): void => {
      if (message.type === 'ready') {
        cleanup();
        resolve({ worker, ready: message as Extract<Message, { type: 'ready' }> });
        return;
      }
      const refused = options.initError(message);
      if (refused) fail(refused);
    };
    const onError = (error: Error): void => fail(options.failure({ kind: 'error', error }));
    const onExit = (code: number): void => fail(options.failure({ kind: 'exit', code }));
    const timer = setTimeout(() => fail(options.failure({ kind: 'timeout', ms: options.timeoutMs })), options.timeoutMs);
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}

/**
 * Asks a worker to close (`closeMessage`) and resolves when it has exited; terminates it if it has
 * not within `graceMs`.
 */
export function closeWorker(worker: Worker, closeMessage: unknown, graceMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => void worker.terminate(), graceMs);
    worker.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    worker.postMessage(closeMessage);
  });
}
