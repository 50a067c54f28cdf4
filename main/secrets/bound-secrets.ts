import type { SecretKind, SecretsStatus } from '../../preload/contract/types.js';
import type { Settings } from '../../preload/contract/settings-schema.js';
import { ConfigError } from '../util/errors.js';
import { originOf } from '../util/url-origin.js';
import type { SecretStore, StoredSecret } from './secret-store.js';

const KINDS: readonly SecretKind[] = ['openai', 'home-assistant', 'picovoice'];

/**
 * Porcupine's AccessKey goes only to Picovoice's activation service, which the library contacts by
 * itself (no address is configurable): its binding is fixed.
 */
export const PICOVOICE_SERVER = 'https://kmp1.picovoice.net';

/** The server a secret of this kind is sent to with these settings. */
export function serverFor(kind: SecretKind, settings: Settings): string {
  switch (kind) {
    case 'openai':
      return settings.openai.realtimeUrl;
    case 'home-assistant':
      return settings.homeAssistant.url;
    case 'picovoice':
      return PICOVOICE_SERVER;
  }
}

/** A secret given from outside the store (OPENAI_API_KEY), bound to the server the app started with. */
export type EnvironmentSecret = { value: string; url: string };

/**
 * Every secret with the origin it was entered for, and the one place that hands a secret to a
 * connection: `forConnection(kind, url)` answers only when the connection's origin equals the
 * secret's. There is no "no address yet" exception, and nothing reads a setting between choosing a
 * server and choosing its key: the caller passes the URL it is about to connect to.
 *
 * The values are kept in memory (main process only) so the answer is synchronous: a connection
 * reads its URL and its key in the same turn of the event loop, so no settings change can come
 * between them.
 */
export class BoundSecrets {
  readonly #store: SecretStore | undefined;
  readonly #environment: Partial<Record<SecretKind, { value: string; origin: string }>> = {};
  #secrets = new Map<SecretKind, StoredSecret>();
  #storage: SecretsStatus['storage'] = { encrypted: false };

  private constructor(store: SecretStore | undefined, environment: Partial<Record<SecretKind, EnvironmentSecret>>) {
    this.#store = store;
    for (const [kind, secret] of Object.entries(environment) as Array<[SecretKind, EnvironmentSecret | undefined]>) {
      const origin = secret ? originOf(secret.url) : null;
      if (secret?.value.trim() && origin) this.#environment[kind] = { value: secret.value.trim(), origin };
    }
  }

  /**
   * Reads the store once. Secrets written before origins were kept are bound to the server the
   * settings name now: the app already sent them there at its last start, so this exposes nothing new.
   */
  static async open(options: {
    store?: SecretStore;
    environment?: Partial<Record<SecretKind, EnvironmentSecret>>;
    settings?: Settings;
  }): Promise<BoundSecrets> {
    const secrets = new BoundSecrets(options.store, options.environment ?? {});
    await secrets.#load(options.settings);
    return secrets;
  }

  /** The secret for a connection to `url`, or undefined unless it was entered for that very origin. */
  forConnection(kind: SecretKind, url: string): string | undefined {
    const origin = originOf(url);
    if (origin === null) return undefined;
    const stored = this.#secrets.get(kind);
    if (stored && stored.origin === origin) return stored.value;
    const environment = this.#environment[kind];
    return environment && environment.origin === origin ? environment.value : undefined;
  }

  /** Stores a secret bound to the origin of `url` (the server it was entered, and checked, for). */
  async save(kind: SecretKind, value: string, url: string): Promise<void> {
    const origin = originOf(url);
    if (origin === null) throw new ConfigError(`A ${describe(kind)} is bound to its server: enter the server's address first.`);
    if (!this.#store) throw new ConfigError('Secrets cannot be saved here.');
    await this.#store.set(kind, value, origin);
    this.#secrets.set(kind, { value, origin });
  }

  async delete(kind: SecretKind): Promise<void> {
    await this.#store?.delete(kind);
    this.#secrets.delete(kind);
  }

  /** The host a stored secret is for (shown as "saved for …"), or undefined. */
  hostOf(kind: SecretKind): string | undefined {
    const origin = this.#secrets.get(kind)?.origin;
    return origin ? new URL(origin).host : undefined;
  }

  /** Whether a secret would be used for `url` (the store's or the environment's). */
  usableFor(kind: SecretKind, url: string): boolean {
    return this.forConnection(kind, url) !== undefined;
  }

  /** For the settings page: `present` means a stored secret that is used with these settings. */
  status(settings: Settings): SecretsStatus {
    const present = Object.fromEntries(
      KINDS.map((kind) => {
        const stored = this.#secrets.get(kind);
        return [kind, stored !== undefined && stored.origin === originOf(serverFor(kind, settings))];
      }),
    ) as Record<SecretKind, boolean>;
    const hosts: SecretsStatus['hosts'] = {};
    for (const kind of KINDS) {
      const host = kind === 'picovoice' ? undefined : this.hostOf(kind);
      if (host) hosts[kind] = host;
    }
    return { present, hosts, storage: this.#storage };
  }

  async #load(settings: Settings | undefined): Promise<void> {
    if (!this.#store) return;
    this.#storage = this.#store.storage;
    for (const kind of KINDS) {
      const stored = await this.#store.get(kind);
      if (!stored) continue;
      const origin = stored.origin ?? (settings ? originOf(serverFor(kind, settings)) : null);
      if (origin === null) continue; // never bound and no server to bind it to: it has to be entered again
      if (stored.origin === null) await this.#store.set(kind, stored.value, origin);
      this.#secrets.set(kind, { value: stored.value, origin });
    }
  }
}

function describe(kind: SecretKind): string {
  return kind === 'openai' ? 'OpenAI key' : kind === 'home-assistant' ? 'Home Assistant token' : 'Picovoice AccessKey';
}
