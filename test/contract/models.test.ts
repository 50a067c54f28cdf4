import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type createFakeRealtimeServer } from '../servers/fake-realtime-server.js';
import { fakeRealtimeSessions } from '../helpers/fake-realtime-sessions.js';
import { MODEL_CATALOG, SELECTABLE_MODELS } from '../../preload/contract/model-catalog.js';
import { SERVED_REALTIME_MODELS } from '../servers/fake-realtime/session-validation.js';

/**
 * Models against the fake server: `reasoning` reaches exactly the reasoning models (the fake rejects
 * it elsewhere as the service does), and a model the server does not offer ends in one clear,
 * permanent error that names a replacement: no reconnect loop, no silence.
 */

const fake = fakeRealtimeSessions();

async function sessionFor(model: string, options: Parameters<typeof createFakeRealtimeServer>[0] = {}, effort?: 'minimal' | 'xhigh') {
  const server = await fake.server(options);
  const harness = await fake.session(server.url, {
    settings: (s) => {
      s.openai.model = model;
      if (effort) s.openai.reasoningEffort = effort;
    },
  });
  return { server, ...harness };
}

function rawSession(url: string, model: string): Promise<{ ws: WebSocket; frames: Record<string, any>[] }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url}?model=${model}`, { headers: { Authorization: 'Bearer test-key' } });
    const frames: Record<string, any>[] = [];
    ws.on('message', (data) => {
      const event = JSON.parse(data.toString()) as Record<string, any>;
      frames.push(event);
      if (event.type === 'session.created') resolve({ ws, frames });
    });
    ws.on('error', reject);
  });
}

describe('models against the fake Realtime server', () => {
  it.each(SELECTABLE_MODELS.map((m) => [m.id, m.reasoning] as const))(
    '%s: the session.update is accepted; reasoning sent: %s',
    async (model, reasoning) => {
      const { server, session, next } = await sessionFor(model, {}, 'minimal');
      const ready = next('ready');
      await session.open();
      await ready;
      const update = server.log.find((e) => e.direction === 'in' && e.event.type === 'session.update')!.event;
      expect('reasoning' in update.session).toBe(reasoning);
      if (reasoning) expect(server.connections[0]!.session.reasoning).toEqual({ effort: 'minimal' });
      expect(server.log.filter((e) => e.event.type === 'error')).toEqual([]);
    },
  );

  it('xhigh reaches a reasoning model and is accepted', async () => {
    const { server, session, next } = await sessionFor('gpt-realtime-2.1-mini', {}, 'xhigh');
    const ready = next('ready');
    await session.open();
    await ready;
    expect(server.connections[0]!.session.reasoning).toEqual({ effort: 'xhigh' });
  });

  it('the fake rejects reasoning for a non-reasoning model, whole update, as the service does', async () => {
    const server = await fake.newServer();
    const { ws, frames } = await rawSession(server.url, 'gpt-realtime-1.5');
    ws.send(JSON.stringify({ type: 'session.update', session: { type: 'realtime', instructions: 'x', reasoning: { effort: 'low' } } }));
    const error = await server.waitForServerEvent('error');
    expect(error.event.error).toMatchObject({ code: 'unsupported_parameter', param: 'session.reasoning' });
    expect(server.connections[0]!.session.instructions).not.toBe('x');
    expect(frames.some((f) => f.type === 'session.updated')).toBe(false);
    ws.close();
  });

  it('an unknown model: one permanent error naming a replacement, one connection, no retry', async () => {
    const { server, session, recorded } = await sessionFor('gpt-realtime-3-turbo');
    await expect(session.open()).rejects.toMatchObject({ code: 'model_not_found', permanent: true, category: 'configuration' });
    expect(recorded.failed).toHaveLength(1);
    const [error] = recorded.failed[0]!;
    expect(error.message).toContain('gpt-realtime-3-turbo');
    expect(error.message).toContain('gpt-realtime-2');
    expect(session.status).toBe('closed');
    expect(server.connections).toHaveLength(1);
  });

  it('a model the server has shut down (gpt-realtime after its date): the message names its replacement', async () => {
    const { server, session, recorded } = await sessionFor('gpt-realtime-mini', { retiredModels: ['gpt-realtime-mini'] });
    await expect(session.open()).rejects.toMatchObject({ code: 'model_not_found', permanent: true });
    expect(recorded.failed).toHaveLength(1);
    expect(recorded.failed[0]![0].message).toMatch(/gpt-realtime-mini.*gpt-realtime-2\.1-mini/);
    expect(server.connections).toHaveLength(1);
  });

  it('a name outside the Realtime family (invalid_model): the same single permanent error', async () => {
    const { server, session, recorded } = await sessionFor('gpt-5.6-sol');
    await expect(session.open()).rejects.toMatchObject({ code: 'invalid_model', permanent: true });
    expect(recorded.failed).toHaveLength(1);
    expect(recorded.failed[0]![0].message).toContain('gpt-realtime-2');
    expect(server.connections).toHaveLength(1);
  });

  it('a model withdrawn mid-session (a failed response with model_not_found): the session ends once, not a message per turn', async () => {
    const { server, session, next, recorded } = await sessionFor('gpt-realtime');
    const ready = next('ready');
    await session.open();
    await ready;
    server.failNextResponse({ type: 'model_not_found' });
    const failed = next('failed');
    session.sendText('turn on the kitchen lights');
    const [error] = await failed;
    expect(error).toMatchObject({ code: 'model_not_found', permanent: true, category: 'configuration' });
    expect(error.message).toContain('gpt-realtime-2');
    expect(session.status).toBe('closed');
    expect(recorded.failed).toHaveLength(1);
    expect(recorded.error ?? []).toEqual([]);
    expect(server.connections).toHaveLength(1);
  });

  it('every model the settings page offers is one the fake (and the reference) serves', () => {
    for (const model of SELECTABLE_MODELS) expect(SERVED_REALTIME_MODELS).toContain(model.id);
    for (const model of MODEL_CATALOG.filter((m) => m.status.kind === 'retired')) expect(SERVED_REALTIME_MODELS).not.toContain(model.id);
  });
});
