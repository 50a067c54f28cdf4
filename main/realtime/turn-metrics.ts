import type { Clock } from '../util/clock.js';

export type TurnMetrics = {
  /** Server `speech_stopped` (or a typed message sent) → first assistant audio delta received. */
  endOfSpeechToFirstAudioMs: number | null;
  /** … → first assistant sample played. */
  endOfSpeechToFirstPlayedMs: number | null;
  toolMs: number[];
  reconnects: number;
  errors: number;
};

/** Times one turn from the end of the user's speech to the first audio received and played. */
export class TurnClock {
  readonly #clock: Clock;
  #endOfSpeechAt: number | null = null;
  #firstAudioAt: number | null = null;
  #firstPlayedAt: number | null = null;
  #toolMs: number[] = [];
  /** Counted over the session's life, reported with every turn. */
  reconnects = 0;
  errors = 0;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** The user finished speaking (or sent a typed message): a new turn starts now. */
  userTurnEnded(): void {
    this.reset();
    this.#endOfSpeechAt = this.#clock.now();
  }

  audioReceived(): void {
    if (this.#firstAudioAt === null) this.#firstAudioAt = this.#clock.now();
  }

  audioPlayed(): void {
    if (this.#firstPlayedAt === null) this.#firstPlayedAt = this.#clock.now();
  }

  toolRan(durationMs: number): void {
    this.#toolMs.push(durationMs);
  }

  /** The turn's figures; the next turn starts empty. */
  finish(): TurnMetrics {
    const since = (t: number | null) => (t !== null && this.#endOfSpeechAt !== null ? t - this.#endOfSpeechAt : null);
    const metrics: TurnMetrics = {
      endOfSpeechToFirstAudioMs: since(this.#firstAudioAt),
      endOfSpeechToFirstPlayedMs: since(this.#firstPlayedAt),
      toolMs: this.#toolMs,
      reconnects: this.reconnects,
      errors: this.errors,
    };
    this.reset();
    return metrics;
  }

  reset(): void {
    this.#endOfSpeechAt = null;
    this.#firstAudioAt = null;
    this.#firstPlayedAt = null;
    this.#toolMs = [];
  }
}
