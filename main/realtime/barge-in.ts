import { createLogger } from '../util/logger.js';
import { PLAYER_SAMPLE_RATE, type Player } from '../audio/player.js';
import { PlaybackLedger } from './playback-ledger.js';
import type { ClientEvent } from './protocol-types.js';

const log = createLogger('session');

/** Truncate event ids remembered to recognise the server's refusal of one of them. */
const MAX_TRUNCATE_IDS = 64;

export type PlaybackCut = { itemId: string; audioEndMs: number; receivedMs: number };

/**
 * The playback side of a barge-in: stop the player at once, and tell the server exactly how much of
 * each assistant item the user heard (`conversation.item.truncate` at the played position), so the
 * model does not believe it said what was never heard. Which responses to cancel is the response
 * tracker's business (response-tracker.ts).
 */
export class BargeIn {
  readonly #player: Player;
  readonly #send: (event: ClientEvent) => void;
  readonly #ledger = new PlaybackLedger();
  /** Event ids of the truncates we sent, newest last. */
  #truncateIds: string[] = [];
  #truncates = 0;

  constructor(player: Player, send: (event: ClientEvent) => void) {
    this.#player = player;
    this.#send = send;
  }

  /** Assistant audio handed to the player: the ledger counts what was received per item. */
  received(itemId: string, responseId: string, samples: number): void {
    this.#ledger.onAudio(itemId, responseId, samples);
  }

  /** Flushes the player and truncates every item that was cut, calling `onCut` after each truncate sent. */
  async cutPlayback(trigger: 'speech' | 'local', onCut: (cut: PlaybackCut) => void): Promise<void> {
    if (!this.#player.isPlaying) return;
    const position = await this.#player.flush();
    if (!position) return;
    const truncations = this.#ledger.truncationsFor(position);
    if (truncations.length === 0) return;
    for (const t of truncations) {
      const eventId = `evt_hearth_trunc_${++this.#truncates}`;
      this.#truncateIds.push(eventId);
      if (this.#truncateIds.length > MAX_TRUNCATE_IDS) this.#truncateIds.shift();
      this.#send({
        type: 'conversation.item.truncate',
        event_id: eventId,
        item_id: t.itemId,
        content_index: 0,
        audio_end_ms: t.audioEndMs,
      });
      onCut({ ...t, receivedMs: (this.#ledger.receivedSamples(t.itemId) * 1000) / PLAYER_SAMPLE_RATE });
    }
    log.info({ truncations, trigger }, 'barge-in');
  }

  /** Whether a server error names one of our recent truncates (see server-error-policy.ts). */
  sentTruncate(eventId: string | undefined): boolean {
    return eventId !== undefined && this.#truncateIds.includes(eventId);
  }

  /** Forgets the received audio (the conversation is reset). */
  clear(): void {
    this.#ledger.clear();
  }
}
