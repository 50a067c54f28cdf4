import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EncryptedFileSecretStore } from '../../../main/secrets/encrypted-file-secret-store.js';
import { KeyFileCipher } from '../../../main/secrets/secret-cipher.js';

const OPENAI = 'https://api.openai.com';
const HOME = 'http://homeassistant.local:8123';

describe('EncryptedFileSecretStore with the key-file cipher', () => {
  it('stores secrets encrypted with the origin each was entered for, never in clear text, and reads them back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hearth-secrets-'));
    const config = join(dir, 'config');
    const store = new EncryptedFileSecretStore(join(config, 'secrets.json'), new KeyFileCipher(join(dir, 'secret.key')));
    await store.set('openai', 'sk-very-secret-value', OPENAI);
    await store.set('home-assistant', 'ha-token', HOME);
    expect(await store.get('openai')).toEqual({ value: 'sk-very-secret-value', origin: OPENAI });
    expect(await store.get('home-assistant')).toEqual({ value: 'ha-token', origin: HOME });
    const onDisk = await readFile(join(config, 'secrets.json'), 'utf8');
    expect(onDisk).not.toContain('very-secret');
    expect((await stat(join(config, 'secrets.json'))).mode & 0o777).toBe(0o600);
    expect((await stat(config)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, 'secret.key'))).mode & 0o777).toBe(0o600);
    // Honest about what protects them: no OS keychain here.
    expect(store.storage.encrypted).toBe(false);
    expect(store.storage.note).toMatch(/key file/);
    await store.delete('openai');
    expect(await store.get('openai')).toBeUndefined();
    expect(await store.get('home-assistant')).toMatchObject({ origin: HOME });
  });

  it('reads a file written before origins were kept as secrets of unknown origin', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hearth-secrets-'));
    const cipher = new KeyFileCipher(join(dir, 'secret.key'));
    const path = join(dir, 'secrets.json');
    await writeFile(path, JSON.stringify({ openai: (await cipher.encrypt('sk-old')).toString('base64') }));
    expect(await new EncryptedFileSecretStore(path, cipher).get('openai')).toEqual({ value: 'sk-old', origin: null });
  });

  it('treats a secret that cannot be decrypted (other machine, new key) or a malformed entry as absent', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hearth-secrets-'));
    const path = join(dir, 'secrets.json');
    await new EncryptedFileSecretStore(path, new KeyFileCipher(join(dir, 'a.key'))).set('openai', 'x', OPENAI);
    const other = new EncryptedFileSecretStore(path, new KeyFileCipher(join(dir, 'b.key')));
    expect(await other.get('openai')).toBeUndefined();
    await writeFile(path, 'not json');
    expect(await other.get('openai')).toBeUndefined();
    await writeFile(path, JSON.stringify({ openai: { data: 42, origin: OPENAI }, picovoice: { data: 'AAAA', origin: 7 } }));
    expect(await other.get('openai')).toBeUndefined();
    expect(await other.get('picovoice')).toBeUndefined();
  });

  it('two saves at once keep both', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hearth-secrets-'));
    const store = new EncryptedFileSecretStore(join(dir, 'secrets.json'), new KeyFileCipher(join(dir, 'secret.key')));
    await Promise.all([store.set('openai', 'a', OPENAI), store.set('home-assistant', 'b', HOME), store.set('picovoice', 'c', OPENAI)]);
    expect((await store.get('openai'))?.value).toBe('a');
    expect((await store.get('home-assistant'))?.value).toBe('b');
    expect((await store.get('picovoice'))?.value).toBe('c');
  });

  it('refuses a damaged key file instead of replacing it (which would lose every secret for good)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hearth-secrets-'));
    const keyPath = join(dir, 'secret.key');
    const store = new EncryptedFileSecretStore(join(dir, 'secrets.json'), new KeyFileCipher(keyPath));
    await store.set('openai', 'sk-kept', OPENAI);
    const key = await readFile(keyPath);
    await writeFile(keyPath, key.subarray(0, 7));
    const damaged = new EncryptedFileSecretStore(join(dir, 'secrets.json'), new KeyFileCipher(keyPath));
    await expect(damaged.set('home-assistant', 'x', HOME)).rejects.toThrow(/damaged \(7 bytes instead of 32\)/);
    expect((await readFile(keyPath)).length).toBe(7);
    await writeFile(keyPath, key); // restored: the secret is back
    expect(await new EncryptedFileSecretStore(join(dir, 'secrets.json'), new KeyFileCipher(keyPath)).get('openai')).toEqual({
      value: 'sk-kept',
      origin: OPENAI,
    });
  });
});
