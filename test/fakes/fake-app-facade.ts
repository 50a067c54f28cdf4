import type { EventChannel, InvokeChannel, SendChannel } from '../../preload/contract/channels.js';
import type { AssistantState, StatusView } from '../../preload/contract/types.js';
import type { InvokeResult } from '../../preload/contract/wire-error.js';
import type { PlayerPort } from '../../main/audio/renderer-player.js';
import type { AppFacade } from '../../main/shell/app-facade.js';
import { defaultStatus } from './fake-assistant-api.js';

export function statusView(state: AssistantState = { kind: 'listening-for-wake-word' }, patch: Partial<StatusView> = {}): StatusView {
  return { ...defaultStatus(), openai: 'connected', state, ...patch };
}

/** The engine as the shell sees it: records calls, lets the test emit events and script answers. */
export class FakeAppFacade implements AppFacade {
  readonly invocations: Array<{ channel: InvokeChannel; args: unknown[] }> = [];
  readonly sends: Array<{ channel: SendChannel; args: unknown[] }> = [];
  readonly ports: PlayerPort[] = [];
  readonly detached: PlayerPort[] = [];
  readonly calls: string[] = [];
  answer: (channel: InvokeChannel, args: unknown[]) => Promise<InvokeResult<unknown>> = async (channel) => ({ ok: true, value: channel });
  current: StatusView = statusView();
  muted = false;
  shutdowns = 0;
  shutdownDelayMs = 0;
  readonly #listeners = new Set<(channel: EventChannel, payload: unknown) => void>();

  invoke(channel: InvokeChannel, args: unknown[]): Promise<InvokeResult<unknown>> {
    this.invocations.push({ channel, args });
    return this.answer(channel, args);
  }
  send(channel: SendChannel, args: unknown[]): void {
    this.sends.push({ channel, args });
  }
  onEvent(listener: (channel: EventChannel, payload: unknown) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  attachAudioPort(port: PlayerPort): () => void {
    this.ports.push(port);
    return () => this.detached.push(port);
  }
  status(): StatusView {
    return this.current;
  }
  startConversation(source: 'menu' | 'shortcut'): void {
    this.calls.push(`start:${source}`);
  }
  stopConversation(): void {
    this.calls.push('stop');
  }
  async setMuted(muted: boolean): Promise<void> {
    this.muted = muted;
    this.calls.push(`muted:${muted}`);
  }
  async shutdown(): Promise<void> {
    this.shutdowns++;
    if (this.shutdownDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.shutdownDelayMs));
  }

  // --- test helpers ---
  get listenerCount(): number {
    return this.#listeners.size;
  }
  emit(channel: EventChannel | string, payload: unknown): void {
    for (const listener of [...this.#listeners]) listener(channel as EventChannel, payload);
  }
  setStatus(status: StatusView): void {
    this.current = status;
    this.emit('status:changed', { seq: 1, status });
  }
}
