import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { type createFakeRealtimeServer } from '../servers/fake-realtime-server.js';
import { type createTestSession, micFrames } from '../helpers/session-harness.js';
import { fakeRealtimeSessions } from '../helpers/fake-realtime-sessions.js';
import { defineTool } from '../../main/tools/define-tool.js';

const fake = fakeRealtimeSessions();

async function start(options: Parameters<typeof createFakeRealtimeServer>[0] = {}, session: Parameters<typeof createTestSession>[1] = {}) {
  const server = await fake.newServer(options);
  const harness = await fake.session(server.url, session);
  return { server, ...harness };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Realtime client against the fake server (the API event sequences)', () => {
  it('1. connects, sends a GA session.update the server accepts, and is ready', async () => {
    const { server, session, next, settings } = await start();
    settings.openai.voice = 'cedar';
    const ready = next('ready');
    await session.open();
    await ready;
    const connection = server.connections[0]!;
    expect(connection.headers.authorization).toBe('Bearer test-key');
    expect(connection.headers['openai-beta']).toBeUndefined();
    expect(connection.requestUrl).toBe('/v1/realtime?model=gpt-realtime-2');
    expect(connection.session.audio.output.voice).toBe('cedar');
    expect(connection.session.audio.input.transcription?.model).toBe('gpt-4o-mini-transcribe');
    expect(server.log.filter((e) => e.event.type === 'error')).toEqual([]);
  });

  it('2. a voice turn: VAD, commit, transcript, streamed audio played in real time, usage', async () => {
    const { server, session, next, feed, recorded, player, after } = await start({
      script: [
        { userTranscript: 'Turn on the kitchen lights.', items: [{ type: 'message', text: 'The kitchen lights are on.', audioMs: 600 }] },
      ],
    });
    await session.open();
    await next('ready');
    await after('assistant_done', () => feed([...micFrames(300, false), ...micFrames(800, true), ...micFrames(900, false)]));
    expect(recorded.speech_started).toHaveLength(1);
    expect(recorded.speech_stopped).toHaveLength(1);
    const finals = recorded.transcript.map(([t]) => t).filter((t) => t.final);
    expect(finals.map((t) => [t.role, t.text])).toEqual([
      ['user', 'Turn on the kitchen lights.'],
      ['assistant', 'The kitchen lights are on.'],
    ]);
    const item = server.connections[0]!.conversation.find((i) => i.role === 'assistant') as { id: string };
    expect(player.playedSamples(item.id)).toBe(600 * 24);
    expect(recorded.usage[0]![0].totalCostUsd).toBeGreaterThan(0);
    expect(recorded.metrics[0]![0].endOfSpeechToFirstAudioMs).not.toBeNull();
  });

  it('3. a typed message gets a spoken reply', async () => {
    const { server, session, next, recorded, sendTextUntil } = await start();
    await session.open();
    await next('ready');
    await sendTextUntil('What time is it?', 'assistant_done');
    const created = await server.waitForClientEvent('conversation.item.create');
    expect(created.event.item).toMatchObject({
      type: 'message',
      role: 'user',
      content: [{ type: 'input_text', text: 'What time is it?' }],
    });
    expect(recorded.transcript.map(([t]) => t).filter((t) => t.final && t.role === 'assistant')[0]?.text).toBe(
      'You said: What time is it?',
    );
  });

  it('4. barge-in while audio plays: flush at once, truncate at the audio really played (±20 ms), drop late deltas', async () => {
    const { server, session, next, feed, player, recorded } = await start({
      script: [
        { items: [{ type: 'message', text: 'A long answer that the user will interrupt.', audioMs: 5000 }] },
        { items: [{ type: 'message', text: 'Sure.', audioMs: 300 }] },
      ],
    });
    await session.open();
    await next('ready');
    const playing = next('assistant_audio_started', 10_000);
    await feed([...micFrames(200, false), ...micFrames(600, true), ...micFrames(700, false)]);
    const [itemId] = await playing;
    // The user speaks once 700 ms of the answer have played (the player's count, not a timer a loaded machine stretches).
    await vi.waitFor(() => expect(player.playedSamples(itemId)).toBeGreaterThanOrEqual(700 * 24), { timeout: 10_000, interval: 10 });
    const truncated = next('truncate', 5000);
    await feed(micFrames(300, true));
    const [truncation] = await truncated;
    const played = player.playedSamples(itemId);
    await server.waitForClientEvent('conversation.item.truncate');
    expect(player.isPlaying || played < 5000 * 24).toBe(true);
    const record = server.connections[0]!.truncations[0]!;
    expect(record.item_id).toBe(itemId);
    expect(Math.abs(record.audio_end_ms - (played * 1000) / 24000)).toBeLessThanOrEqual(20);
    expect(truncation.audioEndMs).toBe(record.audio_end_ms);
    // Cut after what had played when the user spoke, before the end of the 5 s answer.
    expect(record.audio_end_ms).toBeGreaterThanOrEqual(700);
    expect(record.audio_end_ms).toBeLessThan(5000);
    // The server cancelled the response itself (server VAD): no client cancel was needed.
    expect(server.log.filter((e) => e.direction === 'in' && e.event.type === 'response.cancel')).toEqual([]);
    const cancelled = await server.waitForServerEvent('response.done');
    expect((cancelled.event.response as { status: string }).status).toBe('cancelled');
    // Nothing more of the interrupted item is played.
    await sleep(300);
    expect(player.playedSamples(itemId)).toBe(played);
    expect(recorded.transcript.some(([t]) => t.itemId === itemId && t.interrupted)).toBe(true);
    expect(server.log.filter((e) => e.event.type === 'error')).toEqual([]);
  });

  it('5. function calls: arguments across deltas, output with the same call_id, one response.create after response.done', async () => {
    const seen: unknown[] = [];
    const tool = defineTool({
      name: 'light_turn_on',
      description: 'Turn on a light',
      parameters: z.object({ entity_id: z.string(), brightness_pct: z.number() }),
      execute: (args) => {
        seen.push(args);
        return { ok: true, state: 'on' };
      },
    });
    const { server, session, next, recorded, sendTextUntil } = await start(
      {
        script: [
          {
            items: [
              { type: 'message', text: 'One moment.', audioMs: 200 },
              { type: 'function_call', name: 'light_turn_on', arguments: { entity_id: 'light.kitchen_lights', brightness_pct: 50 } },
            ],
          },
          { items: [{ type: 'message', text: 'Done, at fifty percent.', audioMs: 300 }] },
        ],
      },
      { tools: [() => [tool]] },
    );
    await session.open();
    await next('ready');
    await sendTextUntil('Kitchen lights to 50 percent', 'assistant_done');
    expect(seen).toEqual([{ entity_id: 'light.kitchen_lights', brightness_pct: 50 }]);
    const inbound = server.log.filter((e) => e.direction === 'in').map((e) => e.event);
    const outputIndex = inbound.findIndex(
      (e) => e.type === 'conversation.item.create' && (e.item as { type: string }).type === 'function_call_output',
    );
    const callId = (server.log.find((e) => e.event.type === 'response.function_call_arguments.done')!.event as { call_id: string }).call_id;
    expect((inbound[outputIndex]!.item as { call_id: string }).call_id).toBe(callId);
    expect(inbound.slice(outputIndex).filter((e) => e.type === 'response.create')).toHaveLength(1);
    expect(recorded.tool_finished[0]![0]).toMatchObject({ ok: true, name: 'light_turn_on' });
    expect(server.log.filter((e) => e.event.type === 'error')).toEqual([]);
  });

  it('6. never sends response.create while a response is active', async () => {
    const { server, session, next } = await start({
      chunkIntervalMs: 40,
      script: [{ items: [{ type: 'message', text: 'x', audioMs: 2000 }] }],
    });
    await session.open();
    await next('ready');
    session.sendText('first');
    await server.waitForServerEvent('response.created');
    session.sendText('second, while the first is still answering');
    await server.waitForServerEvent('response.done');
    await server.waitFor((e) => e.event.type === 'response.created' && e.seq > 0, { timeoutMs: 5000, since: server.mark() });
    expect(server.log.filter((e) => e.event.type === 'error')).toEqual([]);
  });
});

