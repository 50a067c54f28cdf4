import { MIC_SAMPLE_RATE } from '../mic-source.js';
import { AEC3_BLOCK_SAMPLES, type Aec3Instance, type Aec3Module } from './aec3.js';
import { EnvelopeDelayEstimator } from './delay-estimator.js';
import { ReferenceRing } from './reference-ring.js';
import { meanEnergy, ResidualEchoGate, SPEAKING_ENERGY } from './residual-echo-gate.js';

export type EchoProcessorOptions = {
  /** The capture frame length in samples (the microphone's 512). */
  frameSamples?: number;
  /** Bulk delay from the self-test, ms; the running estimator takes over once it is confident. */
  delayHintMs?: number | null;
  /** Follow the delay with the running estimator (default true). */
  estimateDelay?: boolean;
  /** Attenuate what AEC3 leaves of the echo while Hearth speaks (default true; the self-test measures AEC3 alone). */
  gateResidualEcho?: boolean;
};

export type EchoProcessorStats = {
  delayMs: number | null;
  erleDb: number | null;
  framesProcessed: number;
};

const SAMPLES_PER_MS = MIC_SAMPLE_RATE / 1000;
/** The reference ring: 4 s, enough for the longest delay (1 s) with room for late capture. */
const RING_SAMPLES = 4 * MIC_SAMPLE_RATE;
/**
 * Bulk delay policy. AEC3's own delay estimator finds echoes up to about 400 ms after their
 * reference (measured on the test room: 43 dB ERLE at 400 ms with no compensation), and every
 * change of the compensation makes it re-adapt for a few seconds. So the reference is shifted only
 * when the echo is later than that, to leave AEC3 a residual of BULK_RESIDUAL_MS, and the shift is
 * kept as long as the residual stays inside [0, BULK_MAX_RESIDUAL_MS].
 */
const NATIVE_DELAY_MS = 400;
const BULK_RESIDUAL_MS = 100;
const BULK_MAX_RESIDUAL_MS = 300;
/** ERLE over the last second of speaking blocks. */
const ERLE_BLOCKS = 100;
/**
 * The wasm build's own buffering: its output lags its input by 128 samples at 16 kHz (measured:
 * cross-correlation of input and output with no reference; test/unit/audio/echo-processor.test.ts).
 */
export const AEC3_LATENCY_SAMPLES = 128;
/** Two capture frames closer than this to contiguous are treated as contiguous (clock jitter). */
const CONTIGUOUS_TOLERANCE = 160;

/**
 * The echo canceller's synchronous core: WebRTC AEC3 at 16 kHz on 10 ms blocks, fed with 512-sample
 * microphone frames and the played reference aligned by the app clock. Runs in the echo worker (and
 * in-process for the self-test). Output frames have the input's length; the re-framing from 512 to
 * 160-sample blocks delays the audio by a constant 128 samples (8 ms) and AEC3 itself by another
 * 128: frame k's output holds capture samples [512k - 256, 512k + 256).
 */
export class EchoProcessor {
  readonly frameSamples: number;
  /** The constant delay from input to output, samples: the re-framing's plus AEC3's own. */
  readonly latencySamples: number;
  #aec: Aec3Instance;
  #ring = new ReferenceRing(RING_SAMPLES);
  #estimator: EnvelopeDelayEstimator | undefined;
  #hintMs: number | null;
  #renderNext: number | null = null;
  #captureNext: number | null = null;
  #capFifo: Float32Array;
  #refFifo: Float32Array;
  #rawRefFifo: Float32Array;
  #fifoLength = 0;
  #outFifo: Float32Array;
  #outLength: number;
  #capBlock = new Float32Array(AEC3_BLOCK_SAMPLES);
  #refBlock = new Float32Array(AEC3_BLOCK_SAMPLES);
  #outBlock = new Float32Array(AEC3_BLOCK_SAMPLES);
  #refRead: Float32Array;
  #rawRead: Float32Array;
  #erleMic = new Float64Array(ERLE_BLOCKS);
  #erleOut = new Float64Array(ERLE_BLOCKS);
  #erleCount = 0;
  #frames = 0;
  #bulk = 0;
  #gate: ResidualEchoGate | undefined;

