import { randomBytes } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { ListeningSettingsSchema } from '../../../preload/contract/settings-schema.js';
import { ConfigError, WakeWordError } from '../../../main/util/errors.js';
import {
  createWakeWordEngine,
  openWakeWordOptionsFromSettings,
  porcupineOptionsFromSettings,
  type ListeningSettings,
} from '../../../main/wake-word/create-wake-word-engine.js';
import { OpenWakeWordEngine } from '../../../main/wake-word/open-wake-word-engine.js';
import type { OpenWakeWordEngineOptions } from '../../../main/wake-word/open-wake-word-options.js';
import type { PorcupineEngineOptions } from '../../../main/wake-word/porcupine-wake-word-engine.js';
import type { WakeWordEngine } from '../../../main/wake-word/wake-word-engine.js';
import { FakeWakeWordEngine } from '../../fakes/fake-wake-word-engine.js';

const listening = (patch: Record<string, unknown> = {}): ListeningSettings => ListeningSettingsSchema.parse(patch);

function factories(options: { porcupine?: () => WakeWordEngine; openWakeWord?: () => WakeWordEngine } = {}) {
  const porcupine = new FakeWakeWordEngine({ name: 'Porcupine', keywords: ['jarvis'] });
  const oww = new FakeWakeWordEngine({ name: 'openWakeWord', keywords: ['hey jarvis'] });
  const createPorcupine = vi.fn((_o: PorcupineEngineOptions): WakeWordEngine => (options.porcupine ? options.porcupine() : porcupine));
  const createOpenWakeWord = vi.fn(async (_o: OpenWakeWordEngineOptions): Promise<WakeWordEngine> =>
    options.openWakeWord ? options.openWakeWord() : oww,
  );
  return { porcupine, oww, deps: { createPorcupine, createOpenWakeWord } };
}

