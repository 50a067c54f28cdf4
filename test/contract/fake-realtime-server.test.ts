/**
 * Tests the fake Realtime server itself with a raw `ws` client, so that later contract tests of the
 * real client run against a fake known to follow the Realtime API (GA) as documented by OpenAI (test/servers/fake-realtime/types.ts lists what it models).
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  createFakeRealtimeServer,
  generateTone,
  type FakeRealtimeServer,
  type FakeRealtimeServerOptions,
  type TurnContext,
} from '../servers/fake-realtime-server.js';

// Server events are loosely typed here on purpose: the tests check the wire, not the SDK types.
type Ev = { type: string; [key: string]: any };

class RawClient {
  readonly events: Ev[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly listeners = new Set<() => void>();

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.events.push(JSON.parse(data.toString()) as Ev);
      for (const l of this.listeners) l();
    });
    ws.on('error', () => {});
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  send(event: object): void {
    this.ws.send(JSON.stringify(event));
  }

  mark(): number {
    return this.events.length;
  }

  waitFor(pred: (e: Ev) => boolean, from = 0, timeoutMs = 5000): Promise<Ev> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.events.slice(from).find(pred);
        if (!found) return false;
        this.listeners.delete(onEvent);
        clearTimeout(timer);
        resolve(found);
        return true;
      };
      const onEvent = (): void => void check();
      const timer = setTimeout(() => {
        this.listeners.delete(onEvent);
        reject(
          new Error(
            `timed out; got: ${this.events
              .slice(from)
              .map((e) => e.type)
              .join(', ')}`,
          ),
        );
      }, timeoutMs);
      this.listeners.add(onEvent);
      check();
    });
  }

  next(type: string, from = 0, timeoutMs = 5000): Promise<Ev> {
    return this.waitFor((e) => e.type === type, from, timeoutMs);
  }

  /** Event types from `from`, without the streaming deltas. */
  milestones(from = 0): string[] {
    return this.events
      .slice(from)
      .map((e) => e.type)
      .filter((t) => !t.endsWith('.delta'));
  }

  /** A typed user message, and a response.create for it. */
  ask(text: string): void {
    this.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] } });
    this.send({ type: 'response.create' });
  }

  appendAudio(pcm: Buffer, chunkMs = 100): void {
    const chunk = chunkMs * 48;
    for (let i = 0; i < pcm.length; i += chunk) {
      this.send({ type: 'input_audio_buffer.append', audio: pcm.subarray(i, i + chunk).toString('base64') });
    }
  }
}

const silence = (ms: number): Buffer => Buffer.alloc(ms * 48);
const loud = (ms: number): Buffer => generateTone(ms, 440, 0.3);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let server: FakeRealtimeServer | null = null;
const clients: RawClient[] = [];

async function start(options: FakeRealtimeServerOptions = {}): Promise<FakeRealtimeServer> {
  server = await createFakeRealtimeServer({ chunkIntervalMs: 10, pingIntervalMs: 0, ...options });
  return server;
}

function open(opts: { model?: string | null; key?: string | null; headers?: Record<string, string>; path?: string } = {}): RawClient {
  if (!server) throw new Error('start() first');
  const { model = 'gpt-realtime', key = 'test-key', headers = {} } = opts;
  const base = opts.path ? server.url.replace('/v1/realtime', opts.path) : server.url;
  const url = model === null ? base : `${base}?model=${model}`;
  const client = new RawClient(
    new WebSocket(url, { headers: { ...(key === null ? {} : { Authorization: `Bearer ${key}` }), ...headers } }),
  );
  clients.push(client);
  return client;
}

/** Opens a session and waits for session.created. */
async function session(opts: Parameters<typeof open>[0] = {}): Promise<RawClient> {
  const c = open(opts);
  await c.next('session.created');
  return c;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.ws.terminate();
  await server?.close();
  server = null;
});

