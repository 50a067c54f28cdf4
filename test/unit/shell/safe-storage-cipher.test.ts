import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { KeyFileCipher } from '../../../main/secrets/secret-cipher.js';
import { EncryptedFileSecretStore } from '../../../main/secrets/encrypted-file-secret-store.js';
import { FakeSafeStorage, fakeElectron, resetFakeElectron } from '../../fakes/fake-electron.js';
import { useTempDir } from '../../helpers/temp-dir.js';

vi.mock('electron', async () => (await import('../../fakes/fake-electron.js')).fakeElectron);

const { BASIC_TEXT_NOTE, SafeStorageCipher, createSecretCipher } = await import('../../../main/shell/safe-storage-cipher.js');

const dir = useTempDir('hearth-cipher-');
beforeEach(async () => {
  resetFakeElectron();
});

function storage(patch: Partial<Pick<FakeSafeStorage, 'backend' | 'available'>>): FakeSafeStorage {
  return Object.assign(new FakeSafeStorage(), patch);
}

describe('createSecretCipher', () => {
  it('Linux with a keyring: safeStorage, protected by the OS', async () => {
    const cipher = createSecretCipher({
      keyFilePath: join(dir(), 'k'),
      platform: 'linux',
      storage: storage({ backend: 'gnome_libsecret' }),
    });
    expect(cipher).toBeInstanceOf(SafeStorageCipher);
    expect(cipher.osProtected).toBe(true);
    expect(cipher.note).toBeUndefined();
    expect(await cipher.decrypt(await cipher.encrypt('sk-test-123'))).toBe('sk-test-123');
  });

  it('Linux basic_text (no keyring, encryption unavailable): obfuscated, osProtected false, with the note', async () => {
    const fake = storage({ backend: 'basic_text', available: false });
    const cipher = createSecretCipher({ keyFilePath: join(dir(), 'k'), platform: 'linux', storage: fake });
    expect(cipher).toBeInstanceOf(SafeStorageCipher);
    expect(cipher.osProtected).toBe(false);
    expect(cipher.note).toBe(BASIC_TEXT_NOTE);
    expect(BASIC_TEXT_NOTE).toBe('No keyring (gnome-keyring/kwallet) found: keys are stored obfuscated, not encrypted.');
    expect(fake.plainText).toBe(true);
    expect(await cipher.decrypt(await cipher.encrypt('token'))).toBe('token');
  });

  it('Linux basic_text even when encryption reports available: still not OS-protected, never silently', () => {
    const cipher = createSecretCipher({
      keyFilePath: join(dir(), 'k'),
      platform: 'linux',
      storage: storage({ backend: 'basic_text', available: true }),
    });
    expect(cipher.osProtected).toBe(false);
    expect(cipher.note).toBe(BASIC_TEXT_NOTE);
  });

  it('the settings page gets the note through the secret store status', async () => {
    const cipher = createSecretCipher({
      keyFilePath: join(dir(), 'k'),
      platform: 'linux',
      storage: storage({ backend: 'basic_text', available: false }),
    });
    const store = new EncryptedFileSecretStore(join(dir(), 'secrets.json'), cipher);
    await store.set('openai', 'sk-abc', 'https://api.openai.com');
    expect(await store.get('openai')).toEqual({ value: 'sk-abc', origin: 'https://api.openai.com' });
    expect(store.storage).toEqual({ encrypted: false, note: BASIC_TEXT_NOTE });
  });

  it('Windows and macOS: safeStorage when available', () => {
    for (const platform of ['win32', 'darwin'] as const) {
      const cipher = createSecretCipher({ keyFilePath: join(dir(), 'k'), platform, storage: storage({ backend: 'unknown' }) });
      expect(cipher).toBeInstanceOf(SafeStorageCipher);
      expect(cipher.osProtected).toBe(true);
    }
  });

  it('falls back to the key-file cipher (which says so) when safeStorage cannot encrypt at all', async () => {
    const cipher = createSecretCipher({ keyFilePath: join(dir(), 'k'), platform: 'darwin', storage: storage({ available: false }) });
    expect(cipher).toBeInstanceOf(KeyFileCipher);
    expect(cipher.osProtected).toBe(false);
    expect(cipher.note).toMatch(/No operating-system keychain/);
    const linux = createSecretCipher({
      keyFilePath: join(dir(), 'k2'),
      platform: 'linux',
      storage: storage({ backend: 'gnome_libsecret', available: false }),
    });
    expect(linux).toBeInstanceOf(KeyFileCipher);
    expect(await linux.decrypt(await linux.encrypt('x'))).toBe('x');
  });

  it('uses Electron safeStorage by default', () => {
    fakeElectron.safeStorage.backend = 'kwallet6';
    const cipher = createSecretCipher({ keyFilePath: join(dir(), 'k'), platform: 'linux' });
    expect(cipher).toMatchObject({ osProtected: true, backend: 'kwallet6' });
  });

  it('a ciphertext that cannot be decrypted rejects (the store then asks for the key again)', async () => {
    const cipher = createSecretCipher({ keyFilePath: join(dir(), 'k'), platform: 'linux', storage: storage({}) });
    await expect(cipher.decrypt(Buffer.from('garbage'))).rejects.toThrow();
  });
});
