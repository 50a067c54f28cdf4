import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { OpenAIRealtimeError } from '../../../main/util/errors.js';
import type { TruncateEvent } from '../../../main/realtime/voice-session.js';
import { defineTool, type ToolContext } from '../../../main/tools/define-tool.js';
import type { UserReply } from '../../../main/tools/user-replies.js';
import { DefaultToolRegistry } from '../../../main/tools/tool-registry.js';
import type { ScriptedRealtimeTransport } from '../../fakes/scripted-realtime-transport.js';
import { audio, createSession, flushPromises, openSession } from './scripted-session.js';

/** A registry with one tool that records the `argument` of each call it runs. */
function recordingTool(name: string, argument = 'entity_id') {
  const calls: string[] = [];
  const tool = defineTool({
    name,
    description: name,
    parameters: z.object({ [argument]: z.string() }),
    execute: (args) => (calls.push(String(args[argument])), { ok: true }),
  });
  return { calls, tools: new DefaultToolRegistry(() => [tool]) };
}

/** The server's side of a response that only calls one tool, from response.created to response.done. */
function respondWithOneCall(transport: ScriptedRealtimeTransport, name: string, args: string, id = 'resp_1') {
  transport.server({ type: 'response.created', response: { id } });
  transport.server({
    type: 'response.output_item.done',
    response_id: id,
    item: { id: 'fc', type: 'function_call', call_id: 'call_1', name, arguments: args, status: 'completed' },
  });
  transport.server({ type: 'response.done', response: { id, status: 'completed' } });
}

function startResponse(transport: ScriptedRealtimeTransport, id = 'resp_1', item = 'item_a') {
  transport.server({ type: 'response.created', response: { id } });
  transport.server({ type: 'response.output_item.added', response_id: id, item: { id: item, type: 'message', role: 'assistant' } });
}

