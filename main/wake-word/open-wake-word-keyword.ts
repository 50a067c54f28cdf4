import { asWakeWordError, type SyncModel } from './onnx-sync-model.js';
import { EMBEDDING_DIM, type FeaturePhase } from './open-wake-word-features.js';

/** The first scores of each stream after start/reset/firing are forced to 0, as upstream. */
const WARMUP_STEPS = 5;

/** A keyword's score state within one feature stream. */
type StreamScore = {
  /** Steps scored since start/reset/firing (the first WARMUP_STEPS are forced to 0, as upstream). */
  steps: number;
  /** This stream's latest score (0 before its first step and during the warm-up). */
  lastScore: number;
};

export type KeywordModel = { label: string; threshold: number; model: SyncModel; window: number };

/**
 * One keyword: its model scores each stream's latest `window` embeddings ([1, W, 96] → [1, 1] in
 * 0..1), and the decision rules judge the mean of every stream's latest score (see the engine's
 * options: threshold, patience, debounce, and one utterance firing once).
 */
export class OpenWakeWordKeyword {
  readonly label: string;
  readonly threshold: number;
  readonly model: SyncModel;
  readonly window: number;
  lastFireMs = Number.NEGATIVE_INFINITY;
  /** The decision score: the mean of every stream's latest score. */
  score = 0;
  /** Steps of any stream in a row with `score` at or above the threshold. */
  consecutive = 0;
  /** False after firing until `score`, with no warm-up zero in it, is below the threshold: one utterance fires once. */
  armed = true;
  readonly #input: Float32Array;
  readonly #streams: StreamScore[];

  constructor(keyword: KeywordModel, streams: number) {
    this.label = keyword.label;
    this.threshold = keyword.threshold;
    this.model = keyword.model;
    this.window = keyword.window;
    this.#input = new Float32Array(keyword.window * EMBEDDING_DIM);
    this.#streams = Array.from({ length: streams }, () => ({ steps: 0, lastScore: 0 }));
  }

  /** Scores the step `phase` has just taken, and updates the decision score and the hit count. */
  step(phase: FeaturePhase): void {
    const stream = this.#streams[phase.index]!;
    let raw: number;
    try {
      this.#input.set(phase.features.subarray(phase.features.length - this.window * EMBEDDING_DIM));
      raw = this.model.run(this.#input, [1, this.window, EMBEDDING_DIM]).data[0] ?? 0;
    } catch (cause) {
      throw asWakeWordError(cause, `openWakeWord keyword model for '${this.label}' failed`);
    }
    stream.steps++;
    stream.lastScore = stream.steps <= WARMUP_STEPS ? 0 : raw;
    let sum = 0;
    let warmingUp = false;
    for (const s of this.#streams) {
      sum += s.lastScore;
      if (s.steps <= WARMUP_STEPS) warmingUp = true;
    }
    this.score = sum / this.#streams.length;
    if (this.score >= this.threshold) {
      this.consecutive++;
    } else {
      this.consecutive = 0;
      // Forced-zero warm-up scores do not count: the real score must drop below the threshold.
      if (!warmingUp) this.armed = true;
    }
  }

  /** Whether the keyword fires at `stepEndMs`, having held the threshold for `neededHits` stream steps. */
  fires(stepEndMs: number, neededHits: number, debounceMs: number): boolean {
    return this.armed && this.consecutive >= neededHits && stepEndMs - this.lastFireMs >= debounceMs;
  }

  /**
   * After firing, the keyword's score state is reset in every stream, as upstream users call
   * Model.reset() after a detection: its next WARMUP_STEPS scores are forced to 0 (scores can dip for
   * one step inside a single utterance), and it re-arms only once a real score falls below the
   * threshold. So one utterance fires once, even with debounceMs 0.
   */
  fired(stepEndMs: number): void {
    for (const s of this.#streams) s.steps = 0;
    this.armed = false;
    this.consecutive = 0;
    this.lastFireMs = stepEndMs;
  }

  reset(): void {
    for (const s of this.#streams) {
      s.steps = 0;
      s.lastScore = 0;
    }
    this.lastFireMs = Number.NEGATIVE_INFINITY;
    this.score = 0;
    this.consecutive = 0;
    this.armed = true;
  }
}
