import { describe, expect, it } from 'vitest';
import { createBridge, type IpcRendererLike } from '../../../preload/create-bridge.js';
import { EVENT_CHANNELS, INVOKE_CHANNELS, SEND_CHANNELS } from '../../../preload/contract/channels.js';
import type { AssistantApi } from '../../../preload/contract/assistant-api.js';

type Listener = (event: unknown, ...args: unknown[]) => void;

/** A recording ipcRenderer: every call is logged; invoke answers from a table; emit() plays main. */
class RecordingIpc implements IpcRendererLike {
  readonly calls: Array<{ method: string; channel: string; args: unknown[] }> = [];
  readonly listeners = new Map<string, Set<Listener>>();
  answers = new Map<string, unknown>();
  rejectWith: Error | null = null;

  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.calls.push({ method: 'invoke', channel, args });
    if (this.rejectWith) return Promise.reject(this.rejectWith);
    return Promise.resolve(this.answers.get(channel));
  }
  send(channel: string, ...args: unknown[]): void {
    this.calls.push({ method: 'send', channel, args });
  }
  on(channel: string, listener: Listener): this {
    this.calls.push({ method: 'on', channel, args: [] });
    if (!this.listeners.has(channel)) this.listeners.set(channel, new Set());
    this.listeners.get(channel)!.add(listener);
    return this;
  }
  removeListener(channel: string, listener: Listener): this {
    this.calls.push({ method: 'removeListener', channel, args: [] });
    this.listeners.get(channel)?.delete(listener);
    return this;
  }
  emit(channel: string, payload: unknown): void {
    const event = { sender: { secret: 'ipc internals' }, ports: [] };
    for (const listener of this.listeners.get(channel) ?? []) listener(event, payload);
  }
}

/** The bridge with its types erased, to call it the way a hostile page could. */
const untyped = (api: AssistantApi) =>
  api as unknown as {
    invoke(channel: string, ...args: unknown[]): Promise<unknown>;
    send(channel: string, ...args: unknown[]): void;
    on(channel: string, listener: unknown): () => void;
  };

