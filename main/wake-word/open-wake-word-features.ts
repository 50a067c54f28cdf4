import { mulberry32 } from '../util/seeded-random.js';
import { asWakeWordError, type SyncModel } from './onnx-sync-model.js';

/**
 * openWakeWord's audio features: upstream's `AudioFeatures._streaming_features`, per 1280-sample
 * (80 ms) step:
 *   1. melspectrogram.onnx: the 1280 new samples plus 480 samples of context (raw int16 values as
 *      float32, not normalised) → [1, 1, 8, 32]; each value scaled `v / 10 + 2`; keep the last 76 frames
 *      (the very first step after start/reset has no context: 1280 samples → 5 frames).
 *   2. embedding_model.onnx: the last 76 frames as [1, 76, 32, 1] → one 96-dim vector; keep the last
 *      N vectors (N = the largest keyword window, 16 for the built-in wake words).
 * Start state as upstream: the mel buffer is all ones, and the feature buffer holds the embeddings of
 * 4 s of random noise in [-1000, 1000) (seeded here, so runs are repeatable).
 *
 * `FeatureStreams` runs this pipeline as several streams (phases) offset by a fraction of a step.
 */

export const OPEN_WAKE_WORD_SAMPLE_RATE = 16_000;
/** The frame size callers are expected to use (PvRecorder's); any length is accepted. */
export const OPEN_WAKE_WORD_FRAME_LENGTH = 512;
/** Samples per pipeline step (80 ms). */
export const OPEN_WAKE_WORD_STEP_SAMPLES = 1280;

export const MEL_CONTEXT_SAMPLES = 480;
export const MEL_BINS = 32;
export const EMBEDDING_WINDOW_FRAMES = 76;
export const EMBEDDING_DIM = 96;
const NOISE_SEED = 0x6f77_7721;

/**
 * One feature stream: upstream's streaming pipeline, stepping every 1280 samples from its own start
 * offset. Scores depend strongly on where the 80 ms steps fall in the speech, for wake words and
 * near-misses alike (measured: the same "hey jarvis, …" peaks at 0.98 with one alignment and 0.12 with
 * the steps shifted by 10 ms; "hey charlie the garbage goes out tomorrow" peaks at 0.90 with one and
 * 0.06 with the next), so the engine runs PHASES streams offset by a fraction of a step and judges the
 * mean of their latest scores: a score that holds whatever the alignment. Taking the best stream
 * instead (as this engine did with 2 streams) keeps the wake words but also the near-misses' lucky
 * alignments: through a real microphone, whose alignment changes from run to run, that was a false
 * wake now and then.
 */
export class FeaturePhase {
  readonly pending = new Float32Array(OPEN_WAKE_WORD_STEP_SAMPLES);
  pendingLength = 0;
  /** Samples still to discard after start/reset, which sets this phase's step alignment. */
  skip = 0;
  readonly melInput = new Float32Array(MEL_CONTEXT_SAMPLES + OPEN_WAKE_WORD_STEP_SAMPLES);
  hasContext = false;
  readonly melFrames = new Float32Array(EMBEDDING_WINDOW_FRAMES * MEL_BINS);
  /** The last `featureRows` embeddings, oldest first. */
  readonly features: Float32Array;

  constructor(
    /** This stream's position among the engine's streams (0, 1, …). */
    readonly index: number,
    readonly offsetSamples: number,
    featureRows: number,
  ) {
    this.features = new Float32Array(featureRows * EMBEDDING_DIM);
  }

  reset(initialFeatures: Float32Array): void {
    this.pendingLength = 0;
    this.skip = this.offsetSamples;
    this.hasContext = false;
    this.melFrames.fill(1);
    this.features.set(initialFeatures);
  }
}

/** The mel and embedding models and `phases` feature streams fed from the same audio. */
export class FeatureStreams {
  readonly phases: readonly FeaturePhase[];
  readonly #mel: SyncModel;
  readonly #embedding: SyncModel;
  readonly #featureRows: number;
  readonly #initialFeatures: Float32Array;
  #samples = 0;

  constructor(mel: SyncModel, embedding: SyncModel, featureRows: number, phases: number) {
    this.#mel = mel;
    this.#embedding = embedding;
    this.#featureRows = featureRows;
    this.phases = Array.from(
      { length: phases },
      (_, i) => new FeaturePhase(i, Math.round((i * OPEN_WAKE_WORD_STEP_SAMPLES) / phases), featureRows),
    );
    this.#initialFeatures = this.#noiseFeatures();
    this.reset();
  }

  /** Samples consumed since start/reset, including any not yet stepped. */
  get samples(): number {
    return this.#samples;
  }

