import type { ClientEvent } from './protocol-types.js';
import type { TransportOpenInfo } from './realtime-transport.js';
import type { ServerEvent } from './server-events.js';
import { reduceTranscript, summarizeForReseed, type TranscriptAction, type TranscriptEntry } from './transcript-reducer.js';
import type { TranscriptUpdate } from './voice-session-types.js';

/** A message the user typed, as the item that adds it to the conversation. */
function userTextItem(id: string, text: string): ClientEvent {
  return { type: 'conversation.item.create', item: { id, type: 'message', role: 'user', content: [{ type: 'input_text', text }] } };
}

/**
 * The conversation as this side knows it: the transcript shown to the user, the server's items (so
 * "clear" can delete them), and the typed messages the server has not acknowledged yet, which a new
 * session after a drop gets again, with the rest carried over as text.
 */
export class Conversation {
  readonly #onUpdate: (update: TranscriptUpdate) => void;
  #transcript: TranscriptEntry[] = [];
  readonly #serverItems = new Set<string>();
  /** Typed messages the server has not yet acknowledged; re-sent as themselves after a reconnect. */
  readonly #unackedTexts = new Map<string, string>();

  /** `onUpdate` hears of every message a transcript action changed. */
  constructor(onUpdate: (update: TranscriptUpdate) => void) {
    this.#onUpdate = onUpdate;
  }

  get transcript(): readonly TranscriptEntry[] {
    return this.#transcript;
  }

  update(action: TranscriptAction): void {
    this.#transcript = reduceTranscript(this.#transcript, action);
    if (action.type === 'text_delta' || action.type === 'text_done' || action.type === 'interrupted' || action.type === 'message_started') {
      const entry = this.#transcript.find((e) => e.id === action.id);
      if (entry?.kind === 'message') {
        const update: TranscriptUpdate = { itemId: entry.id, role: entry.role, text: entry.text, final: entry.final };
        if (entry.interrupted) update.interrupted = true;
        if (entry.phase) update.phase = entry.phase;
        this.#onUpdate(update);
      }
    }
  }

  /** Sends a typed message as a new item and shows it. */
  sendTyped(text: string, send: (event: ClientEvent) => void): void {
    const id = `item_hearth_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    send(userTextItem(id, text));
    this.#unackedTexts.set(id, text);
    this.update({ type: 'text_done', id, role: 'user', text });
  }

  /** The server holds this item (and has acknowledged it, if it was a typed message). */
  serverItem(itemId: string, options: { acknowledged: boolean }): void {
    this.#serverItems.add(itemId);
    if (options.acknowledged) this.#unackedTexts.delete(itemId);
  }

  /** The server added, created or finished an item: it holds it, and has acknowledged it if it was typed. */
  itemSeen(
    event: Extract<ServerEvent, { type: 'conversation.item.added' | 'conversation.item.created' | 'conversation.item.done' }>,
  ): void {
    this.serverItem(event.itemId, { acknowledged: true });
    // The user's audio turn: its text arrives later through input transcription (if enabled).
    if (event.type === 'conversation.item.added' && event.userAudio)
      this.update({ type: 'message_started', id: event.itemId, role: 'user' });
  }

  /** Deletes every item on the server and clears the transcript. */
  clear(send: (event: ClientEvent) => void): void {
    for (const id of this.#serverItems) send({ type: 'conversation.item.delete', item_id: id });
    this.#serverItems.clear();
    this.update({ type: 'cleared' });
  }

  /** A new server session holds none of the old one's items. */
  newServerSession(): void {
    this.#serverItems.clear();
  }

  /**
   * What a (re)opened session is sent first: the configuration, then, on a new session replacing a
   * lost one, the conversation so far and the typed messages the old session never acknowledged.
   */
  openingEvents(sessionUpdate: ClientEvent, info: TransportOpenInfo): ClientEvent[] {
    const events: ClientEvent[] = [sessionUpdate];
    if (!info.reconnect) return events;
    const history = summarizeForReseed(this.#transcript.filter((e) => !this.#unackedTexts.has(e.id)));
    if (history) {
      // As one system item rather than assistant text items: replayed assistant text can make
      // the model answer in text only (a known behaviour of the service); output_modalities stays ["audio"].
      events.push({
        type: 'conversation.item.create',
        item: {
          type: 'message',
          role: 'system',
          content: [{ type: 'input_text', text: `The conversation so far, carried over from a previous connection:\n${history}` }],
        },
      });
    }
    for (const [id, text] of this.#unackedTexts) events.push(userTextItem(id, text));
    return events;
  }

  /** After a reconnect: unacknowledged messages are re-sent by openingEvents, so not from the outbox too. */
  keepQueued(event: ClientEvent): boolean {
    return !(event.type === 'conversation.item.create' && this.#unackedTexts.has(event.item.id ?? ''));
  }

  /** Forgets everything (the session closed). */
  reset(): void {
    this.#transcript = [];
    this.#serverItems.clear();
    this.#unackedTexts.clear();
  }
}
