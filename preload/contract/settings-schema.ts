import { z } from 'zod';
import { DEFAULT_MODEL, MODEL_NAME, retiredMessage } from './model-catalog.js';
import { HomeAssistantSettingsSchema, migrateHomeAssistant } from './home-assistant-settings.js';

/*
 * The settings schema, shared by main (validation, defaults, the settings file) and the renderer (field-by-field
 * validation in the settings form). zod only, no Node or DOM.
 */

export {
  DEFAULT_CONFIRM_NAME_WORDS,
  DEFAULT_CONFIRM_RULES,
  HomeAssistantSettingsSchema,
  migrateConfirmDomains,
  type HomeAssistantSettings,
} from './home-assistant-settings.js';

/**
 * Every user-facing option, validated field by field. The file on disk carries `version`; older
 * versions are migrated in settings-store.ts. Secrets (API keys, tokens) are never part of this.
 */
export const SETTINGS_VERSION = 3;

export const REASONING_EFFORTS = ['minimal', 'low', 'medium', 'high', 'xhigh'] as const;
export type ReasoningEffort = (typeof REASONING_EFFORTS)[number];

export const VOICES = ['alloy', 'ash', 'ballad', 'coral', 'echo', 'sage', 'shimmer', 'verse', 'marin', 'cedar'] as const;

export const DEFAULT_INSTRUCTIONS = [
  'You are Hearth, a voice assistant for the home, speaking with the people who live there.',
  'Answer briefly and naturally, in the language the user speaks. One or two sentences is usually enough.',
  'When the user asks to control or check something in the home, use the tools; never claim an action you did not perform.',
  'If a request is ambiguous, ask one short question. When the user says goodbye or thanks you with nothing else to do, call end_conversation.',
].join(' ');

const url = (schemes: string[], what: string) =>
  z
    .string()
    .trim()
    .refine(
      (value) => {
        try {
          return schemes.includes(new URL(value).protocol);
        } catch {
          return false;
        }
      },
      { message: `${what} must be a ${schemes.map((s) => s.replace(':', '://')).join(' or ')} URL` },
    );

function isLoopbackUrl(value: string): boolean {
  try {
    const host = new URL(value).hostname;
    return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
  } catch {
    return false;
  }
}

export const TurnDetectionSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('server_vad'),
    threshold: z.number().min(0, 'threshold must be between 0 and 1').max(1, 'threshold must be between 0 and 1').default(0.5),
    prefixPaddingMs: z.number().int().min(0).max(2000, 'prefix padding must be at most 2000 ms').default(300),
    silenceDurationMs: z
      .number()
      .int()
      .min(100, 'silence duration must be at least 100 ms')
      .max(5000, 'silence duration must be at most 5000 ms')
      .default(500),
  }),
  z.object({
    type: z.literal('semantic_vad'),
    eagerness: z.enum(['low', 'medium', 'high', 'auto']).default('auto'),
  }),
]);

export const PriceSchema = z.object({
  textInput: z.number().min(0),
  cachedTextInput: z.number().min(0),
  audioInput: z.number().min(0),
  cachedAudioInput: z.number().min(0),
  textOutput: z.number().min(0),
  audioOutput: z.number().min(0),
});
export type Price = z.infer<typeof PriceSchema>;