  /**
   * Feeds a frame to every stream; after each step a stream completes (its features updated),
   * calls `onStep` with it. `samples` then counts the audio up to the end of that step.
   */
  push(frame: Int16Array, onStep: (phase: FeaturePhase) => void): void {
    let offset = 0;
    // Sample by sample across phases would be slow; advance in runs up to the next step boundary.
    while (offset < frame.length) {
      let run = frame.length - offset;
      for (const phase of this.phases) {
        const untilEvent = phase.skip > 0 ? phase.skip : OPEN_WAKE_WORD_STEP_SAMPLES - phase.pendingLength;
        run = Math.min(run, untilEvent);
      }
      this.#samples += run;
      for (const phase of this.phases) {
        if (phase.skip > 0) {
          phase.skip -= run;
          continue;
        }
        for (let i = 0; i < run; i++) phase.pending[phase.pendingLength + i] = frame[offset + i]!;
        phase.pendingLength += run;
        if (phase.pendingLength === OPEN_WAKE_WORD_STEP_SAMPLES) {
          phase.pendingLength = 0;
          try {
            this.#pushMelFrames(phase);
            this.#pushEmbedding(phase);
          } catch (cause) {
            throw asWakeWordError(cause, 'openWakeWord feature extraction failed');
          }
          onStep(phase);
        }
      }
      offset += run;
    }
  }

  reset(): void {
    this.#samples = 0;
    for (const phase of this.phases) phase.reset(this.#initialFeatures);
  }

  dispose(): void {
    this.#mel.dispose();
    this.#embedding.dispose();
  }

  #pushMelFrames(phase: FeaturePhase): void {
    const pending = phase.pending;
    // melInput is [480 samples of context | 1280 new samples]; the first step after start/reset has
    // no context and runs on the 1280 new samples alone (5 mel frames instead of 8), as upstream.
    let input = pending;
    if (phase.hasContext) {
      phase.melInput.set(pending, MEL_CONTEXT_SAMPLES);
      input = phase.melInput;
    }
    const mel = this.#mel.run(input, [1, input.length]).data;
    phase.melInput.set(pending.subarray(OPEN_WAKE_WORD_STEP_SAMPLES - MEL_CONTEXT_SAMPLES), 0);
    phase.hasContext = true;
    const values = Math.min(mel.length, phase.melFrames.length);
    phase.melFrames.copyWithin(0, values);
    const base = phase.melFrames.length - values;
    const from = mel.length - values;
    for (let i = 0; i < values; i++) phase.melFrames[base + i] = mel[from + i]! / 10 + 2;
  }

  #pushEmbedding(phase: FeaturePhase): void {
    const embedding = this.#embedding.run(phase.melFrames, [1, EMBEDDING_WINDOW_FRAMES, MEL_BINS, 1]).data;
    phase.features.copyWithin(0, EMBEDDING_DIM);
    phase.features.set(embedding.subarray(0, EMBEDDING_DIM), (this.#featureRows - 1) * EMBEDDING_DIM);
  }

  /** Upstream's start state: embeddings of random noise in [-1000, 1000), here from a seeded generator. */
  #noiseFeatures(): Float32Array {
    const rows = this.#featureRows;
    // Enough audio for `rows` embedding windows (8 mel frames apart, 76 long) and at least 4 s, as upstream.
    const melFrames = EMBEDDING_WINDOW_FRAMES + (rows - 1) * 8;
    const samples = Math.max(4 * OPEN_WAKE_WORD_SAMPLE_RATE, (melFrames + 3) * 160);
    const random = mulberry32(NOISE_SEED);
    const audio = new Float32Array(samples);
    for (let i = 0; i < samples; i++) audio[i] = Math.floor(random() * 2000) - 1000;
    const mel = this.#mel.run(audio, [1, samples]).data;
    const frames = mel.length / MEL_BINS;
    const windows: number[] = [];
    for (let start = 0; start + EMBEDDING_WINDOW_FRAMES <= frames; start += 8) windows.push(start);
    const chosen = windows.slice(-rows);
    const batch = new Float32Array(chosen.length * EMBEDDING_WINDOW_FRAMES * MEL_BINS);
    chosen.forEach((start, b) => {
      const offset = b * EMBEDDING_WINDOW_FRAMES * MEL_BINS;
      for (let i = 0; i < EMBEDDING_WINDOW_FRAMES * MEL_BINS; i++) {
        batch[offset + i] = mel[start * MEL_BINS + i]! / 10 + 2;
      }
    });
    const embeddings = this.#embedding.run(batch, [chosen.length, EMBEDDING_WINDOW_FRAMES, MEL_BINS, 1]).data;
    const features = new Float32Array(rows * EMBEDDING_DIM);
    features.set(embeddings.subarray(0, features.length), features.length - Math.min(features.length, embeddings.length));
    return features;
  }
}
