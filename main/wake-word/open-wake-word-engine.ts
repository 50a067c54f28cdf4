import { performance } from 'node:perf_hooks';
import { samplesToMs } from '../audio/pcm.js';
import { ConfigError, WakeWordError } from '../util/errors.js';
import { createLogger } from '../util/logger.js';
import { loadRuntime } from './onnx-sync-model.js';
import { FeatureStreams, OPEN_WAKE_WORD_FRAME_LENGTH, OPEN_WAKE_WORD_SAMPLE_RATE, type FeaturePhase } from './open-wake-word-features.js';
import { OpenWakeWordKeyword } from './open-wake-word-keyword.js';
import { disposeOpenWakeWordModels, loadOpenWakeWordModels, type OpenWakeWordModels } from './open-wake-word-models.js';
import { resolveOpenWakeWordOptions, type OpenWakeWordEngineOptions } from './open-wake-word-options.js';
import type { WakeWordDetection, WakeWordEngine } from './wake-word-engine.js';

const log = createLogger('wake-word');

/**
 * openWakeWord (https://github.com/dscripka/openWakeWord) on onnxruntime-node, synchronous per frame.
 * One concern per file:
 * - open-wake-word-options.ts: the options, the built-in keyword models, custom model paths and labels;
 * - onnx-sync-model.ts: onnxruntime-node's synchronous native binding, one model per `SyncModel`;
 * - open-wake-word-models.ts: loading the mel, embedding and keyword models and checking their shapes;
 * - open-wake-word-features.ts: the feature pipeline (melspectrogram → embeddings) as `phases` streams;
 * - open-wake-word-keyword.ts: each keyword's score over the streams and the decision rules;
 * - this file: the engine, which feeds the streams and scores every keyword after each step.
 *
 * Why synchronous: see onnx-sync-model.ts. It costs about 1.5 ms per 80 ms step, and runs in a worker
 * thread in the app (see worker-wake-word-detector.ts), never on the main thread.
 */

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

  readonly #streams: FeatureStreams;
  readonly #keywords: OpenWakeWordKeyword[];
  #disposed = false;

  /** @internal Use createOpenWakeWordEngine. */
  constructor(parts: OpenWakeWordModels & { patienceFrames: number; debounceMs: number; phases?: number | undefined }) {
    this.patienceFrames = parts.patienceFrames;
    this.debounceMs = parts.debounceMs;
    const phases = parts.phases ?? PHASES;
    this.#keywords = parts.keywords.map((k) => new OpenWakeWordKeyword(k, phases));
    this.keywords = Object.freeze(this.#keywords.map((k) => k.label));
    const featureRows = Math.max(...this.#keywords.map((k) => k.window));
    this.#streams = new FeatureStreams(parts.mel, parts.embedding, featureRows, phases);
    this.reset();
  }

  /** Stream time in ms: samples consumed since start/reset, including any not yet stepped. */
  get streamMs(): number {
    return samplesToMs(this.#streams.samples, OPEN_WAKE_WORD_SAMPLE_RATE);
  }

  /** Each keyword's decision score after the last step: the mean of every stream's latest score (warm-up steps count as 0). */
  get scores(): Readonly<Record<string, number>> {
    return Object.fromEntries(this.#keywords.map((k) => [k.label, k.score]));
  }

  /** Streams per engine (see `phases` in the options). */
  get phases(): number {
    return this.#streams.phases.length;
  }

  process(frame: Int16Array): WakeWordDetection | null {
    if (this.#disposed) throw new WakeWordError('openWakeWord engine used after dispose()', { category: 'application' });
    if (!(frame instanceof Int16Array)) throw new ConfigError('openWakeWord: process() takes an Int16Array frame');
    let best: WakeWordDetection | null = null;
    this.#streams.push(frame, (phase) => {
      const detection = this.#step(phase);
      if (detection && (!best || detection.score > best.score)) best = detection;
    });
    return best;
  }

  reset(): void {
    this.#streams.reset();
    for (const k of this.#keywords) k.reset();
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#streams.dispose();
    for (const k of this.#keywords) k.model.dispose();
  }

  /** Scores every keyword after `phase` stepped; the keyword that fires (the highest score if several). */
  #step(phase: FeaturePhase): WakeWordDetection | null {
    const stepEndMs = this.streamMs;
    // A hit needs the score held for patienceFrames whole steps: every stream steps once per step.
    const needed = (this.patienceFrames - 1) * this.phases + 1;
    let best: OpenWakeWordKeyword | undefined;
    for (const k of this.#keywords) {
      k.step(phase);
      if (k.fires(stepEndMs, needed, this.debounceMs) && (!best || k.score > best.score)) best = k;
    }
    if (!best) return null;
    // The shared audio features are not reset: other keywords keep listening.
    const score = best.score;
    best.fired(stepEndMs);
    log.debug({ keyword: best.label, score, streamMs: stepEndMs }, 'wake word detected');
    return { keyword: best.label, score };
  }
}

/**
 * Loads the openWakeWord models and returns a synchronous engine. Loading takes a few hundred ms of
 * mostly synchronous native work: call it in a worker thread (WorkerWakeWordDetector does).
 * Throws ConfigError for bad options or a missing/unreadable/wrong model file (the message names it),
 * WakeWordError if onnxruntime-node itself cannot be loaded.
 */
export async function createOpenWakeWordEngine(options: OpenWakeWordEngineOptions): Promise<OpenWakeWordEngine> {
  const opts = resolveOpenWakeWordOptions(options);
  const started = performance.now();
  const ort = await loadRuntime();
  const models = await loadOpenWakeWordModels(ort, opts.modelsDir, opts.keywords);
  try {
    const engine = new OpenWakeWordEngine({
      ...models,
      patienceFrames: opts.patienceFrames,
      debounceMs: opts.debounceMs,
      phases: opts.phases,
    });
    log.info(
      {
        keywords: models.keywords.map((k) => ({
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
    disposeOpenWakeWordModels(models);
    throw error;
  }
}
