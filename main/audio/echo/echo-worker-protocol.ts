import type { WireError } from '../../util/errors.js';

/** Messages between EchoCanceller (main thread) and echo-worker.ts. Plain data only. */

export type EchoWorkerData = {
  /** Bulk delay from the self-test, ms (null: unknown, the running estimator finds it). */
  delayHintMs: number | null;
};

export type HostToEchoWorkerMessage =
  /** Played audio at the player's 24 kHz; `playedAtMs` on the app clock. Transferred. */
  | { type: 'render'; samples: Int16Array; playedAtMs: number }
  /** One 512-sample microphone frame; `captureStartMs`: its first sample on the app clock. Transferred. */
  | { type: 'capture'; samples: Int16Array; timestampMs: number; captureStartMs: number }
  | { type: 'delay-hint'; delayMs: number | null }
  | { type: 'close' };

export type EchoWorkerFrameStats = {
  delayMs: number | null;
  erleDb: number | null;
  framesProcessed: number;
  /** Worker time spent on this frame (render resampling included), ms. */
  processMs: number;
};

export type EchoWorkerToHostMessage =
  | { type: 'ready'; initMs: number; latencySamples: number }
  | { type: 'init-error'; error: WireError }
  | { type: 'frame'; samples: Int16Array; timestampMs: number; stats: EchoWorkerFrameStats }
  | { type: 'error'; error: WireError };
