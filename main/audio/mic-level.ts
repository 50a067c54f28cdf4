import type { MicLevel } from './mic-source.js';

/** rmsDbfs reported for digital silence (instead of -Infinity). */
export const SILENCE_DBFS = -100;

/** Level of a block of PCM: RMS in dBFS (floor SILENCE_DBFS) and peak 0..1. */
export function computeLevel(sumSquares: number, count: number, peakAbs: number): MicLevel {
  if (count === 0 || sumSquares === 0) return { rmsDbfs: SILENCE_DBFS, peak: peakAbs / 32768 };
  const rms = Math.sqrt(sumSquares / count) / 32768;
  return { rmsDbfs: Math.max(SILENCE_DBFS, 20 * Math.log10(rms)), peak: peakAbs / 32768 };
}

/** Sums frames into one level every `framesPerLevel` frames (a VU meter's ~100 ms). */
export class LevelMeter {
  #sum = 0;
  #peak = 0;
  #count = 0;
  #frames = 0;

  constructor(readonly framesPerLevel: number) {}

  /** Adds a frame; returns the level of the window when this frame completes one (and starts the next). */
  add(samples: Int16Array): MicLevel | null {
    let sum = 0;
    let peak = this.#peak;
    for (let i = 0; i < samples.length; i++) {
      const s = samples[i]!;
      sum += s * s;
      const a = s < 0 ? -s : s;
      if (a > peak) peak = a;
    }
    this.#sum += sum;
    this.#peak = peak;
    this.#count += samples.length;
    if (++this.#frames < this.framesPerLevel) return null;
    const level = computeLevel(this.#sum, this.#count, this.#peak);
    this.reset();
    return level;
  }

  reset(): void {
    this.#sum = 0;
    this.#peak = 0;
    this.#count = 0;
    this.#frames = 0;
  }
}
