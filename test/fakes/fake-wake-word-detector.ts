import { TypedEmitter } from '../../main/util/typed-emitter.js';
import type { WakeDetection, WakeWordDetector, WakeWordDetectorEvents } from '../../main/wake-word/wake-word-detector.js';

/** Records the frames it is given; the test decides when a wake word is "heard". */
export class FakeWakeWordDetector extends TypedEmitter<WakeWordDetectorEvents> implements WakeWordDetector {
  readonly keywords = ['hey jarvis'];
  frames: Array<{ samples: Int16Array; timestampMs: number }> = [];
  stopped = false;

  push(frame: Int16Array, timestampMs: number): void {
    this.frames.push({ samples: frame, timestampMs });
  }

  reset(): void {}

  async stop(): Promise<void> {
    this.stopped = true;
  }

  fire(detection: Partial<WakeDetection> = {}): void {
    const last = this.frames.at(-1);
    this.emit('detection', { keyword: 'hey jarvis', score: 0.9, frameTimestampMs: (last?.timestampMs ?? 0) + 32, ...detection });
  }
}