  constructor(aec3: Aec3Module, options: EchoProcessorOptions = {}) {
    this.frameSamples = options.frameSamples ?? 512;
    this.#aec = new aec3.AEC3(MIC_SAMPLE_RATE, 1, 1);
    this.#hintMs = options.delayHintMs ?? null;
    if (options.gateResidualEcho ?? true) this.#gate = new ResidualEchoGate();
    if (options.estimateDelay ?? true) {
      this.#estimator = new EnvelopeDelayEstimator({ sampleRate: MIC_SAMPLE_RATE });
      // The self-test's delay is a strong prior: the estimator leaves it only on clear evidence.
      this.#estimator.setPrior(this.#hintMs);
    }
    // The most a frame can leave unprocessed is one block minus the frame's remainder.
    const reframing = maxRemainder(this.frameSamples, AEC3_BLOCK_SAMPLES);
    this.latencySamples = reframing + AEC3_LATENCY_SAMPLES;
    const fifo = this.frameSamples + AEC3_BLOCK_SAMPLES;
    this.#capFifo = new Float32Array(fifo);
    this.#refFifo = new Float32Array(fifo);
    this.#rawRefFifo = new Float32Array(fifo);
    this.#outFifo = new Float32Array(this.frameSamples + this.latencySamples + AEC3_BLOCK_SAMPLES);
    this.#outLength = reframing;
    this.#refRead = new Float32Array(this.frameSamples);
    this.#rawRead = new Float32Array(this.frameSamples);
  }

  /** The bulk delay compensated now, ms: the estimator's when confident, else the hint (null: none). */
  get delayMs(): number | null {
    return this.#estimator?.estimate?.delayMs ?? this.#hintMs;
  }

  setDelayHint(delayMs: number | null): void {
    this.#hintMs = delayMs;
    this.#estimator?.setPrior(delayMs);
  }

