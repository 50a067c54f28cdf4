import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { AssistantError, ConfigError, WakeWordError, type ErrorCategory } from '../util/errors.js';
import { createLogger } from '../util/logger.js';
import { editDistance } from '../util/edit-distance.js';
import type { WakeWordDetection, WakeWordEngine } from './wake-word-engine.js';
import type * as PorcupineModuleValue from '@picovoice/porcupine-node';

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

/** Stable codes of the errors createPorcupineEngine throws (WakeWordError unless noted). */
export const PORCUPINE_ERROR_CODES = [
  'porcupine_access_key_missing',
  'porcupine_access_key_invalid',
  'porcupine_access_key_platform',
  'porcupine_activation_failed',
  'porcupine_activation_limit',
  'porcupine_activation_throttled',
  'porcupine_activation_refused',
  'porcupine_license_expired',
  'porcupine_keyword_unknown', // ConfigError
  'porcupine_keyword_file', // ConfigError (missing / not a .ppn / other platform or language, found before init)
  'porcupine_keyword_file_invalid',
  'porcupine_model_file', // ConfigError (missing model before init)
  'porcupine_model_file_invalid',
  'porcupine_file_version',
  'porcupine_language_mismatch',
  'porcupine_sensitivity', // ConfigError
  'porcupine_invalid_argument',
  'porcupine_io',
  'porcupine_out_of_memory',
  'porcupine_unsupported_platform',
  'porcupine_failed',
] as const;
export type PorcupineErrorCode = (typeof PORCUPINE_ERROR_CODES)[number];

type PorcupineModule = typeof PorcupineModuleValue;
type PorcupineInstance = InstanceType<PorcupineModule['Porcupine']>;

const CONSOLE = 'Picovoice Console (console.picovoice.ai)';
const DEFAULT_SENSITIVITY = 0.5;

let cachedModule: PorcupineModule | undefined;

function loadPorcupineModule(): PorcupineModule {
  if (cachedModule) return cachedModule;
  try {
    const require = createRequire(import.meta.url);
    cachedModule = require('@picovoice/porcupine-node') as PorcupineModule;
    return cachedModule;
  } catch (cause) {
    throw new WakeWordError(`Porcupine could not be loaded (@picovoice/porcupine-node): ${errorMessage(cause)}`, {
      category: 'configuration',
      permanent: true,
      code: 'porcupine_unsupported_platform',
      cause,
    });
  }
}

/** The built-in keyword names of the installed Porcupine package (its `BuiltinKeyword` enum). */
export function porcupineBuiltinKeywords(): readonly string[] {
  return Object.values(loadPorcupineModule().BuiltinKeyword) as string[];
}

/** Porcupine's platform folder name for this machine: linux, mac, windows or raspberry-pi. */
export function porcupinePlatform(): string {
  try {
    const require = createRequire(import.meta.url);
    const platforms = require('@picovoice/porcupine-node/dist/platforms.js') as { getPlatform: () => string };
    return platforms.getPlatform();
  } catch (cause) {
    throw new WakeWordError(`Porcupine does not support this computer (${process.platform}/${process.arch}): ${errorMessage(cause)}`, {
      category: 'configuration',
      permanent: true,
      code: 'porcupine_unsupported_platform',
      cause,
    });
  }
}

/**
 * Frame length, sample rate and version straight from Porcupine's native library, which answers without
 * an AccessKey (Porcupine 4.0.2 on linux x86_64: 512 samples at 16 kHz, version 4.0.0).
 */
export function readPorcupineFormat(libraryPath?: string): { frameLength: number; sampleRate: number; version: string } {
  const require = createRequire(import.meta.url);
  let file = libraryPath;
  if (!file) {
    const platforms = require('@picovoice/porcupine-node/dist/platforms.js') as { getSystemLibraryPath: () => string };
    file = platforms.getSystemLibraryPath();
  }
  const native = require(file) as { frame_length(): number; sample_rate(): number; version(): string };
  return { frameLength: native.frame_length(), sampleRate: native.sample_rate(), version: native.version() };
}

// ---------------------------------------------------------------------------------------------------
// Options → keyword files

type ResolvedKeyword = { label: string; keyword: string; file?: string };

/** Keyword file names from Picovoice Console: `<phrase>_<lang>_<platform>_v<major>_<minor>_<patch>.ppn`. */
const PPN_NAME = /^(.+?)_([a-z]{2})_(linux|mac|windows|raspberry-pi|wasm|android|ios|jetson|beaglebone)_v\d+(?:_\d+)*\.ppn$/i;
/** Language models: porcupine_params.pv (English) or porcupine_params_<lang>.pv. */
const PV_NAME = /^porcupine_params(?:_([a-z]{2}))?\.pv$/i;

