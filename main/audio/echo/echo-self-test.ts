import { MIC_FRAME_SAMPLES, MIC_SAMPLE_RATE } from '../mic-source.js';
import { int16ToFloat32 } from '../pcm.js';
import { PLAYER_SAMPLE_RATE } from '../player.js';
import { resampleClip } from '../resampler.js';
import { loadAec3 } from './aec3.js';
import { EchoProcessor } from './echo-processor.js';
import type { EchoPathMeasurement } from './echo-types.js';
import { mulberry32 } from '../../util/seeded-random.js';

/**
 * Full duplex needs the residual echo well below the user's voice. At a laptop or kitchen speaker
 * the echo reaches the microphone up to ~10 dB louder than a user a metre away; 20 dB of ERLE then
 * leaves the residual at least 10 dB under the user's speech, which is where the server's VAD stops
 * taking Hearth's own voice for the user's (the double-talk test keeps ≥ 10 dB with AEC3's 40 dB).
 */
export const FULL_DUPLEX_MIN_ERLE_DB = 20;
/** The longest echo delay the canceller follows (its estimator's range). */
export const MAX_ECHO_DELAY_MS = 1000;
/** Lags searched by the self-test: beyond the range, to tell "too late" from "nothing". */
const SEARCH_DELAY_MS = 1500;
/**
 * A recording with this share of samples at full scale clips: the echo is then no longer a linear
 * function of what was played (AEC3 cannot model it), and a user's voice drowns under it.
 */
const CLIPPING_SHARE = 0.002;
const CLIPPED_SAMPLE = 32_000;
/** A recording whose peak stays under this (int16) is digital silence: a muted or dead microphone. */
const SILENT_PEAK = 4;
/** Echo found: the correlation peak must reach this and stand this far above the other lags. */
const MIN_PEAK_CORRELATION = 0.05;
const MIN_PEAK_PROMINENCE = 8;

const SELF_TEST_SECONDS = 4;

/**
 * The self-test's signal, 4 s at 24 kHz (PLAYER_SAMPLE_RATE): a logarithmic chirp 150 Hz-7 kHz
 * (0-0.6 s) and a noise burst (0.6-1.0 s), broadband for a sharp delay peak and for AEC3 to adapt
 * fast, then 3 s of speech-like bursts (a voiced buzz with formants, 4 syllables a second) for the
 * converged ERLE on what Hearth actually plays. Deterministic; about -12 dBFS.
 */
export function selfTestSignal(): Int16Array {
  const rate = PLAYER_SAMPLE_RATE;
  const out = new Float32Array(SELF_TEST_SECONDS * rate);
  const random = mulberry32(10);
  const f0 = 150;
  const f1 = 7000;
  const chirpEnd = Math.round(0.6 * rate);
  const k = Math.log(f1 / f0) / 0.6;
  for (let i = 0; i < chirpEnd; i++) {
    const t = i / rate;
    out[i] = 0.35 * Math.sin(((2 * Math.PI * f0) / k) * (Math.exp(k * t) - 1));
  }
  const noiseEnd = rate;
  for (let i = chirpEnd; i < noiseEnd; i++) out[i] = 0.3 * (2 * random() - 1);
  // Speech-like: a glottal buzz (harmonics of a wandering pitch) through two resonances, in syllables.
  let phase = 0;
  let y1 = 0;
  let y2 = 0;
  let z1 = 0;
  let z2 = 0;
  const resonator = (freq: number, bw: number) => {
    const r = Math.exp((-Math.PI * bw) / rate);
    return { a1: 2 * r * Math.cos((2 * Math.PI * freq) / rate), a2: -r * r, g: 1 - r };
  };
  for (let i = noiseEnd; i < out.length; i++) {
    const t = (i - noiseEnd) / rate;
    const syllable = Math.floor(t * 4);
    const within = t * 4 - syllable;
    const envelope = within < 0.75 ? Math.sin((Math.PI * within) / 0.75) ** 2 : 0;
    const pitch = 120 + 40 * Math.sin(2 * Math.PI * 0.7 * t) + 15 * ((syllable * 7919) % 5);
    phase += pitch / rate;
    const buzz = (phase % 1) * 2 - 1 + 0.1 * (2 * random() - 1);
    const formant1 = resonator(500 + ((syllable * 131) % 400), 90);
    const formant2 = resonator(1400 + ((syllable * 373) % 900), 120);
    const v1 = formant1.g * buzz + formant1.a1 * y1 + formant1.a2 * y2;
    y2 = y1;
    y1 = v1;
    const v2 = formant2.g * buzz + formant2.a1 * z1 + formant2.a2 * z2;
    z2 = z1;
    z1 = v2;
    out[i] = envelope * (1.6 * v1 + 1.2 * v2);
  }
  // Normalise the speech part to the noise burst's RMS, and fade every edge (no clicks).
  normaliseRms(out, noiseEnd, out.length, rms(out, chirpEnd, noiseEnd));
  let peak = 0;
  for (const v of out) peak = Math.max(peak, Math.abs(v));
  if (peak > 0.7) for (let i = 0; i < out.length; i++) out[i] = (out[i]! * 0.7) / peak;
  fade(out, 0, Math.round(0.01 * rate));
  fade(out, out.length, -Math.round(0.01 * rate));
  const pcm = new Int16Array(out.length);
  for (let i = 0; i < out.length; i++) pcm[i] = Math.max(-32768, Math.min(32767, Math.round(out[i]! * 32767)));
  return pcm;
}