describe('connection and authentication', () => {
  it('sends session.created at once with a full default GA session', async () => {
    await start();
    const c = await session({ model: 'gpt-realtime-mini' });
    const created = c.events[0];
    expect(created?.type).toBe('session.created');
    expect(created?.event_id).toMatch(/^event_/);
    const s = created?.session;
    expect(s).toMatchObject({
      type: 'realtime',
      object: 'realtime.session',
      model: 'gpt-realtime-mini',
      output_modalities: ['audio'],
      audio: {
        input: {
          format: { type: 'audio/pcm', rate: 24000 },
          transcription: null,
          noise_reduction: null,
          turn_detection: {
            type: 'server_vad',
            threshold: 0.5,
            prefix_padding_ms: 300,
            silence_duration_ms: 500,
            create_response: true,
            interrupt_response: true,
          },
        },
        output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'alloy', speed: 1 },
      },
      tools: [],
      tool_choice: 'auto',
      max_output_tokens: 'inf',
      tracing: null,
      truncation: 'auto',
    });
    expect(s.id).toMatch(/^sess_/);
    expect(Math.abs(s.expires_at - (Date.now() / 1000 + 3600))).toBeLessThan(5);
    expect(server?.connections[0]?.headers.authorization).toBe('Bearer test-key');
  });

  it('bad key (default mode): error invalid_api_key after the upgrade, then close 3000', async () => {
    await start({ apiKeys: ['good-key'] });
    const c = open({ key: 'sk-wrong-key-123456' });
    const err = await c.next('error');
    expect(err.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_api_key' });
    expect(err.error.message).toMatch(/^Incorrect API key provided: sk-w\*+3456\./);
    expect(await c.closed).toEqual({ code: 3000, reason: 'invalid_request_error.invalid_api_key' });
    expect(c.events.map((e) => e.type)).toEqual(['error']);
  });

  it('missing Authorization header: "Missing bearer or basic authentication in header", close 3000', async () => {
    await start();
    const c = open({ key: null });
    const err = await c.next('error');
    expect(err.error).toMatchObject({ code: null, message: 'Missing bearer or basic authentication in header' });
    expect((await c.closed).code).toBe(3000);
  });

  it('bad key with authFailureMode http-401 refuses the upgrade', async () => {
    await start({ authFailureMode: 'http-401' });
    const ws = new WebSocket(`${server?.url}?model=gpt-realtime`, { headers: { Authorization: 'Bearer nope' } });
    const error = await new Promise<Error>((resolve) => ws.on('error', resolve));
    expect(error.message).toContain('Unexpected server response: 401');
    expect(server?.connections).toHaveLength(0);
  });

  it('OpenAI-Beta header: beta_api_shape_disabled, then close 4000', async () => {
    await start();
    const c = open({ headers: { 'OpenAI-Beta': 'realtime=v1' } });
    const err = await c.next('error');
    expect(err.error.code).toBe('beta_api_shape_disabled');
    expect((await c.closed).code).toBe(4000);
  });

  it('missing or unknown model: error + close 4000; other paths: HTTP 404', async () => {
    await start();
    const noModel = open({ model: null });
    expect((await noModel.next('error')).error.code).toBe('missing_model');
    expect((await noModel.closed).code).toBe(4000);
    const badModel = open({ model: 'gpt-nope' });
    expect((await badModel.next('error')).error.code).toBe('invalid_model');
    const ws = new WebSocket(`${server?.url.replace('/v1/realtime', '/v1/other')}?model=gpt-realtime`, {
      headers: { Authorization: 'Bearer test-key' },
    });
    const error = await new Promise<Error>((resolve) => ws.on('error', resolve));
    expect(error.message).toContain('404');
  });
});

