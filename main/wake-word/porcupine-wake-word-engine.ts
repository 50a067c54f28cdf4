import { existsSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ConfigError, WakeWordError } from '../util/errors.js';
import { createLogger } from '../util/logger.js';
import type { WakeWordDetection, WakeWordEngine } from './wake-word-engine.js';
import { loadedPorcupineModule, loadPorcupineModule, porcupinePlatform, type PorcupineInstance } from './porcupine-module.js';
import { checkLanguages, isFile, resolveKeyword, resolveSensitivities } from './porcupine-keywords.js';
import { contextForMapping, porcupineErrorToAssistantError, type ErrorContext } from './porcupine-errors.js';

const log = createLogger('wake-word');

/**
 * Porcupine (`@picovoice/porcupine-node` 4.x) behind the WakeWordEngine seam.
 *
 * Porcupine needs a Picovoice AccessKey, activated online on first use (and renewed now and then).
 * The native init is synchronous and may do that network round trip, so create the engine in a worker
 * thread in the app (WorkerWakeWordDetector does, from a `{ kind: 'porcupine' }` spec). Every failure is
 * mapped to a WakeWordError (key, activation, licence, files) or a ConfigError (bad options), with a
 * message a user can act on and a stable `code`; see PORCUPINE_ERROR_CODES. The AccessKey never appears in
 * a message or a log line (Porcupine's own messages quote it; they are redacted here).
 */

export type PorcupineEngineOptions = {
  /** Picovoice AccessKey (console.picovoice.ai). */
  accessKey: string;
  /**
   * Built-in keyword names (`jarvis`, `computer`, …; see porcupineBuiltinKeywords()) or paths to custom
   * `.ppn` files made in Picovoice Console for this platform (e.g. `Ambrosio_es_linux_v3_0_0.ppn`).
   */
  keywords: string[];
  /** One per keyword, 0..1 (higher: fewer misses, more false alarms). Missing entries use 0.5. */
  sensitivities?: number[];
  /** Porcupine language model (`.pv`), e.g. porcupine_params_es.pv for Spanish keywords. Default: English. */
  modelPath?: string;
  /** Porcupine's inference device string (`best`, `cpu`, `cpu:1`, `gpu:0`). Default `best`. */
  device?: string;
  /**
   * Path to Porcupine's native library (`pv_porcupine.node`). Default: the one shipped for this platform.
   * Tests point it at a scripted stand-in to exercise activation errors and detections.
   */
  libraryPath?: string;
};

export class PorcupineWakeWordEngine implements WakeWordEngine {
  readonly name = 'Porcupine';
  readonly frameLength: number;
  readonly sampleRate: number;
  readonly keywords: readonly string[];
  /** Porcupine's engine version, e.g. "4.0.0". */
  readonly version: string;

  readonly #porcupine: PorcupineInstance;
  readonly #context: ErrorContext;
  readonly #pending: Int16Array;
  #pendingLength = 0;
  #disposed = false;

  /** @internal Use createPorcupineEngine. */
  constructor(porcupine: PorcupineInstance, labels: string[], context: ErrorContext) {
    this.#porcupine = porcupine;
    this.#context = context;
    this.frameLength = porcupine.frameLength;
    this.sampleRate = porcupine.sampleRate;
    this.version = porcupine.version;
    this.keywords = Object.freeze([...labels]);
    this.#pending = new Int16Array(this.frameLength);
  }

