import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, WakeWordError } from '../../main/util/errors.js';
import type { WakeWordDetection, WakeWordEngine } from '../../main/wake-word/wake-word-engine.js';

export type FakeWakeWordEngineOptions = {
  name?: string;
  /** Default 512 (Porcupine's and PvRecorder's frame). */
  frameLength?: number;
  sampleRate?: number;
  keywords?: string[];
  /** Scripted detections by 0-based frame index (counted over every process() call since creation). */
  detections?: Record<number, WakeWordDetection | string>;
  /** Throw, as Porcupine does, when a frame is not exactly frameLength samples. Default true. */
  strictFrameLength?: boolean;
  /** Throw this from process() at these frame indexes. */
  failAt?: Record<number, Error>;
};

/** A scripted WakeWordEngine: detections by frame index; records a copy of every frame it is given. */
export class FakeWakeWordEngine implements WakeWordEngine {
  readonly name: string;
  readonly frameLength: number;
  readonly sampleRate: number;
  readonly keywords: readonly string[];
  /** Copies of the frames passed to process(), in order. */
  readonly frames: Int16Array[] = [];
  resets = 0;
  disposed = false;
  readonly #detections: Map<number, WakeWordDetection>;
  readonly #strict: boolean;
  readonly #failAt: Map<number, Error>;

  constructor(options: FakeWakeWordEngineOptions = {}) {
    this.name = options.name ?? 'Fake';
    this.frameLength = options.frameLength ?? 512;
    this.sampleRate = options.sampleRate ?? 16_000;
    this.keywords = Object.freeze([...(options.keywords ?? ['jarvis'])]);
    this.#strict = options.strictFrameLength ?? true;
    this.#detections = new Map(
      Object.entries(options.detections ?? {}).map(([index, d]) => [Number(index), typeof d === 'string' ? { keyword: d, score: 1 } : d]),
    );
    this.#failAt = new Map(Object.entries(options.failAt ?? {}).map(([index, e]) => [Number(index), e]));
  }

  process(frame: Int16Array): WakeWordDetection | null {
    if (this.disposed) throw new WakeWordError(`${this.name} engine used after dispose()`, { category: 'application' });
    if (this.#strict && frame.length !== this.frameLength) {
      throw new ConfigError(`${this.name}: frame of ${frame.length} samples, expected ${this.frameLength}`);
    }
    const index = this.frames.length;
    this.frames.push(frame.slice());
    const failure = this.#failAt.get(index);
    if (failure) throw failure;
    return this.#detections.get(index) ?? null;
  }

  reset(): void {
    this.resets++;
  }

  dispose(): void {
    this.disposed = true;
  }
}

// ---------------------------------------------------------------------------------------------------
// A scripted stand-in for Porcupine's native library (pv_porcupine.node)

/** Porcupine's pv_status_t values. */
export const PV_STATUS = {
  SUCCESS: 0,
  OUT_OF_MEMORY: 1,
  IO_ERROR: 2,
  INVALID_ARGUMENT: 3,
  STOP_ITERATION: 4,
  KEY_ERROR: 5,
  INVALID_STATE: 6,
  RUNTIME_ERROR: 7,
  ACTIVATION_ERROR: 8,
  ACTIVATION_LIMIT_REACHED: 9,
  ACTIVATION_THROTTLED: 10,
  ACTIVATION_REFUSED: 11,
} as const;

export type ScriptedPorcupineLibrary = {
  /** Status returned by init (default SUCCESS). */
  initStatus?: number;
  /** The native error stack reported after a failed init, as Porcupine prints it ("5fe5c79 0000006F: …"). */
  errorStack?: string[];
  frameLength?: number;
  sampleRate?: number;
  version?: string;
  /** Keyword index to report, by 0-based frame index. */
  detections?: Record<number, number>;
  /**
   * Append every frame's bytes to this file (int16 little-endian); write init's arguments (and whether it ran on
   * the main thread) to `<file>.init.json`, and the number of release calls to `<file>.released`.
   */
  recordTo?: string;
};

let libraries = 0;

/**
 * Writes a CommonJS module that answers like Porcupine's native library, so the real
 * `@picovoice/porcupine-node` binding (and the engine on top) can be driven through init failures of
 * every status (activation limit, throttling, …) and through detections, with no AccessKey and no
 * network. Pass the returned path as `libraryPath`. Each call writes a new file (require caches by path).
 */
export function writeScriptedPorcupineLibrary(dir: string, script: ScriptedPorcupineLibrary = {}): string {
  const file = path.join(dir, `scripted-porcupine-${process.pid}-${++libraries}.cjs`);
  const source = `'use strict';
const fs = require('node:fs');
const script = ${JSON.stringify(script)};
let frames = 0;
let released = 0;
module.exports = {
  set_sdk() {},
  init(accessKey, modelPath, device, count, keywordPaths, sensitivities) {
    if (script.recordTo) {
      const { isMainThread } = require('node:worker_threads');
      fs.writeFileSync(script.recordTo + '.init.json', JSON.stringify({ accessKeyLength: accessKey.length, modelPath, device, count, keywordPaths, sensitivities, isMainThread }));
    }
    const status = script.initStatus ?? 0;
    return { status, handle: status === 0 ? 42 : 0 };
  },
  get_error_stack() {
    return { status: 0, message_stack: script.errorStack ?? [] };
  },
  frame_length() { return script.frameLength ?? 512; },
  sample_rate() { return script.sampleRate ?? 16000; },
  version() { return script.version ?? '4.0.0-scripted'; },
  process(handle, frame) {
    if (script.recordTo) fs.appendFileSync(script.recordTo, Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength));
    const index = frames++;
    const keyword = script.detections && Object.prototype.hasOwnProperty.call(script.detections, index) ? script.detections[index] : -1;
    return { status: 0, keyword_index: keyword };
  },
  delete() {
    released++;
    if (script.recordTo) fs.writeFileSync(script.recordTo + '.released', String(released));
  },
};
`;
  writeFileSync(file, source);
  return file;
}
