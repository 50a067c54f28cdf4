import { PLAYER_SAMPLE_RATE, type PlaybackPosition } from '../audio/player.js';

type ItemAudio = { responseId: string; receivedSamples: number; order: number };

export type Truncation = { itemId: string; audioEndMs: number };

/**
 * Per assistant item, how much audio was received. With the player's exact played count it gives
 * the truncation point after a barge-in: only when audio was really cut, never beyond what was
 * received, in whole milliseconds (reference E.4).
 */
export class PlaybackLedger {
  #items = new Map<string, ItemAudio>();
  #order = 0;

  onAudio(itemId: string, responseId: string, samples: number): void {
    const item = this.#items.get(itemId);
    if (item) item.receivedSamples += samples;
    else this.#items.set(itemId, { responseId, receivedSamples: samples, order: this.#order++ });
  }

  receivedSamples(itemId: string): number {
    return this.#items.get(itemId)?.receivedSamples ?? 0;
  }

  /** The truncation for the item that was playing, or null if nothing of it was cut. */
  truncationFor(position: PlaybackPosition): Truncation | null {
    const received = this.receivedSamples(position.itemId);
    if (received === 0 || position.playedSamples >= received) return null;
    const played = Math.max(0, Math.min(position.playedSamples, received));
    return { itemId: position.itemId, audioEndMs: Math.floor((played * 1000) / PLAYER_SAMPLE_RATE) };
  }

  /** Items of the same response that came after `itemId` and were never heard at all. */
  unheardItemsAfter(itemId: string): string[] {
    const current = this.#items.get(itemId);
    if (!current) return [];
    return [...this.#items.entries()]
      .filter(([, item]) => item.responseId === current.responseId && item.order > current.order)
      .map(([id]) => id);
  }

  clear(): void {
    this.#items.clear();
  }
}
