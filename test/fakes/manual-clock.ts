import type { Clock, TimerHandle } from '../../main/util/clock.js';

/** A clock that only moves when the test says so; timers fire in time order during `advance`. */
export class ManualClock implements Clock {
  #now = 0;
  #timers: Array<{ id: number; at: number; fn: () => void }> = [];
  #ids = 0;

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = ++this.#ids;
    this.#timers.push({ id, at: this.#now + Math.max(0, ms), fn });
    return { id };
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (handle) this.#timers = this.#timers.filter((t) => t.id !== handle.id);
  }

  get pendingTimers(): number {
    return this.#timers.length;
  }

  advance(ms: number): void {
    const target = this.#now + ms;
    for (;;) {
      this.#timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.#timers[0];
      if (!next || next.at > target) break;
      this.#timers.shift();
      this.#now = next.at;
      next.fn();
    }
    this.#now = target;
  }
}