describe('VoiceSession', () => {
  it('configures the session first, then sends audio captured while connecting', async () => {
    const { transport, session } = await createSession();
    const opened = session.open();
    for (let i = 0; i < 10; i++) session.appendAudio(new Int16Array(512).fill(i));
    expect(transport.sent).toEqual([]);
    transport.open();
    await opened;
    transport.server({ type: 'session.updated', session: {} });
    expect(transport.sent[0]!.type).toBe('session.update');
    const appends = transport.sentOfType('input_audio_buffer.append');
    // 10 frames × 32 ms = 320 ms at 24 kHz, less the resampler's ~1 ms delay, nothing lost.
    const samples = appends.reduce((n, e) => n + Buffer.from(e.audio, 'base64').length / 2, 0);
    expect(samples).toBeGreaterThan(7680 - 64);
    expect(samples).toBeLessThanOrEqual(7680);
  });

  it('plays assistant audio and truncates at what was really played on barge-in', async () => {
    const { clock, transport, player, session } = await openSession();
    const truncations: TruncateEvent[] = [];
    session.on('truncate', (t) => truncations.push(t));
    startResponse(transport);
    for (let i = 0; i < 10; i++)
      transport.server({ type: 'response.output_audio.delta', response_id: 'resp_1', item_id: 'item_a', delta: audio(200) });
    clock.advance(730);
    transport.server({ type: 'input_audio_buffer.speech_started', item_id: 'item_u', audio_start_ms: 100 });
    await flushPromises();
    expect(player.isPlaying).toBe(false);
    const truncate = transport.sentOfType('conversation.item.truncate');
    expect(truncate).toEqual([
      { type: 'conversation.item.truncate', event_id: 'evt_hearth_trunc_1', item_id: 'item_a', content_index: 0, audio_end_ms: 730 },
    ]);
    expect(truncations[0]).toMatchObject({ itemId: 'item_a', audioEndMs: 730, receivedMs: 2000 });
    // The server cancels on its own with server VAD: no response.cancel from us.
    expect(transport.sentOfType('response.cancel')).toEqual([]);
    // Late audio of the cancelled response is dropped.
    transport.server({ type: 'response.output_audio.delta', response_id: 'resp_1', item_id: 'item_a', delta: audio(200) });
    expect(player.isPlaying).toBe(false);
  });

  it('cancels an active response itself on a local interrupt, and only then', async () => {
    const { clock, transport, session } = await openSession();
    startResponse(transport);
    transport.server({ type: 'response.output_audio.delta', response_id: 'resp_1', item_id: 'item_a', delta: audio(1000) });
    clock.advance(100);
    await session.interrupt();
    expect(transport.sentOfType('response.cancel')).toHaveLength(1);
    expect(transport.sentOfType('conversation.item.truncate')[0]?.audio_end_ms).toBe(100);
    transport.server({ type: 'response.done', response: { id: 'resp_1', status: 'cancelled' } });
    await session.interrupt();
    expect(transport.sentOfType('response.cancel')).toHaveLength(1);
  });

  it('does not truncate when the reply had finished playing', async () => {
    const { clock, transport } = await openSession();
    startResponse(transport);
    transport.server({ type: 'response.output_audio.delta', response_id: 'resp_1', item_id: 'item_a', delta: audio(100) });
    transport.server({ type: 'response.done', response: { id: 'resp_1', status: 'completed' } });
    clock.advance(200);
    transport.server({ type: 'input_audio_buffer.speech_started', item_id: 'u', audio_start_ms: 0 });
    await flushPromises();
    expect(transport.sentOfType('conversation.item.truncate')).toEqual([]);
  });

  it('runs completed function calls, returns outputs with the same call_id, then one response.create', async () => {
    const calls: string[] = [];
    const light = defineTool({
      name: 'light_on',
      description: 'Turn a light on',
      parameters: z.object({ entity_id: z.string() }),
      execute: ({ entity_id }) => {
        calls.push(entity_id);
        return { entity_id, state: 'on' };
      },
    });
    const { transport, session } = await openSession(new DefaultToolRegistry(() => [light]));
    const results: unknown[] = [];
    session.on('tool_finished', (r) => results.push(r));
    transport.server({ type: 'response.created', response: { id: 'resp_1' } });
    const fc = (id: string, callId: string, name: string, args: string, status = 'completed') => ({
      type: 'response.output_item.done',
      response_id: 'resp_1',
      item: { id, type: 'function_call', call_id: callId, name, arguments: args, status },
    });
    transport.server(fc('fc1', 'call_1', 'light_on', '{"entity_id":"light.kitchen"}'));
    transport.server(fc('fc2', 'call_2', 'nope', '{}'));
    transport.server(fc('fc3', 'call_3', 'light_on', '{"entity_id":"light.cut', 'incomplete'));
    const creates = () => transport.sentOfType('response.create').length;
    await flushPromises();
    expect(creates()).toBe(0); // not while the response is still active
    transport.server({ type: 'response.done', response: { id: 'resp_1', status: 'completed' } });
    await flushPromises();
    await flushPromises();
    const outputs = transport.sentOfType('conversation.item.create').map((e) => e.item);
    expect(outputs).toEqual([
      { type: 'function_call_output', call_id: 'call_1', output: '{"entity_id":"light.kitchen","state":"on"}' },
      { type: 'function_call_output', call_id: 'call_2', output: expect.stringContaining('no tool named') },
    ]);
    expect(calls).toEqual(['light.kitchen']);
    expect(creates()).toBe(1);
    expect(results).toHaveLength(2);
  });

  it('gives the tool the spoken alarm code but never shows, emits or carries it over', async () => {
    const { calls: codes, tools } = recordingTool('alarm', 'code');
    const { transport, session } = await openSession(tools);
    const started: string[] = [];
    session.on('tool_started', (c) => started.push(c.arguments));
    respondWithOneCall(transport, 'alarm', '{"code":"4711"}');
    await flushPromises();
    expect(codes).toEqual(['4711']);
    expect(started).toEqual(['{"code":"[redacted]"}']);
    expect(JSON.stringify(session.transcript)).not.toContain('4711');
  });

  it('reports usage with its cost, and a failed response as an error', async () => {
    const { transport, session } = await openSession();
    const usage: number[] = [];
    const errors: string[] = [];
    session.on('usage', (u) => usage.push(u.totalCostUsd));
    session.on('error', (e) => errors.push(e.category));
    transport.server({ type: 'response.created', response: { id: 'r' } });
    transport.server({
      type: 'response.done',
      response: { id: 'r', status: 'completed', usage: { input_tokens: 100, output_tokens: 0, input_token_details: { text_tokens: 100 } } },
    });
    expect(usage[0]).toBeCloseTo(0.0004, 8);
    transport.server({ type: 'response.created', response: { id: 'r2' } });
    transport.server({
      type: 'response.done',
      response: { id: 'r2', status: 'failed', status_details: { error: { type: 'insufficient_quota' } } },
    });
    expect(errors).toEqual(['quota']);
  });

  it('ignores unknown and malformed events and keeps working', async () => {
    const { transport, session, player } = await openSession();
    transport.server({ type: 'brand.new_event', payload: 1 });
    transport.server({ type: 'response.output_audio.delta', item_id: 5, delta: null });
    transport.server({ type: 'response.output_audio.delta', response_id: 'r', item_id: 'i', delta: '***' });
    transport.server({ type: 'response.done' });
    transport.server({ type: 'error' });
    expect(player.isPlaying).toBe(false);
    session.sendText('still alive?');
    expect(transport.sentOfType('response.create')).toHaveLength(1);
  });

  it('treats benign errors as benign and rejected settings as a configuration error', async () => {
    const { transport, session } = await openSession();
    const errors: Array<{ category: string; permanent: boolean }> = [];
    session.on('error', (e) => errors.push({ category: e.category, permanent: e.permanent }));
    transport.server({
      type: 'error',
      error: { type: 'invalid_request_error', code: 'response_cancel_not_active', message: 'no active response' },
    });
    transport.server({
      type: 'error',
      error: {
        type: 'invalid_request_error',
        code: 'unknown_parameter',
        message: "Unknown parameter: 'session.foo'.",
        param: 'session.foo',
      },
    });
    expect(errors).toEqual([{ category: 'configuration', permanent: true }]);
  });

  it('fails and closes when the first session.update is refused, and sends no audio to the unconfigured session', async () => {
    const { transport, session } = await createSession();
    const failures: Array<{ category: string; permanent: boolean }> = [];
    session.on('failed', (e) => failures.push({ category: e.category, permanent: e.permanent }));
    const opened = session.open();
    transport.open();
    await opened;
    session.appendAudio(new Int16Array(512).fill(7));
    transport.server({
      type: 'error',
      error: { type: 'invalid_request_error', code: 'invalid_value', message: 'Invalid voice.', param: 'session.audio.output.voice' },
    });
    expect(failures).toEqual([{ category: 'configuration', permanent: true }]);
    expect(transport.status).toBe('closed');
    expect(session.status).toBe('closed');
    expect(transport.sentOfType('input_audio_buffer.append')).toEqual([]);
  });

  it('a local stop before the response exists cancels it once created, and drops its tool calls', async () => {
    const { calls, tools } = recordingTool('light_on');
    const { transport, session } = await openSession(tools);
    session.sendText('turn on the kitchen light');
    expect(transport.sentOfType('response.create')).toHaveLength(1);
    await session.interrupt(); // the request is in flight: nothing to cancel yet
    expect(transport.sentOfType('response.cancel')).toEqual([]);
    transport.server({ type: 'response.created', response: { id: 'resp_late' } });
    expect(transport.sentOfType('response.cancel')).toEqual([{ type: 'response.cancel', response_id: 'resp_late' }]);
    transport.server({
      type: 'response.output_item.done',
      response_id: 'resp_late',
      item: {
        id: 'fc',
        type: 'function_call',
        call_id: 'call_1',
        name: 'light_on',
        arguments: '{"entity_id":"light.kitchen"}',
        status: 'completed',
      },
    });
    transport.server({ type: 'response.done', response: { id: 'resp_late', status: 'cancelled' } });
    await flushPromises();
    expect(calls).toEqual([]);
    // The model learns the call was not done; no new response is asked for.
    expect(transport.sentOfType('conversation.item.create').at(-1)?.item).toMatchObject({
      type: 'function_call_output',
      call_id: 'call_1',
    });
    expect(transport.sentOfType('response.create')).toHaveLength(1);
  });

  it('does not ask for a reply to tool outputs when the user interrupted while the tool ran', async () => {
    let release!: () => void;
    const slow = defineTool({
      name: 'slow',
      description: 'Takes a while',
      parameters: z.object({}),
      execute: () => new Promise((resolve) => (release = () => resolve({ done: true }))),
    });
    const { transport, session } = await openSession(new DefaultToolRegistry(() => [slow]));
    respondWithOneCall(transport, 'slow', '{}');
    await flushPromises();
    expect(release).toBeTypeOf('function');
    await session.interrupt();
    release();
    await flushPromises();
    await flushPromises();
    expect(transport.sentOfType('conversation.item.create').at(-1)?.item).toMatchObject({
      type: 'function_call_output',
      call_id: 'call_1',
    });
    expect(transport.sentOfType('response.create')).toEqual([]);
  });

  it('ends the turn when our response request is refused, and after a transport failure is not busy', async () => {
    const { transport, session } = await openSession();
    let done = 0;
    session.on('assistant_done', () => done++);
    session.sendText('hello');
    const request = transport.sentOfType('response.create')[0]!;
    transport.server({
      type: 'error',
      error: { type: 'invalid_request_error', code: 'invalid_value', message: 'no', event_id: request.event_id },
    });
    expect(done).toBe(1);
    expect(session.assistantBusy).toBe(false);
    session.sendText('again');
    transport.server({ type: 'response.created', response: { id: 'resp_2' } });
    expect(session.assistantBusy).toBe(true);
    transport.fail(new OpenAIRealtimeError('gone', { category: 'connectivity', permanent: true }));
    expect(session.assistantBusy).toBe(false);
  });

  it('does not count a server idle timeout as something the user said', async () => {
    const { transport, session } = await openSession();
    transport.server({ type: 'input_audio_buffer.timeout_triggered', audio_start_ms: 0, audio_end_ms: 5000, item_id: 'x' });
    expect(session.userTurns).toBe(0);
    transport.server({ type: 'input_audio_buffer.committed', item_id: 'u1' });
    expect(session.userTurns).toBe(1);
  });

  it('re-sends the configuration and carries the conversation over after a reconnect', async () => {
    const { transport, session } = await openSession();
    session.sendText('turn on the kitchen lights');
    const textItem = transport.sentOfType('conversation.item.create')[0]!.item;
    transport.server({ type: 'conversation.item.added', item: { ...textItem } });
    transport.server({ type: 'response.created', response: { id: 'r1' } });
    transport.server({
      type: 'response.output_audio_transcript.done',
      response_id: 'r1',
      item_id: 'a1',
      transcript: 'Done, the kitchen lights are on.',
    });
    transport.server({ type: 'response.done', response: { id: 'r1', status: 'completed' } });
    transport.sent = [];
    transport.drop();
    transport.open({ reconnect: true, sessionId: 'sess_2' });
    expect(transport.sent[0]!.type).toBe('session.update');
    const carried = transport.sentOfType('conversation.item.create')[0]!.item as { role: string; content: Array<{ text: string }> };
    expect(carried.role).toBe('system');
    expect(carried.content[0]!.text).toContain('User: turn on the kitchen lights');
    expect(carried.content[0]!.text).toContain('Assistant: Done, the kitchen lights are on.');
    const update = transport.sentOfType('session.update')[0]!;
    expect(update.session.output_modalities).toEqual(['audio']);
  });

  it('re-sends a message the old session never acknowledged as itself, not inside the summary', async () => {
    const { transport, session } = await openSession();
    session.sendText('lost in the drop');
    transport.sent = [];
    transport.drop();
    transport.open({ reconnect: true, sessionId: 'sess_2' });
    const creates = transport.sentOfType('conversation.item.create');
    expect(creates).toHaveLength(1);
    expect(creates[0]!.item).toMatchObject({ role: 'user', content: [{ type: 'input_text', text: 'lost in the drop' }] });
    expect(transport.sentOfType('response.create')).toHaveLength(1);
    expect(session).toBeDefined();
  });

  it('emits assistant_done with turn metrics once the reply has played', async () => {
    const { clock, transport, session } = await openSession();
    const done: number[] = [];
    const metrics: Array<number | null> = [];
    session.on('assistant_done', () => done.push(clock.now()));
    session.on('metrics', (m) => metrics.push(m.endOfSpeechToFirstAudioMs));
    transport.server({ type: 'input_audio_buffer.speech_stopped', item_id: 'u', audio_end_ms: 1000 });
    clock.advance(400);
    startResponse(transport);
    transport.server({ type: 'response.output_audio.delta', response_id: 'resp_1', item_id: 'item_a', delta: audio(300) });
    transport.server({ type: 'response.done', response: { id: 'resp_1', status: 'completed' } });
    expect(done).toEqual([]);
    clock.advance(320);
    expect(done).toEqual([700]);
    expect(metrics).toEqual([400]);
  });

  it('renews an old session between turns', async () => {
    const { clock, transport } = await openSession();
    transport.sessionAgeMs = 56 * 60_000;
    transport.server({ type: 'input_audio_buffer.speech_stopped', item_id: 'u', audio_end_ms: 1 });
    transport.server({ type: 'response.created', response: { id: 'r' } });
    transport.server({ type: 'response.done', response: { id: 'r', status: 'completed' } });
    clock.advance(10);
    expect(transport.renewCalls).toBe(1);
  });
});