describe('createWakeWordEngine: selection (injected factories)', () => {
  it('none → no engine, nothing built', async () => {
    const f = factories();
    expect(await createWakeWordEngine(listening({ wakeEngine: 'none' }), { picovoiceAccessKey: 'k' }, f.deps)).toEqual({
      engine: null,
      kind: null,
    });
    expect(f.deps.createPorcupine).not.toHaveBeenCalled();
    expect(f.deps.createOpenWakeWord).not.toHaveBeenCalled();
  });

  it('openwakeword → openWakeWord with the settings (default keyword hey_jarvis), even with an AccessKey', async () => {
    const f = factories();
    const result = await createWakeWordEngine(listening({ wakeEngine: 'openwakeword' }), { picovoiceAccessKey: 'k' }, f.deps);
    expect(result).toEqual({ engine: f.oww, kind: 'openwakeword' });
    expect(f.deps.createOpenWakeWord).toHaveBeenCalledWith({
      keywords: [{ model: 'hey_jarvis', threshold: 0.5 }],
      patienceFrames: 1,
      debounceMs: 1500,
    });
    expect(f.deps.createPorcupine).not.toHaveBeenCalled();
  });

  it('auto without an AccessKey (missing, empty or blank) → openWakeWord, no notice', async () => {
    for (const secrets of [{}, { picovoiceAccessKey: '' }, { picovoiceAccessKey: '  ' }]) {
      const f = factories();
      expect(await createWakeWordEngine(listening(), secrets, f.deps)).toEqual({ engine: f.oww, kind: 'openwakeword' });
      expect(f.deps.createPorcupine).not.toHaveBeenCalled();
    }
  });

  it('auto with an AccessKey → Porcupine with the settings (key trimmed, empty model omitted)', async () => {
    const f = factories();
    const settings = listening({ porcupine: { keywords: ['jarvis', 'computer'], sensitivities: [0.6] } });
    expect(await createWakeWordEngine(settings, { picovoiceAccessKey: ' key ' }, f.deps)).toEqual({
      engine: f.porcupine,
      kind: 'porcupine',
    });
    expect(f.deps.createPorcupine).toHaveBeenCalledWith({ accessKey: 'key', keywords: ['jarvis', 'computer'], sensitivities: [0.6] });
    expect(f.deps.createOpenWakeWord).not.toHaveBeenCalled();
    expect(porcupineOptionsFromSettings(listening({ porcupine: { modelPath: ' /m/porcupine_params_es.pv ' } }), 'k').modelPath).toBe(
      '/m/porcupine_params_es.pv',
    );
  });

  it('porcupine without an AccessKey → openWakeWord and a notice saying why', async () => {
    const f = factories();
    const result = await createWakeWordEngine(listening({ wakeEngine: 'porcupine' }), {}, f.deps);
    expect(result.engine).toBe(f.oww);
    expect(result.kind).toBe('openwakeword');
    expect(result.notice).toBeInstanceOf(WakeWordError);
    expect(result.notice).toMatchObject({ code: 'porcupine_access_key_missing', permanent: true });
    expect(result.notice!.message).toBe(
      'Porcupine is selected but no Picovoice AccessKey is set, so Hearth listens with openWakeWord ("hey jarvis") instead. ' +
        'Add an AccessKey from Picovoice Console (console.picovoice.ai) in Settings → Listening to use Porcupine.',
    );
    expect(f.deps.createPorcupine).not.toHaveBeenCalled();
  });

  const failures = [
    {
      what: 'activation limit',
      error: new WakeWordError('This Picovoice AccessKey has reached its device limit.', {
        category: 'quota',
        permanent: true,
        code: 'porcupine_activation_limit',
      }),
    },
    {
      what: 'throttled (not permanent)',
      error: new WakeWordError('Picovoice is throttling activations. This is temporary: try again later.', {
        category: 'rate_limit',
        permanent: false,
        code: 'porcupine_activation_throttled',
      }),
    },
    {
      what: 'licence expired',
      error: new WakeWordError('The Picovoice licence for this AccessKey has expired.', {
        category: 'authorization',
        code: 'porcupine_license_expired',
      }),
    },
    {
      what: 'bad keyword (ConfigError)',
      error: new ConfigError(`'hey jarvis' is not a built-in Porcupine keyword.`, { code: 'porcupine_keyword_unknown' }),
    },
  ];

  it.each(failures)('any Porcupine failure falls back to openWakeWord with a notice: $what', async ({ error }) => {
    for (const wakeEngine of ['auto', 'porcupine'] as const) {
      const f = factories({
        porcupine: () => {
          throw error;
        },
      });
      const result = await createWakeWordEngine(listening({ wakeEngine }), { picovoiceAccessKey: 'key' }, f.deps);
      expect(result.engine).toBe(f.oww);
      expect(result.kind).toBe('openwakeword');
      expect(result.notice).toBeInstanceOf(error.constructor);
      expect(result.notice).toMatchObject({ code: error.code, category: error.category, permanent: error.permanent });
      expect(result.notice!.message).toBe(`${error.message} For now Hearth listens with openWakeWord ("hey jarvis").`);
      expect(result.notice!.cause).toBe(error);
    }
  });

  it('an unexpected throw (async factory, plain Error) also falls back', async () => {
    const f = factories();
    f.deps.createPorcupine.mockImplementation(() => Promise.reject(new Error('worker died')) as never);
    const result = await createWakeWordEngine(listening(), { picovoiceAccessKey: 'key' }, f.deps);
    expect(result.engine).toBe(f.oww);
    expect(result.notice).toMatchObject({ source: 'wake-word', category: 'unknown', permanent: false });
    expect(result.notice!.message).toMatch(/^worker died For now Hearth listens with openWakeWord/);
  });

  it('openWakeWord failing too → no engine, the error, and the Porcupine notice; never throws', async () => {
    const bad = new ConfigError('Cannot read the openWakeWord keyword model file /x.onnx');
    const f = factories({
      porcupine: () => {
        throw new WakeWordError('Porcupine down', { category: 'unknown' });
      },
      openWakeWord: () => {
        throw bad;
      },
    });
    const result = await createWakeWordEngine(listening(), { picovoiceAccessKey: 'key' }, f.deps);
    expect(result).toMatchObject({ engine: null, kind: null, error: bad });
    expect(result.notice?.message).toMatch(/^Porcupine down/);
    const alone = await createWakeWordEngine(listening({ wakeEngine: 'openwakeword' }), {}, f.deps);
    expect(alone).toEqual({ engine: null, kind: null, error: bad });
  });

  it('names custom openWakeWord models in the notice by their label', async () => {
    const f = factories();
    const settings = listening({ wakeEngine: 'porcupine', openWakeWord: { keywords: ['/models/hey_hearth_v0.2.onnx', 'alexa'] } });
    const result = await createWakeWordEngine(settings, {}, f.deps);
    expect(result.notice!.message).toContain('openWakeWord ("hey hearth", "alexa")');
    expect(openWakeWordOptionsFromSettings(settings).keywords.map((k) => k.model)).toEqual(['/models/hey_hearth_v0.2.onnx', 'alexa']);
  });

  it('the chosen engine receives Porcupine-shaped frames (512 samples, 16 kHz) unchanged', async () => {
    const engine = new FakeWakeWordEngine({ name: 'Porcupine', detections: { 1: 'jarvis' } });
    const result = await createWakeWordEngine(listening(), { picovoiceAccessKey: 'key' }, { createPorcupine: () => engine });
    const frames = [0, 1, 2].map((f) => Int16Array.from({ length: 512 }, (_, i) => (f + 1) * 100 + i));
    const detections = frames.map((frame) => result.engine!.process(frame));
    expect(detections).toEqual([null, { keyword: 'jarvis', score: 1 }, null]);
    expect(engine.frames).toEqual(frames);
    expect(() => result.engine!.process(new Int16Array(480))).toThrow(/480 samples, expected 512/);
  });
});

