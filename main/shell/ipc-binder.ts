import { ipcMain, MessageChannelMain, type IpcMain, type IpcMainEvent, type IpcMainInvokeEvent, type WebContents } from 'electron';
import {
  INVOKE_CHANNELS,
  SEND_CHANNELS,
  isEventChannel,
  isInvokeChannel,
  isSendChannel,
  type InvokeChannel,
  type InvokeChannels,
  type SendChannel,
  type SendChannels,
} from '../../preload/contract/channels.js';
import { AUDIO_PORT_CHANNEL } from '../../preload/contract/types.js';
import { isInvokeResult, type InvokeResult, type WireError } from '../../preload/contract/wire-error.js';
import { messagePortMainPlayerPort } from '../audio/renderer-player.js';
import { toAssistantError } from '../util/errors.js';
import { createLogger } from '../util/logger.js';
import type { AppFacade } from './app-facade.js';
import { isAppUrl } from './app-protocol.js';

const log = createLogger('ipc');

/** How many arguments each channel takes, checked against the contract by the compiler. */
export const INVOKE_ARITY = {
  'state:get': 0,
  'conversation:start': 1,
  'conversation:stop': 0,
  'conversation:send-text': 1,
  'conversation:clear': 0,
  'mic:set-muted': 1,
  'mic:list-devices': 0,
  'settings:get': 0,
  'settings:update': 1,
  'secrets:set': 1,
  'secrets:delete': 1,
  'ha:test-connection': 1,
  'ha:entity-action': 1,
  'onboarding:complete': 0,
  'echo:self-test': 0,
} as const satisfies { readonly [K in InvokeChannel]: Parameters<InvokeChannels[K]>['length'] };

export const SEND_ARITY = { 'audio:ready': 1 } as const satisfies { readonly [K in SendChannel]: Parameters<SendChannels[K]>['length'] };

export type PlainDataLimits = { maxDepth: number; maxNodes: number; maxStringLength: number };
const DEFAULT_LIMITS: PlainDataLimits = { maxDepth: 8, maxNodes: 10_000, maxStringLength: 1_000_000 };

/**
 * Renderer arguments must be JSON-like data: null, booleans, finite numbers, strings, arrays and objects
 * whose prototype is Object.prototype (or null), bounded in depth, size and string length, without
 * `__proto__` keys. No Dates, Maps, typed arrays, ports or anything else structured clone can carry.
 */
export function isPlainData(value: unknown, limits: PlainDataLimits = DEFAULT_LIMITS): boolean {
  let nodes = 0;
  let characters = 0;
  const seen = new Set<object>();
  const visit = (item: unknown, depth: number): boolean => {
    if (++nodes > limits.maxNodes) return false;
    if (item === null || typeof item === 'boolean') return true;
    if (typeof item === 'number') return Number.isFinite(item);
    if (typeof item === 'string') {
      characters += item.length;
      return characters <= limits.maxStringLength;
    }
    if (typeof item !== 'object' || depth >= limits.maxDepth || seen.has(item)) return false;
    seen.add(item);
    if (Array.isArray(item)) return item.every((element) => visit(element, depth + 1));
    const prototype: unknown = Object.getPrototypeOf(item);
    if (prototype !== Object.prototype && prototype !== null) return false;
    for (const key of Object.keys(item)) {
      if (key === '__proto__') return false;
      characters += key.length;
      if (!visit((item as Record<string, unknown>)[key], depth + 1)) return false;
    }
    return Object.getOwnPropertySymbols(item).length === 0;
  };
  return visit(value, 0);
}

function ipcError(code: string, category: WireError['category'], message: string): WireError {
  return { name: 'IpcError', source: 'app', category, permanent: true, message, code };
}

type SenderEvent = Pick<IpcMainInvokeEvent | IpcMainEvent, 'sender' | 'senderFrame'>;
type Tracked = { contents: WebContents; detachAudio: (() => void) | undefined; off: () => void };

export type IpcBinderDeps = {
  ipcMain?: Pick<IpcMain, 'handle' | 'removeHandler' | 'on' | 'removeListener'>;
  createChannel?: () => MessageChannelMain;
};

/**
 * The only user of ipcMain. For every contract channel: the sender must be a top-level frame showing
 * app://hearth in one of our windows; arguments must be plain data of the right count; the app is called
 * and the answer is always an InvokeResult (a throw becomes `{ ok: false, error }`, never a rejected
 * promise, which would lose the error's fields). App events go to every live window of ours. Each page
 * load gets a fresh MessagePort for audio, detached when the page reloads, crashes or closes.
 */
export class IpcBinder {
  readonly #app: AppFacade;
  readonly #ipc: NonNullable<IpcBinderDeps['ipcMain']>;
  readonly #createChannel: () => MessageChannelMain;
  readonly #windows = new Map<number, Tracked>();
  #unbind: Array<() => void> = [];

  constructor(app: AppFacade, deps: IpcBinderDeps = {}) {
    this.#app = app;
    this.#ipc = deps.ipcMain ?? ipcMain;
    this.#createChannel = deps.createChannel ?? (() => new MessageChannelMain());
  }

