import { chmod, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../util/atomic-file.js';
import { createLogger } from '../util/logger.js';
import type { SecretCipher } from './secret-cipher.js';
import type { SecretKind, SecretStorage, SecretStore, StoredSecret } from './secret-store.js';

const log = createLogger('secrets');

/** One entry on disk. A bare string is the format before origins were kept (origin unknown). */
type Entry = { data: string; origin: string } | string;
type FileContent = Partial<Record<SecretKind, Entry>>;

/**
 * Secrets as one JSON file (0600, in a 0700 folder) of base64 ciphertexts with the origin each was
 * entered for, written atomically. A secret that cannot be decrypted (moved to another machine,
 * keychain reset) reads as absent and is logged, so the user is asked for it again instead of the
 * app failing. Updates are serialised: two saves never lose each other's entries.
 */
export class EncryptedFileSecretStore implements SecretStore {
  readonly #path: string;
  readonly #cipher: SecretCipher;
  #chain: Promise<unknown> = Promise.resolve();

  constructor(path: string, cipher: SecretCipher) {
    this.#path = path;
    this.#cipher = cipher;
  }

  async get(kind: SecretKind): Promise<StoredSecret | undefined> {
    return this.#open(kind, (await this.#read())[kind]);
  }

  set(kind: SecretKind, value: string, origin: string): Promise<void> {
    return this.#update(async (all) => {
      all[kind] = { data: (await this.#cipher.encrypt(value)).toString('base64'), origin };
    });
  }

  delete(kind: SecretKind): Promise<void> {
    return this.#update(async (all) => {
      delete all[kind];
    });
  }

  get storage(): SecretStorage {
    return { encrypted: this.#cipher.osProtected, ...(this.#cipher.note ? { note: this.#cipher.note } : {}) };
  }

  async #open(kind: SecretKind, entry: Entry | undefined): Promise<StoredSecret | undefined> {
    if (!entry) return undefined;
    const { data, origin } = typeof entry === 'string' ? { data: entry, origin: null } : entry;
    if (typeof data !== 'string' || (origin !== null && typeof origin !== 'string')) return undefined;
    try {
      return { value: await this.#cipher.decrypt(Buffer.from(data, 'base64')), origin };
    } catch (error) {
      log.warn({ kind, err: error }, 'a stored secret could not be decrypted; it must be entered again');
      return undefined;
    }
  }

  async #read(): Promise<FileContent> {
    try {
      const parsed = JSON.parse(await readFile(this.#path, 'utf8')) as unknown;
      return typeof parsed === 'object' && parsed !== null ? (parsed as FileContent) : {};
    } catch {
      return {};
    }
  }

  #update(change: (all: FileContent) => Promise<void>): Promise<void> {
    const next = this.#chain.then(async () => {
      const all = await this.#read();
      await change(all);
      // The config folder holds the secrets and the settings: nobody else needs to list or read it.
      await mkdir(dirname(this.#path), { recursive: true, mode: 0o700 });
      await chmod(dirname(this.#path), 0o700).catch(() => undefined);
      await writeFileAtomic(this.#path, JSON.stringify(all), { mode: 0o600 });
    });
    this.#chain = next.catch(() => undefined);
    return next;
  }
}
