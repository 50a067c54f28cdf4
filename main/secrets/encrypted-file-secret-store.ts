import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../util/atomic-file.js';
import { createLogger } from '../util/logger.js';
import type { SecretCipher } from './secret-cipher.js';
import type { SecretKind, SecretStore, SecretsStatus } from './secret-store.js';

const log = createLogger('secrets');

const KINDS: readonly SecretKind[] = ['openai', 'home-assistant', 'picovoice'];

/**
 * Secrets as one JSON file of base64 ciphertexts, written atomically. A secret that cannot be
 * decrypted (moved to another machine, keychain reset) reads as absent and is reported once, so the
 * user is asked for it again instead of the app failing.
 */
export class EncryptedFileSecretStore implements SecretStore {
  readonly #path: string;
  readonly #cipher: SecretCipher;
  #chain: Promise<unknown> = Promise.resolve();

  constructor(path: string, cipher: SecretCipher) {
    this.#path = path;
    this.#cipher = cipher;
  }

  async get(kind: SecretKind): Promise<string | undefined> {
    return this.#decrypt(kind, (await this.#read())[kind]);
  }

  async #decrypt(kind: SecretKind, data: string | undefined): Promise<string | undefined> {
    if (!data) return undefined;
    try {
      return await this.#cipher.decrypt(Buffer.from(data, 'base64'));
    } catch (error) {
      log.warn({ kind, err: error }, 'a stored secret could not be decrypted; it must be entered again');
      return undefined;
    }
  }

  set(kind: SecretKind, value: string): Promise<void> {
    return this.#update(async (all) => {
      all[kind] = (await this.#cipher.encrypt(value)).toString('base64');
    });
  }

  delete(kind: SecretKind): Promise<void> {
    return this.#update(async (all) => {
      delete all[kind];
    });
  }

  /** `present` means usable: a secret that no longer decrypts reads as absent, so settings ask for it. */
  async status(): Promise<SecretsStatus> {
    const all = await this.#read();
    const usable = await Promise.all(KINDS.map(async (k) => [k, (await this.#decrypt(k, all[k])) !== undefined] as const));
    const present = Object.fromEntries(usable) as Record<SecretKind, boolean>;
    return {
      present,
      storage: { encrypted: this.#cipher.osProtected, ...(this.#cipher.note ? { note: this.#cipher.note } : {}) },
    };
  }

  async #read(): Promise<Partial<Record<SecretKind, string>>> {
    try {
      const parsed = JSON.parse(await readFile(this.#path, 'utf8')) as unknown;
      return typeof parsed === 'object' && parsed !== null ? (parsed as Partial<Record<SecretKind, string>>) : {};
    } catch {
      return {};
    }
  }

  #update(change: (all: Partial<Record<SecretKind, string>>) => Promise<void>): Promise<void> {
    const next = this.#chain.then(async () => {
      const all = await this.#read();
      await change(all);
      await writeFileAtomic(this.#path, JSON.stringify(all), { mode: 0o600 });
    });
    this.#chain = next.catch(() => undefined);
    return next;
  }
}