  /** Registers every contract channel with ipcMain and starts forwarding app events. */
  bind(): void {
    if (this.#unbind.length > 0) return;
    for (const channel of Object.keys(INVOKE_CHANNELS) as InvokeChannel[]) {
      this.#ipc.handle(channel, (event, ...args: unknown[]) => this.handleInvoke(event, channel, args));
      this.#unbind.push(() => this.#ipc.removeHandler(channel));
    }
    for (const channel of Object.keys(SEND_CHANNELS) as SendChannel[]) {
      const listener = (event: IpcMainEvent, ...args: unknown[]): void => this.handleSend(event, channel, args);
      this.#ipc.on(channel, listener);
      this.#unbind.push(() => this.#ipc.removeListener(channel, listener));
    }
    this.#unbind.push(this.#app.onEvent((channel, payload) => this.broadcast(channel, payload)));
  }

  /** Why a sender is refused, or null when it is one of ours. */
  checkSender(event: SenderEvent): string | null {
    const contents = event.sender;
    if (!this.#windows.has(contents.id) || contents.isDestroyed()) return 'the message does not come from a Hearth window';
    const frame = event.senderFrame;
    if (!frame) return 'the sending frame is gone';
    if (frame.parent !== null) return 'the message comes from a sub-frame';
    if (!isAppUrl(frame.url)) return `the sending page is not Hearth's own (${frame.url})`;
    return null;
  }

  async handleInvoke(event: SenderEvent, channel: string, args: unknown[]): Promise<InvokeResult<unknown>> {
    const refused = this.checkSender(event);
    if (refused !== null) {
      log.warn({ channel, reason: refused }, 'refused an IPC call');
      return { ok: false, error: ipcError('ipc_untrusted_sender', 'authorization', `Refused: ${refused}.`) };
    }
    if (!isInvokeChannel(channel)) {
      return { ok: false, error: ipcError('ipc_unknown_channel', 'invalid_request', `Unknown channel "${channel}".`) };
    }
    const arity = INVOKE_ARITY[channel];
    if (args.length !== arity || !isPlainData(args)) {
      log.warn({ channel, count: args.length }, 'refused IPC arguments that are not plain data of the right shape');
      return { ok: false, error: ipcError('ipc_invalid_arguments', 'invalid_request', `Invalid arguments for "${channel}".`) };
    }
    try {
      const result: unknown = await this.#app.invoke(channel, args);
      // In process nothing drops `value` (JSON would): an ok answer without one comes from a broken handler.
      if (isInvokeResult(result) && (!result.ok || 'value' in result)) return result;
      log.error({ channel }, 'the app answered an IPC call without an InvokeResult envelope');
      return { ok: false, error: ipcError('ipc_bad_result', 'application', `The app gave no valid answer to "${channel}".`) };
    } catch (error) {
      const wire = toAssistantError(error).toWire();
      log.error({ channel, error: wire.message }, 'an IPC handler threw');
      return { ok: false, error: wire };
    }
  }

  handleSend(event: SenderEvent, channel: string, args: unknown[]): void {
    const refused = this.checkSender(event);
    if (refused !== null) {
      log.warn({ channel, reason: refused }, 'refused an IPC message');
      return;
    }
    if (!isSendChannel(channel) || args.length !== SEND_ARITY[channel] || !isPlainData(args)) {
      log.warn({ channel }, 'refused an invalid IPC message');
      return;
    }
    try {
      this.#app.send?.(channel, args);
    } catch (error) {
      log.error({ channel, error: toAssistantError(error).message }, 'an IPC message handler threw');
    }
  }

  /** Sends an app event to every live window of ours; dropped for destroyed or crashed pages. */
  broadcast(channel: string, payload: unknown): void {
    if (!isEventChannel(channel)) {
      log.warn({ channel }, 'not forwarding an event that is not in the contract');
      return;
    }
    for (const { contents } of this.#windows.values()) {
      if (contents.isDestroyed() || contents.isCrashed()) continue;
      try {
        contents.send(channel, payload);
      } catch (error) {
        log.warn({ channel, err: error }, 'could not send an event to a window');
      }
    }
  }

  /** Trusts this webContents and keeps an audio port attached to whatever page it shows. */
  track(contents: WebContents): () => void {
    if (this.#windows.has(contents.id)) return () => this.untrack(contents.id);
    const id = contents.id;
    const onLoad = (): void => this.#attachAudio(contents);
    const onGone = (): void => this.#detachAudio(id);
    const onDestroyed = (): void => this.untrack(id);
    contents.on('did-finish-load', onLoad);
    contents.on('render-process-gone', onGone);
    contents.once('destroyed', onDestroyed);
    const off = (): void => {
      contents.removeListener('did-finish-load', onLoad);
      contents.removeListener('render-process-gone', onGone);
      contents.removeListener('destroyed', onDestroyed);
    };
    this.#windows.set(id, { contents, detachAudio: undefined, off });
    return () => this.untrack(id);
  }

  untrack(id: number): void {
    const tracked = this.#windows.get(id);
    if (!tracked) return;
    this.#detachAudio(id);
    tracked.off();
    this.#windows.delete(id);
  }

  get trackedCount(): number {
    return this.#windows.size;
  }

  dispose(): void {
    for (const id of [...this.#windows.keys()]) this.untrack(id);
    for (const unbind of this.#unbind.splice(0)) unbind();
  }

  #attachAudio(contents: WebContents): void {
    const tracked = this.#windows.get(contents.id);
    if (!tracked || contents.isDestroyed()) return;
    this.#detachAudio(contents.id);
    const { port1, port2 } = this.#createChannel();
    try {
      tracked.detachAudio = this.#app.attachAudioPort(messagePortMainPlayerPort(port1));
      contents.postMessage(AUDIO_PORT_CHANNEL, null, [port2]);
    } catch (error) {
      log.error({ err: error }, 'could not hand the page its audio port');
      this.#detachAudio(contents.id);
      port1.close();
      port2.close();
    }
  }

  #detachAudio(id: number): void {
    const tracked = this.#windows.get(id);
    const detach = tracked?.detachAudio;
    if (!tracked || !detach) return;
    tracked.detachAudio = undefined;
    try {
      detach();
    } catch (error) {
      log.warn({ err: error }, 'detaching an audio port failed');
    }
  }
}
