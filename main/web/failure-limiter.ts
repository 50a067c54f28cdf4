/**
 * Counts wrong pairing attempts: a few per client address per window, and a budget for everyone
 * together (attempts spread over many addresses, or a reverse proxy that gives them all one). Only
 * wrong attempts are ever limited; see PairingGuard for why valid credentials always pass.
 */

export type FailureLimits = { perAddress: number; global: number; windowMs: number };

export const DEFAULT_FAILURE_LIMITS: FailureLimits = { perAddress: 5, global: 30, windowMs: 60_000 };

/** Addresses beyond this are swept of expired windows before a new one is added (bounded memory). */
const SWEEP_ABOVE = 10_000;

type Window = { count: number; since: number };

export class FailureLimiter {
  readonly #limits: FailureLimits;
  readonly #now: () => number;
  readonly #byAddress = new Map<string, Window>();
  #global: Window = { count: 0, since: 0 };

  constructor(limits: Partial<FailureLimits> = {}, now: () => number = Date.now) {
    this.#limits = { ...DEFAULT_FAILURE_LIMITS, ...limits };
    this.#now = now;
  }

  /** Seconds until `address` may try again, or null when it may try now. */
  retryAfterS(address: string): number | null {
    const now = this.#now();
    const own = this.#current(this.#byAddress.get(address), now);
    const global = this.#current(this.#global, now);
    const waits: number[] = [];
    if (own && own.count >= this.#limits.perAddress) waits.push(this.#limits.windowMs - (now - own.since));
    if (global && global.count >= this.#limits.global) waits.push(this.#limits.windowMs - (now - global.since));
    return waits.length === 0 ? null : Math.max(1, Math.ceil(Math.max(...waits) / 1000));
  }

  /** Records a wrong attempt from `address`. */
  fail(address: string): void {
    const now = this.#now();
    if (this.#byAddress.size > SWEEP_ABOVE) this.#sweep(now);
    this.#byAddress.set(address, this.#bump(this.#byAddress.get(address), now));
    this.#global = this.#bump(this.#global, now);
  }

  #current(window: Window | undefined, now: number): Window | null {
    return window && now - window.since < this.#limits.windowMs ? window : null;
  }

  #bump(window: Window | undefined, now: number): Window {
    const current = this.#current(window, now);
    if (!current) return { count: 1, since: now };
    current.count++;
    return current;
  }

  #sweep(now: number): void {
    for (const [address, window] of this.#byAddress) if (!this.#current(window, now)) this.#byAddress.delete(address);
  }
}
