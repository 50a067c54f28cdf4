/**
 * Playback in real headless Chromium, through the whole main → worklet path (RendererPlayer → WebSocket
 * → page relay → AudioWorklet), audible into the PulseAudio null sink when PulseAudio is installed:
 *
 * (a) enqueue → first sample out of the worklet: `RendererPlayer.enqueue()` of the first chunk of a reply
 *     into an idle player, to the render call that output the chunk's first sample (`chunk-output.wallMs`);
 * (b) flush → silence: `flush()` to the render call of the first silent quantum (`flushed.wallMs`);
 * (c) underruns per minute of playback with a jittery feed: 100 ms chunks, each delivered at its due time
 *     ± 60 ms (uniform, seeded, never before the previous one), for 60 s of audio.
 *
 * Method for (a) and (b): the worklet stamps its reports with `Date.now()` read inside `process()` (the
 * system clock, whole milliseconds; Chromium's AudioWorkletGlobalScope has no `performance`), so "out of the
 * worklet" is the moment the render call that output the sample ran. This process reads the same
 * system clock through `performance.now()` plus an epoch offset measured at the start (±0.5 ms); the
 * worklet's whole-ms stamps are taken at +0.5 ms. The method is checked with ping/pong every 50 ms: the
 * worklet's stamp for a pong must fall between the ping's send and the pong's receipt (reported as
 * `clock_check`). This avoids mapping AudioContext frames to a clock: Chromium renders several quanta
 * per audio callback, so a frame's render moment is not linear in its frame number. For "at the
 * speaker" estimates the render → output latency from `getOutputTimestamp()` (median) is added; the
 * upper bound without any clock comparison (the report's arrival back in this process) is given too.
 */
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CHROMIUM_EXECUTABLE,
  chromiumInstalled,
  startPlayerPage,
  type PlayerPage,
  startVirtualMic,
  type VirtualMic,
  nextEvent,
} from './test-kit.js';
import { summarize } from './stats.js';
import { mulberry32 } from '../main/util/seeded-random.js';

const RATE = 24_000;
const PREBUFFER_MS = 60;
const LATENCY_TRIALS = 30;
const FLUSH_TRIALS = 25;
const JITTER = { chunkMs: 100, jitterMs: 60, audioSeconds: 60, seed: 20_240_601 };

const log = (line: string) => process.stderr.write(`bench: browser playback: ${line}\n`);

function tone(samples: number, from = 0): Int16Array {
  const out = new Int16Array(samples);
  for (let i = 0; i < samples; i++) out[i] = Math.round(6_000 * Math.sin((2 * Math.PI * 440 * (from + i)) / RATE));
  return out;
}

const round = (v: number) => Math.round(v * 100) / 100;

/** This process's clock as epoch ms (the system clock the worklet's Date.now() reads), ±0.5 ms. */
function epochClock(): () => number {
  const offsets: number[] = [];
  for (let i = 0; i < 2_000; i++) offsets.push(Date.now() + 0.5 - performance.now());
  offsets.sort((a, b) => a - b);
  const offset = offsets[offsets.length >> 1]!;
  return () => performance.now() + offset;
}

/** A worklet stamp (whole ms from Date.now()) as the middle of its millisecond. */
const stamp = (wallMs: number) => wallMs + 0.5;

/** Pings the worklet every 50 ms until stopped, checking its clock stamps against the round trips. */
function startClockCheck(h: PlayerPage, now: () => number) {
  const outside: number[] = [];
  const rtts: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const sentAt = now();
      const probe = await h.player.probeClock(500);
      const receivedAt = now();
      if (probe) {
        rtts.push(receivedAt - sentAt);
        const t = stamp(probe.wallMs);
        // Distance outside [sentAt, receivedAt], allowing the stamps' ±0.5 ms.
        outside.push(Math.max(0, sentAt - t - 0.5, t - receivedAt - 0.5));
      }
      await sleep(50);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return {
        method: "the worklet's Date.now() in process() must fall between a ping's send and its pong's receipt",
        probes: rtts.length,
        within_round_trip: round(outside.filter((d) => d === 0).length / Math.max(1, outside.length)),
        max_outside_ms: round(Math.max(0, ...outside)),
        probe_rtt_ms: summarize(rtts),
      };
    },
  };
}

function waitForEvent(h: PlayerPage, event: 'drained' | 'started', timeoutMs = 5_000): Promise<void> {
  return nextEvent(event, timeoutMs, (deliver) => h.player.once(event, () => deliver()));
}

async function measureLatency(h: PlayerPage, now: () => number, outputLatencyMs: number) {
  const stamps = new Map<number, { wallMs: number; receivedAt: number }>();
  const off = h.player.on('chunk_output', ({ seq, wallMs }) => stamps.set(seq, { wallMs, receivedAt: now() }));
  const toWorklet: number[] = [];
  const toReport: number[] = [];
  const random = mulberry32(7);
  for (let i = 0; i < LATENCY_TRIALS; i++) {
    await sleep(60 + random() * 80); // a random phase against the render callback
    const drained = waitForEvent(h, 'drained');
    const enqueuedAt = now();
    h.player.enqueue(`latency_${i}`, tone(RATE / 10));
    const seq = h.player.lastSeq;
    await drained;
    const out = stamps.get(seq);
    if (!out) continue;
    toWorklet.push(stamp(out.wallMs) - enqueuedAt);
    toReport.push(out.receivedAt - enqueuedAt);
  }
  off();
  return {
    enqueue_to_worklet_output_ms: summarize(toWorklet),
    enqueue_to_output_report_in_main_ms: summarize(toReport),
    enqueue_to_speaker_ms_estimate: summarize(toWorklet.map((v) => v + outputLatencyMs)),
  };
}

