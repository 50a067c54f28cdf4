import { isInvokeChannel, type InvokeChannels, type PublicSettings, type SettingsPatch } from '../../preload/contract/channels.js';
import { INVOKE_ARGUMENTS } from '../../preload/contract/schemas.js';
import type { Settings } from '../../preload/contract/settings-schema.js';
import type { AssistantFullState, EchoSelfTestResult, EntityAction, SecretKind } from '../../preload/contract/types.js';
import type { InvokeResult } from '../../preload/contract/wire-error.js';
import { AppError, ConfigError, toAssistantError, type AssistantError } from '../util/errors.js';
import { createLogger } from '../util/logger.js';
import type { BoundSecrets } from '../secrets/bound-secrets.js';
import type { ToolRegistry } from '../tools/tool-registry.js';
import { PvRecorderMicSource } from '../audio/pv-recorder-mic-source.js';
import { entityActionToTool } from '../home-assistant/entity-actions.js';
import type { AssistantController } from './assistant-controller.js';
import type { HomeConnection } from './home-connection.js';
import { checkNewSecret, serverForNewSecret, testHomeAssistant } from './key-policy.js';
import type { SettingsStore } from './settings-store.js';

const log = createLogger('app');

export type AppHandlers = {
  [K in keyof InvokeChannels]: (...args: Parameters<InvokeChannels[K]>) => Promise<ReturnType<InvokeChannels[K]>>;
};

/** Exactly what the handlers use of the app (AssistantApp builds it; tests may build their own). */
export type AppHandlerDeps = {
  settings(): Settings;
  settingsStore: Pick<SettingsStore, 'save'>;
  /** Validated settings are applied: every part that changed is reconfigured in place. */
  applySettings(next: Settings): Promise<void>;
  publicSettings(): Promise<PublicSettings>;
  secrets: Pick<BoundSecrets, 'save' | 'delete' | 'status' | 'forConnection'>;
  controller: Pick<AssistantController, 'sendText' | 'clearContext'>;
  /** The registry every tool call runs through, the model's and the cards'. */
  tools: Pick<ToolRegistry, 'run'>;
  /** The session's count of user turns (a card press counts as its own turn only). */
  userTurns(): number;
  home: Pick<HomeConnection, 'cards' | 'tools' | 'reconfigure'>;
  fullState(): AssistantFullState;
  startConversation(source: 'menu' | 'shortcut' | 'button'): void;
  stopConversation(): void;
  setMuted(muted: boolean): Promise<void>;
  runEchoSelfTest(): Promise<EchoSelfTestResult>;
  clearTranscript(): void;
  highlight(entityIds: readonly string[]): void;
  reportError(error: AssistantError): void;
  refreshOpenAIStatus(): void;
  restartWakeWord(): Promise<void>;
  completeOnboarding(): Promise<void>;
};

/**
 * Runs an invoke channel with checked arguments; always an InvokeResult, never a throw. The channel
 * is whatever a client sent: only the contract's own names count, not `constructor` or `toString`.
 */
export async function invokeHandler(handlers: AppHandlers, channel: unknown, args: unknown[]): Promise<InvokeResult<unknown>> {
  if (!isInvokeChannel(channel))
    return {
      ok: false,
      error: new AppError(`Unknown channel ${describeChannel(channel)}.`, { category: 'invalid_request', permanent: true }).toWire(),
    };
  const parsed = INVOKE_ARGUMENTS[channel].safeParse(args);
  if (!parsed.success) {
    const message = parsed.error.issues.map((i) => i.message).join('; ');
    return { ok: false, error: new ConfigError(`Invalid request for ${channel}: ${message}`, { category: 'invalid_request' }).toWire() };
  }
  try {
    const handler = handlers[channel] as (...a: unknown[]) => Promise<unknown>;
    return { ok: true, value: await handler(...(parsed.data as unknown[])) };
  } catch (error) {
    const assistantError = toAssistantError(error, 'app');
    log.warn({ channel, err: assistantError }, 'invoke failed');
    return { ok: false, error: assistantError.toWire() };
  }
}

/** A client's channel for a message: never String() on an object, whose toString a client may have replaced. */
function describeChannel(channel: unknown): string {
  return typeof channel === 'string' ? channel : `(not a name: ${channel === null ? 'null' : typeof channel})`;
}