const PLATFORM_NAMES: Record<string, string> = {
  linux: 'Linux',
  mac: 'macOS',
  windows: 'Windows',
  'raspberry-pi': 'Raspberry Pi',
  wasm: 'the web (WASM)',
  android: 'Android',
  ios: 'iOS',
  jetson: 'Jetson',
  beaglebone: 'BeagleBone',
};

function normaliseKeywordName(name: string): string {
  return name.trim().toLowerCase().replace(/[_-]+/g, ' ').replace(/\s+/g, ' ');
}

/** "hey jarvis" → "jarvis", "okay google" → "ok google", "jarvs" → "jarvis". */
export function suggestPorcupineKeyword(name: string, builtins: readonly string[] = porcupineBuiltinKeywords()): string | undefined {
  const norm = normaliseKeywordName(name);
  const candidates = [norm, norm.replace(/^okay /, 'ok '), norm.replace(/^(hey|hi|hello|ok|okay) /, '')];
  const direct = candidates.find((c) => builtins.includes(c));
  if (direct) return direct;
  let best: { name: string; distance: number } | undefined;
  for (const builtin of builtins) {
    const distance = editDistance(norm, builtin, 2);
    if (distance <= 2 && (!best || distance < best.distance)) best = { name: builtin, distance };
  }
  return best?.name;
}

/** "Ambrosio_es_linux_v3_0_0.ppn" → "Ambrosio"; "hey-ambrosio.ppn" → "hey ambrosio". */
export function labelFromPpnFile(file: string): string {
  const base = path.basename(file);
  const match = PPN_NAME.exec(base);
  const stem = match ? match[1]! : base.replace(/\.ppn$/i, '');
  return stem.replace(/[_-]+/g, ' ').trim();
}

function resolveKeyword(raw: string, builtins: readonly string[], platform: string): ResolvedKeyword {
  const trimmed = raw.trim();
  if (trimmed === '') {
    throw new ConfigError('A Porcupine keyword is empty: use a built-in keyword such as jarvis, or the path to a .ppn file', {
      code: 'porcupine_keyword_unknown',
    });
  }
  const looksLikePath = /[\\/]/.test(trimmed) || /\.ppn$/i.test(trimmed);
  if (!looksLikePath) {
    const norm = normaliseKeywordName(trimmed);
    if (builtins.includes(norm)) return { label: norm, keyword: norm };
    const suggestion = suggestPorcupineKeyword(trimmed, builtins);
    const hint =
      suggestion !== undefined
        ? ` Did you mean '${suggestion}'?` +
          (norm === 'hey jarvis' ? ' (Porcupine has no "hey jarvis"; its built-in is "jarvis". openWakeWord has hey_jarvis.)' : '')
        : ` For a custom wake word such as '${trimmed}', create it in ${CONSOLE} for ${PLATFORM_NAMES[platform] ?? platform}, ` +
          `download the .ppn file and give its path instead of the name.`;
    throw new ConfigError(`'${trimmed}' is not a built-in Porcupine keyword.${hint} Built-in keywords: ${builtins.join(', ')}.`, {
      code: 'porcupine_keyword_unknown',
    });
  }
  const file = path.resolve(trimmed);
  if (!/\.ppn$/i.test(file)) {
    throw new ConfigError(`The Porcupine keyword file ${file} is not a .ppn file (custom keywords come from ${CONSOLE} as .ppn files)`, {
      code: 'porcupine_keyword_file',
    });
  }
  if (!isFile(file)) {
    throw new ConfigError(`The Porcupine keyword file ${file} does not exist`, { code: 'porcupine_keyword_file' });
  }
  const match = PPN_NAME.exec(path.basename(file));
  const filePlatform = match?.[3]?.toLowerCase();
  if (filePlatform && filePlatform !== platform) {
    throw new ConfigError(
      `The Porcupine keyword file ${file} was made for ${PLATFORM_NAMES[filePlatform] ?? filePlatform}, ` +
        `but this computer needs the ${PLATFORM_NAMES[platform] ?? platform} version: download it from ${CONSOLE}`,
      { code: 'porcupine_keyword_file' },
    );
  }
  return { label: labelFromPpnFile(file), keyword: file, file };
}

function keywordLanguage(k: ResolvedKeyword): string | undefined {
  if (!k.file) return 'en'; // the built-in keywords are English
  return PPN_NAME.exec(path.basename(k.file))?.[2]?.toLowerCase();
}