async function measureFlush(h: PlayerPage, now: () => number, outputLatencyMs: number) {
  const random = mulberry32(11);
  const toSilence: number[] = [];
  const toPosition: number[] = [];
  for (let i = 0; i < FLUSH_TRIALS; i++) {
    const started = waitForEvent(h, 'started');
    const audio = tone(RATE);
    for (let c = 0; c < 10; c++) h.player.enqueue(`flush_${i}`, audio.subarray(c * 2_400, (c + 1) * 2_400));
    await started;
    await sleep(150 + random() * 200);
    const report = new Promise<number>((resolve) => h.player.once('flushed', (r) => resolve(r.wallMs)));
    const flushedAt = now();
    await h.player.flush();
    toPosition.push(now() - flushedAt);
    toSilence.push(stamp(await report) - flushedAt);
    await sleep(60);
  }
  return {
    flush_to_silence_ms: summarize(toSilence),
    flush_to_exact_position_in_main_ms: summarize(toPosition),
    flush_to_silence_at_speaker_ms_estimate: summarize(toSilence.map((v) => v + outputLatencyMs)),
  };
}

async function measureJitter(h: PlayerPage) {
  const random = mulberry32(JITTER.seed);
  const chunk = (JITTER.chunkMs * RATE) / 1000;
  const count = (JITTER.audioSeconds * 1000) / JITTER.chunkMs;
  let underruns = 0;
  const offUnderrun = h.player.on('underrun', () => underruns++);
  const start = performance.now();
  let previousDue = 0;
  let maxLateness = 0;
  for (let i = 0; i < count; i++) {
    const due = Math.max(previousDue, i * JITTER.chunkMs + (random() * 2 - 1) * JITTER.jitterMs);
    previousDue = due;
    const wait = start + due - performance.now();
    if (wait > 0) await sleep(wait);
    maxLateness = Math.max(maxLateness, performance.now() - (start + due));
    h.player.enqueue('jitter', tone(chunk, i * chunk));
  }
  await waitForEvent(h, 'drained', 5_000);
  offUnderrun();
  const wallSeconds = (performance.now() - start) / 1000;
  return {
    chunk_ms: JITTER.chunkMs,
    jitter_ms: `±${JITTER.jitterMs} (uniform, seeded ${JITTER.seed}, in order)`,
    prebuffer_ms: PREBUFFER_MS,
    audio_seconds: JITTER.audioSeconds,
    played_seconds: round(h.player.playedSamples('jitter') / RATE),
    wall_seconds: round(wallSeconds),
    underruns,
    underruns_per_minute: round(underruns / (JITTER.audioSeconds / 60)),
    feeder_max_lateness_ms: round(maxLateness),
  };
}

/** Runs the three measurements (about 85 s) and returns them as one JSON-ready object. */
export async function benchBrowserPlayback(): Promise<object> {
  if (!chromiumInstalled()) return { skipped: `no Chromium at ${CHROMIUM_EXECUTABLE} (Debian package chromium)` };
  const started = performance.now();
  let vmic: VirtualMic | undefined;
  if (existsSync('/usr/bin/pulseaudio') && existsSync('/usr/bin/pactl')) {
    try {
      vmic = await startVirtualMic();
    } catch (error) {
      log(`no PulseAudio sink (${(error as Error).message}); running muted`);
    }
  }
  let h: PlayerPage | undefined;
  try {
    h = await startPlayerPage({
      launch: vmic ? { audioEnv: vmic.env } : {},
      prebufferMs: PREBUFFER_MS,
      player: { timing: true },
    });
    const latencies: number[] = [];
    for (let i = 0; i < 10; i++) {
      const latency = await h.outputLatencyMs();
      if (latency !== null) latencies.push(latency);
      await sleep(20);
    }
    const outputLatency = summarize(latencies);
    const now = epochClock();
    const clockCheck = startClockCheck(h, now);
    await sleep(300);
    log(`(a) enqueue → worklet output, ${LATENCY_TRIALS} replies`);
    const latency = await measureLatency(h, now, outputLatency.p50);
    log(`(b) flush → silence, ${FLUSH_TRIALS} flushes`);
    const flush = await measureFlush(h, now, outputLatency.p50);
    const clock = await clockCheck.stop();
    log(`(c) jittery feed, ${JITTER.audioSeconds} s of audio`);
    const jitter = await measureJitter(h);
    return {
      browser: `Chromium ${h.browser.version()}`,
      audio_output: vmic ? 'PulseAudio null sink (audible, not muted)' : 'none (muted; the audio clock runs without a device)',
      path: 'RendererPlayer → WebSocket (127.0.0.1) → page relay → AudioWorklet',
      context: {
        sample_rate: h.context.sampleRate,
        base_latency_ms: round(h.context.baseLatency * 1000),
        render_to_output_latency_ms: outputLatency,
      },
      prebuffer_ms: PREBUFFER_MS,
      clock_check: clock,
      enqueue_to_first_sample: latency,
      interrupt: flush,
      jittery_feed: jitter,
      bench_seconds: round((performance.now() - started) / 1000),
    };
  } finally {
    await h?.close();
    await vmic?.stop();
  }
}
