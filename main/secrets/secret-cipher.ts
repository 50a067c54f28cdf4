import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ConfigError } from '../util/errors.js';

/**
 * How secrets are encrypted on disk. In the Electron app: the OS keychain through `safeStorage`
 * (main/shell/safe-storage-cipher.ts). In plain Node (web mode, headless): a random key in a file
 * next to the secrets, which only keeps them out of casual sight, and says so.
 */
export interface SecretCipher {
  encrypt(plain: string): Promise<Buffer>;
  decrypt(data: Buffer): Promise<string>;
  /** True only when the key is protected by the operating system (keychain, DPAPI, libsecret). */
  readonly osProtected: boolean;
  /** Shown in settings when secrets are not protected by the OS. */
  readonly note?: string;
}

/**
 * The key file's name in the data folder. One name for the desktop app (without a keychain) and web mode,
 * so both read the keys the other saved in the same config folder.
 */
export const SECRET_KEY_FILE_NAME = 'secrets.key';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** AES-256-GCM with a random key kept in a 0600 file. */
export class KeyFileCipher implements SecretCipher {
  readonly osProtected = false;
  readonly note =
    'No operating-system keychain is available here: keys are encrypted with a key file in the data folder, so anyone who can read your files can read them.';
  #key: Promise<Buffer> | undefined;

  constructor(private readonly keyPath: string) {}

  async encrypt(plain: string): Promise<Buffer> {
    const key = await this.#loadKey();
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  async decrypt(data: Buffer): Promise<string> {
    const key = await this.#loadKey();
    const iv = data.subarray(0, IV_BYTES);
    const tag = data.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(data.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  }

  #loadKey(): Promise<Buffer> {
    this.#key ??= (async () => {
      let existing: Buffer | undefined;
      try {
        existing = await readFile(this.keyPath);
      } catch {
        // no key yet
      }
      if (existing?.length === KEY_BYTES) return existing;
      if (existing !== undefined) {
        // Replacing it would make every stored secret unreadable for good; the user decides.
        this.#key = undefined;
        throw new ConfigError(
          `The secrets key file ${this.keyPath} is damaged (${existing.length} bytes instead of ${KEY_BYTES}). Restore it, or delete it and enter your keys again.`,
          { category: 'configuration' },
        );
      }
      const key = randomBytes(KEY_BYTES);
      await mkdir(dirname(this.keyPath), { recursive: true });
      await writeFile(this.keyPath, key, { mode: 0o600 });
      await chmod(this.keyPath, 0o600);
      return key;
    })();
    return this.#key;
  }
}