describe('session.update', () => {
  it('merges an accepted update and answers session.updated with the full session, not echoing event_id', async () => {
    await start();
    const c = await session();
    c.send({
      type: 'session.update',
      event_id: 'evt_client_1',
      session: {
        type: 'realtime',
        instructions: 'Be brief.',
        audio: { input: { turn_detection: { type: 'server_vad', silence_duration_ms: 300 } } },
      },
    });
    const updated = await c.next('session.updated');
    expect(updated.event_id).not.toBe('evt_client_1');
    expect(updated.event_id).toMatch(/^event_/);
    expect(updated.session.instructions).toBe('Be brief.');
    expect(updated.session.audio.input.turn_detection).toEqual({
      type: 'server_vad',
      threshold: 0.5,
      prefix_padding_ms: 300,
      silence_duration_ms: 300,
      idle_timeout_ms: null,
      create_response: true,
      interrupt_response: true,
    });
    expect(updated.session.audio.output.voice).toBe('alloy');
    expect(updated.session.id).toBe(c.events[0]?.session.id);
  });

  it.each([
    ['missing type', { instructions: 'x' }, 'missing_required_parameter', 'session.type'],
    ['beta modalities', { type: 'realtime', modalities: ['text', 'audio'] }, 'unknown_parameter', 'session.modalities'],
    ['beta temperature', { type: 'realtime', temperature: 0.8 }, 'unknown_parameter', 'session.temperature'],
    ['beta top-level voice', { type: 'realtime', voice: 'alloy' }, 'unknown_parameter', 'session.voice'],
    ['beta input_audio_format', { type: 'realtime', input_audio_format: 'pcm16' }, 'unknown_parameter', 'session.input_audio_format'],
    ['beta turn_detection', { type: 'realtime', turn_detection: null }, 'unknown_parameter', 'session.turn_detection'],
    [
      'nested tool shape',
      { type: 'realtime', tools: [{ type: 'function', function: { name: 'f', parameters: {} } }] },
      'unknown_parameter',
      'session.tools[0].function',
    ],
    ['two modalities', { type: 'realtime', output_modalities: ['audio', 'text'] }, 'invalid_value', 'session.output_modalities'],
    [
      '16 kHz input',
      { type: 'realtime', audio: { input: { format: { type: 'audio/pcm', rate: 16000 } } } },
      'integer_below_min_value',
      'session.audio.input.format.rate',
    ],
    [
      'threshold > 1',
      { type: 'realtime', audio: { input: { turn_detection: { type: 'server_vad', threshold: 2 } } } },
      'decimal_above_max_value',
      'session.audio.input.turn_detection.threshold',
    ],
    [
      'bad eagerness',
      { type: 'realtime', audio: { input: { turn_detection: { type: 'semantic_vad', eagerness: 'fast' } } } },
      'invalid_value',
      'session.audio.input.turn_detection.eagerness',
    ],
    ['max_output_tokens 5000', { type: 'realtime', max_output_tokens: 5000 }, 'invalid_value', 'session.max_output_tokens'],
    ['reasoning on gpt-realtime', { type: 'realtime', reasoning: { effort: 'low' } }, 'unsupported_parameter', 'session.reasoning'],
    ['model change', { type: 'realtime', model: 'gpt-realtime-mini' }, 'invalid_value', 'session.model'],
  ])('rejects %s and applies nothing', async (_name, patch, code, param) => {
    await start();
    const c = await session();
    // A valid field next to the bad one must not be applied either.
    c.send({ type: 'session.update', event_id: 'evt_bad', session: { ...patch, instructions: 'SHOULD NOT APPLY' } });
    const err = await c.next('error');
    expect(err.error).toMatchObject({ type: 'invalid_request_error', code, param, event_id: 'evt_bad' });
    if (code === 'unknown_parameter') expect(err.error.message).toBe(`Unknown parameter: '${param}'.`);
    expect(server?.connections[0]?.session.instructions).not.toBe('SHOULD NOT APPLY');
    expect(c.events.some((e) => e.type === 'session.updated')).toBe(false);
  });

  it('accepts reasoning on gpt-realtime-2 but not on the dated gpt-realtime-2025-08-28', async () => {
    await start();
    const r2 = await session({ model: 'gpt-realtime-2' });
    r2.send({ type: 'session.update', session: { type: 'realtime', reasoning: { effort: 'minimal' } } });
    expect((await r2.next('session.updated')).session.reasoning).toEqual({ effort: 'minimal' });
    const dated = await session({ model: 'gpt-realtime-2025-08-28' });
    dated.send({ type: 'session.update', session: { type: 'realtime', reasoning: { effort: 'minimal' } } });
    expect((await dated.next('error')).error.code).toBe('unsupported_parameter');
  });

  it('refuses a voice change once assistant audio was sent (cannot_update_voice); the same voice is fine', async () => {
    await start();
    const c = await session();
    c.send({ type: 'session.update', session: { type: 'realtime', audio: { output: { voice: 'marin' } } } });
    expect((await c.next('session.updated')).session.audio.output.voice).toBe('marin');
    c.send({ type: 'response.create' });
    await c.next('response.done');
    const from = c.mark();
    c.send({ type: 'session.update', session: { type: 'realtime', instructions: 'lost', audio: { output: { voice: 'cedar' } } } });
    const err = await c.next('error', from);
    expect(err.error).toMatchObject({
      code: 'cannot_update_voice',
      message: "Cannot update a conversation's voice if assistant audio is present.",
    });
    expect(server?.connections[0]?.session.instructions).not.toBe('lost');
    c.send({ type: 'session.update', session: { type: 'realtime', audio: { output: { voice: 'marin' } } } });
    await c.next('session.updated', from);
  });
});

describe('reply audio', () => {
  it('cuts the reply audio from replyPcm (speech for echo tests) instead of a tone, a different place per item', async () => {
    const source = Int16Array.from({ length: 24_000 * 10 }, (_, i) => ((i * 37) % 20_000) - 10_000);
    await start({
      replyPcm: source,
      script: [{ items: [{ type: 'message', text: 'One.', audioMs: 400 }] }, { items: [{ type: 'message', text: 'Two.', audioMs: 400 }] }],
    });
    const c = await session();
    const pcmOf = (from: number, to?: number) => {
      const bytes = Buffer.concat(
        c.events
          .slice(from, to)
          .filter((e) => e.type === 'response.output_audio.delta')
          .map((e) => Buffer.from(e.delta, 'base64')),
      );
      return new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2);
    };
    const first = c.mark();
    c.send({ type: 'response.create' });
    await c.next('response.done', first);
    const second = c.mark();
    c.send({ type: 'response.create' });
    await c.next('response.done', second);
    const a = pcmOf(first, second);
    const b = pcmOf(second);
    expect(a.length).toBe(400 * 24);
    const at = (x: Int16Array) => source.findIndex((_, i) => source[i] === x[0] && source[i + 1] === x[1] && source[i + 2] === x[2]);
    expect([...a]).toEqual([...source.subarray(at(a), at(a) + a.length)]);
    expect([...b]).toEqual([...source.subarray(at(b), at(b) + b.length)]);
    expect(at(a)).not.toBe(at(b));
  });
});

