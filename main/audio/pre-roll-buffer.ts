import { MIC_SAMPLE_RATE, type PcmFrame } from './mic-source.js';
import { samplesToMs } from './pcm.js';

/**
 * The last few seconds of microphone frames, so a conversation started by a wake word can begin
 * from just before the wake phrase ended: "hey jarvis turn on the lights" in one breath loses no
 * word even though the detection arrives a few hundred milliseconds after the phrase.
 */
export class PreRollBuffer {
  #frames: PcmFrame[] = [];
  readonly #capacityMs: number;

  constructor(capacityMs = 3000) {
    this.#capacityMs = capacityMs;
  }

  push(frame: PcmFrame): void {
    this.#frames.push(frame);
    const oldestKept = frame.timestampMs - this.#capacityMs;
    let drop = 0;
    while (drop < this.#frames.length && this.#frames[drop]!.timestampMs < oldestKept) drop++;
    if (drop > 0) this.#frames.splice(0, drop);
  }

  /** Frames that end after `fromMs` (stream time), oldest first: the one containing `fromMs` is included. */
  since(fromMs: number): PcmFrame[] {
    return this.#frames.filter((f) => f.timestampMs + samplesToMs(f.samples.length, MIC_SAMPLE_RATE) > fromMs);
  }

  clear(): void {
    this.#frames = [];
  }
}
