import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ALWAYS_OPEN, IpcError, wrapAssistantApi, type LinkMonitor, type LinkState } from '../../../renderer/state/app-api.js';
import { createAppController } from '../../../renderer/state/app-controller.js';
import { NOTICE_MS } from '../../../renderer/state/app-state-model.js';
import { FakeAssistantApi, defaultStatus, fakeError } from '../../fakes/fake-assistant-api.js';

/** A link the test opens and drops, like the web bridge's. */
class TestLink implements LinkMonitor {
  state: LinkState = 'open';
  readonly #listeners = new Set<(state: LinkState) => void>();
  subscribe(listener: (state: LinkState) => void) {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  set(state: LinkState) {
    this.state = state;
    for (const listener of this.#listeners) listener(state);
  }
}

describe('AppApi', () => {
  it('throws an IpcError carrying the WireError on { ok: false }', async () => {
    const fake = new FakeAssistantApi();
    const error = fakeError('No such channel', { category: 'invalid_request', permanent: true, code: 'x' });
    fake.respond('state:get', { ok: false, error });
    const api = wrapAssistantApi(fake, 'electron');
    const thrown = await api.invoke('state:get').catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(IpcError);
    expect((thrown as IpcError).wire).toEqual(error);
    expect((thrown as IpcError).message).toBe('No such channel');
    await expect(api.invoke('state:get')).resolves.toMatchObject({ seq: 1 });
    expect(api.link).toBe(ALWAYS_OPEN);
  });
});

describe('app controller', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] }));
  afterEach(() => vi.useRealTimers());

  it('subscribes before fetching: an event sent while state:get is in flight is not lost', async () => {
    const fake = new FakeAssistantApi();
    fake.delay('state:get', 50);
    const controller = createAppController(wrapAssistantApi(fake, 'electron'));
    const started = controller.start();
    expect(fake.listenerCount('transcript:changed')).toBe(1);
    // Main moves on while the snapshot (seq 1) travels: seq 2 arrives first.
    fake.emit('transcript:changed', { seq: 2, items: [{ kind: 'message', id: 'a', role: 'assistant', text: 'hello', final: true }] });
    await vi.advanceTimersByTimeAsync(50);
    await started;
    expect(controller.store.get().transcript).toHaveLength(1);
    expect(controller.store.get().settings?.secrets.present.openai).toBe(true);
    controller.dispose();
    expect(fake.listenerCount('transcript:changed')).toBe(0);
  });

  it('re-fetches the snapshot and settings after the link comes back', async () => {
    const fake = new FakeAssistantApi();
    const link = new TestLink();
    const controller = createAppController(wrapAssistantApi(fake, 'web', link));
    await controller.start();
    expect(fake.callsOf('state:get')).toHaveLength(1);
    link.set('reconnecting');
    expect(controller.store.get()).toMatchObject({ link: 'reconnecting', ready: false });
    fake.state.transcript = [{ kind: 'message', id: 'x', role: 'user', text: 'said while away', final: true }];
    link.set('open');
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.callsOf('state:get')).toHaveLength(2);
    expect(fake.callsOf('settings:get')).toHaveLength(2);
    expect(controller.store.get()).toMatchObject({ link: 'open', ready: true });
    expect(controller.store.get().transcript).toHaveLength(1);
  });

  it('while unpaired the snapshot is stale; paired again, it is fetched afresh', async () => {
    const fake = new FakeAssistantApi();
    const link = new TestLink();
    const controller = createAppController(wrapAssistantApi(fake, 'web', link));
    await controller.start();
    link.set('reconnecting');
    link.set('unpaired');
    expect(controller.store.get()).toMatchObject({ link: 'unpaired', ready: false });
    link.set('open');
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.callsOf('state:get')).toHaveLength(2);
    expect(controller.store.get()).toMatchObject({ link: 'open', ready: true });
  });

  it('shows app:error and a new status.lastError in the banner, each clearing itself', async () => {
    const fake = new FakeAssistantApi();
    const controller = createAppController(wrapAssistantApi(fake, 'electron'));
    await controller.start();
    fake.emit('app:error', fakeError('Microphone unplugged', { source: 'mic' }));
    expect(controller.store.get().notices.map((n) => n.error.message)).toEqual(['Microphone unplugged']);
    fake.setStatus({ lastError: fakeError('Home Assistant refused the token', { source: 'home-assistant', category: 'authentication' }) });
    fake.setStatus({ muted: true }); // the same lastError again is not a new notice
    expect(controller.store.get().notices).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(NOTICE_MS + 10);
    expect(controller.store.get().notices).toEqual([]);
    controller.dispose();
  });

  it('reports a failed action in the banner and answers with a fallback', async () => {
    const fake = new FakeAssistantApi();
    const controller = createAppController(wrapAssistantApi(fake, 'electron'));
    await controller.start();
    fake.respond('conversation:send-text', {
      ok: false,
      error: fakeError('Not connected to OpenAI', { source: 'openai', category: 'connectivity' }),
    });
    expect(await controller.sendText('hello')).toBe(false);
    expect(controller.store.get().notices[0]?.error.message).toBe('Not connected to OpenAI');
    expect(await controller.sendText('hello again')).toBe(true);
    expect(fake.callsOf('conversation:send-text')).toEqual([[{ text: 'hello' }], [{ text: 'hello again' }]]);
    fake.respond('ha:entity-action', { ok: false, error: fakeError('Home Assistant is not connected.') });
    expect(await controller.entityAction({ entityId: 'light.a', action: 'toggle' })).toEqual({
      ok: false,
      message: 'Home Assistant is not connected.',
    });
    controller.dispose();
  });

  it('keeps settings and secrets status up to date from answers and events', async () => {
    const fake = new FakeAssistantApi({ secrets: { openai: false } });
    const controller = createAppController(wrapAssistantApi(fake, 'electron'));
    await controller.start();
    expect(await controller.setSecret('openai', 'nope')).toEqual({ ok: false, message: 'Incorrect API key provided.' });
    expect(await controller.setSecret('openai', 'sk-good')).toMatchObject({ ok: true });
    expect(controller.store.get().settings?.secrets.present.openai).toBe(true);
    const result = await controller.updateSettings({ conversation: { followUpSeconds: 500 } });
    expect(result).toEqual({
      ok: false,
      issues: [{ path: 'conversation.followUpSeconds', message: 'follow-up window must be at most 120 s' }],
    });
    await controller.updateSettings({ conversation: { followUpSeconds: 12 } });
    expect(controller.store.get().settings?.settings.conversation.followUpSeconds).toBe(12);
    await controller.completeOnboarding();
    expect(controller.store.get().onboarded).toBe(true);
    expect(fake.callsOf('onboarding:complete')).toHaveLength(1);
    controller.dispose();
  });

  it('shows a load error when state:get fails, and recovers on refresh', async () => {
    const fake = new FakeAssistantApi();
    fake.respond('state:get', { ok: false, error: fakeError('main is starting') });
    const controller = createAppController(wrapAssistantApi(fake, 'electron'));
    await controller.start();
    expect(controller.store.get().loadError?.message).toBe('main is starting');
    await controller.refresh();
    expect(controller.store.get()).toMatchObject({ ready: true, loadError: null });
    expect(controller.store.get().status).toEqual(defaultStatus());
  });
});