describe('input audio and VAD', () => {
  it('detects speech in silence + 1 s tone + silence, commits, and answers in canonical order', async () => {
    await start({
      script: [{ userTranscript: 'Turn on the light.', items: [{ type: 'message', text: 'Sure, turning it on.', audioMs: 600 }] }],
    });
    const c = await session();
    c.send({
      type: 'session.update',
      session: { type: 'realtime', audio: { input: { transcription: { model: 'gpt-4o-mini-transcribe' } } } },
    });
    await c.next('session.updated');
    const from = c.mark();
    c.appendAudio(Buffer.concat([silence(1000), loud(1000), silence(1000)]));
    const started = await c.next('input_audio_buffer.speech_started', from);
    const stopped = await c.next('input_audio_buffer.speech_stopped', from);
    const committed = await c.next('input_audio_buffer.committed', from);
    expect(Math.abs(started.audio_start_ms - 700)).toBeLessThanOrEqual(20); // onset 1000 − prefix 300
    expect(Math.abs(stopped.audio_end_ms - 2500)).toBeLessThanOrEqual(20); // end 2000 + silence 500
    expect(stopped.item_id).toBe(started.item_id);
    expect(committed).toMatchObject({ item_id: started.item_id, previous_item_id: null });
    const done = await c.next('response.done', from);
    expect(c.milestones(from)).toEqual([
      'input_audio_buffer.speech_started',
      'input_audio_buffer.speech_stopped',
      'input_audio_buffer.committed',
      'conversation.item.added',
      'conversation.item.done',
      'conversation.item.input_audio_transcription.completed',
      'response.created',
      'rate_limits.updated',
      'response.output_item.added',
      'conversation.item.added',
      'response.content_part.added',
      'response.output_audio.done',
      'response.output_audio_transcript.done',
      'response.content_part.done',
      'response.output_item.done',
      'conversation.item.done',
      'response.done',
    ]);
    const userItem = c.events.find((e) => e.type === 'conversation.item.added')?.item;
    expect(userItem).toMatchObject({
      id: started.item_id,
      type: 'message',
      role: 'user',
      status: 'completed',
      content: [{ type: 'input_audio', transcript: null }],
    });
    const transcript = await c.next('conversation.item.input_audio_transcription.completed', from);
    expect(transcript).toMatchObject({
      item_id: started.item_id,
      content_index: 0,
      transcript: 'Turn on the light.',
      usage: { type: 'tokens' },
    });
    const deltas = c.events.slice(from).filter((e) => e.type === 'conversation.item.input_audio_transcription.delta');
    expect(deltas.map((d) => d.delta).join('')).toBe('Turn on the light.');

    // Response content: 600 ms of audio in 200 ms chunks, transcript pieces adding up to the text.
    const audio = c.events.filter((e) => e.type === 'response.output_audio.delta');
    expect(audio).toHaveLength(3);
    expect(audio.reduce((n, e) => n + Buffer.from(e.delta, 'base64').length, 0)).toBe(600 * 48);
    const words = c.events
      .filter((e) => e.type === 'response.output_audio_transcript.delta')
      .map((e) => e.delta)
      .join('');
    expect(words).toBe('Sure, turning it on.');
    expect(c.events.find((e) => e.type === 'response.output_audio_transcript.done')?.transcript).toBe('Sure, turning it on.');
    expect(c.events.find((e) => e.type === 'response.content_part.added')?.part).toEqual({ type: 'audio', transcript: '' });
    const response = done.response;
    expect(response).toMatchObject({
      object: 'realtime.response',
      status: 'completed',
      status_details: null,
      output_modalities: ['audio'],
    });
    expect(response.id).toMatch(/^resp_/);
    expect(response.output[0]).toMatchObject({
      type: 'message',
      role: 'assistant',
      status: 'completed',
      content: [{ type: 'output_audio', transcript: 'Sure, turning it on.' }],
    });
    const u = response.usage;
    expect(u.total_tokens).toBe(u.input_tokens + u.output_tokens);
    expect(u.input_tokens).toBe(u.input_token_details.text_tokens + u.input_token_details.audio_tokens);
    expect(u.input_token_details.audio_tokens).toBe(Math.ceil(1800 / 100)); // 700..2500 ms of user audio
    expect(u.output_token_details).toEqual({ text_tokens: Math.ceil(20 / 4), audio_tokens: 600 / 50 });
    const conn = server?.connections[0];
    expect(conn?.appendedBytes).toBe(3000 * 48);
    expect(conn?.appendedPcm()).toHaveLength(3000 * 24);
    expect(new Set(c.events.map((e) => e.event_id)).size).toBe(c.events.length);
  });

  it('with turn_detection null sends no VAD events; commit needs 100 ms and does not start a response', async () => {
    await start();
    const c = await session();
    c.send({ type: 'session.update', session: { type: 'realtime', audio: { input: { turn_detection: null } } } });
    await c.next('session.updated');
    const from = c.mark();
    c.appendAudio(Buffer.concat([silence(300), loud(1000), silence(800)]));
    c.appendAudio(silence(50));
    c.send({ type: 'input_audio_buffer.clear' });
    await c.next('input_audio_buffer.cleared', from);
    c.appendAudio(silence(50));
    c.send({ type: 'input_audio_buffer.commit', event_id: 'evt_commit' });
    const err = await c.next('error', from);
    expect(err.error).toMatchObject({ code: 'input_audio_buffer_commit_empty', event_id: 'evt_commit' });
    expect(err.error.message).toContain('Expected at least 100ms of audio, but buffer only has 50.00ms');
    c.appendAudio(silence(100));
    c.send({ type: 'input_audio_buffer.commit' });
    const committed = await c.next('input_audio_buffer.committed', from);
    await c.next('conversation.item.done', from);
    await sleep(100);
    expect(c.milestones(from)).toEqual([
      'input_audio_buffer.cleared',
      'error',
      'input_audio_buffer.committed',
      'conversation.item.added',
      'conversation.item.done',
    ]);
    expect(server?.connections[0]?.conversation[0]).toMatchObject({ id: committed.item_id, role: 'user' });
  });

  it('barge-in: speech while a response streams cancels it (turn_detected) and stops its deltas', async () => {
    await start({ chunkIntervalMs: 50, script: [{ items: [{ type: 'message', text: 'A long answer that goes on.', audioMs: 5000 }] }] });
    const c = await session();
    c.ask('Tell me a story');
    const first = await c.next('response.output_audio.delta');
    const from = c.mark();
    c.appendAudio(Buffer.concat([silence(100), loud(300)]));
    const done = await c.next('response.done', from);
    expect(done.response).toMatchObject({
      id: first.response_id,
      status: 'cancelled',
      status_details: { type: 'cancelled', reason: 'turn_detected' },
    });
    expect(done.response.output[0].status).toBe('incomplete');
    expect(c.milestones(from).filter((t) => t !== 'rate_limits.updated')).toEqual([
      'input_audio_buffer.speech_started',
      'response.output_audio.done',
      'response.output_audio_transcript.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.done',
    ]);
    const doneIndex = c.events.indexOf(done);
    await sleep(300);
    expect(c.events.slice(doneIndex + 1).filter((e) => e.response_id === first.response_id)).toEqual([]);
    // The cancelled item stays in the conversation and can be truncated to what was sent.
    const sentMs = c.events
      .filter((e) => e.type === 'response.output_audio.delta')
      .reduce((n, e) => n + Buffer.from(e.delta, 'base64').length / 48, 0);
    expect(sentMs).toBeLessThan(5000);
    c.send({ type: 'conversation.item.truncate', item_id: first.item_id, content_index: 0, audio_end_ms: 150 });
    expect(await c.next('conversation.item.truncated', from)).toMatchObject({ item_id: first.item_id, audio_end_ms: 150 });
  });
});

