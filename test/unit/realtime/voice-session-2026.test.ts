/** VoiceSession and the 2026 protocol on a scripted transport and a manual clock: watchdog, preambles, truncation. */
import { describe, expect, it } from 'vitest';
import { RESPONSE_WATCHDOG_MS } from '../../../main/realtime/response-watchdog.js';
import { DefaultToolRegistry } from '../../../main/tools/tool-registry.js';
import type { AssistantError } from '../../../main/util/errors.js';
import { gatedTool } from '../../fakes/gated-tool.js';
import { audio, flushPromises, openSession } from './scripted-session.js';

async function setup(tools = new DefaultToolRegistry()) {
  const created = await openSession(tools);
  const { session } = created;
  const errors: AssistantError[] = [];
  session.on('error', (e) => errors.push(e));
  let done = 0;
  session.on('assistant_done', () => done++);
  return { ...created, errors, doneCount: () => done };
}

const message = (responseId: string, id: string, phase?: string) => ({
  type: 'response.output_item.added',
  response_id: responseId,
  item: { id, type: 'message', role: 'assistant', ...(phase ? { phase } : {}) },
});

describe('VoiceSession: the response watchdog', () => {
  it(`cancels a response with no output after ${RESPONSE_WATCHDOG_MS} ms by its id, says so once, and ends the turn on the cancel`, async () => {
    const { clock, transport, session, errors, doneCount } = await setup();
    session.sendText('hello');
    transport.server({ type: 'response.created', response: { id: 'resp_1' } });
    clock.advance(RESPONSE_WATCHDOG_MS - 1);
    expect(transport.sentOfType('response.cancel')).toEqual([]);
    clock.advance(1);
    expect(transport.sentOfType('response.cancel')).toEqual([{ type: 'response.cancel', response_id: 'resp_1' }]);
    expect(errors.map((e) => [e.code, e.category, e.permanent])).toEqual([['response_timeout', 'server', false]]);
    expect(doneCount()).toBe(0); // the server still holds the response until it confirms
    transport.server({ type: 'response.done', response: { id: 'resp_1', status: 'cancelled' } });
    expect(doneCount()).toBe(1);
    expect(session.assistantBusy).toBe(false);
    clock.advance(60_000);
    expect(transport.sentOfType('response.cancel')).toHaveLength(1);
    expect(errors).toHaveLength(1);
  });

  it('stands down at the first output item, including a function call', async () => {
    for (const item of [
      message('resp_1', 'item_a'),
      { type: 'response.output_item.added', response_id: 'resp_1', item: { id: 'fc', type: 'function_call', call_id: 'c' } },
    ]) {
      const { clock, transport, errors } = await setup();
      transport.server({ type: 'response.created', response: { id: 'resp_1' } });
      clock.advance(RESPONSE_WATCHDOG_MS / 2);
      transport.server(item);
      clock.advance(10 * RESPONSE_WATCHDOG_MS);
      expect(transport.sentOfType('response.cancel')).toEqual([]);
      expect(errors).toEqual([]);
    }
  });

  it('never fires while a tool runs or the model waits for its output, and watches the follow-up response again', async () => {
    const { tool, release } = gatedTool('slow', { timeoutMs: 3_600_000 });
    const { clock, transport, errors } = await setup(new DefaultToolRegistry(() => [tool]));
    transport.server({ type: 'response.created', response: { id: 'resp_1' } });
    transport.server({
      type: 'response.output_item.done',
      response_id: 'resp_1',
      item: { id: 'fc', type: 'function_call', call_id: 'call_1', name: 'slow', arguments: '{}', status: 'completed' },
    });
    transport.server({ type: 'response.done', response: { id: 'resp_1', status: 'completed' } });
    clock.advance(20 * 60_000); // the tool takes twenty minutes
    await flushPromises();
    expect(transport.sentOfType('response.cancel')).toEqual([]);
    release();
    await flushPromises();
    await flushPromises();
    expect(transport.sentOfType('response.create')).toHaveLength(1);
    clock.advance(20 * 60_000); // the output is in, the follow-up not created yet: the model is not being waited on
    expect(transport.sentOfType('response.cancel')).toEqual([]);
    transport.server({ type: 'response.created', response: { id: 'resp_2' } });
    clock.advance(RESPONSE_WATCHDOG_MS);
    expect(transport.sentOfType('response.cancel')).toEqual([{ type: 'response.cancel', response_id: 'resp_2' }]);
    expect(errors.map((e) => e.code)).toEqual(['response_timeout']);
  });

  it('is not armed for a response the user already stopped, nor after a barge-in', async () => {
    const { clock, transport, session, errors } = await setup();
    session.sendText('hello');
    await session.interrupt(); // before response.created: cancelled when it is created
    transport.server({ type: 'response.created', response: { id: 'resp_1' } });
    clock.advance(10 * RESPONSE_WATCHDOG_MS);
    expect(transport.sentOfType('response.cancel')).toEqual([{ type: 'response.cancel', response_id: 'resp_1' }]);
    transport.server({ type: 'response.done', response: { id: 'resp_1', status: 'cancelled' } });
    transport.server({ type: 'response.created', response: { id: 'resp_2' } });
    transport.server({ type: 'input_audio_buffer.speech_started', item_id: 'u', audio_start_ms: 0 });
    await flushPromises();
    clock.advance(10 * RESPONSE_WATCHDOG_MS);
    expect(transport.sentOfType('response.cancel')).toHaveLength(1);
    expect(errors).toEqual([]);
  });
});

