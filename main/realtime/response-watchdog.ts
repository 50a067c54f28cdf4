import type { Clock, TimerHandle } from '../util/clock.js';

/**
 * A response that sends no output item and no audio this long after `response.created` is taken for
 * hung: it is cancelled and the user told, instead of waiting forever. Real responses start within
 * about 1–2.5 s even at high reasoning effort (OpenAI's published latencies); tool runs are outside
 * any response.
 */
export const RESPONSE_WATCHDOG_MS = 8_000;

/** Watches one response at a time for its first output; calls `onHung` if none comes in time. */
export class ResponseWatchdog {
  readonly #clock: Clock;
  readonly #ms: number;
  readonly #onHung: (responseId: string, ms: number) => void;
  #watched: { responseId: string; timer: TimerHandle } | undefined;

  constructor(clock: Clock, ms: number, onHung: (responseId: string, ms: number) => void) {
    this.#clock = clock;
    this.#ms = ms;
    this.#onHung = onHung;
  }

  arm(responseId: string): void {
    this.disarm();
    const timer = this.#clock.setTimeout(() => {
      this.#watched = undefined;
      this.#onHung(responseId, this.#ms);
    }, this.#ms);
    this.#watched = { responseId, timer };
  }

  /** Stops watching (only `responseId`, when given). */
  disarm(responseId?: string): void {
    if (!this.#watched || (responseId !== undefined && this.#watched.responseId !== responseId)) return;
    this.#clock.clearTimeout(this.#watched.timer);
    this.#watched = undefined;
  }

  /** Output of a response (an item, audio, text, arguments): it is alive, the watchdog stands down. */
  output(responseId: string | undefined): void {
    if (!this.#watched) return;
    this.disarm(responseId ?? this.#watched.responseId);
  }
}