/**
 * Measures the echo path from what was played (24 kHz, the self-test signal) and what the
 * microphone recorded meanwhile (16 kHz, starting when playback started): the delay by
 * cross-correlation, the echo level, and the ERLE AEC3 reaches on this recording in its first
 * second and once converged; then the duplex mode to use: `half` when the ERLE stays under
 * FULL_DUPLEX_MIN_ERLE_DB or the microphone clips on the echo. Pure: no device, no worker. It takes
 * 1-2 s of CPU on this thread for the 4 s signal on a busy 2-core machine, in slices of half a
 * second of audio (the event loop runs between them).
 */
export async function measureEchoPath(played: Int16Array, recorded: Int16Array): Promise<EchoPathMeasurement> {
  const none = { delayMs: null, echoLevelDb: null, erleDb: null, erleFirstSecondDb: null };
  let peak = 0;
  for (const s of recorded) peak = Math.max(peak, Math.abs(s));
  if (peak < SILENT_PEAK || played.length === 0) return { ...none, recommended: 'half', reason: 'no-signal' };

  const reference = int16ToFloat32(await resampleClip(played, PLAYER_SAMPLE_RATE, MIC_SAMPLE_RATE));
  const mic = int16ToFloat32(recorded);
  const maxLag = Math.min(mic.length - 1, Math.round((SEARCH_DELAY_MS * MIC_SAMPLE_RATE) / 1000));
  const { lag, correlation, prominence } = findDelay(reference, mic, maxLag);
  if (correlation < MIN_PEAK_CORRELATION || prominence < MIN_PEAK_PROMINENCE) return { ...none, recommended: 'full', reason: 'no-echo' };

  const delayMs = (lag * 1000) / MIC_SAMPLE_RATE;
  const end = Math.min(mic.length, lag + reference.length);
  const echoLevelDb = dbRatio(energy(mic, lag, end), energy(reference, 0, end - lag));
  if (delayMs > MAX_ECHO_DELAY_MS) {
    return {
      delayMs: round1(delayMs),
      echoLevelDb: round1(echoLevelDb),
      erleDb: null,
      erleFirstSecondDb: null,
      recommended: 'half',
      reason: 'delay-out-of-range',
    };
  }

  let clipped = 0;
  for (const s of recorded) if (Math.abs(s) >= CLIPPED_SAMPLE) clipped++;
  const clipping = clipped / recorded.length >= CLIPPING_SHARE;

  // AEC3 over the recording, the reference aligned by the measured delay (as the app will run it).
  const processor = new EchoProcessor(await loadAec3(), { delayHintMs: delayMs, estimateDelay: false, gateResidualEcho: false });
  const out = new Float32Array(mic.length + processor.latencySamples);
  try {
    const frame = new Int16Array(MIC_FRAME_SAMPLES);
    let pushed = 0;
    for (let i = 0; i < recorded.length; i += MIC_FRAME_SAMPLES) {
      // The reference as the player would report it: ahead of the capture, never all at once.
      const upTo = Math.min(reference.length, i + MIC_FRAME_SAMPLES);
      if (upTo > pushed) processor.pushRender(reference.subarray(pushed, upTo), (pushed * 1000) / MIC_SAMPLE_RATE);
      pushed = Math.max(pushed, upTo);
      frame.fill(0);
      frame.set(recorded.subarray(i, i + MIC_FRAME_SAMPLES));
      const cancelled = processor.processFrame(frame, (i * 1000) / MIC_SAMPLE_RATE);
      // Half a second of audio at a time, then let the event loop run (the caller's thread keeps
      // serving IPC and sockets while the self-test is analysed).
      if ((i / MIC_FRAME_SAMPLES) % 16 === 15) await new Promise((resolve) => setImmediate(resolve));
      for (let j = 0; j < cancelled.length && i + j < out.length; j++) out[i + j] = cancelled[j]! / 32768;
    }
  } finally {
    processor.dispose();
  }
  const L = processor.latencySamples;
  const second = MIC_SAMPLE_RATE;
  const erle = (from: number, to: number): number => dbRatio(energy(mic, from, to), energy(out, from + L, to + L));
  const erleFirstSecondDb = erle(lag, Math.min(end, lag + second));
  const erleDb = erle(Math.max(lag, end - 1.5 * second), end);
  const full = erleDb >= FULL_DUPLEX_MIN_ERLE_DB && !clipping;
  return {
    delayMs: round1(delayMs),
    echoLevelDb: round1(echoLevelDb),
    erleDb: round1(erleDb),
    erleFirstSecondDb: round1(erleFirstSecondDb),
    recommended: full ? 'full' : 'half',
    reason: full ? 'cancelled' : 'too-much-echo',
  };
}

