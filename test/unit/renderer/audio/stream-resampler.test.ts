import { describe, expect, it } from 'vitest';
import { StreamResampler } from '../../../../renderer/audio/stream-resampler.js';
import { PcmCaptureCore } from '../../../../renderer/audio/pcm-capture-core.js';

const tone = (rate: number, hz: number, seconds: number, amplitude = 0.5) =>
  Float32Array.from({ length: Math.round(rate * seconds) }, (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / rate));

/** Runs the input through in chunks of `chunk` samples (as render quanta arrive). */
function run(resampler: StreamResampler, input: Float32Array, chunk: number): Float32Array {
  const out: number[] = [];
  const scratch = new Float32Array(resampler.maxOutput(chunk));
  for (let i = 0; i < input.length; i += chunk) {
    const n = resampler.process(input.subarray(i, i + chunk), scratch);
    for (let k = 0; k < n; k++) out.push(scratch[k]!);
  }
  return Float32Array.from(out);
}

/** Amplitude of `hz` in `x` (a single-bin DFT over the steady part). */
function amplitudeAt(x: Float32Array, rate: number, hz: number): number {
  let re = 0;
  let im = 0;
  const from = Math.floor(x.length / 4);
  const to = Math.floor((x.length * 3) / 4);
  for (let i = from; i < to; i++) {
    re += x[i]! * Math.cos((2 * Math.PI * hz * i) / rate);
    im += x[i]! * Math.sin((2 * Math.PI * hz * i) / rate);
  }
  return (2 * Math.hypot(re, im)) / (to - from);
}

/** Error of `x` against a fitted sine at `hz` (amplitude and phase free), in dB below the signal. */
function snrDb(x: Float32Array, rate: number, hz: number): number {
  const from = Math.floor(x.length / 4);
  const to = Math.floor((x.length * 3) / 4);
  let sc = 0;
  let ss = 0;
  for (let i = from; i < to; i++) {
    sc += x[i]! * Math.cos((2 * Math.PI * hz * i) / rate);
    ss += x[i]! * Math.sin((2 * Math.PI * hz * i) / rate);
  }
  const n = to - from;
  const a = (2 * sc) / n;
  const b = (2 * ss) / n;
  let signal = 0;
  let noise = 0;
  for (let i = from; i < to; i++) {
    const fit = a * Math.cos((2 * Math.PI * hz * i) / rate) + b * Math.sin((2 * Math.PI * hz * i) / rate);
    signal += fit * fit;
    noise += (x[i]! - fit) ** 2;
  }
  return 10 * Math.log10(signal / noise);
}

describe('StreamResampler', () => {
  for (const rate of [48_000, 44_100, 24_000, 16_000]) {
    it(`${rate} Hz → 16 kHz keeps a 1 kHz tone (length, level, ≥ 60 dB clean)`, () => {
      const out = run(new StreamResampler(rate, 16_000), tone(rate, 1000, 1), 128);
      expect(Math.abs(out.length - 16_000)).toBeLessThanOrEqual(20);
      expect(amplitudeAt(out, 16_000, 1000)).toBeCloseTo(0.5, 2);
      expect(snrDb(out, 16_000, 1000)).toBeGreaterThan(60);
    });
  }

  it('filters out what 16 kHz cannot hold instead of folding it back (a 11 kHz tone at 48 kHz: ≥ 40 dB down)', () => {
    const out = run(new StreamResampler(48_000, 16_000), tone(48_000, 11_000, 1), 128);
    // Folded, 11 kHz would land on 5 kHz.
    expect(20 * Math.log10(amplitudeAt(out, 16_000, 5000) / 0.5)).toBeLessThan(-40);
  });

  it('gives the same samples whatever the chunk sizes', () => {
    const input = tone(44_100, 440, 0.5);
    const a = run(new StreamResampler(44_100, 16_000), input, 128);
    const b = run(new StreamResampler(44_100, 16_000), input, 1000);
    expect(b.length).toBe(a.length);
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i]!, 6);
  });

  it('refuses rates that are not positive integers', () => {
    expect(() => new StreamResampler(0, 16_000)).toThrow(RangeError);
    expect(() => new StreamResampler(44_100.5, 16_000)).toThrow(RangeError);
  });
});

describe('PcmCaptureCore', () => {
  it('turns 24 kHz render quanta into 512-sample 16 kHz PCM16 frames, without gaps', () => {
    const frames: Int16Array[] = [];
    const core = new PcmCaptureCore(24_000, (f) => frames.push(f));
    const input = tone(24_000, 1000, 1.024 + 0.01);
    for (let i = 0; i < input.length; i += 128) core.process(input.subarray(i, i + 128));
    expect(frames.length).toBe(32); // 1.024 s at 16 kHz = 32 frames of 512
    expect(frames.every((f) => f.length === 512)).toBe(true);
    const joined = new Float32Array(frames.length * 512);
    frames.forEach((f, k) => f.forEach((v, i) => (joined[k * 512 + i] = v / 32768)));
    expect(amplitudeAt(joined, 16_000, 1000)).toBeCloseTo(0.5, 2);
    expect(snrDb(joined, 16_000, 1000)).toBeGreaterThan(50);
  });

  it('clips instead of wrapping around', () => {
    const frames: Int16Array[] = [];
    const core = new PcmCaptureCore(16_000, (f) => frames.push(f));
    core.process(new Float32Array(2048).fill(3));
    expect(frames.length).toBeGreaterThan(2);
    expect(frames.at(-1)!.every((v) => v === 32767)).toBe(true);
  });
});
