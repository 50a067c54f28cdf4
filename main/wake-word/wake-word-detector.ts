import type { EventSource } from '../util/typed-emitter.js';
import type { AssistantError } from '../util/errors.js';

export type WakeDetection = {
  /** The keyword's label, e.g. "hey jarvis". */
  keyword: string;
  score: number;
  /** Stream time of the end of the frame that fired (the pushed `timestampMs` plus the frame's duration). */
  frameTimestampMs: number;
};

export type WakeWordDetectorEvents = {
  detection: [detection: WakeDetection];
  /** A frame failed in the engine, or the engine's worker died (then the detector is stopped). */
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
