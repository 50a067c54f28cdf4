/** The echo canceller's synchronous core and its parts, in-process. */
import { describe, expect, it } from 'vitest';
import { loadAec3 } from '../../../main/audio/echo/aec3.js';
import { EnvelopeDelayEstimator } from '../../../main/audio/echo/delay-estimator.js';
import { EchoProcessor } from '../../../main/audio/echo/echo-processor.js';
import { ReferenceRing } from '../../../main/audio/echo/reference-ring.js';
import { MIC_FRAME_SAMPLES } from '../../../main/audio/mic-source.js';
import { mulberry32 } from '../../helpers/test-room.js';

describe('EchoProcessor', () => {
  it('delays the audio by exactly latencySamples (256: re-framing 128 + AEC3 128), 512 samples out per frame', async () => {
    const processor = new EchoProcessor(await loadAec3());
    expect(processor.latencySamples).toBe(256);
    const random = mulberry32(7);
    const input = Int16Array.from({ length: 40 * MIC_FRAME_SAMPLES }, () => Math.round((random() * 2 - 1) * 8000));
    const output = new Int16Array(input.length);
    for (let i = 0; i < input.length; i += MIC_FRAME_SAMPLES) {
      const out = processor.processFrame(input.subarray(i, i + MIC_FRAME_SAMPLES), i / 16);
      expect(out).toHaveLength(MIC_FRAME_SAMPLES);
      output.set(out, i);
    }
    processor.dispose();
    let best = -Infinity;
    let bestLag = -1;
    for (let lag = 0; lag < 1024; lag++) {
      let c = 0;
      for (let i = 4096; i < 16_384; i++) c += input[i]! * output[i + lag]!;
      if (c > best) {
        best = c;
        bestLag = lag;
      }
    }
    expect(bestLag).toBe(processor.latencySamples);
  });
});

describe('ReferenceRing', () => {
  it('gives silence where nothing was written: before, in gaps, after and once overwritten', () => {
    const ring = new ReferenceRing(100);
    ring.write(
      10,
      Float32Array.from({ length: 20 }, () => 1),
    );
    ring.write(
      50,
      Float32Array.from({ length: 10 }, () => 2),
    );
    const out = new Float32Array(70);
    ring.read(0, out);
    expect([...out.subarray(0, 10)]).toEqual(new Array(10).fill(0));
    expect([...out.subarray(10, 30)]).toEqual(new Array(20).fill(1));
    expect([...out.subarray(30, 50)]).toEqual(new Array(20).fill(0));
    expect([...out.subarray(50, 60)]).toEqual(new Array(10).fill(2));
    expect([...out.subarray(60, 70)]).toEqual(new Array(10).fill(0));
    ring.write(
      150,
      Float32Array.from({ length: 10 }, () => 3),
    ); // index 10..49 now older than the ring
    const old = new Float32Array(10);
    ring.read(10, old);
    expect([...old]).toEqual(new Array(10).fill(0));
  });
});

describe('EnvelopeDelayEstimator', () => {
  it('finds a 730 ms delay in bursty noise, and follows it when it moves to 120 ms', () => {
    const estimator = new EnvelopeDelayEstimator({ sampleRate: 16_000 });
    const random = mulberry32(3);
    const total = 16_000 * 16;
    const ref = new Float32Array(total);
    // Speech-like: noise in 50-250 ms bursts of random level, with pauses.
    for (let i = 0; i < total;) {
      const length = Math.round(800 + random() * 3200);
      const level = random() < 0.3 ? 0 : 0.05 + random() * 0.3;
      for (let j = i; j < Math.min(total, i + length); j++) ref[j] = (random() * 2 - 1) * level;
      i += length;
    }
    const delayAt = (i: number) => (i < total / 2 ? 730 : 120) * 16;
    const block = 160;
    const seen: number[] = [];
    for (let i = 0; i < total; i += block) {
      const mic = new Float32Array(block);
      for (let j = 0; j < block; j++) {
        const k = i + j - delayAt(i);
        mic[j] = (k >= 0 ? 0.4 * ref[k]! : 0) + (random() * 2 - 1) * 1e-3;
      }
      if (estimator.push(ref.subarray(i, i + block), mic)) seen.push(estimator.estimate!.delayMs);
      if (i === total / 2 - block) expect(Math.abs(estimator.estimate!.delayMs - 730)).toBeLessThanOrEqual(5);
    }
    expect(Math.abs(estimator.estimate!.delayMs - 120)).toBeLessThanOrEqual(5);
    expect(seen.length).toBeLessThanOrEqual(3);
  });

  it('stays unsure while nothing is played', () => {
    const estimator = new EnvelopeDelayEstimator({ sampleRate: 16_000 });
    const random = mulberry32(4);
    for (let i = 0; i < 16_000 * 6; i += 160) {
      estimator.push(
        new Float32Array(160),
        Float32Array.from({ length: 160 }, () => (random() * 2 - 1) * 0.1),
      );
    }
    expect(estimator.estimate).toBeNull();
  });
});