export const OpenAISettingsSchema = z.object({
  realtimeUrl: url(['wss:', 'ws:'], 'The Realtime URL')
    // The API key travels in the handshake: unencrypted only to a server on this computer.
    .refine((value) => !value.startsWith('ws:') || isLoopbackUrl(value), {
      message: 'The Realtime URL may use ws:// (unencrypted) only for a server on this computer; use wss://',
    })
    .default('wss://api.openai.com/v1/realtime'),
  model: z
    .string()
    .trim()
    .min(1, 'model must not be empty')
    .refine((v) => v === '' || MODEL_NAME.test(v), {
      message: 'a model name has only letters, digits, dots, dashes and underscores (at most 80), e.g. gpt-realtime-2',
    })
    .superRefine((v, ctx) => {
      const retired = retiredMessage(v);
      if (retired) ctx.addIssue({ code: 'custom', message: retired });
    })
    .default(DEFAULT_MODEL),
  voice: z
    .string()
    .trim()
    .refine((v) => (VOICES as readonly string[]).includes(v) || /^voice_[A-Za-z0-9]+$/.test(v), {
      message: `voice must be one of ${VOICES.join(', ')} or a custom voice id (voice_…)`,
    })
    .default('marin'),
  speed: z.number().min(0.25, 'speed must be at least 0.25').max(1.5, 'speed must be at most 1.5').default(1),
  instructions: z.string().max(20_000, 'instructions are too long (20,000 characters at most)').default(DEFAULT_INSTRUCTIONS),
  outputModality: z.enum(['audio', 'text']).default('audio'),
  turnDetection: TurnDetectionSchema.default({ type: 'server_vad', threshold: 0.5, prefixPaddingMs: 300, silenceDurationMs: 500 }),
  transcription: z
    .object({
      enabled: z.boolean().default(true),
      model: z.string().trim().min(1).default('gpt-4o-mini-transcribe'),
      /** ISO-639-1 code such as "en" or "pt"; empty = let the model detect it. */
      language: z
        .string()
        .trim()
        .regex(/^([a-z]{2,3})?$/, 'language must be a 2- or 3-letter ISO 639 code such as "en" or "pt", or empty')
        .default(''),
      prompt: z.string().max(2000).default(''),
    })
    .default({ enabled: true, model: 'gpt-4o-mini-transcribe', language: '', prompt: '' }),
  noiseReduction: z.enum(['near_field', 'far_field', 'off']).default('far_field'),
  maxOutputTokens: z.union([z.number().int().min(1).max(4096), z.literal('inf')]).default('inf'),
  /**
   * Sent only to reasoning models (gpt-realtime-2*); others reject the whole session update. `low`:
   * reasoning effort is a direct latency knob (reported 1.12 s to first audio at minimal, 2.33 s at
   * the highest), and low keeps a little reasoning for picking the right entity and arguments.
   */
  reasoningEffort: z.enum(REASONING_EFFORTS).default('low'),
});

export const ConversationSettingsSchema = z.object({
  /** After the assistant finishes, keep listening this long without the wake word. */
  followUpSeconds: z.number().min(0).max(120, 'follow-up window must be at most 120 s').default(8),
  /** Close the Realtime session after this long without activity, to save cost. */
  idleTimeoutSeconds: z.number().min(5, 'idle timeout must be at least 5 s').max(3600).default(30),
});

export const WAKE_ENGINES = ['auto', 'porcupine', 'openwakeword', 'none'] as const;

export const DUPLEX_MODES = ['auto', 'half', 'full'] as const;
export type DuplexSetting = (typeof DUPLEX_MODES)[number];

/** The echo self-test's last result on this device (main/audio/echo/echo-types.ts `EchoPathMeasurement`, and when). */
export const EchoTestResultSchema = z.object({
  /** ISO 8601 time of the test. */
  at: z.string(),
  delayMs: z.number().nullable(),
  echoLevelDb: z.number().nullable(),
  erleDb: z.number().nullable(),
  erleFirstSecondDb: z.number().nullable(),
  recommended: z.enum(['full', 'half']),
  reason: z.enum(['no-echo', 'cancelled', 'too-much-echo', 'no-signal', 'delay-out-of-range']),
});
export type EchoTestResult = z.infer<typeof EchoTestResultSchema>;