describe('VoiceSession: several assistant items per response', () => {
  it('keeps each item as its own transcript entry with its phase', async () => {
    const { transport, session } = await setup();
    const updates: Array<[string, string | undefined, boolean]> = [];
    session.on('transcript', (u) => updates.push([u.itemId, u.phase, u.final]));
    transport.server({ type: 'response.created', response: { id: 'r' } });
    transport.server(message('r', 'pre', 'commentary'));
    transport.server({ type: 'response.output_audio_transcript.delta', response_id: 'r', item_id: 'pre', delta: 'Checking…' });
    transport.server({ type: 'response.output_audio_transcript.done', response_id: 'r', item_id: 'pre', transcript: 'Checking…' });
    transport.server(message('r', 'ans', 'final_answer'));
    transport.server({ type: 'response.output_audio_transcript.done', response_id: 'r', item_id: 'ans', transcript: 'It is on.' });
    transport.server(message('r', 'old')); // an older model: no phase
    transport.server({ type: 'response.output_audio_transcript.done', response_id: 'r', item_id: 'old', transcript: 'Plain.' });
    expect(session.transcript.map((e) => e.kind === 'message' && [e.id, e.phase, e.text])).toEqual([
      ['pre', 'commentary', 'Checking…'],
      ['ans', 'final_answer', 'It is on.'],
      ['old', undefined, 'Plain.'],
    ]);
    expect(updates.filter(([, , final]) => final)).toEqual([
      ['pre', 'commentary', true],
      ['ans', 'final_answer', true],
      ['old', undefined, true],
    ]);
  });

  it('a barge-in right after the preamble ended truncates only the answer that had arrived, at 0 ms', async () => {
    const { clock, transport, player, session } = await setup();
    transport.server({ type: 'response.created', response: { id: 'r' } });
    transport.server(message('r', 'pre', 'commentary'));
    transport.server({ type: 'response.output_audio.delta', response_id: 'r', item_id: 'pre', delta: audio(200) });
    transport.server(message('r', 'ans', 'final_answer'));
    transport.server({ type: 'response.output_audio.delta', response_id: 'r', item_id: 'ans', delta: audio(400) });
    clock.advance(200); // exactly the preamble: not one sample of the answer yet
    expect(player.playedSamples('pre')).toBe(200 * 24);
    expect(player.playedSamples('ans')).toBe(0);
    await session.interrupt();
    expect(transport.sentOfType('conversation.item.truncate').map((t) => [t.item_id, t.audio_end_ms])).toEqual([['ans', 0]]);
  });

  it('truncates the playing item at its own position and every later item of the response at 0 ms', async () => {
    const { clock, transport, session } = await setup();
    transport.server({ type: 'response.created', response: { id: 'r' } });
    for (const [id, ms] of [
      ['a', 300],
      ['b', 500],
      ['c', 500],
    ] as const) {
      transport.server(message('r', id));
      transport.server({ type: 'response.output_audio.delta', response_id: 'r', item_id: id, delta: audio(ms) });
    }
    clock.advance(300 + 120);
    await session.interrupt();
    expect(transport.sentOfType('conversation.item.truncate').map((t) => [t.item_id, t.audio_end_ms])).toEqual([
      ['b', 120],
      ['c', 0],
    ]);
  });
});

describe('VoiceSession: a refused truncate', () => {
  it('is absorbed when it names our truncate by event_id, whatever its wording; other errors still reach the user', async () => {
    const { clock, transport, session, errors } = await setup();
    transport.server({ type: 'response.created', response: { id: 'r' } });
    transport.server(message('r', 'a'));
    transport.server({ type: 'response.output_audio.delta', response_id: 'r', item_id: 'a', delta: audio(1000) });
    clock.advance(100);
    await session.interrupt();
    const [truncate] = transport.sentOfType('conversation.item.truncate');
    expect(truncate?.event_id).toMatch(/^evt_hearth_trunc_/);
    transport.server({
      type: 'error',
      error: {
        type: 'invalid_request_error',
        code: 'invalid_value',
        message: 'Some new wording.',
        param: null,
        event_id: truncate!.event_id,
      },
    });
    transport.server({
      type: 'error',
      error: { type: 'invalid_request_error', code: null, message: 'Audio content of 90ms is already shorter than 100ms', event_id: null },
    });
    expect(errors).toEqual([]);
    transport.server({
      type: 'error',
      error: { type: 'invalid_request_error', code: 'invalid_value', message: 'Something else.', param: null, event_id: 'evt_other' },
    });
    expect(errors.map((e) => e.message)).toEqual(['Something else.']);
  });
});