describe('Realtime client: errors as the API sends them', () => {
  it('a wrong key (error event, then close) fails permanently as authentication', async () => {
    const { session, recorded } = await start({}, { apiKey: 'sk-wrong-key-123456' });
    await expect(session.open()).rejects.toMatchObject({ category: 'authentication', permanent: true });
    expect(recorded.failed[0]![0].message).toMatch(/refused the API key/);
    expect(recorded.failed[0]![0].message).not.toMatch(/123456/);
  });

  it('a wrong key refused at the handshake (HTTP 401) fails the same way', async () => {
    const { session } = await start({ authFailureMode: 'http-401' }, { apiKey: 'nope' });
    await expect(session.open()).rejects.toMatchObject({ category: 'authentication', permanent: true, code: 'http_401' });
  });

  it('an unreachable URL fails after a few quick attempts with one clear message', async () => {
    const harness = await fake.session('ws://127.0.0.1:9/v1/realtime', {
      transport: { reconnect: { initialMs: 10, maxMs: 20, maxAttempts: 3 }, firstConnectAttempts: 2 },
    });
    await expect(harness.session.open()).rejects.toMatchObject({ category: 'connectivity', permanent: false, code: 'ECONNREFUSED' });
    expect(harness.recorded.failed).toHaveLength(1);
  });

  it('malformed and unknown server events are ignored; the conversation goes on', async () => {
    const { server, session, next, recorded, sendTextUntil } = await start();
    await session.open();
    await next('ready');
    server.sendRaw('this is not json');
    server.sendRaw('{"no_type":true}');
    server.sendRaw('{"type":"response.output_audio.delta","delta":12}');
    server.sendRaw('{"type":"a.future.event","x":1}');
    await sendTextUntil('still there?', 'assistant_done');
    expect(recorded.error.map(([e]) => e.code)).toEqual(['malformed_event', 'malformed_event']);
    expect(recorded.failed).toEqual([]);
  });

  it('benign errors (cancel with nothing active) stay quiet; input_audio_buffer_commit_empty is reported', async () => {
    const { server, session, next, recorded } = await start();
    await session.open();
    await next('ready');
    await session.interrupt();
    session.commitTurn();
    await server.waitFor(
      (e) =>
        e.direction === 'out' &&
        e.event.type === 'error' &&
        (e.event.error as { code?: string }).code === 'input_audio_buffer_commit_empty',
    );
    // The server's error reaches the session over the socket: wait for it rather than for 50 ms.
    await vi.waitFor(() => expect(recorded.error.map(([e]) => e.code)).toEqual(['input_audio_buffer_commit_empty']), { timeout: 10_000 });
  });

  it('quota and rate-limit failures on response.done are reported with their category', async () => {
    const { server, session, next, recorded } = await start();
    await session.open();
    await next('ready');
    server.failNextResponse({ type: 'insufficient_quota' });
    const error = next('error');
    session.sendText('hello');
    const [e] = await error;
    expect(e).toMatchObject({ category: 'quota', permanent: true });
    expect(recorded.failed).toEqual([]);
  });
});

