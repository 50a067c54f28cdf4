import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AssistantError, ConfigError, WakeWordError } from '../../../main/util/errors.js';
import { createPorcupineEngine, type PorcupineEngineOptions } from '../../../main/wake-word/porcupine-wake-word-engine.js';
import { porcupineBuiltinKeywords, readPorcupineFormat } from '../../../main/wake-word/porcupine-module.js';
import { labelFromPpnFile, suggestPorcupineKeyword } from '../../../main/wake-word/porcupine-keywords.js';
import { porcupineErrorToAssistantError, redactAccessKey } from '../../../main/wake-word/porcupine-errors.js';
import { PV_STATUS, writeScriptedPorcupineLibrary } from '../../fakes/fake-wake-word-engine.js';

const require = createRequire(import.meta.url);
const packageDir = path.dirname(require.resolve('@picovoice/porcupine-node/package.json'));
const BUILT_INS = [
  'alexa',
  'americano',
  'blueberry',
  'bumblebee',
  'computer',
  'grapefruit',
  'grasshopper',
  'hey google',
  'hey siri',
  'jarvis',
  'ok google',
  'picovoice',
  'porcupine',
  'terminator',
];
/** Shaped like a real AccessKey (base64) but not one; Porcupine checks the format locally, no network. */
const FAKE_KEY = 'QmFkS2V5Rm9yVGVzdHNPbmx5Tm90QVJlYWxQaWNvdm9pY2VBY2Nlc3NLZXkwMDA=';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('Porcupine facts (the installed @picovoice/porcupine-node)', () => {
  it('takes 512-sample frames at 16 kHz (asked of the native library, which answers without an AccessKey)', () => {
    expect(readPorcupineFormat()).toEqual({ frameLength: 512, sampleRate: 16_000, version: '4.0.0' });
  });

  it('has the 14 built-in keywords, and no "hey jarvis"', () => {
    expect([...porcupineBuiltinKeywords()].sort()).toEqual(BUILT_INS);
    expect(porcupineBuiltinKeywords()).not.toContain('hey jarvis');
  });
});

describe('createPorcupineEngine: AccessKey errors from the real package', () => {
  const keys: { what: string; key: string; code: string; message: RegExp }[] = [
    { what: 'empty', key: '', code: 'porcupine_access_key_missing', message: /No Picovoice AccessKey is set.*console\.picovoice\.ai/ },
    { what: 'blank', key: '   ', code: 'porcupine_access_key_missing', message: /No Picovoice AccessKey is set/ },
    {
      what: '"dummy-access-key"',
      key: 'dummy-access-key',
      code: 'porcupine_access_key_invalid',
      message: /AccessKey is not valid.*Copy the AccessKey again from Picovoice Console/,
    },
    {
      what: 'random base64, 56 characters',
      key: randomBytes(42).toString('base64'),
      code: 'porcupine_access_key_invalid',
      message: /AccessKey is not valid/,
    },
    {
      what: 'random base64, 88 characters',
      key: randomBytes(66).toString('base64'),
      code: 'porcupine_access_key_invalid',
      message: /AccessKey is not valid/,
    },
  ];

  it.each(keys)('$what → $code, at once, without quoting the key', ({ key, code, message }) => {
    const started = performance.now();
    const error = thrown(() => createPorcupineEngine({ accessKey: key, keywords: ['jarvis'] }));
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(WakeWordError);
    const e = error as WakeWordError;
    expect(e).toMatchObject({ code, category: 'authentication', permanent: true, source: 'wake-word' });
    expect(e.message).toMatch(message);
    expect(elapsed).toBeLessThan(1000); // checked locally: no network wait
    if (key.trim().length > 0) {
      expect(e.message).not.toContain(key);
      expect(String((e.cause as Error).message)).not.toContain(key);
      expect(JSON.stringify(e.toWire())).not.toContain(key);
    }
  });
});

