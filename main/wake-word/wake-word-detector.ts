import type { EventSource } from '../util/typed-emitter.js';
import type { AssistantError } from '../util/errors.js';

export type WakeDetection = {
  keyword: string;
  score: number;
  /** Stream time of the end of the frame that fired. */
  frameTimestampMs: number;
};

export type WakeWordDetectorEvents = {
  detection: [detection: WakeDetection];
  error: [error: AssistantError];
};

/**
 * A wake-word engine running off the main thread: frames go in with `push`, detections come back as
 * events. (WorkerWakeWordDetector runs a WakeWordEngine in a worker thread.)
 */
export interface WakeWordDetector extends EventSource<WakeWordDetectorEvents> {
  readonly keywords: readonly string[];
  push(frame: Int16Array, timestampMs: number): void;
  reset(): void;
  stop(): Promise<void>;
}
