import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ListeningSettingsSchema } from '../../../preload/contract/settings-schema.js';
import { ConfigError, WakeWordError, type AssistantError } from '../../../main/util/errors.js';
import { startWakeWordDetector } from '../../../main/wake-word/create-wake-word-engine.js';
import { WorkerWakeWordDetector, type WorkerWakeWordDetection } from '../../../main/wake-word/worker-wake-word-detector.js';
import { PV_STATUS, writeScriptedPorcupineLibrary } from '../../fakes/fake-wake-word-engine.js';
import { buildWakeWordWorker } from './build-worker.js';

const FAKE_KEY = 'QmFkS2V5Rm9yVGVzdHNPbmx5Tm90QVJlYWxQaWNvdm9pY2VBY2Nlc3NLZXkwMDA=';
const FRAME = 512;
const FRAME_MS = (FRAME * 1000) / 16_000;

async function rejection(promise: Promise<unknown>): Promise<AssistantError> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error as AssistantError,
  );
}

describe('Porcupine in the wake-word worker', { timeout: 60_000 }, () => {
  let workerEntry: URL;
  let cleanup: (() => Promise<void>) | undefined;
  let dir: string;

  beforeAll(async () => {
    const built = await buildWakeWordWorker();
    workerEntry = built.entry;
    cleanup = built.cleanup;
    dir = mkdtempSync(path.join(tmpdir(), 'hearth-porcupine-worker-'));
  }, 120_000);

  afterAll(async () => {
    await cleanup?.();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('builds Porcupine inside the worker; 512-sample frames reach it byte for byte; detections come back', async () => {
    const recordTo = path.join(dir, 'frames.raw');
    const libraryPath = writeScriptedPorcupineLibrary(dir, { detections: { 3: 1, 7: 0 }, recordTo });
    const detector = await WorkerWakeWordDetector.start({
      engine: { kind: 'porcupine', options: { accessKey: FAKE_KEY, keywords: ['jarvis', 'computer'], libraryPath } },
      workerEntry,
    });
    const detections: WorkerWakeWordDetection[] = [];
    const errors: AssistantError[] = [];
    detector.on('detection', (d) => detections.push(d));
    detector.on('error', (e) => errors.push(e));
    try {
      expect(detector).toMatchObject({ name: 'Porcupine', frameLength: 512, sampleRate: 16_000 });
      expect(detector.keywords).toEqual(['jarvis', 'computer']);
      const init = JSON.parse(readFileSync(`${recordTo}.init.json`, 'utf8')) as { isMainThread: boolean };
      expect(init.isMainThread).toBe(false);

      const frames = Array.from({ length: 10 }, (_, f) =>
        Int16Array.from({ length: FRAME }, (_, i) => ((f * 40_503 + i * 2_654_435) % 65_536) - 32_768),
      );
      const sent = frames.map((frame) => frame.slice());
      frames.forEach((frame, f) => detector.push(frame, f * FRAME_MS));
      expect(frames.every((frame) => frame.length === 0)).toBe(true); // transferred, not copied
      const stats = await detector.stats();
      expect(stats.frames).toBe(10);
      expect(stats.samples).toBe(10 * FRAME);
      // The stats answer comes after every frame was processed (and recorded), and after the detections
      // (posted on the same port while processing): nothing left to wait for.

      const recorded = readFileSync(recordTo);
      expect(recorded.byteLength).toBe(10 * FRAME * 2);
      const received = new Int16Array(recorded.buffer, recorded.byteOffset, recorded.byteLength / 2);
      sent.forEach((frame, f) =>
        expect(Array.from(received.subarray(f * FRAME, (f + 1) * FRAME)), `frame ${f}`).toEqual(Array.from(frame)),
      );
      expect(detections).toEqual([
        { keyword: 'computer', score: 1, frameTimestampMs: 4 * FRAME_MS },
        { keyword: 'jarvis', score: 1, frameTimestampMs: 8 * FRAME_MS },
      ]);
      expect(errors).toEqual([]);
    } finally {
      await detector.stop();
    }
    expect(readFileSync(`${recordTo}.released`, 'utf8')).toBe('1');
  });

  it('an invalid AccessKey (real package, in the worker) rejects start with the mapped WakeWordError', async () => {
    const error = await rejection(
      WorkerWakeWordDetector.start({
        engine: { kind: 'porcupine', options: { accessKey: 'dummy-access-key', keywords: ['jarvis'] } },
        workerEntry,
      }),
    );
    expect(error).toBeInstanceOf(WakeWordError);
    expect(error).toMatchObject({ code: 'porcupine_access_key_invalid', category: 'authentication', permanent: true });
    expect(error.message).not.toContain('dummy-access-key');
  });

  it('activation errors keep code, category and permanence across the worker boundary', async () => {
    for (const [status, code, permanent] of [
      [PV_STATUS.ACTIVATION_LIMIT_REACHED, 'porcupine_activation_limit', true],
      [PV_STATUS.ACTIVATION_THROTTLED, 'porcupine_activation_throttled', false],
    ] as const) {
      const libraryPath = writeScriptedPorcupineLibrary(dir, { initStatus: status });
      const error = await rejection(
        WorkerWakeWordDetector.start({
          engine: { kind: 'porcupine', options: { accessKey: FAKE_KEY, keywords: ['jarvis'], libraryPath } },
          workerEntry,
        }),
      );
      expect(error).toBeInstanceOf(WakeWordError);
      expect(error).toMatchObject({ code, permanent });
    }
    const config = await rejection(
      WorkerWakeWordDetector.start({
        engine: { kind: 'porcupine', options: { accessKey: FAKE_KEY, keywords: ['hey jarvis'] } },
        workerEntry,
      }),
    );
    expect(config).toBeInstanceOf(ConfigError);
    expect(config.message).toContain(`Did you mean 'jarvis'?`);
  });

  it('startWakeWordDetector: an invalid key falls back to openWakeWord in the worker, with a notice', async () => {
    const listening = ListeningSettingsSchema.parse({ wakeEngine: 'auto' });
    const result = await startWakeWordDetector(listening, { picovoiceAccessKey: 'dummy-access-key' }, { workerEntry });
    try {
      expect(result.kind).toBe('openwakeword');
      expect(result.engine).toBeInstanceOf(WorkerWakeWordDetector);
      expect(result.engine).toMatchObject({ name: 'openWakeWord', frameLength: 512, sampleRate: 16_000 });
      expect(result.engine!.keywords).toEqual(['hey jarvis']);
      expect(result.notice).toMatchObject({ code: 'porcupine_access_key_invalid' });
      expect(result.notice!.message).toMatch(/For now Hearth listens with openWakeWord \("hey jarvis"\)\.$/);
    } finally {
      await result.engine?.stop();
    }
  });
});
