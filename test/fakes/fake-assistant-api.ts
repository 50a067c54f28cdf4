/**
 * A FakeAssistantApi: `window.assistant` without a main process. It answers every invoke channel with
 * plausible defaults (a small in-memory app: state, settings validated with the real schema, secrets,
 * entity actions), records every call, and lets a test push events and script answers.
 *
 * Runs in Node (renderer store tests) and in the page (bundled by test/e2e/pages/renderer-server.ts and
 * installed with page.addInitScript; tests drive it through test/e2e/pages/fake-api-driver.ts).
 * Standard library and the contract only: no DOM, no Node.
 */
import type { AssistantApi } from '../../preload/contract/assistant-api.js';
import type {
  EventChannel,
  EventChannels,
  InvokeChannel,
  InvokeChannels,
  PublicSettings,
  SendChannel,
  SendChannels,
} from '../../preload/contract/channels.js';
import { defaultSettings, validateSettings, type Settings } from '../../preload/contract/settings-schema.js';
import type { AssistantFullState, EntityCard, SecretKind, StatusView, TranscriptItem } from '../../preload/contract/types.js';
import type { InvokeResult, WireError } from '../../preload/contract/wire-error.js';

export type RecordedCall = { kind: 'invoke' | 'send'; channel: string; args: unknown[] };

type Answer<K extends InvokeChannel> = InvokeResult<ReturnType<InvokeChannels[K]>>;

export function defaultStatus(): StatusView {
  return {
    state: { kind: 'listening-for-wake-word' },
    muted: false,
    openai: 'disconnected',
    homeAssistant: 'connected',
    costUsd: 0,
    lastTurn: null,
    lastError: null,
    pushToTalk: { hotkey: 'CommandOrControl+Shift+Space', mode: 'toggle' },
    wakeWord: { engine: 'openwakeword', keywords: ['hey_jarvis'] },
  };
}

export function fakeError(message: string, overrides: Partial<WireError> = {}): WireError {
  return { name: 'FakeError', source: 'app', category: 'application', permanent: false, message, ...overrides };
}

export type FakeAssistantApiOptions = {
  state?: Partial<AssistantFullState>;
  settings?: Settings;
  secrets?: Partial<Record<SecretKind, boolean>>;
  /** The host a stored secret is bound to (shown as "saved for … only" when it is not in use). */
  secretHosts?: Partial<Record<SecretKind, string>>;
  encrypted?: boolean;
  storageNote?: string;
  microphones?: string[];
};

export class FakeAssistantApi implements AssistantApi {
  readonly calls: RecordedCall[] = [];
  state: AssistantFullState;
  settings: PublicSettings;
  microphones: string[];
  /** Answers set by a test, used once (queue) or always (sticky), before the defaults. */
  readonly #scripted = new Map<string, { answers: InvokeResult<unknown>[]; sticky: InvokeResult<unknown> | null; delayMs: number }>();
  readonly #listeners = new Map<string, Set<(payload: unknown) => void>>();

  constructor(options: FakeAssistantApiOptions = {}) {
    this.state = {
      seq: 1,
      status: defaultStatus(),
      transcript: [],
      entities: [],
      onboarded: true,
      ...options.state,
    };
    this.settings = {
      settings: options.settings ?? defaultSettings(),
      secrets: {
        present: { openai: true, 'home-assistant': true, picovoice: false, ...options.secrets },
        hosts: { ...options.secretHosts },
        storage: { encrypted: options.encrypted ?? true, ...(options.storageNote ? { note: options.storageNote } : {}) },
      },
      loadIssues: [],
    };
    this.microphones = options.microphones ?? ['Built-in Microphone', 'USB Headset'];
  }

  // ---------------------------------------------------------------------------------------------
  // AssistantApi

  invoke<K extends keyof InvokeChannels>(
    channel: K,
    ...args: Parameters<InvokeChannels[K]>
  ): Promise<InvokeResult<ReturnType<InvokeChannels[K]>>> {
    this.calls.push({ kind: 'invoke', channel, args: structuredClone(args) });
    const script = this.#scripted.get(channel);
    const scripted = script ? (script.answers.shift() ?? script.sticky) : null;
    const answer = scripted ?? this.#default(channel, args);
    const result = structuredClone(answer) as InvokeResult<ReturnType<InvokeChannels[K]>>;
    const delayMs = script?.delayMs ?? 0;
    return delayMs > 0 ? new Promise((resolve) => setTimeout(() => resolve(result), delayMs)) : Promise.resolve(result);
  }

  send<K extends keyof SendChannels>(channel: K, ...args: Parameters<SendChannels[K]>): void {
    this.calls.push({ kind: 'send', channel: channel as SendChannel, args: structuredClone(args) });
  }

