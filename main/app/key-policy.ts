import { AppError, toAssistantError } from '../util/errors.js';
import { createLogger } from '../util/logger.js';
import { originOf } from '../util/url-origin.js';
import type { Settings } from '../../preload/contract/settings-schema.js';
import type { ConnectionTestResult, SecretKind } from '../../preload/contract/types.js';
import { PICOVOICE_SERVER, serverFor, type BoundSecrets } from '../secrets/bound-secrets.js';
import { connectHomeAssistant } from './home-assistant-integration.js';
import { checkOpenAIKey } from './openai-key-check.js';

const log = createLogger('app');

/**
 * Which key each connection gets and when a new one is accepted. Every key is bound to the server it
 * was entered for (main/secrets/bound-secrets.ts hands it out); this module decides that server for a
 * new key, checks the key against it, and tells the user when a changed address leaves a key behind.
 */

/** Whether a key would be sent to the Realtime server set now. */
export function hasOpenAIKey(secrets: BoundSecrets, settings: Settings): boolean {
  return secrets.usableFor('openai', settings.openai.realtimeUrl);
}

export function picovoiceKey(secrets: BoundSecrets): string | undefined {
  return secrets.forConnection('picovoice', PICOVOICE_SERVER);
}

/**
 * The server a new secret is for, chosen once: it is checked against this server and bound to it,
 * whatever the settings say by the time the check answers. A message when there is no valid one.
 */
export function serverForNewSecret(
  kind: SecretKind,
  url: string | undefined,
  settings: Settings,
): { server: string } | { message: string } {
  const server = kind === 'picovoice' ? PICOVOICE_SERVER : url?.trim() || serverFor(kind, settings);
  if (originOf(server) !== null) return { server };
  return {
    message:
      kind === 'home-assistant'
        ? "Enter your Home Assistant's address first: the token is only ever sent to the server it is saved for."
        : 'Enter a valid Realtime server address first: the key is only ever sent to the server it is saved for.',
  };
}

/**
 * Checks a new secret against its server before it is saved: a refused key or token is rejected (a
 * message); an OpenAI key that could not be checked (e.g. the server is unreachable) is saved with a
 * notice (`unchecked`).
 */
export async function checkNewSecret(
  kind: SecretKind,
  server: string,
  secret: string,
  settings: Settings,
): Promise<{ ok: true; unchecked?: string } | { ok: false; message: string }> {
  if (kind === 'openai') {
    const check = await checkOpenAIKey({ url: server, model: settings.openai.model, apiKey: secret });
    if (check.ok) return { ok: true };
    if (check.error.category === 'authentication' || check.error.category === 'authorization')
      return { ok: false, message: check.error.message };
    return { ok: true, unchecked: check.error.message };
  }
  if (kind === 'home-assistant') {
    const test = await testHomeAssistant(server, secret, settings);
    if (!test.ok) return { ok: false, message: test.message };
  }
  return { ok: true };
}

/** Connects to Home Assistant with this token once, and says what answered. */
export async function testHomeAssistant(url: string, token: string, settings: Settings): Promise<ConnectionTestResult> {
  try {
    const integration = await connectHomeAssistant({ url: url.trim(), token, settings: () => settings });
    try {
      return { ok: true, version: integration.gateway.haVersion ?? 'unknown', entities: integration.entityCards().length };
    } finally {
      await integration.close();
    }
  } catch (error) {
    return { ok: false, message: toAssistantError(error, 'home-assistant').message };
  }
}

/**
 * A server address changed and the key or token in use was entered for the old one: it stays bound
 * to that server (and is used again if the address comes back), and the user is told, naming both.
 */
export function secretsLeftBehind(secrets: BoundSecrets, previous: Settings, next: Settings): AppError[] {
  const notices: AppError[] = [];
  for (const kind of ['openai', 'home-assistant'] as const) {
    const before = serverFor(kind, previous);
    const after = serverFor(kind, next);
    const newHost = hostOf(after);
    if (originOf(before) === originOf(after) || newHost === null) continue;
    if (!secrets.usableFor(kind, before) || secrets.usableFor(kind, after)) continue;
    const [what, aWhat] = kind === 'openai' ? ['OpenAI key', 'an OpenAI key'] : ['Home Assistant token', 'a Home Assistant token'];
    const oldHost = hostOf(before) ?? 'the previous server';
    log.info({ kind, from: oldHost, to: newHost }, 'a server address changed; its secret stays with the old server');
    notices.push(
      new AppError(
        `${kind === 'openai' ? 'The Realtime server' : 'Home Assistant'} is now ${newHost}: your ${what} is only ever sent to ${oldHost}. Enter ${aWhat} for ${newHost} in Settings.`,
        { category: 'configuration', permanent: false, code: 'secret_other_server' },
      ),
    );
  }
  return notices;
}

function hostOf(url: string): string | null {
  const origin = originOf(url);
  return origin === null ? null : new URL(origin).host;
}
