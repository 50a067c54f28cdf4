import { describe, expect, it } from 'vitest';
import { Outbox } from '../../../main/realtime/outbox.js';
import type { ClientEvent } from '../../../main/realtime/protocol-types.js';

/** An append of `ms` of 24 kHz PCM16 as base64 (48 bytes per ms, 4 characters per 3 bytes). */
const append = (ms: number, tag: string): ClientEvent => ({
  type: 'input_audio_buffer.append',
  audio: tag.repeat((ms * 48 * 4) / 3 / tag.length),
});

describe('Outbox', () => {
  it('keeps events in order and drops the oldest audio beyond its limit, never anything else', () => {
    const outbox = new Outbox(100);
    const commit: ClientEvent = { type: 'input_audio_buffer.commit' };
    outbox.push(append(60, 'AAAA'));
    outbox.push(commit);
    outbox.push(append(60, 'BBBB'));
    expect(outbox.take(false)).toEqual([commit, append(60, 'BBBB')]);
    expect(outbox.take(false)).toEqual([]);
  });

  it('on a new session drops what named the old one, and what the caller refuses', () => {
    const outbox = new Outbox(1000);
    const events: ClientEvent[] = [
      { type: 'response.cancel' },
      { type: 'conversation.item.truncate', item_id: 'i', content_index: 0, audio_end_ms: 10 },
      { type: 'conversation.item.delete', item_id: 'i' },
      { type: 'conversation.item.create', item: { type: 'function_call_output', call_id: 'c', output: '{}' } },
      { type: 'response.create' },
      { type: 'input_audio_buffer.commit' },
    ];
    for (const event of events) outbox.push(event);
    expect(outbox.take(true, (event) => event.type !== 'response.create')).toEqual([{ type: 'input_audio_buffer.commit' }]);
    for (const event of events) outbox.push(event);
    expect(outbox.take(false)).toEqual(events);
  });
});