describe('createPorcupineEngine: options', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'hearth-porcupine-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const make = (options: Partial<PorcupineEngineOptions>) =>
    thrown(() => createPorcupineEngine({ accessKey: FAKE_KEY, keywords: ['jarvis'], ...options }));

  it('"hey jarvis" is not a built-in: a ConfigError suggests "jarvis" and lists every built-in keyword', () => {
    const error = make({ keywords: ['hey jarvis'] });
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain(`'hey jarvis' is not a built-in Porcupine keyword`);
    expect(message).toContain(`Did you mean 'jarvis'?`);
    expect(message).toContain('Porcupine has no "hey jarvis"');
    for (const name of BUILT_INS) expect(message).toContain(name);
    expect((error as ConfigError).code).toBe('porcupine_keyword_unknown');
  });

  it('a custom name ("Ambrosio") explains that custom keywords are .ppn files from Picovoice Console', () => {
    const message = (make({ keywords: ['Ambrosio'] }) as ConfigError).message;
    expect(message).toMatch(
      /'Ambrosio' is not a built-in Porcupine keyword\. For a custom wake word such as 'Ambrosio', create it in Picovoice Console/,
    );
    expect(message).toContain('.ppn');
  });

  it('suggests the nearest built-in for typos and "okay"', () => {
    expect(suggestPorcupineKeyword('jarvs', BUILT_INS)).toBe('jarvis');
    expect(suggestPorcupineKeyword('okay google', BUILT_INS)).toBe('ok google');
    expect(suggestPorcupineKeyword('hey computer', BUILT_INS)).toBe('computer');
    expect(suggestPorcupineKeyword('Ambrosio', BUILT_INS)).toBeUndefined();
  });

  it('accepts built-in names in any case and with _ or - (then fails only on the fake key)', () => {
    for (const keyword of ['JARVIS', 'hey_google', 'Ok-Google']) {
      expect((make({ keywords: [keyword] }) as AssistantError).code, keyword).toBe('porcupine_access_key_invalid');
    }
  });

  it('checks custom keyword files before Porcupine runs: missing, not .ppn, other platform, other language', () => {
    const missing = path.join(dir, 'Ambrosio_en_linux_v3_0_0.ppn');
    expect(make({ keywords: [missing] })).toMatchObject({
      code: 'porcupine_keyword_file',
      message: `The Porcupine keyword file ${missing} does not exist`,
    });

    const notPpn = path.join(dir, 'ambrosio.onnx');
    writeFileSync(notPpn, 'x');
    expect((make({ keywords: [notPpn] }) as ConfigError).message).toMatch(/is not a \.ppn file/);

    const mac = path.join(dir, 'Ambrosio_en_mac_v3_0_0.ppn');
    writeFileSync(mac, 'x');
    const macError = make({ keywords: [mac] }) as ConfigError;
    expect(macError).toBeInstanceOf(ConfigError);
    expect(macError.message).toMatch(/was made for macOS, but this computer needs the Linux version: download it from Picovoice Console/);

    const spanish = path.join(dir, 'Ambrosio_es_linux_v3_0_0.ppn');
    writeFileSync(spanish, 'x');
    const noModel = make({ keywords: [spanish] }) as ConfigError;
    expect(noModel.code).toBe('porcupine_language_mismatch');
    expect(noModel.message).toMatch(/language 'es'.*porcupine_params_es\.pv/);

    const german = path.join(dir, 'porcupine_params_de.pv');
    writeFileSync(german, 'x');
    expect((make({ keywords: [spanish], modelPath: german }) as ConfigError).message).toMatch(
      /language 'es'.*porcupine_params_de\.pv is 'de'/,
    );
    expect((make({ keywords: ['jarvis'], modelPath: german }) as ConfigError).message).toMatch(
      /'jarvis' is a built-in \(English\) keyword/,
    );
  });

  it('checks the model file, sensitivities and duplicates', () => {
    expect(make({ modelPath: path.join(dir, 'none.pv') })).toMatchObject({ code: 'porcupine_model_file' });
    for (const s of [1.5, -0.1, Number.NaN]) {
      const error = make({ sensitivities: [s] }) as ConfigError;
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.message).toMatch(/sensitivity #1 is .*between 0 and 1/);
    }
    expect((make({ sensitivities: [0.5, 0.5] }) as ConfigError).message).toMatch(/2 Porcupine sensitivities for 1 keyword/);
    expect((make({ keywords: ['jarvis', 'Jarvis'] }) as ConfigError).message).toMatch(/'jarvis' is listed twice/);
    expect((make({ keywords: [] }) as ConfigError).message).toMatch(/at least one keyword/);
  });

  it('labels custom keywords by the phrase in the file name', () => {
    expect(labelFromPpnFile('/x/Ambrosio_es_linux_v3_0_0.ppn')).toBe('Ambrosio');
    expect(labelFromPpnFile('/x/hey-ambrosio_en_raspberry-pi_v3_0_0.ppn')).toBe('hey ambrosio');
    expect(labelFromPpnFile('/x/my_word.ppn')).toBe('my word');
  });

  it('real native library: a damaged .ppn, a .ppn of another platform and a damaged .pv get clear messages', () => {
    const damaged = path.join(dir, 'damaged_en_linux_v3_0_0.ppn');
    writeFileSync(damaged, 'not a keyword file');
    const e1 = make({ keywords: [damaged] }) as WakeWordError;
    expect(e1).toMatchObject({ code: 'porcupine_keyword_file_invalid', category: 'configuration', permanent: true });
    expect(e1.message).toContain(`The keyword file ${damaged} is not a Porcupine keyword for this computer`);
    expect(e1.message).toContain('Download the Linux version');

    // The genuine macOS "jarvis" file, renamed so the file-name check cannot catch it: the library does.
    const foreign = path.join(dir, 'jarvis-from-a-mac.ppn');
    copyFileSync(path.join(packageDir, 'resources/keyword_files/mac/jarvis_mac.ppn'), foreign);
    expect(make({ keywords: [foreign] })).toMatchObject({ code: 'porcupine_keyword_file_invalid' });

    const model = path.join(dir, 'porcupine_params.pv');
    writeFileSync(model, 'not a model');
    const e3 = make({ modelPath: model }) as WakeWordError;
    expect(e3).toMatchObject({ code: 'porcupine_model_file_invalid', category: 'configuration' });
    expect(e3.message).toMatch(/is not a valid \.pv file/);
  });
});

