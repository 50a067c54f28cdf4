import { describe, expect, it } from 'vitest';
import { RunningQuantile } from '../../../main/util/running-quantile.js';
import { mulberry32 } from '../../../main/util/seeded-random.js';

describe('RunningQuantile', () => {
  it('is null before the first value and starts there', () => {
    const q = new RunningQuantile(0.9, 0.5);
    expect(q.value).toBeNull();
    q.push(-12);
    expect(q.value).toBe(-12);
  });

  it('settles near the quantile of the stream, wherever it starts', () => {
    const random = mulberry32(11);
    for (const [quantile, expected] of [
      [0.9, 90],
      [0.5, 50],
      [0.1, 10],
    ] as const) {
      const q = new RunningQuantile(quantile, 0.5);
      q.push(quantile > 0.5 ? 0 : 100);
      for (let i = 0; i < 20_000; i++) q.push(random() * 100);
      expect(Math.abs(q.value! - expected)).toBeLessThan(3);
    }
  });
});
