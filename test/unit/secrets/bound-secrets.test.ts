import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BoundSecrets, PICOVOICE_SERVER } from '../../../main/secrets/bound-secrets.js';
import { EncryptedFileSecretStore } from '../../../main/secrets/encrypted-file-secret-store.js';
import { KeyFileCipher } from '../../../main/secrets/secret-cipher.js';
import { defaultSettings, type Settings } from '../../../preload/contract/settings-schema.js';

const REALTIME = 'wss://api.openai.com/v1/realtime';

async function newStore(legacy: Record<string, string> = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'hearth-bound-'));
  const cipher = new KeyFileCipher(join(dir, 'secret.key'));
  // The format before origins were kept: kind → base64 ciphertext.
  const old = Object.fromEntries(
    await Promise.all(Object.entries(legacy).map(async ([kind, value]) => [kind, (await cipher.encrypt(value)).toString('base64')])),
  );
  await writeFile(join(dir, 'secrets.json'), JSON.stringify(old));
  return new EncryptedFileSecretStore(join(dir, 'secrets.json'), cipher);
}

function settingsWith(realtimeUrl: string, haUrl: string): Settings {
  const s = defaultSettings();
  return { ...s, openai: { ...s.openai, realtimeUrl }, homeAssistant: { ...s.homeAssistant, url: haUrl } };
}

describe('BoundSecrets: a secret goes only to the origin it was entered for', () => {
  it('answers for the same origin (any path), and for nothing else: other host, scheme, port, or no address', async () => {
    const secrets = await BoundSecrets.open({ store: await newStore() });
    await secrets.save('home-assistant', 'ha-token', 'http://ha.local:8123/');
    expect(secrets.forConnection('home-assistant', 'http://ha.local:8123')).toBe('ha-token');
    expect(secrets.forConnection('home-assistant', 'http://ha.local:8123/api/websocket')).toBe('ha-token');
    for (const other of [
      'http://ha.local:8124',
      'https://ha.local:8123',
      'http://evil.example:8123',
      'http://ha.local.evil.example:8123',
      '',
      'not a url',
    ])
      expect(secrets.forConnection('home-assistant', other)).toBeUndefined();
    // Another kind never answers with this one's value.
    expect(secrets.forConnection('openai', 'http://ha.local:8123')).toBeUndefined();
  });

  it('cannot store a secret without a server to bind it to (no "no address yet" exception)', async () => {
    const secrets = await BoundSecrets.open({ store: await newStore() });
    await expect(secrets.save('home-assistant', 'ha-token', '')).rejects.toThrow(/enter the server's address first/);
    await expect(secrets.save('openai', 'sk', 'nonsense')).rejects.toThrow(/address first/);
    expect(secrets.forConnection('home-assistant', 'http://ha.local:8123')).toBeUndefined();
  });

  it("the environment's key goes only to the server the app started with, even when a stored key is bound elsewhere", async () => {
    const secrets = await BoundSecrets.open({ store: await newStore(), environment: { openai: { value: ' sk-env ', url: REALTIME } } });
    expect(secrets.forConnection('openai', REALTIME)).toBe('sk-env');
    expect(secrets.forConnection('openai', 'ws://127.0.0.1:9999/v1/realtime')).toBeUndefined();
    await secrets.save('openai', 'sk-local', 'ws://127.0.0.1:9999/v1/realtime');
    expect(secrets.forConnection('openai', 'ws://127.0.0.1:9999/v1/realtime')).toBe('sk-local');
    expect(secrets.forConnection('openai', REALTIME)).toBe('sk-env');
    await secrets.save('openai', 'sk-stored', REALTIME);
    expect(secrets.forConnection('openai', REALTIME)).toBe('sk-stored'); // the user's own key wins
  });

  it('keeps the binding across restarts; a deleted secret is gone', async () => {
    const store = await newStore();
    const first = await BoundSecrets.open({ store });
    await first.save('openai', 'sk-1', REALTIME);
    await first.save('picovoice', 'pv-1', PICOVOICE_SERVER);
    const second = await BoundSecrets.open({ store });
    expect(second.forConnection('openai', REALTIME)).toBe('sk-1');
    expect(second.forConnection('openai', 'wss://elsewhere.example/v1/realtime')).toBeUndefined();
    expect(second.forConnection('picovoice', PICOVOICE_SERVER)).toBe('pv-1');
    await second.delete('openai');
    expect(second.forConnection('openai', REALTIME)).toBeUndefined();
    expect((await BoundSecrets.open({ store })).forConnection('openai', REALTIME)).toBeUndefined();
  });

  it('binds secrets saved before origins were kept to the server the settings name at start, or not at all without one', async () => {
    const store = await newStore({ openai: 'sk-old', 'home-assistant': 'ha-old' });
    const secrets = await BoundSecrets.open({ store, settings: settingsWith(REALTIME, '') });
    expect(secrets.forConnection('openai', REALTIME)).toBe('sk-old');
    expect(await store.get('openai')).toEqual({ value: 'sk-old', origin: 'wss://api.openai.com' });
    // No Home Assistant address at start: the old token is bound to nothing and never used.
    expect(secrets.forConnection('home-assistant', 'http://first-url-anyone-sets.example:8123')).toBeUndefined();
    const later = await BoundSecrets.open({ store, settings: settingsWith(REALTIME, 'http://first-url-anyone-sets.example:8123') });
    expect(later.forConnection('home-assistant', 'http://first-url-anyone-sets.example:8123')).toBe('ha-old');
  });

  it('status: "present" means used with these settings; hosts say whom a stored secret is for', async () => {
    const store = await newStore();
    const secrets = await BoundSecrets.open({ store, environment: { openai: { value: 'sk-env', url: REALTIME } } });
    await secrets.save('home-assistant', 'ha-token', 'http://ha.local:8123');
    const here = secrets.status(settingsWith(REALTIME, 'http://ha.local:8123'));
    expect(here.present).toEqual({ openai: false, 'home-assistant': true, picovoice: false }); // the environment's key is not stored
    expect(here.hosts).toEqual({ 'home-assistant': 'ha.local:8123' });
    const moved = secrets.status(settingsWith(REALTIME, 'http://other.local:8123'));
    expect(moved.present['home-assistant']).toBe(false);
    expect(moved.hosts['home-assistant']).toBe('ha.local:8123');
    expect(here.storage).toEqual(store.storage);
  });
});
