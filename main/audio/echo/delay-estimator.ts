/**
 * The bulk echo delay, followed while Hearth speaks: the normalised cross-correlation of the
 * reference's and the microphone's log-energy envelopes (5 ms steps) over the last 2 s, at lags
 * 0..1000 ms. Envelopes, not samples: cheap (80 k multiply-adds per estimate), insensitive to the
 * room's colouring, and 5 ms is well inside what AEC3's own delay estimator then refines.
 */
export type DelayEstimatorOptions = {
  sampleRate: number;
  /** Envelope step, samples (default 5 ms). */
  stepSamples?: number;
  /** Longest delay looked for, ms (default 1000). */
  maxDelayMs?: number;
  /** Correlation window, ms (default 2000). */
  windowMs?: number;
  /** Estimate every this many steps (default 50, i.e. every 250 ms). */
  everySteps?: number;
};

export type DelayEstimate = { delayMs: number; correlation: number };

/** Below this the reference counts as silent (float full scale 1: about -60 dBFS). */
const ACTIVE_ENERGY = 1e-6;
/** Envelope floor, so silence does not dominate the log envelope. */
const FLOOR = 1e-9;

export class EnvelopeDelayEstimator {
  readonly stepSamples: number;
  readonly stepMs: number;
  readonly maxLag: number;
  readonly window: number;
  readonly everySteps: number;
  #ref: Float64Array;
  #mic: Float64Array;
  #refActive: Uint8Array;
  #count = 0;
  #refAcc = 0;
  #micAcc = 0;
  #accSamples = 0;
  #current: DelayEstimate | null = null;
  #candidate: number | null = null;
  #correlations: Float64Array;

  constructor(options: DelayEstimatorOptions) {
    this.stepSamples = options.stepSamples ?? Math.round(options.sampleRate / 200);
    this.stepMs = (this.stepSamples * 1000) / options.sampleRate;
    this.maxLag = Math.round((options.maxDelayMs ?? 1000) / this.stepMs);
    this.window = Math.round((options.windowMs ?? 2000) / this.stepMs);
    this.everySteps = options.everySteps ?? 50;
    const length = this.window + this.maxLag;
    this.#ref = new Float64Array(length);
    this.#mic = new Float64Array(length);
    this.#refActive = new Uint8Array(length);
    this.#correlations = new Float64Array(this.maxLag + 1);
  }

  /** The accepted estimate (null until one is confident). */
  get estimate(): DelayEstimate | null {
    return this.#current;
  }

  /** Starts over (the echo path changed, e.g. another output device). */
  reset(): void {
    this.#count = 0;
    this.#refAcc = this.#micAcc = this.#accSamples = 0;
    this.#current = null;
    this.#candidate = null;
  }

  /**
   * Adds time-aligned samples: `ref[i]` was played at the same instant as `mic[i]` was captured
   * (undelayed: the echo of ref[i] shows up in mic[i + delay]). Returns true when the estimate changed.
   */
  push(ref: Float32Array, mic: Float32Array): boolean {
    let changed = false;
    for (let i = 0; i < mic.length; i++) {
      const r = ref[i]!;
      const m = mic[i]!;
      this.#refAcc += r * r;
      this.#micAcc += m * m;
      if (++this.#accSamples === this.stepSamples) {
        const n = this.stepSamples;
        const slot = this.#count % this.#ref.length;
        this.#ref[slot] = Math.log(this.#refAcc / n + FLOOR);
        this.#mic[slot] = Math.log(this.#micAcc / n + FLOOR);
        this.#refActive[slot] = this.#refAcc / n > ACTIVE_ENERGY ? 1 : 0;
        this.#refAcc = this.#micAcc = this.#accSamples = 0;
        this.#count++;
        if (this.#count >= this.#ref.length && this.#count % this.everySteps === 0) changed = this.#estimate() || changed;
      }
    }
    return changed;
  }

  #estimate(): boolean {
    const len = this.#ref.length;
    const W = this.window;
    const base = this.#count - W; // first mic step of the window (absolute)
    // The reference must have been active for a good part of the window (lags included).
    let active = 0;
    for (let k = base - this.maxLag; k < this.#count; k++) active += this.#refActive[mod(k, len)]!;
    if (active < 0.25 * (W + this.maxLag)) return false;

    let micMean = 0;
    for (let k = 0; k < W; k++) micMean += this.#mic[mod(base + k, len)]!;
    micMean /= W;
    let micVar = 0;
    for (let k = 0; k < W; k++) micVar += (this.#mic[mod(base + k, len)]! - micMean) ** 2;
    if (micVar <= 0) return false;

    let best = -Infinity;
    let bestLag = 0;
    let sum = 0;
    let sumSq = 0;
    const correlations = this.#correlations;
    for (let lag = 0; lag <= this.maxLag; lag++) {
      let refMean = 0;
      for (let k = 0; k < W; k++) refMean += this.#ref[mod(base + k - lag, len)]!;
      refMean /= W;
      let cross = 0;
      let refVar = 0;
      for (let k = 0; k < W; k++) {
        const r = this.#ref[mod(base + k - lag, len)]! - refMean;
        cross += r * (this.#mic[mod(base + k, len)]! - micMean);
        refVar += r * r;
      }
      const c = refVar > 0 ? cross / Math.sqrt(refVar * micVar) : 0;
      correlations[lag] = c;
      sum += c;
      sumSq += c * c;
      if (c > best) {
        best = c;
        bestLag = lag;
      }
    }
    const lags = this.maxLag + 1;
    const mean = sum / lags;
    const spread = Math.sqrt(Math.max(0, sumSq / lags - mean * mean));
    // The best correlation away from the peak (more than 100 ms off): another candidate delay.
    const away = Math.round(100 / this.stepMs);
    let second = -Infinity;
    for (let lag = 0; lag <= this.maxLag; lag++) if (Math.abs(lag - bestLag) > away) second = Math.max(second, correlations[lag]!);
    // Confident: a clear peak, well above the correlation at other lags, or well above any other delay.
    if (best < 0.35 || (best - mean < 3 * spread && best - second < 0.15)) return false;
    const delayMs = bestLag * this.stepMs;
    const current = this.#current;
    if (current === null) {
      this.#current = { delayMs, correlation: best };
      return true;
    }
    if (Math.abs(current.delayMs - delayMs) <= 2 * this.stepMs) {
      // The same delay give or take a step: keep it (every change makes AEC3 re-adapt).
      this.#current = { delayMs: current.delayMs, correlation: best };
      this.#candidate = null;
      return false;
    }
    // A jump: believe it when the next estimate agrees (one window's double talk should not move it).
    if (this.#candidate !== null && Math.abs(this.#candidate - delayMs) <= 2 * this.stepMs) {
      this.#current = { delayMs, correlation: best };
      this.#candidate = null;
      return true;
    }
    this.#candidate = delayMs;
    return false;
  }
}

function mod(i: number, n: number): number {
  const r = i % n;
  return r < 0 ? r + n : r;
}