describe('responses', () => {
  it('function call round trip as in C.4 (3)', async () => {
    const contexts: TurnContext[] = [];
    await start({
      responder: (ctx) => {
        contexts.push(ctx);
        return ctx.turnIndex === 0
          ? {
              items: [
                { type: 'message', text: 'One moment.', audioMs: 200 },
                { type: 'function_call', name: 'ha_call_service', arguments: { domain: 'light', service: 'turn_on' } },
              ],
            }
          : { items: [{ type: 'message', text: 'The light is on.', audioMs: 200 }] };
      },
    });
    const c = await session();
    c.ask('Light on');
    const done = await c.next('response.done');
    const call = done.response.output[1];
    expect(call).toMatchObject({
      type: 'function_call',
      name: 'ha_call_service',
      status: 'completed',
      arguments: '{"domain":"light","service":"turn_on"}',
    });
    expect(call.call_id).toMatch(/^call_/);
    const added = c.events.find((e) => e.type === 'response.output_item.added' && e.item.type === 'function_call');
    expect(added?.item).toMatchObject({ arguments: '', status: 'in_progress', call_id: call.call_id, name: 'ha_call_service' });
    const argDeltas = c.events.filter((e) => e.type === 'response.function_call_arguments.delta');
    expect(argDeltas.length).toBeGreaterThan(1);
    expect(argDeltas.map((e) => e.delta).join('')).toBe(call.arguments);
    const from = c.events.indexOf(added as Ev);
    expect(c.milestones(from)).toEqual([
      'response.output_item.added',
      'conversation.item.added',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'conversation.item.done',
      'response.done',
    ]);
    expect(contexts[0]).toMatchObject({ trigger: 'text', userText: 'Light on' });

    // The server then waits for the function output and a response.create.
    await sleep(150);
    const idle = c.mark();
    expect(c.events.slice(c.events.indexOf(done) + 1)).toEqual([]);
    c.send({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: 'call_unknown', output: '{}' } });
    expect((await c.next('error', idle)).error.code).toBe('invalid_tool_call_id');
    c.send({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: call.call_id, output: { ok: true } } });
    expect((await c.waitFor((e) => e.type === 'error' && e.error.code === 'invalid_type', idle)).error.param).toBe('item.output');
    c.send({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: call.call_id, output: '{"ok":true}' } });
    const outAdded = await c.next('conversation.item.added', idle);
    expect(outAdded.item).toMatchObject({ type: 'function_call_output', call_id: call.call_id, output: '{"ok":true}' });
    expect(outAdded.previous_item_id).toBe(call.id);
    await c.next('conversation.item.done', idle);
    c.send({ type: 'response.create' });
    const second = await c.next('response.done', c.mark());
    expect(second.response.output[0].content[0].transcript).toBe('The light is on.');
    expect(contexts[1]).toMatchObject({
      trigger: 'function_output',
      functionOutputs: [{ call_id: call.call_id, name: 'ha_call_service', output: '{"ok":true}' }],
    });
  });

  it('one active response at a time; response.cancel → client_cancelled; nothing active → response_cancel_not_active', async () => {
    await start({ chunkIntervalMs: 50, script: [{ items: [{ type: 'message', text: 'long', audioMs: 3000 }] }] });
    const c = await session();
    c.send({ type: 'response.create' });
    const created = await c.next('response.created');
    c.send({ type: 'response.create', event_id: 'evt_second' });
    const busy = await c.next('error');
    expect(busy.error).toMatchObject({ code: 'conversation_already_has_active_response', event_id: 'evt_second' });
    expect(busy.error.message).toContain(created.response.id);
    c.send({ type: 'response.cancel' });
    const done = await c.next('response.done');
    expect(done.response).toMatchObject({ status: 'cancelled', status_details: { type: 'cancelled', reason: 'client_cancelled' } });
    const from = c.mark();
    c.send({ type: 'response.cancel' });
    const err = await c.next('error', from);
    expect(err.error).toMatchObject({ code: 'response_cancel_not_active', message: 'Cancellation failed: no active response found' });
  });

  it('text modality streams output_text deltas; failNextResponse ends failed with status_details.error', async () => {
    await start();
    const c = await session();
    c.send({ type: 'session.update', session: { type: 'realtime', output_modalities: ['text'] } });
    await c.next('session.updated');
    c.ask('hi there');
    const done = await c.next('response.done');
    expect(c.events.some((e) => e.type === 'response.output_audio.delta')).toBe(false);
    expect(
      c.events
        .filter((e) => e.type === 'response.output_text.delta')
        .map((e) => e.delta)
        .join(''),
    ).toBe('You said: hi there');
    expect(done.response.output[0].content).toEqual([{ type: 'output_text', text: 'You said: hi there' }]);
    server?.failNextResponse({ type: 'insufficient_quota' });
    const from = c.mark();
    c.send({ type: 'response.create' });
    const failed = await c.next('response.done', from);
    expect(failed.response).toMatchObject({
      status: 'failed',
      status_details: { type: 'failed', error: { type: 'insufficient_quota', code: 'insufficient_quota' } },
      output: [],
    });
  });

  it('pauseAudio holds deltas back until released', async () => {
    await start({ script: [{ items: [{ type: 'message', text: 'abc', audioMs: 600 }] }] });
    const c = await session();
    server?.pauseAudio();
    c.send({ type: 'response.create' });
    await c.next('response.content_part.added');
    await sleep(150);
    expect(c.events.some((e) => e.type === 'response.output_audio.delta')).toBe(false);
    server?.resumeAudio();
    await c.next('response.done');
    expect(c.events.filter((e) => e.type === 'response.output_audio.delta')).toHaveLength(3);
  });
});

