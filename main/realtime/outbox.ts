import type { ClientEvent } from './protocol-types.js';

/** Client events that name items or responses of one session and mean nothing in the next. */
function isSessionBound(event: ClientEvent): boolean {
  if (event.type === 'conversation.item.truncate' || event.type === 'response.cancel') return true;
  if (event.type === 'conversation.item.delete' || event.type === 'conversation.item.retrieve') return true;
  return event.type === 'conversation.item.create' && event.item.type === 'function_call_output';
}

function appendedAudioMs(event: ClientEvent): number {
  // base64: 4 characters per 3 bytes; PCM16 at 24 kHz is 48 bytes per ms.
  return event.type === 'input_audio_buffer.append' ? (event.audio.length * 3) / 4 / 48 : 0;
}

/**
 * Client events kept in order while the connection is down. Audio beyond `maxAudioMs` is dropped
 * oldest-first (the user's words of a minute ago are no use), everything else is kept.
 */
export class Outbox {
  readonly #maxAudioMs: number;
  #events: ClientEvent[] = [];
  #audioMs = 0;

  constructor(maxAudioMs: number) {
    this.#maxAudioMs = maxAudioMs;
  }

  push(event: ClientEvent): void {
    this.#events.push(event);
    this.#audioMs += appendedAudioMs(event);
    while (this.#audioMs > this.#maxAudioMs) {
      const index = this.#events.findIndex((e) => e.type === 'input_audio_buffer.append');
      if (index < 0) break;
      this.#audioMs -= appendedAudioMs(this.#events[index]!);
      this.#events.splice(index, 1);
    }
  }

  /**
   * Empties the outbox and returns what is still worth sending. On a new session (`reconnect`),
   * events bound to the old one are dropped, and so is whatever `keep` refuses.
   */
  take(reconnect: boolean, keep?: (event: ClientEvent) => boolean): ClientEvent[] {
    const events = this.#events;
    this.clear();
    if (!reconnect) return events;
    return events.filter((event) => !isSessionBound(event) && (!keep || keep(event)));
  }

  clear(): void {
    this.#events = [];
    this.#audioMs = 0;
  }
}
