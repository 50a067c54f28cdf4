export type BackoffPolicy = {
  initialMs: number;
  maxMs: number;
  /** Give up after this many consecutive failed attempts (Infinity = never). */
  maxAttempts: number;
};

/** Exponential backoff with "full jitter" between half and the whole step, so clients do not retry in lockstep. */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: () => number = Math.random): number {
  const step = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + (random() * step) / 2);
}
