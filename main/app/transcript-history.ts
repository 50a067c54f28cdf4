import type { TranscriptItem } from '../../preload/contract/types.js';

const MAX_ITEMS = 200;

/**
 * The transcript the UI shows across sessions: a session's items are kept when it closes (the idle
 * timeout), so the conversation stays on screen; "clear" empties it.
 */
export class TranscriptHistory {
  #items = new Map<string, TranscriptItem>();

  /** Upserts the current session's items, keeping first-seen order. */
  update(items: readonly TranscriptItem[]): void {
    for (const item of items) this.#items.set(item.id, item);
    while (this.#items.size > MAX_ITEMS) this.#items.delete(this.#items.keys().next().value!);
  }

  clear(): void {
    this.#items.clear();
  }

  get items(): TranscriptItem[] {
    return [...this.#items.values()];
  }
}