describe('createWakeWordEngine: real Porcupine with invalid keys falls back to the real openWakeWord', () => {
  const keys = [
    { what: '"" (auto)', wakeEngine: 'auto', key: '', code: undefined },
    { what: '"" (porcupine)', wakeEngine: 'porcupine', key: '', code: 'porcupine_access_key_missing' },
    { what: '"dummy-access-key"', wakeEngine: 'auto', key: 'dummy-access-key', code: 'porcupine_access_key_invalid' },
    {
      what: 'random base64, 56 characters',
      wakeEngine: 'porcupine',
      key: randomBytes(42).toString('base64'),
      code: 'porcupine_access_key_invalid',
    },
    {
      what: 'random base64, 88 characters',
      wakeEngine: 'auto',
      key: randomBytes(66).toString('base64'),
      code: 'porcupine_access_key_invalid',
    },
  ] as const;

  it.each(keys)('$what → openWakeWord "hey jarvis", notice $code', async ({ wakeEngine, key, code }) => {
    const result = await createWakeWordEngine(listening({ wakeEngine }), { picovoiceAccessKey: key });
    try {
      expect(result.kind).toBe('openwakeword');
      expect(result.engine).toBeInstanceOf(OpenWakeWordEngine);
      expect(result.engine!.keywords).toEqual(['hey jarvis']);
      expect(result.error).toBeUndefined();
      if (code === undefined) {
        expect(result.notice).toBeUndefined();
      } else {
        expect(result.notice).toBeInstanceOf(WakeWordError);
        expect(result.notice).toMatchObject({ code, permanent: true });
        expect(result.notice!.message).toMatch(/AccessKey/);
        expect(result.notice!.message).toMatch(/openWakeWord \("hey jarvis"\)/);
        if (key.length > 0) expect(result.notice!.message).not.toContain(key);
      }
    } finally {
      result.engine?.dispose();
    }
  });
});
