import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EncryptedFileSecretStore } from '../../../main/secrets/encrypted-file-secret-store.js';
import { KeyFileCipher } from '../../../main/secrets/secret-cipher.js';

describe('EncryptedFileSecretStore with the key-file cipher', () => {
  it('stores secrets encrypted, never in clear text, and reads them back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hearth-secrets-'));
    const store = new EncryptedFileSecretStore(join(dir, 'secrets.json'), new KeyFileCipher(join(dir, 'secret.key')));
    await store.set('openai', 'sk-very-secret-value');
    await store.set('home-assistant', 'ha-token');
    expect(await store.get('openai')).toBe('sk-very-secret-value');
    const onDisk = await readFile(join(dir, 'secrets.json'), 'utf8');
    expect(onDisk).not.toContain('very-secret');
    expect((await stat(join(dir, 'secrets.json'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'secret.key'))).mode & 0o777).toBe(0o600);
    const status = await store.status();
    expect(status.present).toEqual({ openai: true, 'home-assistant': true, picovoice: false });
    // Honest about what protects them: no OS keychain here.
    expect(status.storage.encrypted).toBe(false);
    expect(status.storage.note).toMatch(/key file/);
    await store.delete('openai');
    expect(await store.get('openai')).toBeUndefined();
  });

  it('treats a secret that cannot be decrypted (other machine, new key) as absent', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hearth-secrets-'));
    const path = join(dir, 'secrets.json');
    await new EncryptedFileSecretStore(path, new KeyFileCipher(join(dir, 'a.key'))).set('openai', 'x');
    const other = new EncryptedFileSecretStore(path, new KeyFileCipher(join(dir, 'b.key')));
    expect(await other.get('openai')).toBeUndefined();
    // Reported as missing, so settings ask for it again instead of showing a key that cannot work.
    expect((await other.status()).present.openai).toBe(false);
    await writeFile(path, 'not json');
    expect(await other.get('openai')).toBeUndefined();
    expect((await other.status()).present.openai).toBe(false);
  });

  it('refuses a damaged key file instead of replacing it (which would lose every secret for good)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hearth-secrets-'));
    const keyPath = join(dir, 'secret.key');
    const store = new EncryptedFileSecretStore(join(dir, 'secrets.json'), new KeyFileCipher(keyPath));
    await store.set('openai', 'sk-kept');
    const key = await readFile(keyPath);
    await writeFile(keyPath, key.subarray(0, 7));
    const damaged = new EncryptedFileSecretStore(join(dir, 'secrets.json'), new KeyFileCipher(keyPath));
    await expect(damaged.set('home-assistant', 'x')).rejects.toThrow(/damaged \(7 bytes instead of 32\)/);
    expect((await readFile(keyPath)).length).toBe(7);
    await writeFile(keyPath, key); // restored: the secret is back
    expect(await new EncryptedFileSecretStore(join(dir, 'secrets.json'), new KeyFileCipher(keyPath)).get('openai')).toBe('sk-kept');
  });
});
