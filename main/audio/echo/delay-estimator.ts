/**
 * The bulk echo delay, followed while Hearth speaks: the normalised cross-correlation of the
 * reference's and the microphone's log-energy envelopes (5 ms steps) over the last 2 s, at lags
 * 0..1000 ms. Envelopes, not samples: cheap (80 k multiply-adds per estimate), insensitive to the
 * room's colouring, and 5 ms is well inside what AEC3's own delay estimator then refines.
 *
 * Double talk must never move it (issue 10: the user talking over a reply, which then stops while
 * the user goes on, correlates at a wrong lag of 465-990 ms). So every step is checked against what
 * the echo path can explain, whatever the delay: the microphone's energy may exceed the loudest
 * reference of the last 1000 ms times the echo path's gain (learnt from windows that confirm the
 * accepted delay) or the noise floor only by a margin; a window with more such steps than a few is
 * double talk and changes nothing. A new delay must then win several single-talk windows in a row,
 * clearly above the correlation at the accepted delay; a prior (the self-test's delay) asks for more.
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

/** What the last estimate saw (for the tests and the bench). */
export type DelayEstimatorCounters = { windows: number; doubleTalk: number; switches: number };

/** Below this the reference counts as silent (float full scale 1: about -60 dBFS). */
const ACTIVE_ENERGY = 1e-6;
/** Envelope floor, so silence does not dominate the log envelope. */
const FLOOR = 1e-9;
const LOG_ACTIVE = Math.log(ACTIVE_ENERGY);
/** A step is near-end speech when the mic is this far above what the echo path explains (10 dB, ln of energy). */
const NEAR_END_MARGIN = Math.log(10);
/** A window with more near-end steps than this fraction is double talk. */
const DOUBLE_TALK_FRACTION = 0.02;
/** The noise floor follows the quietest mic steps and creeps up by this much per step (about 2 dB/s). */
const NOISE_RISE = 0.0025;
/** Consecutive single-talk windows a new delay must win (each 250 ms apart), without and with a prior. */
const SWITCH_WINDOWS = 3;
const SWITCH_WINDOWS_PRIOR = 6;
/** How much higher the new delay's correlation must be than the accepted delay's, without and with a prior. */
const SWITCH_MARGIN = 0.1;
const SWITCH_MARGIN_PRIOR = 0.2;

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
  #candidateWins = 0;
  #prior = false;
  #correlations: Float64Array;
  /** Per step: the loudest reference over the lag range (log), and the noise floor then (log). */
  #maxRef: Float64Array;
  #noise: Float64Array;
  #noiseNow = Infinity;
  /** The echo path's gain, log: the 90th percentile of mic minus loudest reference in single talk. */
  #gain: number | null = null;
  #counters: DelayEstimatorCounters = { windows: 0, doubleTalk: 0, switches: 0 };

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
    this.#maxRef = new Float64Array(length);
    this.#noise = new Float64Array(length);
  }

  get counters(): DelayEstimatorCounters {
    return { ...this.#counters };
  }

  /**
   * A delay known from elsewhere (the self-test): accepted now, and left only for a delay that wins
   * SWITCH_WINDOWS_PRIOR single-talk windows in a row by SWITCH_MARGIN_PRIOR. null drops it.
   */
  setPrior(delayMs: number | null): void {
    if (delayMs === null) {
      if (this.#prior) this.#current = null;
      this.#prior = false;
      return;
    }
    this.#current = { delayMs, correlation: 0 };
    this.#prior = true;
    this.#candidate = null;
    this.#candidateWins = 0;
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
    this.#candidateWins = 0;
    this.#prior = false;
    this.#gain = null;
    this.#noiseNow = Infinity;
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
        const micLog = this.#mic[slot]!;
        this.#noiseNow = Math.min(micLog, this.#noiseNow + NOISE_RISE);
        this.#noise[slot] = this.#noiseNow;
        let maxRef = -Infinity;
        const len = this.#ref.length;
        const lags = Math.min(this.maxLag, this.#count);
        for (let lag = 0; lag <= lags; lag++) maxRef = Math.max(maxRef, this.#ref[mod(this.#count - lag, len)]!);
        this.#maxRef[slot] = maxRef;
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
    this.#counters.windows++;
    const doubleTalk = this.#nearEndSteps(base) > DOUBLE_TALK_FRACTION * W;
    if (doubleTalk) this.#counters.doubleTalk++;
    const current = this.#current;
    if (current === null) {
      this.#current = { delayMs, correlation: best };
      this.#learnGain(base, doubleTalk);
      return true;
    }
    const currentLag = Math.round(current.delayMs / this.stepMs);
    if (Math.abs(currentLag - bestLag) <= 2) {
      // The same delay give or take a step: keep it (every change makes AEC3 re-adapt).
      this.#current = { delayMs: current.delayMs, correlation: best };
      this.#candidate = null;
      this.#candidateWins = 0;
      this.#learnGain(base, doubleTalk);
      return false;
    }
    // Double talk: the user's speech correlates with the reference at lags the echo is not at.
    if (doubleTalk) {
      this.#candidate = null;
      this.#candidateWins = 0;
      return false;
    }
    // A jump: believe it when it wins several windows in a row, clearly above the accepted delay.
    let atCurrent = -Infinity;
    for (let lag = Math.max(0, currentLag - 2); lag <= Math.min(this.maxLag, currentLag + 2); lag++) {
      atCurrent = Math.max(atCurrent, correlations[lag]!);
    }
    if (best - atCurrent < (this.#prior ? SWITCH_MARGIN_PRIOR : SWITCH_MARGIN)) {
      this.#candidate = null;
      this.#candidateWins = 0;
      return false;
    }
    if (this.#candidate !== null && Math.abs(this.#candidate - delayMs) <= 2 * this.stepMs) this.#candidateWins++;
    else {
      this.#candidate = delayMs;
      this.#candidateWins = 1;
    }
    if (this.#candidateWins < (this.#prior ? SWITCH_WINDOWS_PRIOR : SWITCH_WINDOWS)) return false;
    this.#current = { delayMs, correlation: best };
    this.#candidate = null;
    this.#candidateWins = 0;
    this.#prior = false;
    this.#counters.switches++;
    return true;
  }

  /** Steps of the window [base, base + W) the echo path cannot explain (near-end speech). */
  #nearEndSteps(base: number): number {
    if (this.#gain === null) return 0;
    const len = this.#ref.length;
    let count = 0;
    for (let k = base; k < base + this.window; k++) {
      const slot = mod(k, len);
      const explained = Math.max(this.#gain + this.#maxRef[slot]!, this.#noise[slot]!);
      if (this.#mic[slot]! > explained + NEAR_END_MARGIN) count++;
    }
    return count;
  }

  /**
   * Learns the echo path's gain from a window that confirms the delay: the 90th percentile of mic
   * minus the loudest reference, over steps where the reference plays and the mic is above its
   * noise. A double-talk window only nudges it (so a louder echo path, e.g. the volume turned up,
   * is learnt eventually), a single-talk window moves it a third of the way.
   */
  #learnGain(base: number, doubleTalk: boolean): void {
    const len = this.#ref.length;
    const d: number[] = [];
    for (let k = base; k < base + this.window; k++) {
      const slot = mod(k, len);
      if (this.#maxRef[slot]! < LOG_ACTIVE || this.#mic[slot]! < this.#noise[slot]! + NEAR_END_MARGIN) continue;
      d.push(this.#mic[slot]! - this.#maxRef[slot]!);
    }
    if (d.length < 0.1 * this.window) return;
    d.sort((a, b) => a - b);
    const p90 = d[Math.floor(0.9 * (d.length - 1))]!;
    if (this.#gain === null) this.#gain = p90;
    else this.#gain += (doubleTalk ? 0.02 : 0.3) * (p90 - this.#gain);
  }
}

function mod(i: number, n: number): number {
  const r = i % n;
  return r < 0 ? r + n : r;
}
