import { Worker } from 'node:worker_threads';
import { micError, workerPathOf, type WorkerData, type WorkerMessage } from './pv-recorder-worker-protocol.js';

export type MicDeviceInfo = {
  /** The device actually capturing. */
  name: string;
  /** The device asked for (null = system default). */
  requested: string | null;
  /** True when `requested` was not present and the default device is used instead. */
  fallback: boolean;
};

/**
 * Lists capture device names (for a settings UI) in a short-lived worker of its own, never in a
 * running capture worker. (A capture worker lists once, to turn its device name into an index,
 * just before opening; the first-read retry covers a first read that fails after a listing.)
 */
export async function listPvRecorderDevices(options: { workerPath?: string | URL; timeoutMs?: number } = {}): Promise<string[]> {
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