describe('createPorcupineEngine: every Porcupine error class (scripted native library, real binding)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'hearth-porcupine-scripted-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const stack = (...lines: string[]) => ['5fe5c79 0000006F: Picovoice Error.', ...lines.map((l) => `5fe5c79 00000190: ${l}`)];
  const cases: {
    what: string;
    status: number;
    lines: string[];
    code: string;
    category: string;
    permanent: boolean;
    message: RegExp;
  }[] = [
    {
      what: 'activation error (no network)',
      status: PV_STATUS.ACTIVATION_ERROR,
      lines: ['Activation failed.'],
      code: 'porcupine_activation_failed',
      category: 'connectivity',
      permanent: false,
      message: /could not activate the AccessKey.*internet access on first start/,
    },
    {
      what: 'activation limit reached',
      status: PV_STATUS.ACTIVATION_LIMIT_REACHED,
      lines: [],
      code: 'porcupine_activation_limit',
      category: 'quota',
      permanent: true,
      message: /reached its device limit: every computer, reinstall, container or new user profile/,
    },
    {
      what: 'activation throttled',
      status: PV_STATUS.ACTIVATION_THROTTLED,
      lines: [],
      code: 'porcupine_activation_throttled',
      category: 'rate_limit',
      permanent: false,
      message: /throttling activations.*later/,
    },
    {
      what: 'activation refused',
      status: PV_STATUS.ACTIVATION_REFUSED,
      lines: [],
      code: 'porcupine_activation_refused',
      category: 'authorization',
      permanent: true,
      message: /refused this AccessKey/,
    },
    {
      what: 'licence expired (refused)',
      status: PV_STATUS.ACTIVATION_REFUSED,
      lines: ['License is expired.'],
      code: 'porcupine_license_expired',
      category: 'authorization',
      permanent: true,
      message: /licence for this AccessKey has expired/,
    },
    {
      what: 'licence expired (activation error)',
      status: PV_STATUS.ACTIVATION_ERROR,
      lines: ['License is expired.'],
      code: 'porcupine_license_expired',
      category: 'authorization',
      permanent: true,
      message: /has expired/,
    },
    {
      what: 'AccessKey not for this platform',
      status: PV_STATUS.INVALID_ARGUMENT,
      lines: ['Platform is not supported by this AccessKey.'],
      code: 'porcupine_access_key_platform',
      category: 'authorization',
      permanent: true,
      message: /not allowed on Linux/,
    },
    {
      what: 'keyword and model in different languages',
      status: PV_STATUS.INVALID_ARGUMENT,
      lines: [
        'Keyword file (.ppn) and model file (.pv) should belong to the same language. File belongs to `es` while model file (.pv) belongs to `en`.',
      ],
      code: 'porcupine_language_mismatch',
      category: 'configuration',
      permanent: true,
      message: /different languages.*belongs to `es` while model file \(\.pv\) belongs to `en`/,
    },
    {
      what: 'file for another library version',
      status: PV_STATUS.INVALID_ARGUMENT,
      lines: ['Keyword file (.ppn) file belongs to a different version of the library. File is `2.0.0` while library is `4.0.0`.'],
      code: 'porcupine_file_version',
      category: 'configuration',
      permanent: true,
      message: /different Porcupine version/,
    },
    {
      what: 'I/O error',
      status: PV_STATUS.IO_ERROR,
      lines: ['Failed to open file `/x/y.ppn`.'],
      code: 'porcupine_io',
      category: 'unknown',
      permanent: false,
      message: /I\/O error.*Failed to open file/,
    },
    {
      what: 'out of memory',
      status: PV_STATUS.OUT_OF_MEMORY,
      lines: [],
      code: 'porcupine_out_of_memory',
      category: 'application',
      permanent: false,
      message: /ran out of memory/,
    },
    {
      what: 'runtime error',
      status: PV_STATUS.RUNTIME_ERROR,
      lines: ['Something odd.'],
      code: 'porcupine_failed',
      category: 'application',
      permanent: false,
      message: /Porcupine failed: Something odd\./,
    },
    {
      what: 'other invalid argument',
      status: PV_STATUS.INVALID_ARGUMENT,
      lines: ['Argument `sensitivities` at index `0` value `2.00` is out of range [0.00, 1.00].'],
      code: 'porcupine_invalid_argument',
      category: 'configuration',
      permanent: true,
      message: /rejected its settings: Argument `sensitivities`/,
    },
  ];

  it.each(cases)('$what → $code', ({ status, lines, code, category, permanent, message }) => {
    const libraryPath = writeScriptedPorcupineLibrary(dir, { initStatus: status, errorStack: stack(...lines, `Context: ${FAKE_KEY}.`) });
    const error = thrown(() => createPorcupineEngine({ accessKey: FAKE_KEY, keywords: ['jarvis'], libraryPath })) as WakeWordError;
    expect(error).toBeInstanceOf(WakeWordError);
    expect(error).toMatchObject({ code, category, permanent });
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain(FAKE_KEY);
    expect(String((error.cause as Error).message)).not.toContain(FAKE_KEY);
    expect((error.cause as Error).name).toMatch(/^Porcupine\w*Error$/);
  });

  it('maps errors thrown outside init too (unsupported platform string, RangeError, unknown)', () => {
    expect(porcupineErrorToAssistantError('System freebsd/x64 is not supported by this library.')).toMatchObject({
      code: 'porcupine_unsupported_platform',
    });
    expect(porcupineErrorToAssistantError(new RangeError('Sensitivity value not in range [0,1]: 3'))).toBeInstanceOf(ConfigError);
    expect(porcupineErrorToAssistantError(new Error('boom'))).toMatchObject({ code: 'porcupine_failed', permanent: false });
    expect(redactAccessKey(`x AccessKey \`abc\` and ${FAKE_KEY}`, FAKE_KEY)).toBe('x AccessKey `[redacted]` and [redacted]');
  });
});

