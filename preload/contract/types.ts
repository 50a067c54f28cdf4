import type { EchoTestResult } from './settings-schema.js';
import type { WireError } from './wire-error.js';

/**
 * Wire types shared by the main process, the preload bridge, the web-mode bridge and the renderer.
 * Plain, structured-clone-safe data only. Standard library only: no Node, DOM or Electron types.
 */

export type TriggerSource = 'wake-word' | 'push-to-talk' | 'text' | 'menu';

export type ConversingPhase = 'listening' | 'user-speaking' | 'thinking' | 'running-tool' | 'assistant-speaking';

/** The conversation lifecycle as the user sees it (main/app/assistant-machine.ts owns it). */
export type AssistantState =
  | { kind: 'idle' }
  | { kind: 'listening-for-wake-word' }
  | { kind: 'connecting'; source: TriggerSource; reconnecting: boolean }
  | { kind: 'conversing'; phase: ConversingPhase; tool?: string }
  | { kind: 'follow-up' }
  | { kind: 'error'; error: WireError };

export type ConnectionHealth = 'not-configured' | 'disconnected' | 'connecting' | 'connected' | 'reconnecting' | 'error';

/**
 * 2026 models label each assistant message of a response: `commentary` is a preamble said while
 * working ("checking the thermostat…"), `final_answer` the answer. Absent when the server sends none.
 */
export type MessagePhase = 'commentary' | 'final_answer';

export type TranscriptMessage = {
  kind: 'message';
  id: string;
  role: 'user' | 'assistant';
  text: string;
  final: boolean;
  /** The user cut this reply short; the text is what was received, not all of it was heard. */
  interrupted?: boolean;
  phase?: MessagePhase;
};

export type TranscriptToolCall = {
  kind: 'tool';
  id: string;
  callId: string;
  name: string;
  arguments: string;
  output?: string;
  ok?: boolean;
};

/** The conversation as the user sees it: the session folds it from protocol events, the renderer shows it. */
export type TranscriptItem = TranscriptMessage | TranscriptToolCall;

/** What a card can change, with the limits of the live entity. */
export type EntityControl =
  | { kind: 'toggle'; on: boolean }
  | { kind: 'brightness'; percent: number }
  | { kind: 'color-temperature'; kelvin: number; min: number; max: number }
  | { kind: 'climate-target'; celsius: number; min: number; max: number; step: number }
  | { kind: 'cover-position'; percent: number }
  | { kind: 'media'; playing: boolean; volumePercent: number | null }
  | { kind: 'activate' };

export type EntityCard = {
  id: string;
  domain: string;
  name: string;
  area: string | null;
  state: string;
  /** A short human line such as "On · 50 %", "21.5 °C → 22". */
  detail: string;
  controllable: boolean;
  /** Changing it needs a spoken confirmation (unlock, open a garage door, disarm). */
  sensitive: boolean;
  controls: EntityControl[];
  /** A tool touched it in the last few seconds. */
  highlighted: boolean;
};

/** A change asked from an entity card; validated in main against the live entity. */
export type EntityAction =
  | { entityId: string; action: 'turn_on' | 'turn_off' | 'toggle' | 'activate' | 'media_play_pause' }
  | { entityId: string; action: 'set_brightness'; percent: number }
  | { entityId: string; action: 'set_color_temperature'; kelvin: number }
  | { entityId: string; action: 'set_climate_target'; celsius: number }
  | { entityId: string; action: 'set_cover_position'; percent: number }
  | { entityId: string; action: 'set_volume'; percent: number };

export type TurnLatency = { endOfSpeechToFirstAudioMs: number | null; endOfSpeechToFirstPlayedMs: number | null; toolMs: number[] };

export type StatusView = {
  state: AssistantState;
  muted: boolean;
  openai: ConnectionHealth;
  homeAssistant: ConnectionHealth;
  /** USD for this app run; null when the model has no known price. */
  costUsd: number | null;
  lastTurn: TurnLatency | null;
  lastError: WireError | null;
  pushToTalk: { hotkey: string; mode: 'toggle' | 'hold'; note?: string };
  wakeWord: { engine: 'porcupine' | 'openwakeword' | 'none'; keywords: string[]; note?: string };
};

export type AssistantFullState = {
  /** Every event carries a larger seq; the renderer ignores events not newer than its snapshot. */
  seq: number;
  status: StatusView;
  transcript: TranscriptItem[];
  entities: EntityCard[];
  /** False until the user has an OpenAI key and has seen the first-run guide. */
  onboarded: boolean;
};

export type SecretKind = 'openai' | 'home-assistant' | 'picovoice';

export type SecretsStatus = {
  /** A stored secret that is used with the current settings (bound to the server they name). */
  present: Record<SecretKind, boolean>;
  /** The host each stored secret was entered for: a key saved for another server is shown as "saved for …". */
  hosts: Partial<Record<SecretKind, string>>;
  /** How secrets are stored: encrypted by the OS keychain, or plain (and why). */
  storage: { encrypted: boolean; note?: string };
};

export type MicLevel = { rmsDbfs: number; peak: number };

/** Why an echo self-test did not run or finish (errors as data; `message` says it in English). */
export type EchoSelfTestFailure = 'no-mic' | 'mic-muted' | 'conversation-running' | 'busy' | 'unavailable' | 'failed';

/** `echo:self-test`: the measurement (also stored as `listening.echoTest`) and the duplex mode now in effect. */
export type EchoSelfTestResult =
  { ok: true; result: EchoTestResult; duplex: 'half' | 'full' } | { ok: false; failure: EchoSelfTestFailure; message: string };

export type ConnectionTestResult = { ok: true; version: string; entities: number } | { ok: false; message: string };

/** Electron: the IPC channel on which main hands each page the MessagePort its AudioWorklet plays from. */
export const AUDIO_PORT_CHANNEL = 'audio:port';

/** Electron: the main process hands the renderer a MessagePort for audio with this window message. */
export const AUDIO_PORT_MESSAGE = 'hearth:audio-port';
