import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, type AssistantError } from '../../../main/util/errors.js';
import { createOpenWakeWordEngine } from '../../../main/wake-word/open-wake-word-engine.js';
import {
  resolveWakeWordWorkerEntry,
  WorkerWakeWordDetector,
  type WorkerWakeWordDetection,
} from '../../../main/wake-word/worker-wake-word-detector.js';
import { buildWakeWordWorker } from './build-worker.js';
import { FRAME, mapLimit, requireSpeechTools, SAMPLE_RATE, synthesize, toFrames, type Utterance } from '../../helpers/speech.js';

const FRAME_MS = (FRAME * 1000) / SAMPLE_RATE;
const KEYWORDS = [{ model: 'hey_jarvis' }, { model: 'alexa' }];

/** One continuous stream: wake utterances (expected keyword) and sentences without one (null). */
const SCRIPT: { u: Utterance; expect: string | null }[] = [
  { u: { id: 's0', text: 'hey jarvis', voice: 'en-us', speed: 160 }, expect: 'hey jarvis' },
  {
    u: { id: 's1', text: 'the meeting has been moved to thursday afternoon', voice: 'en-gb', speed: 150 },
    expect: null,
  },
  { u: { id: 's2', text: 'hey jarvis, turn on the kitchen lights', voice: 'en-gb', speed: 150 }, expect: 'hey jarvis' },
  { u: { id: 's3', text: 'hey garvin can you service the car', voice: 'en-us+m3', speed: 140 }, expect: null },
  { u: { id: 's4', text: 'alexa', voice: 'en-us', speed: 150 }, expect: 'alexa' },
  { u: { id: 's5', text: 'hey jarvis, lock the front door', voice: 'en-us+f3', speed: 170 }, expect: 'hey jarvis' },
  { u: { id: 's6', text: 'please put the jam jar on the shelf', voice: 'en-gb-x-rp', speed: 160 }, expect: null },
  { u: { id: 's7', text: 'hey jarvis', voice: 'en-gb-x-rp', speed: 140 }, expect: 'hey jarvis' },
];