describe('PorcupineWakeWordEngine (scripted native library, real binding)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'hearth-porcupine-engine-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('passes keywords, sensitivities and frames through; reports detections by keyword label', () => {
    const custom = path.join(dir, 'Ambrosio_en_linux_v3_0_0.ppn');
    writeFileSync(custom, 'scripted library does not read it');
    const recordTo = path.join(dir, 'frames.raw');
    const libraryPath = writeScriptedPorcupineLibrary(dir, { detections: { 2: 1, 4: 0 }, recordTo });
    const engine = createPorcupineEngine({
      accessKey: FAKE_KEY,
      keywords: ['jarvis', custom],
      sensitivities: [0.7],
      libraryPath,
      device: 'cpu:1',
    });
    expect(engine).toMatchObject({ name: 'Porcupine', frameLength: 512, sampleRate: 16_000, version: '4.0.0-scripted' });
    expect(engine.keywords).toEqual(['jarvis', 'Ambrosio']);

    const init = JSON.parse(readFileSync(`${recordTo}.init.json`, 'utf8')) as Record<string, unknown>;
    expect(init).toMatchObject({
      accessKeyLength: FAKE_KEY.length,
      device: 'cpu:1',
      count: 2,
      keywordPaths: [path.join(packageDir, 'resources/keyword_files/linux/jarvis_linux.ppn'), custom],
      sensitivities: [0.7, 0.5],
      modelPath: path.join(packageDir, 'lib/common/porcupine_params.pv'),
    });

    const frames = Array.from({ length: 5 }, (_, f) => Int16Array.from({ length: 512 }, (_, i) => ((f * 7919 + i * 31) % 65_536) - 32_768));
    const results = frames.map((frame) => engine.process(frame));
    expect(results).toEqual([null, null, { keyword: 'Ambrosio', score: 1 }, null, { keyword: 'jarvis', score: 1 }]);

    // Frames of another size are re-chunked into exact 512-sample frames.
    const odd = Int16Array.from({ length: 512 * 2 }, (_, i) => i - 512);
    expect(engine.process(odd.subarray(0, 300))).toBeNull();
    expect(engine.process(odd.subarray(300, 1024))).toBeNull();

    const recorded = readFileSync(recordTo);
    const all = new Int16Array(recorded.buffer, recorded.byteOffset, recorded.byteLength / 2);
    expect(all.length).toBe(7 * 512);
    frames.forEach((frame, f) => expect(Array.from(all.subarray(f * 512, (f + 1) * 512))).toEqual(Array.from(frame)));
    expect(Array.from(all.subarray(5 * 512))).toEqual(Array.from(odd));

    engine.dispose();
    engine.dispose(); // once only: Porcupine's release() warns on the console when called twice
    expect(readFileSync(`${recordTo}.released`, 'utf8')).toBe('1');
    expect(() => engine.process(frames[0]!)).toThrow(/after dispose/);
  });
});