  /**
   * Takes 16 kHz mono frames. Porcupine itself takes exactly `frameLength` (512) samples per call; frames
   * of that size go straight through, other sizes are re-chunked (the first detection is returned).
   */
  process(frame: Int16Array): WakeWordDetection | null {
    if (this.#disposed) throw new WakeWordError('Porcupine engine used after dispose()', { category: 'application' });
    if (!(frame instanceof Int16Array)) throw new ConfigError('Porcupine: process() takes an Int16Array frame');
    if (this.#pendingLength === 0 && frame.length === this.frameLength) return this.#run(frame);
    let best: WakeWordDetection | null = null;
    let offset = 0;
    while (offset < frame.length) {
      const n = Math.min(this.frameLength - this.#pendingLength, frame.length - offset);
      this.#pending.set(frame.subarray(offset, offset + n), this.#pendingLength);
      this.#pendingLength += n;
      offset += n;
      if (this.#pendingLength === this.frameLength) {
        this.#pendingLength = 0;
        const detection = this.#run(this.#pending);
        if (detection && !best) best = detection;
      }
    }
    return best;
  }

  /** Porcupine keeps no state the app could reset; this drops samples buffered for re-chunking. */
  reset(): void {
    this.#pendingLength = 0;
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#porcupine.release();
  }

  #run(frame: Int16Array): WakeWordDetection | null {
    let index: number;
    try {
      index = this.#porcupine.process(frame);
    } catch (error) {
      throw porcupineErrorToAssistantError(error, contextForMapping(this.#context), loadedPorcupineModule());
    }
    if (index < 0) return null;
    const keyword = this.keywords[index] ?? `keyword #${index}`;
    log.debug({ keyword }, 'wake word detected');
    return { keyword, score: 1 };
  }
}

/**
 * Validates the options and creates a Porcupine engine (synchronous, may block on online activation:
 * call it in a worker thread in the app). Throws ConfigError for bad options (unknown keyword name with
 * the list of valid ones, missing or foreign .ppn/.pv files, sensitivities outside 0..1) and WakeWordError
 * for everything Porcupine reports (AccessKey, activation, licence, files); see PORCUPINE_ERROR_CODES.
 */
export function createPorcupineEngine(options: PorcupineEngineOptions): PorcupineWakeWordEngine {
  const started = performance.now();
  if (!options || !Array.isArray(options.keywords) || options.keywords.length === 0) {
    throw new ConfigError('Porcupine needs at least one keyword (e.g. jarvis)', { code: 'porcupine_keyword_unknown' });
  }
  const accessKey = typeof options.accessKey === 'string' ? options.accessKey.trim() : '';
  const mod = loadPorcupineModule();
  const platform = porcupinePlatform();
  const builtins = Object.values(mod.BuiltinKeyword) as string[];
  const keywords = options.keywords.map((k) => resolveKeyword(String(k), builtins, platform));
  const labels = keywords.map((k) => k.label);
  const duplicate = labels.find((label, i) => labels.indexOf(label) !== i);
  if (duplicate) throw new ConfigError(`The Porcupine keyword '${duplicate}' is listed twice`, { code: 'porcupine_keyword_unknown' });
  const sensitivities = resolveSensitivities(options.sensitivities, keywords.length);
  const modelPath = options.modelPath?.trim() ? path.resolve(options.modelPath.trim()) : undefined;
  if (modelPath && !isFile(modelPath)) {
    throw new ConfigError(`The Porcupine language model ${modelPath} does not exist`, { code: 'porcupine_model_file' });
  }
  if (modelPath && !/\.pv$/i.test(modelPath)) {
    throw new ConfigError(`The Porcupine language model ${modelPath} is not a .pv file`, { code: 'porcupine_model_file' });
  }
  checkLanguages(keywords, modelPath);
  if (options.libraryPath && !existsSync(options.libraryPath)) {
    throw new ConfigError(`The Porcupine library ${options.libraryPath} does not exist`, { code: 'porcupine_unsupported_platform' });
  }
  const context: ErrorContext = { accessKey, keywords, modelPath, platform };

  let porcupine: PorcupineInstance;
  try {
    const porcupineOptions: { modelPath?: string; device?: string; libraryPath?: string } = {};
    if (modelPath) porcupineOptions.modelPath = modelPath;
    if (options.device) porcupineOptions.device = options.device;
    if (options.libraryPath) porcupineOptions.libraryPath = options.libraryPath;
    porcupine = new mod.Porcupine(
      accessKey,
      keywords.map((k) => k.keyword),
      sensitivities,
      porcupineOptions,
    );
  } catch (error) {
    const mapped = porcupineErrorToAssistantError(error, contextForMapping(context), mod);
    log.warn({ code: mapped.code, error: mapped.message }, 'Porcupine failed to start');
    throw mapped;
  }
  const engine = new PorcupineWakeWordEngine(porcupine, labels, context);
  log.info(
    {
      keywords: labels,
      sensitivities,
      modelPath,
      version: engine.version,
      frameLength: engine.frameLength,
      initMs: Math.round(performance.now() - started),
    },
    'Porcupine engine ready',
  );
  return engine;
}