describe('conversation items', () => {
  it('creates user/system/assistant-text items, rejects assistant audio, retrieves and deletes', async () => {
    await start();
    const c = await session();
    c.send({ type: 'conversation.item.create', item: { type: 'message', role: 'system', content: [{ type: 'input_text', text: 'ctx' }] } });
    const sys = await c.next('conversation.item.added');
    c.send({
      type: 'conversation.item.create',
      item: { id: 'item_mine', type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'earlier reply' }] },
    });
    const asst = await c.waitFor((e) => e.type === 'conversation.item.added' && e.item.id === 'item_mine');
    expect(asst.previous_item_id).toBe(sys.item.id);
    const from = c.mark();
    c.send({
      type: 'conversation.item.create',
      event_id: 'evt_audio',
      item: { type: 'message', role: 'assistant', content: [{ type: 'output_audio', transcript: 'x' }] },
    });
    expect((await c.next('error', from)).error).toMatchObject({
      code: 'invalid_value',
      param: 'item.content[0].type',
      event_id: 'evt_audio',
    });
    c.send({ type: 'conversation.item.retrieve', item_id: 'item_mine' });
    expect((await c.next('conversation.item.retrieved', from)).item).toMatchObject({
      id: 'item_mine',
      content: [{ type: 'output_text', text: 'earlier reply' }],
    });
    c.send({ type: 'conversation.item.retrieve', item_id: 'item_nope' });
    expect((await c.waitFor((e) => e.type === 'error' && e.error.code === 'item_retrieve_invalid_item_id', from)).error.message).toContain(
      'item_nope',
    );
    c.send({ type: 'conversation.item.delete', item_id: 'item_mine' });
    expect((await c.next('conversation.item.deleted', from)).item_id).toBe('item_mine');
    expect(server?.connections[0]?.conversation.map((i) => i.id)).toEqual([sys.item.id]);
  });

  it('truncate: valid, beyond the audio, unknown item, user item, non-integer', async () => {
    await start({ script: [{ items: [{ type: 'message', text: 'Twelve chars', audioMs: 1000 }] }] });
    const c = await session();
    c.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'q' }] } });
    const user = await c.next('conversation.item.added');
    c.send({ type: 'response.create' });
    const done = await c.next('response.done');
    const itemId = done.response.output[0].id;
    const from = c.mark();
    const errorAfter = (n: number) => c.waitFor((e) => e.type === 'error', n);

    c.send({ type: 'conversation.item.truncate', item_id: itemId, content_index: 0, audio_end_ms: 1500 });
    expect((await errorAfter(from)).error.message).toBe('Audio content of 1000ms is already shorter than 1500ms');
    let mark = c.mark();
    c.send({ type: 'conversation.item.truncate', item_id: 'item_nope', content_index: 0, audio_end_ms: 10 });
    expect((await errorAfter(mark)).error.code).toBe('item_truncate_invalid_item_id');
    mark = c.mark();
    c.send({ type: 'conversation.item.truncate', item_id: user.item.id, content_index: 0, audio_end_ms: 10 });
    expect((await errorAfter(mark)).error).toMatchObject({
      code: 'unsupported_content_type',
      message: 'Only model output audio messages can be truncated',
    });
    mark = c.mark();
    c.send({ type: 'conversation.item.truncate', item_id: itemId, content_index: 0, audio_end_ms: 12.5 });
    expect((await errorAfter(mark)).error.code).toBe('invalid_value');
    mark = c.mark();
    c.send({ type: 'conversation.item.truncate', item_id: itemId, content_index: 0, audio_end_ms: 500 });
    expect(await c.next('conversation.item.truncated', mark)).toMatchObject({ item_id: itemId, content_index: 0, audio_end_ms: 500 });
    const conn = server?.connections[0];
    expect(conn?.truncations).toEqual([{ item_id: itemId, content_index: 0, audio_end_ms: 500 }]);
    expect(conn?.conversation.find((i) => i.id === itemId)).toMatchObject({ content: [{ type: 'output_audio', transcript: 'Twelve' }] });
  });
});

