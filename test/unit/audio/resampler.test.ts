import { describe, expect, it } from 'vitest';
import { StreamResampler, resampleClip } from '../../../main/audio/resampler.js';

function sine(frequency: number, rate: number, seconds: number, amplitude = 0.5): Int16Array {
  const out = new Int16Array(Math.round(rate * seconds));
  for (let i = 0; i < out.length; i++) out[i] = Math.round(amplitude * 32767 * Math.sin((2 * Math.PI * frequency * i) / rate));
  return out;
}

/** SNR of `signal` against the best-fitting sine of `frequency` (least squares on sin and cos). */
function sineSnrDb(signal: Int16Array, frequency: number, rate: number, skip: number): number {
  let a = 0;
  let b = 0;
  const n = signal.length - 2 * skip;
  for (let i = skip; i < signal.length - skip; i++) {
    a += signal[i]! * Math.sin((2 * Math.PI * frequency * i) / rate);
    b += signal[i]! * Math.cos((2 * Math.PI * frequency * i) / rate);
  }
  a *= 2 / n;
  b *= 2 / n;
  let power = 0;
  let noise = 0;
  for (let i = skip; i < signal.length - skip; i++) {
    const fit = a * Math.sin((2 * Math.PI * frequency * i) / rate) + b * Math.cos((2 * Math.PI * frequency * i) / rate);
    power += fit * fit;
    noise += (signal[i]! - fit) ** 2;
  }
  return 10 * Math.log10(power / noise);
}

describe('StreamResampler 16 → 24 kHz', () => {
  it('keeps a 1 kHz sine above 60 dB SNR when streamed in 512-sample frames', async () => {
    const resampler = await StreamResampler.create(16_000, 24_000);
    const input = sine(1000, 16_000, 3);
    const chunks: Int16Array[] = [];
    for (let i = 0; i < input.length; i += 512) chunks.push(resampler.process(input.subarray(i, i + 512)));
    resampler.dispose();
    const output = Int16Array.from(chunks.flatMap((c) => Array.from(c)));
    // Output length is 1.5× the input, less the filter's short delay.
    expect(output.length).toBeGreaterThan(input.length * 1.5 - 200);
    expect(output.length).toBeLessThanOrEqual(input.length * 1.5);
    const snr = sineSnrDb(output, 1000, 24_000, 2400);
    expect(snr).toBeGreaterThan(60);
  });

  it('removes content above the new Nyquist when downsampling (anti-aliasing)', async () => {
    // 10 kHz at 24 kHz → 16 kHz must vanish instead of folding to 6 kHz.
    const input = sine(10_000, 24_000, 1);
    const output = await resampleClip(input, 24_000, 16_000);
    const middle = output.subarray(2000, output.length - 2000);
    const rms = Math.sqrt(middle.reduce((s, v) => s + v * v, 0) / middle.length);
    expect(rms / (0.5 * 32767)).toBeLessThan(0.01);
  });

  // Speed is measured by `npm run bench`; here it is only shown, since test machines are noisy.
  it('reports its speed', async () => {
    const resampler = await StreamResampler.create(16_000, 24_000);
    const input = sine(440, 16_000, 10);
    const started = performance.now();
    for (let i = 0; i < input.length; i += 512) resampler.process(input.subarray(i, i + 512));
    const elapsedMs = performance.now() - started;
    resampler.dispose();
    const speed = 10_000 / elapsedMs;
    console.info(`resampler speed: ${speed.toFixed(0)}x real time`);
    expect(Number.isFinite(speed)).toBe(true);
  });

  it('refuses use after dispose', async () => {
    const resampler = await StreamResampler.create(16_000, 24_000);
    resampler.dispose();
    expect(() => resampler.process(new Int16Array(512))).toThrow(/dispose/);
  });
});
