import type { ClientEvent } from './protocol-types.js';
import type { TransportOpenInfo } from './realtime-transport.js';
import { summarizeForReseed, type TranscriptEntry } from './transcript-reducer.js';

/** A message the user typed, as the item that adds it to the conversation. */
export function userTextItem(id: string, text: string): ClientEvent {
  return { type: 'conversation.item.create', item: { id, type: 'message', role: 'user', content: [{ type: 'input_text', text }] } };
}

/**
 * What a (re)opened session is sent first: the configuration, then, on a new session replacing a
 * lost one, the conversation so far and the typed messages the old session never acknowledged.
 */
export function openingEvents(
  sessionUpdate: ClientEvent,
  info: TransportOpenInfo,
  transcript: readonly TranscriptEntry[],
  unackedTexts: ReadonlyMap<string, string>,
): ClientEvent[] {
  const events: ClientEvent[] = [sessionUpdate];
  if (!info.reconnect) return events;
  const history = summarizeForReseed(transcript.filter((e) => !unackedTexts.has(e.id)));
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
  for (const [id, text] of unackedTexts) events.push(userTextItem(id, text));
  return events;
}
