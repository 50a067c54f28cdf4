import type { Settings, SettingsIssue } from './settings-schema.js';
import type {
  AssistantFullState,
  ConnectionTestResult,
  EchoSelfTestResult,
  EntityAction,
  EntityCard,
  MicLevel,
  SecretKind,
  SecretsStatus,
  StatusView,
  TranscriptItem,
} from './types.js';
import type { WireError } from './wire-error.js';

/**
 * The one IPC contract, used by main (handlers), the preload bridge, the web-mode bridge and the
 * renderer. Names are `domain:verb`. Every invoke answers an InvokeResult envelope (errors as data).
 */

/** Deep partial of Settings for `settings:update`; validated in main as a whole. */
export type SettingsPatch = { [K in keyof Settings]?: Settings[K] extends object ? Partial<Settings[K]> : Settings[K] };

export type PublicSettings = {
  settings: Settings;
  secrets: SecretsStatus;
  /** Problems found in the settings file at start (defaults were used for these fields). */
  loadIssues: SettingsIssue[];
};

export type SettingsUpdateResult = { ok: true; settings: PublicSettings } | { ok: false; issues: SettingsIssue[] };

export type SecretUpdateResult = { ok: true; secrets: SecretsStatus } | { ok: false; message: string };

export type EntityActionResult = { ok: true; message: string } | { ok: false; message: string };

/** renderer → main, request/response. */
export interface InvokeChannels {
  'state:get': () => AssistantFullState;
  'conversation:start': (request: { source: 'button' | 'shortcut' }) => void;
  'conversation:stop': () => void;
  'conversation:send-text': (request: { text: string }) => void;
  'conversation:clear': () => void;
  'mic:set-muted': (request: { muted: boolean }) => void;
  'mic:list-devices': () => string[];
  'settings:get': () => PublicSettings;
  'settings:update': (patch: SettingsPatch) => SettingsUpdateResult;
  /**
   * Stores a secret bound to the server it is for: `url` (the address the user typed next to it), else
   * the one in the settings. It is only ever sent to that server.
   */
  'secrets:set': (request: { kind: SecretKind; value: string; url?: string }) => SecretUpdateResult;
  'secrets:delete': (request: { kind: SecretKind }) => SecretsStatus;
  'ha:test-connection': (request: { url: string; token?: string }) => ConnectionTestResult;
  'ha:entity-action': (action: EntityAction) => EntityActionResult;
  'onboarding:complete': () => void;
  /**
   * Plays the echo test signal, records the microphone, measures the echo path on this device and
   * stores the result (`listening.echoTest`); in auto it picks the duplex mode. About 5 s.
   */
  'echo:self-test': () => EchoSelfTestResult;
}

/** renderer → main, fire-and-forget. */
export interface SendChannels {
  /** The page is ready to play audio (web mode asks for the audio stream with this). */
  'audio:ready': (request: { sampleRate: number }) => void;
}

/** main → renderer. Every payload with `seq` is ordered against the `state:get` snapshot. */
export interface EventChannels {
  'status:changed': { seq: number; status: StatusView };
  'transcript:changed': { seq: number; items: TranscriptItem[] };
  'entities:changed': { seq: number; cards: EntityCard[] };
  'settings:changed': PublicSettings;
  'mic:level': MicLevel;
  'app:error': WireError;
}

type Exhaustive<T> = { readonly [K in keyof T]: 1 };

/** Name sets checked against the interfaces: a missing or extra channel is a compile error. */
export const INVOKE_CHANNELS = {
  'state:get': 1,
  'conversation:start': 1,
  'conversation:stop': 1,
  'conversation:send-text': 1,
  'conversation:clear': 1,
  'mic:set-muted': 1,
  'mic:list-devices': 1,
  'settings:get': 1,
  'settings:update': 1,
  'secrets:set': 1,
  'secrets:delete': 1,
  'ha:test-connection': 1,
  'ha:entity-action': 1,
  'onboarding:complete': 1,
  'echo:self-test': 1,
} as const satisfies Exhaustive<InvokeChannels>;

export const SEND_CHANNELS = { 'audio:ready': 1 } as const satisfies Exhaustive<SendChannels>;

export const EVENT_CHANNELS = {
  'status:changed': 1,
  'transcript:changed': 1,
  'entities:changed': 1,
  'settings:changed': 1,
  'mic:level': 1,
  'app:error': 1,
} as const satisfies Exhaustive<EventChannels>;

export type InvokeChannel = keyof InvokeChannels;
export type SendChannel = keyof SendChannels;
export type EventChannel = keyof EventChannels;

export function isInvokeChannel(name: unknown): name is InvokeChannel {
  return typeof name === 'string' && Object.hasOwn(INVOKE_CHANNELS, name);
}
export function isSendChannel(name: unknown): name is SendChannel {
  return typeof name === 'string' && Object.hasOwn(SEND_CHANNELS, name);
}
export function isEventChannel(name: unknown): name is EventChannel {
  return typeof name === 'string' && Object.hasOwn(EVENT_CHANNELS, name);
}
