/**
 * A running estimate of a stream's q-quantile in constant memory (stochastic quantile tracking): a
 * value above the estimate moves it up by step × q, a value below moves it down by step × (1 − q), so
 * it settles where a fraction q of the values lie below it. It starts at the first value.
 */
export class RunningQuantile {
  #value: number | null = null;

  constructor(
    readonly quantile: number,
    readonly step: number,
  ) {}

  /** The estimate (null before the first value). */
  get value(): number | null {
    return this.#value;
  }

  push(x: number): void {
    if (this.#value === null) this.#value = x;
    else this.#value += this.step * (x > this.#value ? this.quantile : this.quantile - 1);
  }
}