describe('Realtime client: reconnect and session rotation', () => {
  it('a dropped socket reconnects, re-sends the configuration, carries the conversation over, and sends what was queued', async () => {
    const { server, session, next } = await start();
    await session.open();
    await next('ready');
    let done = next('assistant_done', 10_000);
    session.sendText('My name is Ana.');
    await done;
    server.dropAllConnections();
    session.sendText('What is my name?');
    await server.waitForConnection(1);
    done = next('assistant_done', 10_000);
    await done;
    const second = server.connections[1]!;
    const inbound = second.received.map((e) => e.event);
    expect(inbound[0]!.type).toBe('session.update');
    const carried = inbound.find((e) => e.type === 'conversation.item.create' && (e.item as { role?: string }).role === 'system');
    expect(JSON.stringify(carried)).toContain('User: My name is Ana.');
    const question = inbound.findIndex((e) => JSON.stringify(e).includes('What is my name?'));
    expect(question).toBeGreaterThan(inbound.indexOf(carried!));
    expect(second.session.output_modalities).toEqual(['audio']);
  });

  it('session_expired at the time limit opens a new session at once', async () => {
    const { server, session, next, recorded } = await start();
    await session.open();
    await next('ready');
    server.expireSessions();
    await server.waitForConnection(1);
    await next('ready');
    expect(recorded.failed).toEqual([]);
    expect(recorded.status.map(([s]) => s)).toContain('reconnecting');
  });

  it('a connection that stops answering pings is declared dead and replaced', async () => {
    const { server, session, next } = await start(
      {},
      { transport: { keepalive: { intervalMs: 100, timeoutMs: 150 }, reconnect: { initialMs: 20, maxMs: 50, maxAttempts: 5 } } },
    );
    await session.open();
    await next('ready');
    server.stallConnections();
    await server.waitForConnection(1, 5000);
    await next('ready');
  });

  it('renew() rotates to a fresh session and carries the conversation over', async () => {
    const { server, session, next, transport, sendTextUntil } = await start();
    await session.open();
    await next('ready');
    await sendTextUntil('remember the number 42', 'assistant_done');
    transport.renew();
    await server.waitForConnection(1);
    await next('ready');
    expect(JSON.stringify(server.connections[1]!.received.map((e) => e.event))).toContain('remember the number 42');
  });
});
