import { fileURLToPath } from 'node:url';
import { findBuiltFile } from '../util/built-file.js';
import { ConfigError, MicError } from '../util/errors.js';

/** File name of the worker script; the build copies it verbatim next to the bundle (see below). */
export const PV_RECORDER_WORKER_FILE = 'pv-recorder-worker.cjs';

// ---- Worker protocol (mirrors pv-recorder-worker.cjs) ----

export type CaptureWorkerData = {
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

export type WorkerData = { mode: 'list' } | CaptureWorkerData;

type WorkerFailure = { type: 'failed'; code: string; message: string; permanent: boolean };

export type WorkerMessage =
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

export function workerPathOf(option: string | URL | undefined): string {
  if (option === undefined) return resolvePvRecorderWorkerPath();
  return option instanceof URL ? fileURLToPath(option) : option;
}

/** A microphone failure (the worker's `failed` codes, or the host's own): a missing device or platform is configuration. */
export function micError(code: string, message: string, permanent: boolean, cause?: unknown): MicError {
  const category = code === 'mic_device_not_found' || code === 'mic_unsupported' ? 'configuration' : 'unknown';
  return new MicError(message, { category, permanent, code, cause });
}