  /** Played audio, already at 16 kHz; `startMs` is when its first sample was played (app clock). */
  pushRender(samples: Float32Array, startMs: number): void {
    let start = Math.round(startMs * SAMPLES_PER_MS);
    // Chunks that follow each other stay contiguous despite the player's timestamp jitter.
    if (this.#renderNext !== null && Math.abs(start - this.#renderNext) <= CONTIGUOUS_TOLERANCE) start = this.#renderNext;
    this.#ring.write(start, samples);
    this.#renderNext = start + samples.length;
  }

  /**
   * One microphone frame whose first sample was captured at `captureStartMs` (app clock). Returns the
   * cancelled frame (a new array of the same length).
   */
  processFrame(samples: Int16Array, captureStartMs: number): Int16Array {
    let start = Math.round(captureStartMs * SAMPLES_PER_MS);
    if (this.#captureNext !== null && Math.abs(start - this.#captureNext) <= CONTIGUOUS_TOLERANCE) start = this.#captureNext;
    this.#captureNext = start + samples.length;

    const n = samples.length;
    const bulk = Math.round(this.#bulkMs() * SAMPLES_PER_MS);
    const refRead = n === this.#refRead.length ? this.#refRead : new Float32Array(n);
    const rawRead = n === this.#rawRead.length ? this.#rawRead : new Float32Array(n);
    this.#ring.read(start - bulk, refRead);
    if (this.#estimator) this.#ring.read(start, rawRead);

    const need = this.#fifoLength + n;
    if (need > this.#capFifo.length) {
      this.#capFifo = grow(this.#capFifo, need);
      this.#refFifo = grow(this.#refFifo, need);
      this.#rawRefFifo = grow(this.#rawRefFifo, need);
    }
    for (let i = 0; i < n; i++) this.#capFifo[this.#fifoLength + i] = samples[i]! / 32768;
    this.#refFifo.set(refRead, this.#fifoLength);
    this.#rawRefFifo.set(rawRead, this.#fifoLength);
    this.#fifoLength = need;

    const B = AEC3_BLOCK_SAMPLES;
    let offset = 0;
    while (this.#fifoLength - offset >= B) {
      this.#capBlock.set(this.#capFifo.subarray(offset, offset + B));
      this.#refBlock.set(this.#refFifo.subarray(offset, offset + B));
      if (this.#estimator) this.#estimator.push(this.#rawRefFifo.subarray(offset, offset + B), this.#capBlock);
      this.#aec.analyze([this.#refBlock]);
      this.#aec.process([this.#outBlock], [this.#capBlock]);
      this.#afterAec(this.#refBlock, this.#capBlock, this.#outBlock);
      if (this.#outLength + B > this.#outFifo.length) this.#outFifo = grow(this.#outFifo, this.#outLength + B);
      this.#outFifo.set(this.#outBlock, this.#outLength);
      this.#outLength += B;
      offset += B;
    }
    this.#capFifo.copyWithin(0, offset, this.#fifoLength);
    this.#refFifo.copyWithin(0, offset, this.#fifoLength);
    this.#rawRefFifo.copyWithin(0, offset, this.#fifoLength);
    this.#fifoLength -= offset;

    const out = new Int16Array(n);
    const available = Math.min(n, this.#outLength);
    for (let i = 0; i < available; i++) {
      const v = Math.round(this.#outFifo[i]! * 32768);
      out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
    }
    this.#outFifo.copyWithin(0, available, this.#outLength);
    this.#outLength -= available;
    this.#frames++;
    return out;
  }

  /** The shift of the reference now, ms: what AEC3 is left to find is delayMs minus this. */
  get bulkDelayMs(): number {
    return this.#bulk;
  }

  #bulkMs(): number {
    const delay = this.delayMs;
    if (delay === null) return this.#bulk;
    const residual = delay - this.#bulk;
    if (residual < 0 || residual > BULK_MAX_RESIDUAL_MS) this.#bulk = delay <= NATIVE_DELAY_MS ? 0 : delay - BULK_RESIDUAL_MS;
    return this.#bulk;
  }

  stats(): EchoProcessorStats {
    return { delayMs: this.delayMs, erleDb: this.erleDb, framesProcessed: this.#frames };
  }

  /** ERLE over the last second in which the reference was active, dB (null: not yet measured). */
  get erleDb(): number | null {
    const count = Math.min(this.#erleCount, ERLE_BLOCKS);
    if (count < ERLE_BLOCKS / 2) return null;
    let mic = 0;
    let out = 0;
    for (let i = 0; i < count; i++) {
      mic += this.#erleMic[i]!;
      out += this.#erleOut[i]!;
    }
    if (mic <= 0) return null;
    return 10 * Math.log10(mic / Math.max(out, 1e-12));
  }

  dispose(): void {
    this.#aec.free();
  }

  /** The ERLE figures (AEC3 alone), then the residual echo gate, from the block's energies computed once. */
  #afterAec(ref: Float32Array, cap: Float32Array, out: Float32Array): void {
    const energies = { reference: meanEnergy(ref), capture: meanEnergy(cap), residual: meanEnergy(out) };
    if (energies.reference >= SPEAKING_ENERGY) {
      const slot = this.#erleCount % ERLE_BLOCKS;
      this.#erleMic[slot] = energies.capture;
      this.#erleOut[slot] = energies.residual;
      this.#erleCount++;
    }
    this.#gate?.process(energies, out);
  }
}

function maxRemainder(frame: number, block: number): number {
  // Leftover after k frames is (k * frame) mod block; the largest value it takes.
  let max = 0;
  for (let k = 1; k <= block; k++) max = Math.max(max, (k * frame) % block);
  return max;
}

function grow(a: Float32Array, length: number): Float32Array {
  const b = new Float32Array(Math.max(length, a.length * 2));
  b.set(a);
  return b;
}
