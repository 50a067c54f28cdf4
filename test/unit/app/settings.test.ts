import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultSettings, validateSettings } from '../../../preload/contract/settings-schema.js';
import { JsonFileSettingsStore } from '../../../main/app/settings-store.js';
import { buildSessionConfig } from '../../../main/realtime/session-config.js';

describe('settings', () => {
  it('has defaults for everything', () => {
    const s = defaultSettings();
    expect(s.openai).toMatchObject({ model: 'gpt-realtime-2', voice: 'marin', realtimeUrl: 'wss://api.openai.com/v1/realtime' });
    expect(s.conversation).toEqual({ followUpSeconds: 8, idleTimeoutSeconds: 30 });
  });

  it('reports each bad field with its path and a readable message', () => {
    const result = validateSettings({
      openai: { realtimeUrl: 'https://api.openai.com', voice: 'robot', speed: 3, transcription: { language: 'Portuguese' } },
      conversation: { idleTimeoutSeconds: 1 },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const byPath = Object.fromEntries(result.issues.map((i) => [i.path, i.message]));
    expect(byPath['openai.realtimeUrl']).toMatch(/wss:\/\//);
    expect(byPath['openai.voice']).toMatch(/marin/);
    expect(byPath['openai.speed']).toMatch(/1.5/);
    expect(byPath['openai.transcription.language']).toMatch(/ISO 639/);
    expect(byPath['conversation.idleTimeoutSeconds']).toMatch(/at least 5/);
  });

  it('allows an unencrypted ws:// Realtime URL only for a server on this computer', () => {
    const urlIssue = (realtimeUrl: string) => {
      const result = validateSettings({ openai: { realtimeUrl } });
      return result.ok ? null : result.issues.find((i) => i.path === 'openai.realtimeUrl')?.message;
    };
    expect(urlIssue('ws://127.0.0.1:8080/v1/realtime')).toBeNull();
    expect(urlIssue('ws://localhost:8080/v1/realtime')).toBeNull();
    expect(urlIssue('ws://[::1]:8080/v1/realtime')).toBeNull();
    expect(urlIssue('wss://proxy.example/v1/realtime')).toBeNull();
    expect(urlIssue('ws://192.168.1.20:8080/v1/realtime')).toMatch(/only for a server on this computer/);
    expect(urlIssue('ws://127.0.0.1.evil.example/v1/realtime')).toMatch(/only for a server on this computer/);
  });

  it('stores atomically and keeps valid fields of a damaged file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hearth-settings-'));
    const store = new JsonFileSettingsStore(dir);
    expect(await store.load()).toEqual(defaultSettings());
    const rejected = await store.save({ openai: { voice: 'nobody' } });
    expect(rejected.ok).toBe(false);
    const saved = await store.save({ openai: { voice: 'cedar', model: 'gpt-realtime-mini' } });
    expect(saved.ok).toBe(true);
    expect((await store.load()).openai.voice).toBe('cedar');
    const onDisk = JSON.parse(await readFile(store.path, 'utf8'));
    onDisk.openai.speed = 99;
    await writeFile(store.path, JSON.stringify(onDisk));
    const repaired = await store.load();
    expect(repaired.openai.speed).toBe(1);
    expect(repaired.openai.voice).toBe('cedar');
    expect(store.lastLoadIssues.map((i) => i.path)).toEqual(['openai.speed']);
    await writeFile(store.path, '{ broken');
    expect((await store.load()).openai.voice).toBe('marin');
    expect((await readdir(dir)).some((f) => f.startsWith('settings.invalid-'))).toBe(true);
  });
});