/** The lag (0..maxLag samples) at which `mic` best matches `reference`: normalised cross-correlation by FFT. */
export function findDelay(
  reference: Float32Array,
  mic: Float32Array,
  maxLag: number,
): { lag: number; correlation: number; prominence: number } {
  let size = 1;
  while (size < reference.length + mic.length) size *= 2;
  const re1 = new Float64Array(size);
  const im1 = new Float64Array(size);
  const re2 = new Float64Array(size);
  const im2 = new Float64Array(size);
  re1.set(reference);
  re2.set(mic);
  fft(re1, im1, false);
  fft(re2, im2, false);
  // mic ⋆ reference: X_mic · conj(X_ref)
  for (let i = 0; i < size; i++) {
    const r = re2[i]! * re1[i]! + im2[i]! * im1[i]!;
    const im = im2[i]! * re1[i]! - re2[i]! * im1[i]!;
    re1[i] = r;
    im1[i] = im;
  }
  fft(re1, im1, true);
  const norm = Math.sqrt(energy(reference) * energy(mic)) || 1;
  let best = -Infinity;
  let lag = 0;
  let sumAbs = 0;
  for (let l = 0; l <= maxLag; l++) {
    const c = re1[l]! / size / norm;
    sumAbs += Math.abs(c);
    if (c > best) {
      best = c;
      lag = l;
    }
  }
  const meanAbs = sumAbs / (maxLag + 1);
  return { lag, correlation: best, prominence: meanAbs > 0 ? best / meanAbs : 0 };
}

/** In-place iterative radix-2 FFT (length a power of two); `inverse` leaves the 1/N to the caller. */
function fft(re: Float64Array, im: Float64Array, inverse: boolean): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const angle = ((inverse ? 2 : -2) * Math.PI) / len;
    const wr = Math.cos(angle);
    const wi = Math.sin(angle);
    for (let i = 0; i < n; i += len) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < len / 2; k++) {
        const a = i + k;
        const b = a + len / 2;
        const xr = re[b]! * cr - im[b]! * ci;
        const xi = re[b]! * ci + im[b]! * cr;
        re[b] = re[a]! - xr;
        im[b] = im[a]! - xi;
        re[a] = re[a]! + xr;
        im[a] = im[a]! + xi;
        const t = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = t;
      }
    }
  }
}

function energy(x: Float32Array, from = 0, to = x.length): number {
  let e = 0;
  for (let i = Math.max(0, from); i < Math.min(to, x.length); i++) e += x[i]! * x[i]!;
  return e;
}

function rms(x: Float32Array, from: number, to: number): number {
  return Math.sqrt(energy(x, from, to) / Math.max(1, to - from));
}

function dbRatio(a: number, b: number): number {
  return 10 * Math.log10(Math.max(a, 1e-20) / Math.max(b, 1e-20));
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

function normaliseRms(x: Float32Array, from: number, to: number, target: number): void {
  const current = rms(x, from, to);
  if (current > 0) for (let i = from; i < to; i++) x[i] = (x[i]! * target) / current;
}

/** Fades `length` samples from `at` in (length > 0) or, before `at`, out (length < 0). */
function fade(x: Float32Array, at: number, length: number): void {
  const n = Math.abs(length);
  for (let i = 0; i < n; i++) {
    const g = i / n;
    if (length > 0) x[at + i] = x[at + i]! * g;
    else x[at - 1 - i] = x[at - 1 - i]! * g;
  }
}