/** One handler per invoke channel; the mapped type makes a missing channel a compile error. */
export function createAppHandlers(app: AppHandlerDeps): AppHandlers {
  return {
    'state:get': async () => app.fullState(),
    'conversation:start': async ({ source }) => app.startConversation(source),
    'conversation:stop': async () => app.stopConversation(),
    'conversation:send-text': async ({ text }) => app.controller.sendText(text),
    'conversation:clear': async () => {
      app.controller.clearContext();
      app.clearTranscript();
    },
    'mic:set-muted': async ({ muted }) => app.setMuted(muted),
    'echo:self-test': async () => app.runEchoSelfTest(),
    'mic:list-devices': async () => PvRecorderMicSource.listDevices().catch(() => []),
    'settings:get': async () => app.publicSettings(),
    'settings:update': async (patch) => {
      // The store validates the whole candidate and writes nothing when it has issues.
      const saved = await app.settingsStore.save(mergePatch(app.settings(), patch));
      if (!saved.ok) return { ok: false, issues: saved.issues };
      await app.applySettings(saved.settings);
      return { ok: true, settings: await app.publicSettings() };
    },
    'secrets:set': async ({ kind, value, url }) => {
      const secret = value.trim();
      if (!secret) return { ok: false, message: 'The value is empty.' };
      const target = serverForNewSecret(kind, url, app.settings());
      if ('message' in target) return { ok: false, message: target.message };
      const check = await checkNewSecret(kind, target.server, secret, app.settings());
      if (!check.ok) return { ok: false, message: check.message };
      await app.secrets.save(kind, secret, target.server);
      afterSecretChanged(app, kind);
      if (check.unchecked !== undefined)
        app.reportError(
          new AppError(`Key saved, but it could not be checked: ${check.unchecked}`, { category: 'connectivity', permanent: false }),
        );
      return { ok: true, secrets: app.secrets.status(app.settings()) };
    },
    'secrets:delete': async ({ kind }) => {
      await app.secrets.delete(kind);
      afterSecretChanged(app, kind);
      return app.secrets.status(app.settings());
    },
    'ha:test-connection': async ({ url, token }) => {
      // The stored token is only ever sent to the server it was saved for.
      const secret = token?.trim() || app.secrets.forConnection('home-assistant', url.trim());
      if (!secret)
        return {
          ok: false,
          message: 'Enter a long-lived access token (Home Assistant: your profile → Security → Long-lived access tokens).',
        };
      return testHomeAssistant(url, secret, app.settings());
    },
    'ha:entity-action': async (action) => performEntityAction(app, action),
    'onboarding:complete': async () => app.completeOnboarding(),
  };
}

/** What uses a secret picks up its new value, or its removal. */
function afterSecretChanged(app: AppHandlerDeps, kind: SecretKind): void {
  if (kind === 'openai') app.refreshOpenAIStatus();
  else if (kind === 'home-assistant') void app.home.reconfigure();
  else void app.restartWakeWord();
}

/** A card's action runs the same typed tool the model would use, with all its checks. */
async function performEntityAction(app: AppHandlerDeps, action: EntityAction): Promise<{ ok: boolean; message: string }> {
  const card = app.home.cards().find((c) => c.id === action.entityId);
  if (!card) return { ok: false, message: 'That device is not available.' };
  const invocation = entityActionToTool(action, card);
  if ('error' in invocation) return { ok: false, message: invocation.error };
  if (!app.home.tools().some((t) => t.name === invocation.tool)) return { ok: false, message: 'Home Assistant is not connected.' };
  // Through the registry, like the model's calls: the same validation, time limit and error wrapping.
  // A card press is the user's own act, but only counts as this turn: it cannot confirm for the voice.
  const result = await app.tools.run(invocation.tool, invocation.args, { callId: 'card', userTurn: app.userTurns() });
  if (result.error) log.warn({ err: result.error }, 'card action failed');
  if (result.ok) app.highlight(result.entityIds.length > 0 ? result.entityIds : [card.id]);
  return summarize(result.value);
}

type ControlOutcome = { error?: string; results?: Array<{ name?: string; state?: string; error?: string }>; note?: string };

function summarize(value: unknown): { ok: boolean; message: string } {
  if (!value || typeof value !== 'object') return { ok: true, message: 'Done.' };
  const outcome = value as ControlOutcome;
  if (outcome.error) return { ok: false, message: outcome.error };
  const first = outcome.results?.[0];
  if (first?.error) return { ok: false, message: first.error };
  return { ok: true, message: first ? `${first.name ?? ''}: ${first.state ?? 'done'}`.trim() : (outcome.note ?? 'Done.') };
}

/** Sections whose value is a map of entries: the patch replaces them whole, so an entry can be removed. */
const REPLACED_WHOLE = new Set(['prices']);

/** Settings sections are replaced field by field; arrays and nested objects inside a field as a whole. */
function mergePatch<T extends object>(base: T, patch: SettingsPatch | Record<string, unknown>): unknown {
  const out: Record<string, unknown> = structuredClone(base) as Record<string, unknown>;
  for (const [key, value] of Object.entries(patch)) {
    const current = out[key];
    if (isPlainObject(current) && isPlainObject(value) && !REPLACED_WHOLE.has(key)) out[key] = { ...current, ...value };
    else out[key] = value;
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