describe('WorkerWakeWordDetector', { timeout: 60_000 }, () => {
  let dir: string;
  let workerEntry: URL;
  let buildDir: string;
  let cleanupWorker: (() => Promise<void>) | undefined;
  let stream: Int16Array;
  /** [startMs, endMs) of each scripted utterance in the stream (each padded with 1 s of silence). */
  let spans: { startMs: number; endMs: number; expect: string | null }[];

  beforeAll(async () => {
    requireSpeechTools();
    const built = await buildWakeWordWorker();
    workerEntry = built.entry;
    buildDir = built.dir;
    cleanupWorker = built.cleanup;
    dir = await mkdtemp(path.join(tmpdir(), 'hearth-oww-worker-'));
    const parts = await mapLimit(SCRIPT, 4, (s) => synthesize(dir, s.u));
    stream = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
    spans = [];
    let offset = 0;
    parts.forEach((p, i) => {
      stream.set(p, offset);
      spans.push({
        startMs: (offset * 1000) / SAMPLE_RATE,
        endMs: ((offset + p.length) * 1000) / SAMPLE_RATE,
        expect: SCRIPT[i]!.expect,
      });
      offset += p.length;
    });
  }, 120_000);

  afterAll(async () => {
    await cleanupWorker?.();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('delivers the same detections as the in-thread engine, and the main event loop never stalls > 50 ms', async () => {
    // Reference: the synchronous engine on this thread, same stream, same frames.
    const reference: WorkerWakeWordDetection[] = [];
    const engine = await createOpenWakeWordEngine({ keywords: KEYWORDS });
    toFrames(stream).forEach((frame, i) => {
      const d = engine.process(frame);
      if (d) reference.push({ ...d, frameTimestampMs: (i + 1) * FRAME_MS });
    });
    engine.dispose();

    // From here on the main thread only posts frames and receives events. Two measures: how late a 5 ms
    // timer runs (raw event-loop delay, which also counts time the OS did not run this process at all,
    // e.g. while parallel test files hog both cores), and how long the loop was *busy* between two ticks
    // (event-loop utilisation): a stall caused by work on this thread shows in both, starvation only in
    // the first. The 50 ms limit applies to the busy time; the raw delay is asserted on its p99.
    const histogram = monitorEventLoopDelay({ resolution: 5 });
    histogram.enable();
    let maxLateMs = 0;
    let maxBusyMs = 0;
    let busyAtMaxLate = 0;
    let last = performance.now();
    let lastElu = performance.eventLoopUtilization();
    const ticker = setInterval(() => {
      const now = performance.now();
      const elu = performance.eventLoopUtilization();
      const busy = performance.eventLoopUtilization(elu, lastElu).active;
      const late = now - last - 5;
      if (late > maxLateMs) {
        maxLateMs = late;
        busyAtMaxLate = busy;
      }
      maxBusyMs = Math.max(maxBusyMs, busy);
      last = now;
      lastElu = elu;
    }, 5);

    const detections: WorkerWakeWordDetection[] = [];
    const errors: AssistantError[] = [];
    let startMs = 0;
    let stats;
    let detector: WorkerWakeWordDetector | undefined;
    const speedUp = 8;
    try {
      const t0 = performance.now();
      detector = await WorkerWakeWordDetector.start({ engine: { keywords: KEYWORDS }, workerEntry });
      startMs = performance.now() - t0;
      expect(detector.keywords).toEqual(['hey jarvis', 'alexa']);
      detector.on('detection', (d) => detections.push(d));
      detector.on('error', (e) => errors.push(e));

      // Push 512-sample frames at 8× real time, as a timer-driven source would (one frame every 4 ms).
      const frames = toFrames(stream);
      const pushStart = performance.now();
      await new Promise<void>((resolve) => {
        let next = 0;
        const pump = setInterval(() => {
          const due = Math.min(frames.length, Math.floor((performance.now() - pushStart) / (FRAME_MS / speedUp)) + 1);
          for (; next < due; next++) detector!.push(frames[next]!, next * FRAME_MS);
          if (next >= frames.length) {
            clearInterval(pump);
            resolve();
          }
        }, 2);
      });
      expect(frames[0]!.length).toBe(0); // transferred, not copied
      // Answered after every pushed frame has been processed; the worker posts a frame's detection while
      // processing it, on the same port, so every detection event has arrived before this answer.
      stats = await detector.stats();
      await detector.stop();
    } finally {
      clearInterval(ticker);
      histogram.disable();
      await detector?.stop();
    }

    const audioMs = (stream.length * 1000) / SAMPLE_RATE;
    console.log(
      [
        `WorkerWakeWordDetector: start (worker + model load, main-thread wall) ${Math.round(startMs)} ms, worker-side init ${Math.round(detector.initMs)} ms`,
        `  ${stats.frames} frames (${(audioMs / 1000).toFixed(1)} s of audio) at ${speedUp}× real time; worker busy ${Math.round(stats.busyMs)} ms ` +
          `(RTF ${(stats.busyMs / audioMs).toFixed(4)}), slowest frame ${stats.maxProcessMs.toFixed(1)} ms`,
        `  main event loop: max delay ${(histogram.max / 1e6).toFixed(1)} ms (monitorEventLoopDelay), p99 ${(histogram.percentile(99) / 1e6).toFixed(1)} ms; ` +
          `5 ms timer: max lateness ${maxLateMs.toFixed(1)} ms (loop busy ${busyAtMaxLate.toFixed(1)} ms of it), ` +
          `longest busy stretch between ticks ${maxBusyMs.toFixed(1)} ms`,
        ...detections.map((d) => `  detection ${d.keyword} score ${d.score.toFixed(3)} at ${Math.round(d.frameTimestampMs)} ms`),
      ].join('\n'),
    );

    expect(errors).toEqual([]);
    expect(stats.frames).toBe(Math.ceil(stream.length / FRAME));
    expect(detections).toEqual(reference);
    // Exactly one detection per wake utterance, inside it, with the right keyword; none elsewhere.
    for (const span of spans) {
      const inside = detections.filter((d) => d.frameTimestampMs > span.startMs && d.frameTimestampMs <= span.endMs);
      expect(
        inside.map((d) => d.keyword),
        `${span.startMs}-${span.endMs}`,
      ).toEqual(span.expect ? [span.expect] : []);
    }
    expect(maxBusyMs).toBeLessThan(50);
    expect(histogram.percentile(99) / 1e6).toBeLessThan(50);
  }, 60_000);

  it('rejects with ConfigError naming the file when a custom model is missing', async () => {
    const missing = path.join(dir, 'nope_v0.1.onnx');
    const error = await WorkerWakeWordDetector.start({ engine: { keywords: [{ model: missing }] }, workerEntry }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(missing);
  });

  it('finds the built worker from wherever the host was bundled, as laid out by scripts/build.mjs', () => {
    const expected = path.join(buildDir, 'main', 'wake-word', 'wake-word-worker.js');
    for (const bundle of ['main/headless/cli.js', 'main/shell/index.js', 'main/index.js', 'main/wake-word/host.js']) {
      expect(resolveWakeWordWorkerEntry(pathToFileURL(path.join(buildDir, bundle)).href), bundle).toBe(expected);
    }
  });

  it('rejects with ConfigError when the worker script is missing (e.g. running from source without a build)', async () => {
    const error = await WorkerWakeWordDetector.start({ engine: { keywords: KEYWORDS } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/wake-word worker script was not found.*own entry.*TypeScript source/);
    const explicit = path.join(dir, 'missing-worker.js');
    await expect(WorkerWakeWordDetector.start({ engine: { keywords: KEYWORDS }, workerEntry: explicit })).rejects.toThrow(
      new RegExp(`${explicit.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} does not exist`),
    );
  });

  it('copies views it does not own, drops frames after stop, and stops cleanly', async () => {
    const detector = await WorkerWakeWordDetector.start({
      engine: { keywords: [{ model: 'hey_jarvis' }] },
      workerEntry,
    });
    const big = new Int16Array(FRAME * 2).fill(7);
    const view = big.subarray(FRAME);
    detector.push(view, 0);
    expect(view.length).toBe(FRAME); // copied: the caller's buffer is untouched
    expect(big[FRAME]).toBe(7);
    detector.reset();
    const stats = await detector.stats();
    expect(stats.frames).toBe(1);
    await detector.stop();
    expect(detector.running).toBe(false);
    detector.push(new Int16Array(FRAME), 32);
    expect(detector.droppedFrames).toBe(1);
    await expect(detector.stats()).rejects.toThrow(/not running/);
  });
});
