import { percentile } from './test-kit.js';

export type Summary = { n: number; mean: number; p50: number; p95: number; max: number; min: number };

const round = (v: number) => Math.round(v * 100) / 100;

/** Nearest-rank percentiles over the samples, rounded to 0.01. */
export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) return { n: 0, mean: Number.NaN, p50: Number.NaN, p95: Number.NaN, max: Number.NaN, min: Number.NaN };
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    mean: round(sorted.reduce((s, v) => s + v, 0) / sorted.length),
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    min: round(sorted[0]!),
    max: round(sorted[sorted.length - 1]!),
  };
}
