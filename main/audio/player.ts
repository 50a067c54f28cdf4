import type { EventSource } from '../util/typed-emitter.js';
import type { PlayedAudio } from './echo/echo-types.js';

/** Assistant audio: 24 kHz, 16-bit, mono (the Realtime API's output format). */
export const PLAYER_SAMPLE_RATE = 24_000;

export type PlaybackPosition = {
  itemId: string;
  /** Samples of this item that have actually been played (left the player), not merely received. */
  playedSamples: number;
};

export type PlayerEvents = {
  /** The first sample of an item was played. */
  started: [itemId: string];
  /** Periodic, roughly 10 Hz while playing. */
  progress: [position: PlaybackPosition];
  /** Everything enqueued so far has been played. */
  drained: [itemId: string];
  underrun: [count: number];
  /**
   * The samples that just left the player, in order, with the app-clock time of the first one: the
   * echo canceller's reference. Their concatenation is exactly what was played (nothing twice, no gaps
   * other than real silences between runs, which `playedAtMs` shows).
   */
  played: [audio: PlayedAudio];
};

/**
 * Plays assistant audio and reports exactly how much of each item was played, which is what
 * `conversation.item.truncate` must be given after a barge-in.
 */
export interface Player extends EventSource<PlayerEvents> {
  enqueue(itemId: string, pcm16: Int16Array): void;
  /**
   * Stops at once and drops everything queued. Resolves with the exact position of the item that
   * was playing (or last played), or null if nothing had been played since the last flush.
   */
  flush(): Promise<PlaybackPosition | null>;
  /** Samples of the item played so far (0 for an unknown item). */
  playedSamples(itemId: string): number;
  readonly isPlaying: boolean;
  close(): Promise<void>;
}