describe('createBridge', () => {
  it('exposes exactly invoke, send and on: no ipcRenderer, process or environment', () => {
    const api = createBridge(new RecordingIpc());
    expect(Object.keys(api).sort()).toEqual(['invoke', 'on', 'send']);
    expect(JSON.stringify(Object.keys(api))).not.toMatch(/process|env|ipc/);
  });

  it('passes an invoke and its answer envelope through unchanged', async () => {
    const ipc = new RecordingIpc();
    const envelope = { ok: true, value: { ok: true, message: 'Kitchen light is on' } };
    ipc.answers.set('ha:entity-action', envelope);
    const api = createBridge(ipc);
    const result = await api.invoke('ha:entity-action', { entityId: 'light.kitchen', action: 'turn_on' });
    expect(result).toBe(envelope);
    expect(ipc.calls).toEqual([
      { method: 'invoke', channel: 'ha:entity-action', args: [{ entityId: 'light.kitchen', action: 'turn_on' }] },
    ]);
  });

  it('passes error envelopes through with every field of the WireError', async () => {
    const ipc = new RecordingIpc();
    const error = {
      name: 'HomeAssistantError',
      source: 'home-assistant',
      category: 'connectivity',
      permanent: false,
      message: 'down',
      code: 'x',
    };
    ipc.answers.set('ha:test-connection', { ok: false, error });
    const result = await createBridge(ipc).invoke('ha:test-connection', { url: 'http://ha.local:8123' });
    expect(result).toEqual({ ok: false, error });
  });

  it('every contract channel is reachable', async () => {
    const ipc = new RecordingIpc();
    const api = untyped(createBridge(ipc));
    for (const channel of Object.keys(INVOKE_CHANNELS)) {
      ipc.answers.set(channel, { ok: true, value: null });
      await expect(api.invoke(channel)).resolves.toEqual({ ok: true, value: null });
    }
    for (const channel of Object.keys(SEND_CHANNELS)) api.send(channel, { sampleRate: 24_000 });
    for (const channel of Object.keys(EVENT_CHANNELS)) api.on(channel, () => {});
    expect(ipc.calls.filter((c) => c.method === 'invoke')).toHaveLength(Object.keys(INVOKE_CHANNELS).length);
    expect(ipc.calls.filter((c) => c.method === 'send')).toHaveLength(Object.keys(SEND_CHANNELS).length);
    expect(ipc.calls.filter((c) => c.method === 'on')).toHaveLength(Object.keys(EVENT_CHANNELS).length);
  });

  it('refuses an unknown invoke channel with an error envelope, without touching ipc', async () => {
    const ipc = new RecordingIpc();
    const api = untyped(createBridge(ipc));
    for (const channel of ['shell:open-external', 'audio:port', '__proto__', 'constructor', 'toString', '']) {
      const result = (await api.invoke(channel, 'x')) as { ok: boolean; error: { category: string; message: string } };
      expect(result.ok).toBe(false);
      expect(result.error.category).toBe('invalid_request');
    }
    await expect(api.invoke(42 as unknown as string)).resolves.toMatchObject({ ok: false });
    expect(ipc.calls).toEqual([]);
  });

  it('ignores an unknown send channel without touching ipc', () => {
    const ipc = new RecordingIpc();
    const api = untyped(createBridge(ipc));
    api.send('settings:update', { openai: { model: 'x' } }); // an invoke channel is not a send channel
    api.send('hasOwnProperty');
    expect(ipc.calls).toEqual([]);
  });

  it('throws for an unknown event channel or a non-function listener, without touching ipc', () => {
    const ipc = new RecordingIpc();
    const api = untyped(createBridge(ipc));
    expect(() => api.on('audio:port', () => {})).toThrow(/not an event channel/);
    expect(() => api.on('state:get', () => {})).toThrow(/not an event channel/);
    expect(() => api.on('app:error', 'not a function')).toThrow(TypeError);
    expect(ipc.calls).toEqual([]);
  });

  it('strips the IpcRendererEvent: listeners get the payload only', () => {
    const ipc = new RecordingIpc();
    const api = createBridge(ipc);
    const received: unknown[][] = [];
    api.on('mic:level', (...args: unknown[]) => received.push(args));
    ipc.emit('mic:level', { rmsDbfs: -30, peak: 0.2 });
    expect(received).toEqual([[{ rmsDbfs: -30, peak: 0.2 }]]);
  });

  it('unsubscribe removes exactly that listener, once', () => {
    const ipc = new RecordingIpc();
    const api = createBridge(ipc);
    const a: unknown[] = [];
    const b: unknown[] = [];
    const offA = api.on('app:error', (e) => a.push(e));
    api.on('app:error', (e) => b.push(e));
    ipc.emit('app:error', 1);
    offA();
    offA();
    ipc.emit('app:error', 2);
    expect(a).toEqual([1]);
    expect(b).toEqual([1, 2]);
    expect(ipc.calls.filter((c) => c.method === 'removeListener')).toHaveLength(1);
    expect(ipc.listeners.get('app:error')?.size).toBe(1);
  });

  it('turns a rejected ipc invoke (no handler registered) into an error envelope', async () => {
    const ipc = new RecordingIpc();
    ipc.rejectWith = new Error("No handler registered for 'state:get'");
    const result = await createBridge(ipc).invoke('state:get');
    expect(result).toMatchObject({
      ok: false,
      error: { source: 'app', category: 'application', message: "No handler registered for 'state:get'" },
    });
  });

  it('turns an answer that is not an envelope into an error envelope', async () => {
    const ipc = new RecordingIpc();
    ipc.answers.set('state:get', { seq: 1 });
    const result = await createBridge(ipc).invoke('state:get');
    expect(result).toMatchObject({ ok: false, error: { category: 'application' } });
  });
});
