import type { InvokeChannels, SettingsPatch } from '../../preload/contract/channels.js';
import type { ConnectionTestResult, EntityAction, SecretKind } from '../../preload/contract/types.js';
import { AppError, toAssistantError } from '../util/errors.js';
import { createLogger } from '../util/logger.js';
import { originOf } from '../util/url-origin.js';
import { PICOVOICE_SERVER, serverFor } from '../secrets/bound-secrets.js';
import { PvRecorderMicSource } from '../audio/pv-recorder-mic-source.js';
import { connectHomeAssistant } from './home-assistant-integration.js';
import { entityActionToTool } from '../home-assistant/entity-actions.js';
import type { AssistantApp } from './assistant-app.js';
import { checkOpenAIKey } from './openai-key-check.js';

const log = createLogger('app');

export type AppHandlers = {
  [K in keyof InvokeChannels]: (...args: Parameters<InvokeChannels[K]>) => Promise<ReturnType<InvokeChannels[K]>>;
};

/** One handler per invoke channel; the mapped type makes a missing channel a compile error. */
export function createAppHandlers(app: AssistantApp): AppHandlers {
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
      const saved = await app.settingsStore.save(mergePatch(app.settings, patch));
      if (!saved.ok) return { ok: false, issues: saved.issues };
      await app.applySettings(saved.settings);
      return { ok: true, settings: await app.publicSettings() };
    },
    'secrets:set': async ({ kind, value, url }) => {
      const secret = value.trim();
      if (!secret) return { ok: false, message: 'The value is empty.' };
      // The server this secret is for, chosen once: it is checked against this server and bound to it,
      // whatever the settings say by the time the check answers.
      const server = kind === 'picovoice' ? PICOVOICE_SERVER : url?.trim() || serverFor(kind, app.settings);
      if (originOf(server) === null)
        return {
          ok: false,
          message:
            kind === 'home-assistant'
              ? "Enter your Home Assistant's address first: the token is only ever sent to the server it is saved for."
              : 'Enter a valid Realtime server address first: the key is only ever sent to the server it is saved for.',
        };
      let uncheckedReason: string | undefined;
      if (kind === 'openai') {
        const check = await checkOpenAIKey({ url: server, model: app.settings.openai.model, apiKey: secret });
        if (!check.ok && (check.error.category === 'authentication' || check.error.category === 'authorization')) {
          return { ok: false, message: check.error.message };
        }
        if (!check.ok) uncheckedReason = check.error.message;
      } else if (kind === 'home-assistant') {
        const test = await testHomeAssistant(app, server, secret);
        if (!test.ok) return { ok: false, message: test.message };
      }
      await app.secrets.save(kind, secret, server);
      afterSecretChanged(app, kind);
      if (uncheckedReason !== undefined)
        app.reportError(
          new AppError(`Key saved, but it could not be checked: ${uncheckedReason}`, { category: 'connectivity', permanent: false }),
        );
      return { ok: true, secrets: app.secrets.status(app.settings) };
    },
    'secrets:delete': async ({ kind }) => {
      await app.secrets.delete(kind);
      afterSecretChanged(app, kind);
      return app.secrets.status(app.settings);
    },
    'ha:test-connection': async ({ url, token }) => {
      // The stored token is only ever sent to the server it was saved for.
      const secret = token?.trim() || app.secrets.forConnection('home-assistant', url.trim());
      if (!secret)
        return {
          ok: false,
          message: 'Enter a long-lived access token (Home Assistant: your profile → Security → Long-lived access tokens).',
        };
      return testHomeAssistant(app, url, secret);
    },
    'ha:entity-action': async (action) => performEntityAction(app, action),
    'onboarding:complete': async () => app.completeOnboarding(),
  };
}

/** What uses a secret picks up its new value, or its removal. */
function afterSecretChanged(app: AssistantApp, kind: SecretKind): void {
  if (kind === 'openai') app.refreshOpenAIStatus();
  else if (kind === 'home-assistant') void app.home.reconfigure();
  else void app.restartWakeWord();
}

async function testHomeAssistant(app: AssistantApp, url: string, token: string): Promise<ConnectionTestResult> {
  try {
    const integration = await connectHomeAssistant({ url: url.trim(), token, settings: () => app.settings });
    try {
      return { ok: true, version: integration.gateway.haVersion ?? 'unknown', entities: integration.entityCards().length };
    } finally {
      await integration.close();
    }
  } catch (error) {
    return { ok: false, message: toAssistantError(error, 'home-assistant').message };
  }
}

/** A card's action runs the same typed tool the model would use, with all its checks. */
async function performEntityAction(app: AssistantApp, action: EntityAction): Promise<{ ok: boolean; message: string }> {
  const card = app.home.cards().find((c) => c.id === action.entityId);
  if (!card) return { ok: false, message: 'That device is not available.' };
  const invocation = entityActionToTool(action, card);
  if ('error' in invocation) return { ok: false, message: invocation.error };
  if (!app.home.tools().some((t) => t.name === invocation.tool)) return { ok: false, message: 'Home Assistant is not connected.' };
  // Through the registry, like the model's calls: the same validation, time limit and error wrapping.
  // A card press is the user's own act, but only counts as this turn: it cannot confirm for the voice.
  const result = await app.tools.run(invocation.tool, invocation.args, { callId: 'card', userTurn: app.session.userTurns });
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