describe('protocol errors and fault injection', () => {
  it('unknown event type and malformed JSON give errors and keep the socket open', async () => {
    await start();
    const c = await session();
    c.send({ type: 'nope' });
    const unknown = await c.next('error');
    expect(unknown.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_value', param: 'type', event_id: null });
    expect(unknown.error.message).toMatch(/^Invalid value: 'nope'\. Supported values are: 'session\.update', /);
    c.ws.send('not json');
    expect((await c.waitFor((e) => e.type === 'error' && e.error.code === 'invalid_json')).error.param).toBeNull();
    c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    await c.waitFor((e) => e.type === 'error' && e.error.code === 'invalid_event');
    c.send({ type: 'session.update', session: { type: 'realtime' } });
    await c.next('session.updated');
    const received = server?.connections[0]?.received.map((e) => e.event.type);
    expect(received).toEqual(['nope', '<invalid_json>', '<binary>', 'session.update']);
  });

  it('session expiry: error session_expired, then close 1001 (option and expireSessions())', async () => {
    await start({ sessionLifetimeMs: 200 });
    const c = await session();
    const err = await c.next('error', 0, 2000);
    expect(err.error).toMatchObject({ code: 'session_expired', message: 'Your session hit the maximum duration of 60 minutes.' });
    expect((await c.closed).code).toBe(1001);
    await server?.close();
    await start();
    const d = await session();
    server?.expireSessions();
    expect((await d.next('error')).error.code).toBe('session_expired');
    expect((await d.closed).code).toBe(1001);
  });

  it('dropAllConnections terminates without a close frame (1006); stallConnections stops answering pings', async () => {
    await start();
    const c = await session();
    server?.dropAllConnections();
    expect((await c.closed).code).toBe(1006);
    expect(server?.connections[0]?.closeInfo?.by).toBe('terminated');

    const d = await session();
    let pongs = 0;
    const ponged = new Promise<void>((resolve) => d.ws.once('pong', () => resolve()));
    d.ws.on('pong', () => pongs++);
    d.ws.ping();
    await ponged;
    expect(pongs).toBe(1);
    server?.stallConnections();
    d.ws.ping();
    d.send({ type: 'response.create' });
    await sleep(300);
    expect(pongs).toBe(1);
    expect(d.events.some((e) => e.type === 'response.created')).toBe(false);
  });

  it('waitFor sees already-logged client events and future ones; sendRaw reaches every socket', async () => {
    await start();
    const c = await session();
    c.send({ type: 'input_audio_buffer.append', audio: silence(20).toString('base64') });
    const logged = await server!.waitForClientEvent('input_audio_buffer.append');
    expect(logged.event).toMatchObject({ type: 'input_audio_buffer.append', audio_bytes: 960 });
    expect(logged.event).not.toHaveProperty('audio');
    const since = server!.mark();
    const pending = server!.waitForClientEvent('input_audio_buffer.clear', { since });
    c.send({ type: 'input_audio_buffer.clear' });
    expect((await pending).seq).toBeGreaterThanOrEqual(since);
    server?.sendRaw('{"type":"bogus.event"}');
    expect((await c.next('bogus.event')).type).toBe('bogus.event');
  });
});

describe('the 2026 protocol: phases, stalls, refused truncates', () => {
  it('a response with a preamble and an answer: two message items, each with its phase, output_index, audio and .done events', async () => {
    await start({
      script: [
        {
          items: [
            { type: 'message', phase: 'commentary', text: 'Checking.', audioMs: 400 },
            { type: 'message', phase: 'final_answer', text: 'It is on.', audioMs: 600 },
          ],
        },
      ],
    });
    const c = await session();
    c.send({ type: 'response.create' });
    const done = await c.next('response.done');
    const added = c.events.filter((e) => e.type === 'response.output_item.added');
    expect(added.map((e) => [e.output_index, e.item.phase, e.item.role])).toEqual([
      [0, 'commentary', 'assistant'],
      [1, 'final_answer', 'assistant'],
    ]);
    const [first, second] = added.map((e) => e.item.id as string);
    expect(first).not.toBe(second);
    for (const [id, ms] of [
      [first, 400],
      [second, 600],
    ] as const) {
      const bytes = c.events
        .filter((e) => e.type === 'response.output_audio.delta' && e.item_id === id)
        .reduce((n, e) => n + Buffer.from(e.delta, 'base64').length, 0);
      expect(bytes).toBe(ms * 48);
      for (const type of ['response.output_audio.done', 'response.output_audio_transcript.done', 'response.content_part.done'])
        expect(c.events.filter((e) => e.type === type && e.item_id === id)).toHaveLength(1);
    }
    // Every event of the first item comes before any of the second.
    const lastOfFirst = c.events.findLastIndex((e) => e.item_id === first || e.item?.id === first);
    const firstOfSecond = c.events.findIndex((e) => e.item_id === second || e.item?.id === second);
    expect(lastOfFirst).toBeLessThan(firstOfSecond);
    expect(done.response.output.map((i: Ev) => i.phase)).toEqual(['commentary', 'final_answer']);
    // Assistant items created by a client keep their phase; a user item cannot have one.
    c.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'assistant', phase: 'commentary', content: [{ type: 'output_text', text: 'earlier' }] },
    });
    expect((await c.next('conversation.item.added', c.events.indexOf(done))).item).toMatchObject({
      role: 'assistant',
      phase: 'commentary',
    });
    const from = c.mark();
    c.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', phase: 'final_answer', content: [] } });
    expect((await c.next('error', from)).error).toMatchObject({ code: 'invalid_value', param: 'item.phase' });
  });

  it('a stalled response sends response.created and nothing more until it is cancelled', async () => {
    await start({ script: [{ stall: true, items: [{ type: 'message', text: 'never' }] }] });
    const c = await session();
    c.send({ type: 'response.create' });
    const created = await c.next('response.created');
    await c.next('rate_limits.updated', c.events.indexOf(created) + 1);
    await sleep(200); // nothing more comes (a negative check: a loaded machine only makes it weaker)
    expect(c.milestones(c.events.indexOf(created) + 1)).toEqual(['rate_limits.updated']);
    c.send({ type: 'response.cancel', response_id: created.response.id });
    const done = await c.next('response.done');
    expect(done.response).toMatchObject({ id: created.response.id, status: 'cancelled', output: [] });
    c.send({ type: 'response.create' });
    await c.waitFor((e) => e.type === 'response.done' && e.response.id !== created.response.id);
  });

  it('a truncate past what the server counts is refused (no code, null event_id), clamped and confirmed if asked', async () => {
    for (const clampTruncate of [false, true]) {
      await start({
        truncateShortfallMs: 300,
        clampTruncate,
        script: [{ items: [{ type: 'message', text: 'Twelve chars', audioMs: 1000 }] }],
      });
      const c = await session();
      c.send({ type: 'response.create' });
      const done = await c.next('response.done');
      const itemId = done.response.output[0].id;
      const from = c.mark();
      c.send({ type: 'conversation.item.truncate', event_id: 'evt_trunc', item_id: itemId, content_index: 0, audio_end_ms: 800 });
      const error = await c.next('error', from);
      expect(error.error).toEqual({
        type: 'invalid_request_error',
        code: null,
        message: 'Audio content of 700ms is already shorter than 800ms',
        param: null,
        event_id: null,
      });
      if (clampTruncate) expect(await c.next('conversation.item.truncated', from)).toMatchObject({ item_id: itemId, audio_end_ms: 700 });
      else expect(server?.connections[0]?.truncations).toEqual([]);
      // Within what it counts (after a clamp to 700 ms it counts 400), a truncate is confirmed.
      c.send({ type: 'conversation.item.truncate', item_id: itemId, content_index: 0, audio_end_ms: 300 });
      await c.waitFor((e) => e.type === 'conversation.item.truncated' && e.audio_end_ms === 300, from);
      await server?.close();
      server = null;
    }
  });
});