describe('VoiceSession: what the user said, for tools that read their answer', () => {
  /** A tool that reads the user's turns after turn 0 (waiting up to 5 s for their transcripts). */
  function readingTool() {
    const seen: { userTurn: number; replies: readonly UserReply[] }[] = [];
    const tool = defineTool({
      name: 'read_replies',
      description: 'reads',
      parameters: z.object({}),
      execute: async (_args, context: ToolContext) => {
        const replies = (await context.replies?.since(0, { timeoutMs: 5000 })) ?? [];
        seen.push({ userTurn: context.userTurn, replies });
        return { ok: true };
      },
    });
    return { seen, tools: new DefaultToolRegistry(() => [tool]) };
  }

  /** A session where the user's voice turn u1 was committed and answered by a call of read_replies. */
  async function readerCalledAfterVoiceTurn() {
    const { seen, tools } = readingTool();
    const { transport } = await openSession(tools);
    transport.server({ type: 'input_audio_buffer.committed', item_id: 'u1' });
    respondWithOneCall(transport, 'read_replies', '{}');
    await flushPromises();
    return { seen, transport };
  }

  it('gives a tool the transcript of a voice turn that arrives after the tool call', async () => {
    const { seen, transport } = await readerCalledAfterVoiceTurn();
    expect(seen).toEqual([]); // still waiting for the transcript
    transport.server({ type: 'conversation.item.input_audio_transcription.delta', item_id: 'u1', delta: 'Yes' });
    await flushPromises();
    expect(seen).toEqual([]); // a delta is not the answer yet
    transport.server({ type: 'conversation.item.input_audio_transcription.completed', item_id: 'u1', transcript: 'Yes, do it.' });
    await flushPromises();
    expect(seen).toEqual([{ userTurn: 1, replies: [{ turn: 1, source: 'voice', status: 'transcribed', text: 'Yes, do it.' }] }]);
  });

  it('reports a failed transcription, a typed message as it was typed, and voice turns while transcription is off', async () => {
    const { seen, tools } = readingTool();
    const { transport, session } = await openSession(tools);
    transport.server({ type: 'input_audio_buffer.committed', item_id: 'u1' });
    transport.server({ type: 'conversation.item.input_audio_transcription.failed', item_id: 'u1', error: { type: 'x' } });
    session.sendText('  yes please ');
    respondWithOneCall(transport, 'read_replies', '{}');
    await flushPromises();
    expect(seen[0]!.replies).toEqual([
      { turn: 1, source: 'voice', status: 'failed', text: '' },
      { turn: 2, source: 'text', status: 'transcribed', text: 'yes please' },
    ]);

    const off = readingTool();
    const second = await openSession(off.tools, (settings) => (settings.openai.transcription.enabled = false));
    second.transport.server({ type: 'input_audio_buffer.committed', item_id: 'u9' });
    respondWithOneCall(second.transport, 'read_replies', '{}');
    await flushPromises();
    expect(off.seen[0]!.replies).toEqual([{ turn: 1, source: 'voice', status: 'not_transcribed', text: '' }]);
  });

  it('stops waiting for transcripts of a connection that was replaced', async () => {
    const { seen, transport } = await readerCalledAfterVoiceTurn();
    transport.drop();
    transport.open({ reconnect: true, sessionId: 'sess_2' });
    await flushPromises();
    expect(seen[0]!.replies).toEqual([{ turn: 1, source: 'voice', status: 'failed', text: '' }]);
  });
});