export const ListeningSettingsSchema = z.object({
  /** auto = Porcupine when a Picovoice AccessKey is set, openWakeWord otherwise. */
  wakeEngine: z.enum(WAKE_ENGINES).default('auto'),
  openWakeWord: z
    .object({
      /** Built-in models (hey_jarvis, alexa, hey_mycroft, hey_rhasspy) or paths to custom .onnx models. */
      keywords: z.array(z.string().trim().min(1)).min(1, 'choose at least one wake word').default(['hey_jarvis']),
      threshold: z
        .number()
        .min(0.05, 'threshold must be between 0.05 and 0.99')
        .max(0.99, 'threshold must be between 0.05 and 0.99')
        .default(0.5),
      patienceFrames: z.number().int().min(1).max(10).default(1),
      debounceMs: z.number().int().min(0).max(10_000).default(1500),
    })
    .default({ keywords: ['hey_jarvis'], threshold: 0.5, patienceFrames: 1, debounceMs: 1500 }),
  porcupine: z
    .object({
      /** Built-in keywords (e.g. jarvis, computer) or paths to custom .ppn files. */
      keywords: z.array(z.string().trim().min(1)).min(1, 'choose at least one wake word').default(['jarvis']),
      /** One per keyword, 0..1; missing entries use 0.5. */
      sensitivities: z.array(z.number().min(0).max(1)).default([]),
      /** Porcupine language model (.pv) for non-English keywords; empty = English. */
      modelPath: z.string().trim().default(''),
    })
    .default({ keywords: ['jarvis'], sensitivities: [], modelPath: '' }),
  /** Microphone by name (indexes change when devices come and go); empty = the system default. */
  micDevice: z.string().trim().default(''),
  /**
   * While the assistant speaks. auto: echo cancellation and full duplex on speakers, half duplex when the
   * echo self-test found the echo path too bad or the canceller failed; half: the microphone is not sent
   * (speakers, no cancellation); full: always listening, with cancellation (headset, or speakers trusted
   * to the canceller). New settings start in auto; files from before version 3 keep what they had (half).
   */
  duplex: z.enum(DUPLEX_MODES).default('auto'),
  /** The last echo self-test (null: none yet). Written by the self-test, not by the settings form. */
  echoTest: EchoTestResultSchema.nullable().default(null),
  /** Half duplex: keep the microphone closed this long after playback ends (room echo). */
  halfDuplexTailMs: z.number().int().min(0).max(2000).default(300),
  pushToTalk: z
    .object({
      /** Electron accelerator syntax, e.g. CommandOrControl+Shift+Space. Empty = off. */
      hotkey: z.string().trim().default('CommandOrControl+Shift+Space'),
      mode: z.enum(['toggle', 'hold']).default('toggle'),
    })
    .default({ hotkey: 'CommandOrControl+Shift+Space', mode: 'toggle' }),
  muted: z.boolean().default(false),
});

export const LoggingSettingsSchema = z.object({
  level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'silent']).default('info'),
  modules: z.record(z.string(), z.enum(['trace', 'debug', 'info', 'warn', 'error', 'silent'])).default({}),
});

export const SettingsSchema = z.object({
  version: z.literal(SETTINGS_VERSION).default(SETTINGS_VERSION),
  openai: OpenAISettingsSchema.default(OpenAISettingsSchema.parse({})),
  conversation: ConversationSettingsSchema.default(ConversationSettingsSchema.parse({})),
  listening: ListeningSettingsSchema.default(ListeningSettingsSchema.parse({})),
  homeAssistant: z.preprocess(
    migrateHomeAssistant,
    HomeAssistantSettingsSchema.default(() => HomeAssistantSettingsSchema.parse({})),
  ),
  /** Per-model price overrides in USD per million tokens. */
  prices: z.record(z.string(), PriceSchema.partial()).default({}),
  logging: LoggingSettingsSchema.default(LoggingSettingsSchema.parse({})),
});

export type Settings = z.infer<typeof SettingsSchema>;

export type OpenAISettings = Settings['openai'];
export type TurnDetectionSettings = OpenAISettings['turnDetection'];

/**
 * zod hands out its default values themselves, not copies: cloned here (and in validateSettings) so
 * that changing one settings object never changes the defaults or another settings object.
 */
export function defaultSettings(): Settings {
  return structuredClone(SettingsSchema.parse({}));
}

export type SettingsIssue = { path: string; message: string };

/** Validates a candidate settings object; every problem comes back with its field path. */
export function validateSettings(candidate: unknown): { ok: true; settings: Settings } | { ok: false; issues: SettingsIssue[] } {
  const result = SettingsSchema.safeParse(candidate);
  if (result.success) return { ok: true, settings: structuredClone(result.data) };
  return {
    ok: false,
    issues: result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
  };
}
