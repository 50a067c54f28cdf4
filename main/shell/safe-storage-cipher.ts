import { safeStorage, type SafeStorage } from 'electron';
import { KeyFileCipher, type SecretCipher } from '../secrets/secret-cipher.js';
import { createLogger } from '../util/logger.js';

const log = createLogger('secrets');

export type SafeStorageLike = Pick<
  SafeStorage,
  'encryptString' | 'decryptString' | 'isEncryptionAvailable' | 'getSelectedStorageBackend' | 'setUsePlainTextEncryption'
>;

export type StorageBackend = ReturnType<SafeStorage['getSelectedStorageBackend']>;

/** Shown on the settings page when Linux has no keyring and Chromium falls back to its built-in key. */
export const BASIC_TEXT_NOTE = 'No keyring (gnome-keyring/kwallet) found: keys are stored obfuscated, not encrypted.';

/**
 * SecretCipher on Electron's safeStorage: the macOS Keychain, Windows DPAPI, or on Linux the Secret Service
 * (gnome-keyring, KWallet). Where Linux has no keyring, Chromium's `basic_text` backend only obfuscates with
 * a key built into Chromium: that is reported (`osProtected: false` and BASIC_TEXT_NOTE), never hidden.
 */
export class SafeStorageCipher implements SecretCipher {
  readonly osProtected: boolean;
  readonly note?: string;
  /** Linux: the backend in use; `unknown` elsewhere. */
  readonly backend: StorageBackend;
  readonly #storage: SafeStorageLike;

  constructor(storage: SafeStorageLike, options: { osProtected: boolean; note?: string; backend?: StorageBackend }) {
    this.#storage = storage;
    this.osProtected = options.osProtected;
    this.backend = options.backend ?? 'unknown';
    if (options.note !== undefined) this.note = options.note;
  }

  async encrypt(plain: string): Promise<Buffer> {
    return this.#storage.encryptString(plain);
  }

  async decrypt(data: Buffer): Promise<string> {
    return this.#storage.decryptString(data);
  }
}

export type CreateSecretCipherOptions = {
  /** Where KeyFileCipher keeps its key if safeStorage cannot encrypt at all. */
  keyFilePath: string;
  platform?: NodeJS.Platform;
  storage?: SafeStorageLike;
};

/**
 * Chooses how secrets are encrypted. Call after `app.whenReady()`: before it, Linux reports the backend as
 * `unknown` and Windows reports encryption as unavailable.
 *
 * - macOS / Windows with encryption available, Linux with a keyring: safeStorage, OS-protected.
 * - Linux `basic_text` (no keyring): safeStorage with the plain-text key, `osProtected: false` + BASIC_TEXT_NOTE.
 * - safeStorage unusable (rare: a locked-down keychain): KeyFileCipher, which says so in its own note.
 */
export function createSecretCipher(options: CreateSecretCipherOptions): SecretCipher {
  const storage = options.storage ?? safeStorage;
  const platform = options.platform ?? process.platform;
  let available = storage.isEncryptionAvailable();
  if (platform === 'linux') {
    const backend = storage.getSelectedStorageBackend();
    if (backend === 'basic_text' || !available) {
      if (!available) {
        // No usable keyring: let Chromium use its built-in password (what basic_text means), so secrets
        // still survive restarts, and say that they are only obfuscated.
        storage.setUsePlainTextEncryption(true);
        available = storage.isEncryptionAvailable();
      }
      if (available) {
        log.warn({ backend }, 'no keyring: secrets are obfuscated, not encrypted');
        return new SafeStorageCipher(storage, { osProtected: false, note: BASIC_TEXT_NOTE, backend: 'basic_text' });
      }
    } else {
      log.info({ backend }, 'secrets are encrypted by the keyring');
      return new SafeStorageCipher(storage, { osProtected: true, backend });
    }
  } else if (available) {
    return new SafeStorageCipher(storage, { osProtected: true });
  }
  log.warn({ platform }, 'safeStorage cannot encrypt here; secrets use a key file instead');
  return new KeyFileCipher(options.keyFilePath);
}