function checkLanguages(keywords: ResolvedKeyword[], modelPath: string | undefined): void {
  const modelLanguage = languageOfModel(modelPath);
  for (const k of keywords) {
    const language = keywordLanguage(k);
    if (!language || !modelLanguage || language === modelLanguage) continue;
    const what = k.file ? `The keyword file ${k.file} is in language '${language}'` : `'${k.label}' is a built-in (English) keyword`;
    const fix =
      language === 'en'
        ? 'leave the Porcupine language model empty (English)'
        : `set the Porcupine language model to porcupine_params_${language}.pv (from Picovoice's GitHub, lib/common/)`;
    throw new ConfigError(
      `${what}, but the Porcupine language model ${modelPath ? path.basename(modelPath) : '(default, English)'} is '${modelLanguage}': ` +
        `keyword and model must be in the same language; ${fix}`,
      { code: 'porcupine_language_mismatch' },
    );
  }
}

/** 'en' for the default model and porcupine_params.pv, 'de' for porcupine_params_de.pv, undefined if unknown. */
function languageOfModel(modelPath: string | undefined): string | undefined {
  if (!modelPath) return 'en';
  const match = PV_NAME.exec(path.basename(modelPath));
  if (!match) return undefined;
  return match[1]?.toLowerCase() ?? 'en';
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function resolveSensitivities(sensitivities: readonly number[] | undefined, count: number): number[] {
  const given = sensitivities ?? [];
  if (given.length > count) {
    throw new ConfigError(
      `${given.length} Porcupine sensitivities for ${count} keyword${count === 1 ? '' : 's'}: give at most one per keyword`,
      {
        code: 'porcupine_sensitivity',
      },
    );
  }
  given.forEach((s, i) => {
    if (typeof s !== 'number' || !Number.isFinite(s) || s < 0 || s > 1) {
      throw new ConfigError(`Porcupine sensitivity #${i + 1} is ${String(s)}; it must be between 0 and 1`, {
        code: 'porcupine_sensitivity',
      });
    }
  });
  return Array.from({ length: count }, (_, i) => given[i] ?? DEFAULT_SENSITIVITY);
}

// ---------------------------------------------------------------------------------------------------
// Porcupine errors → WakeWordError

type ErrorContext = { accessKey: string; keywords: ResolvedKeyword[]; modelPath: string | undefined; platform: string };

/** Porcupine's messages quote the AccessKey ("Failed to parse AccessKey `…`"): never let it through. */
export function redactAccessKey(text: string, accessKey: string | undefined): string {
  let out = text.replace(/AccessKey `[^`]*`/g, 'AccessKey `[redacted]`');
  const key = accessKey?.trim();
  if (key && key.length >= 4) out = out.split(key).join('[redacted]');
  return out;
}

function porcupineClassName(error: unknown, mod: PorcupineModule | undefined): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const classes = mod?.PorcupineErrors;
  if (classes) {
    const names = [
      'PorcupineActivationLimitReachedError',
      'PorcupineActivationThrottledError',
      'PorcupineActivationRefusedError',
      'PorcupineActivationError',
      'PorcupineInvalidArgumentError',
      'PorcupineIOError',
      'PorcupineOutOfMemoryError',
      'PorcupineRuntimeError',
      'PorcupineInvalidStateError',
      'PorcupineKeyError',
      'PorcupineStopIterationError',
      'PorcupineError',
    ] as const;
    for (const name of names) {
      const cls = classes[name] as unknown;
      if (typeof cls === 'function' && error instanceof (cls as new (...args: never[]) => Error)) return name;
    }
  }
  const ctor = error.constructor?.name;
  return ctor?.startsWith('Porcupine') ? ctor : undefined;
}

function stackOf(error: unknown): string[] {
  const stack = (error as { messageStack?: unknown } | null)?.messageStack;
  return Array.isArray(stack) ? stack.map(String) : [];
}

/** The native message stack without build hashes: "Failed to parse AccessKey `[redacted]`." */
function details(error: unknown, ctx: ErrorContext): string {
  const lines = stackOf(error)
    .map((line) => line.replace(/^[0-9a-f]{7} [0-9A-F]{8}: /, '').trim())
    .filter((line) => line !== '' && line !== 'Picovoice Error.' && !/^[0-9a-f]{7}$/.test(line));
  const text = lines.length > 0 ? lines.join(' ') : errorMessage(error).split('\n')[0]!;
  return redactAccessKey(text, ctx.accessKey);
}

function wakeWordError(
  message: string,
  code: PorcupineErrorCode,
  category: ErrorCategory,
  permanent: boolean,
  original: unknown,
  ctx: ErrorContext,
) {
  return new WakeWordError(message, { category, permanent, code, cause: sanitisedCause(original, ctx) });
}

/** A copy of the Porcupine error without the AccessKey, kept as `cause` for the logs. */
function sanitisedCause(original: unknown, ctx: ErrorContext): Error {
  const copy = new Error(redactAccessKey(errorMessage(original), ctx.accessKey));
  copy.name = (original instanceof Error && original.constructor?.name) || 'Error';
  return copy;
}

/**
 * Maps anything Porcupine throws to an AssistantError with a message a user can act on. Exported for the
 * tests and for callers that construct Porcupine themselves.
 */
export function porcupineErrorToAssistantError(
  error: unknown,
  ctx: { accessKey?: string; keywordFiles?: string[]; modelPath?: string; platform?: string } = {},
  mod: PorcupineModule | undefined = cachedModule,
): AssistantError {
  if (error instanceof AssistantError) return error;
  const context: ErrorContext = {
    accessKey: ctx.accessKey ?? '',
    keywords: (ctx.keywordFiles ?? []).map((file) => ({ label: labelFromPpnFile(file), keyword: file, file })),
    modelPath: ctx.modelPath,
    platform: ctx.platform ?? 'this platform',
  };
  const cls = porcupineClassName(error, mod);
  const message = errorMessage(error);
  const stack = stackOf(error).join('\n');
  const all = `${message}\n${stack}`;
  const info = details(error, context);
  const keyHelp = `Copy the AccessKey again from ${CONSOLE} into Settings → Listening, or switch the wake engine to openWakeWord.`;

  if (/No AccessKey provided/i.test(message)) {
    return wakeWordError(
      `No Picovoice AccessKey is set. Porcupine needs one: get a free AccessKey from ${CONSOLE} and add it in Settings → Listening.`,
      'porcupine_access_key_missing',
      'authentication',
      true,
      error,
      context,
    );
  }
  if (/License is expired|licen[cs]e (has )?expired/i.test(all)) {
    return wakeWordError(
      `The Picovoice licence for this AccessKey has expired. Renew it (or create a new AccessKey) in ${CONSOLE}, or switch the wake engine to openWakeWord.`,
      'porcupine_license_expired',
      'authorization',
      true,
      error,
      context,
    );
  }
  if (/Platform is not supported by this AccessKey/i.test(all)) {
    return wakeWordError(
      `This Picovoice AccessKey is not allowed on ${PLATFORM_NAMES[context.platform] ?? context.platform} (its plan does not cover this platform). Check the AccessKey's plan in ${CONSOLE}.`,
      'porcupine_access_key_platform',
      'authorization',
      true,
      error,
      context,
    );
  }
  switch (cls) {
    case 'PorcupineActivationLimitReachedError':
      return wakeWordError(
        `This Picovoice AccessKey has reached its device limit: every computer, reinstall, container or new user profile that ` +
          `runs Porcupine counts as a device. Free up devices or upgrade the plan in ${CONSOLE} (free-tier activations reset monthly), ` +
          `or switch the wake engine to openWakeWord.`,
        'porcupine_activation_limit',
        'quota',
        true,
        error,
        context,
      );
    case 'PorcupineActivationThrottledError':
      return wakeWordError(
        `Picovoice is throttling activations for this AccessKey (too many in a short time). This is temporary: try again later.`,
        'porcupine_activation_throttled',
        'rate_limit',
        false,
        error,
        context,
      );
    case 'PorcupineActivationRefusedError':
      return wakeWordError(
        `Picovoice refused this AccessKey (it may be revoked, disabled or from another account). ${keyHelp}`,
        'porcupine_activation_refused',
        'authorization',
        true,
        error,
        context,
      );
    case 'PorcupineActivationError':
      return wakeWordError(
        `Porcupine could not activate the AccessKey with Picovoice's server. It needs internet access on first start and now and ` +
          `then to renew its licence; check the connection (proxy, firewall) and try again. (${info})`,
        'porcupine_activation_failed',
        'connectivity',
        false,
        error,
        context,
      );
    case 'PorcupineInvalidArgumentError':
    case undefined:
    default:
      break;
  }
  if (/AccessKey is invalid|Failed to parse AccessKey|Unable to get the AccessKey/i.test(all)) {
    return wakeWordError(
      `The Picovoice AccessKey is not valid (Porcupine could not parse it). ${keyHelp}`,
      'porcupine_access_key_invalid',
      'authentication',
      true,
      error,
      context,
    );
  }
  const fileIn = (pattern: RegExp): string | undefined => pattern.exec(all)?.[1];
  if (/Keyword file \(\.ppn\) file has incorrect format or belongs to a different platform/i.test(all)) {
    const file = fileIn(/Loading keyword file at `([^`]+)`/) ?? context.keywords.map((k) => k.file).join(', ');
    return wakeWordError(
      `The keyword file ${file} is not a Porcupine keyword for this computer: it is damaged or made for another platform. ` +
        `Download the ${PLATFORM_NAMES[context.platform] ?? context.platform} version from ${CONSOLE}.`,
      'porcupine_keyword_file_invalid',
      'configuration',
      true,
      error,
      context,
    );
  }
  if (/Model \(\.pv\) file has incorrect format or belongs to a different platform/i.test(all)) {
    return wakeWordError(
      `The Porcupine language model ${context.modelPath ?? ''} is not a valid .pv file (damaged or for another platform). ` +
        `Use a porcupine_params*.pv file that matches the Porcupine version, or leave the model empty for English.`,
      'porcupine_model_file_invalid',
      'configuration',
      true,
      error,
      context,
    );
  }
  if (/belongs to a different version of the library/i.test(all)) {
    return wakeWordError(
      `A Porcupine file was made for a different Porcupine version (${info}). Download keyword and model files for Porcupine 4 from ${CONSOLE}.`,
      'porcupine_file_version',
      'configuration',
      true,
      error,
      context,
    );
  }
  if (/should belong to the same language|languages should match|Internal languages/i.test(all)) {
    return wakeWordError(
      `The wake-word keyword and the Porcupine language model are in different languages (${info}). ` +
        `Use the language model (porcupine_params_<language>.pv) that matches the keyword, and keywords of one language only.`,
      'porcupine_language_mismatch',
      'configuration',
      true,
      error,
      context,
    );
  }
  if (/File not found/i.test(message)) {
    return wakeWordError(
      `Porcupine could not find a file: ${redactAccessKey(message, context.accessKey)}`,
      'porcupine_keyword_file',
      'configuration',
      true,
      error,
      context,
    );
  }
  if (error instanceof RangeError) {
    return new ConfigError(`Porcupine rejected a sensitivity: ${error.message}`, { code: 'porcupine_sensitivity', cause: error });
  }
  switch (cls) {
    case 'PorcupineInvalidArgumentError':
      return wakeWordError(`Porcupine rejected its settings: ${info}`, 'porcupine_invalid_argument', 'configuration', true, error, context);
    case 'PorcupineIOError':
      return wakeWordError(
        `Porcupine hit an I/O error (reading its model or keyword files, or talking to Picovoice's server): ${info}`,
        'porcupine_io',
        'unknown',
        false,
        error,
        context,
      );
    case 'PorcupineOutOfMemoryError':
      return wakeWordError(`Porcupine ran out of memory: ${info}`, 'porcupine_out_of_memory', 'application', false, error, context);
    case 'PorcupineRuntimeError':
      if (/Unsupported CPU|not supported by this library/i.test(all)) {
        return wakeWordError(
          `Porcupine does not support this computer: ${info}`,
          'porcupine_unsupported_platform',
          'configuration',
          true,
          error,
          context,
        );
      }
      return wakeWordError(`Porcupine failed: ${info}`, 'porcupine_failed', 'application', false, error, context);
    default:
      if (typeof error === 'string' && /not supported by this library/i.test(error)) {
        return wakeWordError(
          `Porcupine does not support this computer: ${error}`,
          'porcupine_unsupported_platform',
          'configuration',
          true,
          error,
          context,
        );
      }
      return wakeWordError(`Porcupine failed: ${info}`, 'porcupine_failed', 'application', false, error, context);
  }
}

// ---------------------------------------------------------------------------------------------------
// The engine

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
      throw porcupineErrorToAssistantError(error, contextForMapping(this.#context), cachedModule);
    }
    if (index < 0) return null;
    const keyword = this.keywords[index] ?? `keyword #${index}`;
    log.debug({ keyword }, 'wake word detected');
    return { keyword, score: 1 };
  }
}

function contextForMapping(ctx: ErrorContext) {
  return {
    accessKey: ctx.accessKey,
    keywordFiles: ctx.keywords.flatMap((k) => (k.file ? [k.file] : [])),
    modelPath: ctx.modelPath,
    platform: ctx.platform,
  };
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

function errorMessage(value: unknown): string {
  return value instanceof Error ? value.message : String(value);
}
