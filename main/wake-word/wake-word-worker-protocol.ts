import type { WireError } from '../util/errors.js';
import type { OpenWakeWordEngineOptions } from './open-wake-word-options.js';
import type { PorcupineEngineOptions } from './porcupine-wake-word-engine.js';

/** Messages between WorkerWakeWordDetector (main thread) and wake-word-worker.ts. Plain data only. */

/**
 * Which engine the worker builds, as plain data (the engine is constructed inside the worker thread).
 * Bare OpenWakeWordEngineOptions (no `kind`) still mean openWakeWord.
 */
export type WakeWordEngineSpec =
  { kind: 'openwakeword'; options: OpenWakeWordEngineOptions } | { kind: 'porcupine'; options: PorcupineEngineOptions };

export type WakeWordWorkerData = { engine: OpenWakeWordEngineOptions | WakeWordEngineSpec };

export function toWakeWordEngineSpec(engine: OpenWakeWordEngineOptions | WakeWordEngineSpec): WakeWordEngineSpec {
  return 'kind' in engine ? engine : { kind: 'openwakeword', options: engine };
}

export type HostToWorkerMessage =
  /** `samples` arrives on its own (transferred) ArrayBuffer; `timestampMs` is the stream time of its first sample. */
  { type: 'frame'; samples: Int16Array; timestampMs: number } | { type: 'reset' } | { type: 'stats'; id: number } | { type: 'close' };

export type WakeWordWorkerStats = {
  frames: number;
  samples: number;
  detections: number;
  /** Time spent inside engine.process on the worker thread. */
  busyMs: number;
  maxProcessMs: number;
};

export type WorkerToHostMessage =
  | { type: 'ready'; name: string; keywords: string[]; frameLength: number; sampleRate: number; initMs: number }
  | { type: 'init-error'; error: WireError }
  | { type: 'detection'; keyword: string; score: number; frameTimestampMs: number }
  | { type: 'error'; error: WireError }
  | { type: 'stats'; id: number; stats: WakeWordWorkerStats };
