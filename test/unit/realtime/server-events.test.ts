import { describe, expect, it } from 'vitest';
import { int16ToBase64 } from '../../../main/audio/pcm.js';
import { decodeServerEvent } from '../../../main/realtime/server-events.js';
import { REQUEST_METADATA_KEY } from '../../../main/realtime/response-sequencer.js';

describe('decodeServerEvent', () => {
  it('decodes an audio delta into PCM samples, and refuses one without item_id or with bad base64', () => {
    const pcm = new Int16Array([1, -2, 300]);
    expect(decodeServerEvent({ type: 'response.output_audio.delta', response_id: 'r', item_id: 'i', delta: int16ToBase64(pcm) })).toEqual({
      ok: true,
      event: { type: 'response.output_audio.delta', responseId: 'r', itemId: 'i', pcm },
    });
    expect(decodeServerEvent({ type: 'response.output_audio.delta', item_id: 5, delta: null })).toEqual({
      ok: false,
      reason: 'an audio delta without item_id or delta',
    });
    expect(decodeServerEvent({ type: 'response.output_audio.delta', item_id: 'i', delta: '***' })).toMatchObject({ ok: false });
  });

  it('reads the request id a response carries in its metadata', () => {
    expect(decodeServerEvent({ type: 'response.created', response: { id: 'r', metadata: { [REQUEST_METADATA_KEY]: 'evt_1' } } })).toEqual({
      ok: true,
      event: { type: 'response.created', responseId: 'r', requestId: 'evt_1' },
    });
    expect(decodeServerEvent({ type: 'response.created', response: { metadata: null } })).toEqual({
      ok: true,
      event: { type: 'response.created', responseId: undefined, requestId: undefined },
    });
  });

  it('gives a function call only when it completed, with its arguments', () => {
    const item = { type: 'function_call', call_id: 'c', name: 'turn_on', arguments: '{"a":1}' };
    const done = (status: string) => decodeServerEvent({ type: 'response.output_item.done', item: { ...item, status } });
    expect(done('completed')).toEqual({
      ok: true,
      event: { type: 'response.output_item.done', responseId: undefined, call: { callId: 'c', name: 'turn_on', arguments: '{"a":1}' } },
    });
    expect(done('incomplete')).toMatchObject({ ok: true, event: { call: undefined } });
  });

  it('names an assistant message and its phase as it opens; other items open without a message', () => {
    const added = (item: unknown) => decodeServerEvent({ type: 'response.output_item.added', response_id: 'r', item });
    expect(added({ id: 'm', type: 'message', role: 'assistant', phase: 'commentary' })).toMatchObject({
      event: { message: { itemId: 'm', phase: 'commentary' } },
    });
    expect(added({ id: 'm', type: 'message', role: 'assistant', phase: 'shouting' })).toMatchObject({
      event: { message: { itemId: 'm', phase: undefined } },
    });
    expect(added({ id: 'f', type: 'function_call' })).toMatchObject({ ok: true, event: { responseId: 'r', message: undefined } });
  });

  it('tells a user audio item from a typed one', () => {
    const added = (content: unknown[]) =>
      decodeServerEvent({ type: 'conversation.item.added', item: { id: 'u', type: 'message', role: 'user', content } });
    expect(added([{ type: 'input_audio' }])).toMatchObject({ event: { userAudio: true } });
    expect(added([{ type: 'input_text', text: 'hi' }])).toMatchObject({ event: { userAudio: false } });
    expect(decodeServerEvent({ type: 'conversation.item.added', item: {} })).toEqual({ ok: false, reason: 'an item without an id' });
  });

  it('folds both assistant text streams into one event, with the final text from either field', () => {
    expect(decodeServerEvent({ type: 'response.output_audio_transcript.done', item_id: 'i', transcript: 'Hello' })).toMatchObject({
      event: { type: 'assistant_text.done', text: 'Hello' },
    });
    expect(decodeServerEvent({ type: 'response.output_text.done', item_id: 'i', text: 'Hi' })).toMatchObject({
      event: { type: 'assistant_text.done', text: 'Hi' },
    });
  });

  it('keeps the string fields of an error and of a failed response', () => {
    expect(decodeServerEvent({ type: 'error', error: { code: 'x', message: 7, event_id: 'e', param: 'session.voice' } })).toEqual({
      ok: true,
      event: { type: 'error', error: { code: 'x', eventId: 'e', param: 'session.voice' } },
    });
    expect(
      decodeServerEvent({
        type: 'response.done',
        response: { id: 'r', status: 'failed', status_details: { error: { type: 'server_error' } } },
      }),
    ).toEqual({
      ok: true,
      event: { type: 'response.done', response: { responseId: 'r', status: 'failed', error: { type: 'server_error' }, usage: undefined } },
    });
    expect(decodeServerEvent({ type: 'response.done' })).toMatchObject({ ok: true, event: { response: { responseId: undefined } } });
  });

  it('passes other events on as known (ignored on purpose) or unknown', () => {
    expect(decodeServerEvent({ type: 'rate_limits.updated' })).toEqual({
      ok: true,
      event: { type: 'other', wireType: 'rate_limits.updated', known: true },
    });
    expect(decodeServerEvent({ type: 'brand.new' })).toEqual({ ok: true, event: { type: 'other', wireType: 'brand.new', known: false } });
  });

  it('never throws, whatever the fields hold', () => {
    const types = [
      'session.created',
      'error',
      'conversation.item.added',
      'conversation.item.deleted',
      'conversation.item.input_audio_transcription.completed',
      'response.created',
      'response.output_item.added',
      'response.output_item.done',
      'response.output_audio.delta',
      'response.output_text.delta',
      'response.done',
    ];
    const values = [null, 0, 'x', [], [null], {}, { id: 1, content: 'no', metadata: [] }, true];
    for (const type of types) {
      for (const value of values) {
        const event = { type, item: value, response: value, error: value, session: value, item_id: value, delta: value, transcript: value };
        expect(() => decodeServerEvent(event)).not.toThrow();
      }
    }
  });
});