  on<K extends keyof EventChannels>(channel: K, listener: (payload: EventChannels[K]) => void): () => void {
    if (!this.#listeners.has(channel)) this.#listeners.set(channel, new Set());
    const set = this.#listeners.get(channel)!;
    const wrapped = listener as (payload: unknown) => void;
    set.add(wrapped);
    return () => set.delete(wrapped);
  }

  // ---------------------------------------------------------------------------------------------
  // Driving it

  /** Delivers an event as main would (payloads with seq are taken as given). */
  emit<K extends EventChannel>(channel: K, payload: EventChannels[K]): void {
    for (const listener of [...(this.#listeners.get(channel) ?? [])]) listener(structuredClone(payload));
  }

  listenerCount(channel: EventChannel): number {
    return this.#listeners.get(channel)?.size ?? 0;
  }

  /** The next seq (every seq event and the snapshot share one counter). */
  nextSeq(): number {
    this.state.seq += 1;
    return this.state.seq;
  }

  setStatus(patch: Partial<StatusView>): void {
    this.state.status = { ...this.state.status, ...patch };
    this.emit('status:changed', { seq: this.nextSeq(), status: this.state.status });
  }

  setTranscript(items: TranscriptItem[]): void {
    this.state.transcript = items;
    this.emit('transcript:changed', { seq: this.nextSeq(), items });
  }

  setEntities(cards: EntityCard[]): void {
    this.state.entities = cards;
    this.emit('entities:changed', { seq: this.nextSeq(), cards });
  }

  /** The next answers of a channel, in order; then the defaults again. */
  respond<K extends InvokeChannel>(channel: K, ...answers: Answer<K>[]): void {
    const script = this.#script(channel);
    script.answers.push(...answers);
  }

  /** Always answer this (until `reset`). */
  respondAlways<K extends InvokeChannel>(channel: K, answer: Answer<K>): void {
    this.#script(channel).sticky = answer;
  }

  /** Answers of this channel arrive after `ms`. */
  delay(channel: InvokeChannel, ms: number): void {
    this.#script(channel).delayMs = ms;
  }

  reset(channel: InvokeChannel): void {
    this.#scripted.delete(channel);
  }

  callsOf(channel: string): unknown[][] {
    return this.calls.filter((c) => c.channel === channel).map((c) => c.args);
  }

  #script(channel: string) {
    let script = this.#scripted.get(channel);
    if (!script) {
      script = { answers: [], sticky: null, delayMs: 0 };
      this.#scripted.set(channel, script);
    }
    return script;
  }

  // ---------------------------------------------------------------------------------------------
  // Defaults: a tiny main process

  #default(channel: InvokeChannel, args: unknown[]): InvokeResult<unknown> {
    const ok = (value: unknown): InvokeResult<unknown> => ({ ok: true, value });
    switch (channel) {
      case 'state:get':
        return ok(this.state);
      case 'settings:get':
        return ok(this.settings);
      case 'settings:update': {
        const patch = (args[0] ?? {}) as Record<string, unknown>;
        const candidate = structuredClone(this.settings.settings) as unknown as Record<string, unknown>;
        for (const [key, value] of Object.entries(patch)) {
          const current = candidate[key];
          candidate[key] =
            typeof current === 'object' && current !== null && !Array.isArray(current) && typeof value === 'object' && value !== null
              ? { ...(current as object), ...(value as object) }
              : value;
        }
        const result = validateSettings(candidate);
        if (!result.ok) return ok({ ok: false, issues: result.issues });
        this.settings = { ...this.settings, settings: result.settings };
        this.emit('settings:changed', this.settings);
        return ok({ ok: true, settings: this.settings });
      }
      case 'secrets:set': {
        const { kind, value } = args[0] as { kind: SecretKind; value: string };
        if (value.trim() === '') return ok({ ok: false, message: 'The value is empty.' });
        if (kind === 'openai' && !value.startsWith('sk-')) return ok({ ok: false, message: 'Incorrect API key provided.' });
        this.settings = {
          ...this.settings,
          secrets: { ...this.settings.secrets, present: { ...this.settings.secrets.present, [kind]: true } },
        };
        return ok({ ok: true, secrets: this.settings.secrets });
      }
      case 'secrets:delete': {
        const { kind } = args[0] as { kind: SecretKind };
        this.settings = {
          ...this.settings,
          secrets: { ...this.settings.secrets, present: { ...this.settings.secrets.present, [kind]: false } },
        };
        return ok(this.settings.secrets);
      }
      case 'mic:list-devices':
        return ok(this.microphones);
      case 'mic:set-muted': {
        const { muted } = args[0] as { muted: boolean };
        this.setStatus({ muted });
        return ok(undefined);
      }
      case 'ha:test-connection':
        return ok({ ok: true, version: '2024.3.3', entities: this.state.entities.length });
      case 'ha:entity-action':
        return ok({ ok: true, message: 'Done.' });
      case 'onboarding:complete':
        this.state = { ...this.state, onboarded: true };
        return ok(undefined);
      case 'conversation:start':
      case 'conversation:stop':
      case 'conversation:send-text':
      case 'conversation:clear':
        return ok(undefined);
      case 'echo:self-test': {
        // A speaker 60 ms away whose echo cancels well: stored like main stores it.
        const result = {
          at: '2026-12-07T15:00:00.000Z',
          delayMs: 60,
          echoLevelDb: -9,
          erleDb: 32.4,
          erleFirstSecondDb: 18.9,
          recommended: 'full' as const,
          reason: 'cancelled' as const,
        };
        const settings = this.settings.settings;
        this.settings = { ...this.settings, settings: { ...settings, listening: { ...settings.listening, echoTest: result } } };
        this.emit('settings:changed', this.settings);
        return ok({ ok: true, result, duplex: 'full' });
      }
    }
  }
}