describe('session config (GA shape)', () => {
  it('builds a complete GA session.update from settings', () => {
    const settings = defaultSettings();
    settings.openai.transcription.language = 'pt';
    const session = buildSessionConfig({ openai: settings.openai, tools: [], extraInstructions: 'Home: kitchen.' });
    expect(session).toMatchObject({
      type: 'realtime',
      model: 'gpt-realtime-2',
      output_modalities: ['audio'],
      audio: {
        input: {
          format: { type: 'audio/pcm', rate: 24000 },
          noise_reduction: { type: 'far_field' },
          transcription: { model: 'gpt-4o-mini-transcribe', language: 'pt' },
          turn_detection: {
            type: 'server_vad',
            threshold: 0.5,
            prefix_padding_ms: 300,
            silence_duration_ms: 500,
            create_response: true,
            interrupt_response: true,
          },
        },
        output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'marin', speed: 1 },
      },
      tool_choice: 'auto',
      max_output_tokens: 'inf',
    });
    expect(session.instructions).toMatch(/Home: kitchen\.$/);
    expect(session.reasoning).toEqual({ effort: 'low' });
    for (const beta of ['modalities', 'temperature', 'voice', 'input_audio_format', 'turn_detection'])
      expect(session).not.toHaveProperty(beta);
  });

  it('switches features off with null and sends reasoning only to reasoning models', () => {
    const settings = defaultSettings();
    settings.openai.noiseReduction = 'off';
    settings.openai.transcription.enabled = false;
    settings.openai.turnDetection = { type: 'semantic_vad', eagerness: 'high' };
    settings.openai.model = 'gpt-realtime-2';
    const session = buildSessionConfig({ openai: settings.openai, tools: [] });
    expect(session.audio?.input?.noise_reduction).toBeNull();
    expect(session.audio?.input?.transcription).toBeNull();
    expect(session.audio?.input?.turn_detection).toEqual({
      type: 'semantic_vad',
      eagerness: 'high',
      create_response: true,
      interrupt_response: true,
    });
    expect(session.reasoning).toEqual({ effort: 'low' });
    expect(buildSessionConfig({ openai: settings.openai, tools: [], manualTurns: true }).audio?.input?.turn_detection).toBeNull();
  });
});

describe('settings: duplex modes (version 3)', () => {
  it('new settings start in auto; a saved half stays half; an older file without the field keeps half duplex', async () => {
    expect(defaultSettings().listening.duplex).toBe('auto');
    expect(defaultSettings().listening.echoTest).toBeNull();
    const dir = await mkdtemp(join(tmpdir(), 'hearth-settings-duplex-'));
    const store = new JsonFileSettingsStore(dir);
    const v2 = { ...defaultSettings(), version: 2 } as Record<string, any>;
    v2.listening = { ...v2.listening, duplex: 'half' };
    delete v2.listening.echoTest;
    await writeFile(store.path, JSON.stringify(v2));
    expect((await store.load()).listening.duplex).toBe('half');
    await writeFile(store.path, JSON.stringify({ version: 2, listening: { duplex: 'full' } }));
    expect((await store.load()).listening.duplex).toBe('full');
    // Hand-written older files without the field had half duplex by default: they keep it.
    await writeFile(store.path, JSON.stringify({ version: 2, listening: { micDevice: 'USB' } }));
    expect((await store.load()).listening).toMatchObject({ duplex: 'half', micDevice: 'USB' });
    await writeFile(store.path, JSON.stringify({ openai: { voice: 'cedar' } }));
    expect((await store.load()).listening.duplex).toBe('half');
    expect(store.lastLoadNotices).toEqual([]);
    // A version-3 file without the field is new: auto.
    await writeFile(store.path, JSON.stringify({ version: 3, listening: { micDevice: 'USB' } }));
    expect((await store.load()).listening.duplex).toBe('auto');
  });

  it('keeps the last echo self-test, and refuses a malformed one field by field', () => {
    const echoTest = {
      at: '2026-12-07T15:00:00.000Z',
      delayMs: 62.5,
      echoLevelDb: -8,
      erleDb: 31,
      erleFirstSecondDb: 19,
      recommended: 'full',
      reason: 'cancelled',
    };
    const ok = validateSettings({ listening: { duplex: 'auto', echoTest } });
    expect(ok.ok && ok.settings.listening.echoTest).toEqual(echoTest);
    const bad = validateSettings({ listening: { echoTest: { ...echoTest, recommended: 'sometimes' } } });
    expect(bad.ok ? [] : bad.issues.map((i) => i.path)).toEqual(['listening.echoTest.recommended']);
  });
});
