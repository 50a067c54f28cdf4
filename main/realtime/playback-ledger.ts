import { PLAYER_SAMPLE_RATE, type PlaybackPosition } from '../audio/player.js';

type ItemAudio = { responseId: string; receivedSamples: number; order: number };

export type Truncation = { itemId: string; audioEndMs: number };

/**
 * Per assistant item, how much audio was received. With the player's exact played count it gives
 * the truncation point after a barge-in: only when audio was really cut, never beyond what was
 * received, in whole milliseconds (`audio_end_ms` is an integer, and one beyond the item is refused).
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

  /**
   * Every truncation a barge-in at `position` needs, in item order: the item that was playing, cut
   * at what was played of it (counted from that item's own start, not the response's), if any of it
   * was cut; then every later item of the same response whose audio had arrived but was never heard,
   * at 0 ms. Those are truncated rather than deleted: truncation is how the protocol says "the user
   * did not hear this" (the server drops the transcript after the point, so the model
   * does not believe it said it), and an item truncated at 0 keeps its place in the conversation and
   * in the transcript the user saw streaming, where `conversation.item.delete` would erase that the
   * answer had begun. Items with no audio are left alone: only audio can be truncated (a text-only item is refused).
   */
  truncationsFor(position: PlaybackPosition): Truncation[] {
    const current = this.truncationFor(position);
    const later = this.unheardItemsAfter(position.itemId).map((itemId) => ({ itemId, audioEndMs: 0 }));
    return current ? [current, ...later] : later;
  }

  /** Items of the same response that came after `itemId` and were never heard at all. */
  unheardItemsAfter(itemId: string): string[] {
    const current = this.#items.get(itemId);
    if (!current) return [];
    return [...this.#items.entries()]
      .filter(([, item]) => item.responseId === current.responseId && item.order > current.order && item.receivedSamples > 0)
      .map(([id]) => id);
  }

  clear(): void {
    this.#items.clear();
  }
}
