import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { createAssistant } from '../main/app/compose.js';
import { defaultSettings } from '../preload/contract/settings-schema.js';
import { HeadlessPlayer } from '../main/audio/headless-player.js';
import { concatInt16 } from '../main/audio/pcm.js';
import { encodeWav } from '../main/audio/wav.js';
import { WavFileMicSource } from '../main/audio/wav-file-mic-source.js';
import { WsRealtimeTransport } from '../main/realtime/ws-realtime-transport.js';
import { createOpenWakeWordEngine } from '../main/wake-word/open-wake-word-engine.js';
import { WorkerWakeWordDetector } from '../main/wake-word/worker-wake-word-detector.js';
import {
  createFakeRealtimeServer,
  mapLimit,
  negativeUtterances,
  requireSpeechTools,
  speechEndSample,
  synthesize,
  toFrames,
  voiceKey,
  wakeUtterances,
  type Utterance,
} from './test-kit.js';
import { instrumentedSocketFactory } from './instrumented-socket.js';
import { summarize } from './stats.js';

const FRAME_MS = 32;
/** The bench runs from out/bench/; the worker is built next to the main-process code. */
const WORKER_ENTRY = join(process.cwd(), 'out/main/wake-word/wake-word-worker.js');

type Speech = {
  wake: Array<{ u: Utterance; samples: Int16Array; wakeEndMs: number }>;
  negative: Array<{ u: Utterance; samples: Int16Array }>;
};

async function synthesizeSets(dir: string): Promise<Speech> {
  const wake = wakeUtterances();
  const negative = negativeUtterances();
  const alone = new Map<string, number>();
  await mapLimit([...new Set(wake.map(voiceKey))], 4, async (key) => {
    const [voice, speed] = key.split('@');
    const samples = await synthesize(dir, { id: `alone-${key}`, text: 'hey jarvis', voice: voice!, speed: Number(speed) }, 0);
    alone.set(key, 1000 + (speechEndSample(samples) * 1000) / 16_000);
  });
  return {
    wake: await mapLimit(wake, 4, async (u) => ({ u, samples: await synthesize(dir, u), wakeEndMs: alone.get(voiceKey(u))! })),
    negative: await mapLimit(negative, 4, async (u) => ({ u, samples: await synthesize(dir, u) })),
  };
}

/** openWakeWord in-thread on the utterance sets: detection rate, false wakes, latency, CPU per audio second. */
async function benchOpenWakeWord(speech: Speech) {
  const engine = await createOpenWakeWordEngine({ keywords: [{ model: 'hey_jarvis' }] });
  let audioMs = 0;
  const latencies: number[] = [];
  let detected = 0;
  let falseWakes = 0;
  const cpu = process.cpuUsage();
  for (const { samples, wakeEndMs } of speech.wake) {
    engine.reset();
    let fired = false;
    toFrames(samples).forEach((frame, i) => {
      if (engine.process(frame) && !fired) {
        fired = true;
        latencies.push((i + 1) * FRAME_MS - wakeEndMs);
      }
    });
    if (fired) detected++;
    audioMs += (samples.length * 1000) / 16_000;
  }
  for (const { samples } of speech.negative) {
    engine.reset();
    if (toFrames(samples).some((frame) => engine.process(frame) !== null)) falseWakes++;
    audioMs += (samples.length * 1000) / 16_000;
  }
  const used = process.cpuUsage(cpu);
  engine.dispose();
  return {
    keyword: 'hey jarvis',
    threshold: 0.5,
    detected: `${detected}/${speech.wake.length}`,
    detection_rate: Math.round((detected / speech.wake.length) * 1000) / 1000,
    false_wakes: `${falseWakes}/${speech.negative.length}`,
    detection_latency_ms: summarize(latencies),
    cpu_seconds_per_audio_second: Math.round(((used.user + used.system) / 1e6 / (audioMs / 1000)) * 10000) / 10000,
    audio_seconds: Math.round(audioMs / 100) / 10,
  };
}

/**
 * The worker detector fed in real time, as the microphone would: the main thread's worst stall and
 * the whole process's CPU while listening.
 */
async function benchListening(seconds: number) {
  const detector = await WorkerWakeWordDetector.start({ engine: { keywords: [{ model: 'hey_jarvis' }] }, workerEntry: WORKER_ENTRY });
  await new Promise((r) => setTimeout(r, 500));
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const cpu = process.cpuUsage();
  const started = performance.now();
  let frames = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = started + (frames + 1) * FRAME_MS;
      while (performance.now() >= due - 1 && frames * FRAME_MS < seconds * 1000) {
        detector.push(new Int16Array(512), frames * FRAME_MS);
        frames++;
        if (frames * FRAME_MS >= seconds * 1000) return resolve();
      }
      setTimeout(tick, Math.max(0, started + (frames + 1) * FRAME_MS - performance.now()));
    };
    tick();
  });
  const used = process.cpuUsage(cpu);
  const elapsed = performance.now() - started;
  delay.disable();
  await detector.stop();
  return {
    seconds,
    main_thread_max_stall_ms: Math.round((delay.max / 1e6) * 10) / 10,
    main_thread_p99_delay_ms: Math.round((delay.percentile(99) / 1e6) * 10) / 10,
    process_cpu_percent_of_one_core: Math.round(((used.user + used.system) / 1000 / elapsed) * 10000) / 100,
  };
}

/**
 * The whole path, real time: WAV "microphone" → worker wake word → controller → a new Realtime
 * connection each time (the session is closed between commands) → the first command audio (with
 * its pre-roll) sent on the socket.
 */
async function benchWakeToAudio(speech: Speech, dir: string, count: number) {
  const server = await createFakeRealtimeServer({ responder: () => ({ items: [{ type: 'message', text: 'ok', audioMs: 200 }] }) });
  const commands = speech.wake.filter((w) => w.u.id.startsWith('cmd-')).slice(0, count);
  const gap = new Int16Array(16_000 * 4);
  const wavPath = join(dir, 'commands.wav');
  await writeFile(wavPath, encodeWav(concatInt16(commands.flatMap((c) => [c.samples, gap])), 16_000));
  const settings = defaultSettings();
  settings.openai.realtimeUrl = server.url;
  settings.conversation.followUpSeconds = 1;
  settings.conversation.idleTimeoutSeconds = 0.3; // below the UI minimum on purpose: every wake reconnects
  let wakeAt = 0;
  const samples: number[] = [];
  const transport = new WsRealtimeTransport({
    createWebSocket: instrumentedSocketFactory({
      onSend: (type, at) => {
        if (type === 'input_audio_buffer.append' && wakeAt > 0) {
          samples.push(at - wakeAt);
          wakeAt = 0;
        }
      },
    }),
  });
  const mic = new WavFileMicSource({ path: wavPath });
  const player = await HeadlessPlayer.create();
  const wakeWord = await WorkerWakeWordDetector.start({ engine: { keywords: [{ model: 'hey_jarvis' }] }, workerEntry: WORKER_ENTRY });
  const { controller, session } = await createAssistant({
    settings: () => settings,
    apiKeyFor: () => 'test-key',
    mic,
    player,
    transport,
    wakeWord,
  });
  let wakes = 0;
  controller.on('wake', (d) => {
    if (!d.accepted) return;
    wakes++;
    wakeAt = performance.now();
  });
  const ended = new Promise<void>((resolve) => mic.once('end', () => resolve()));
  await controller.start();
  await ended;
  await new Promise((r) => setTimeout(r, 1500));
  await controller.shutdown();
  session.dispose();
  await player.close();
  await server.close();
  return {
    commands: commands.length,
    wakes,
    connections: server.connections.length,
    wake_to_first_command_audio_sent_ms: summarize(samples),
  };
}

export async function benchWakeWord(): Promise<object> {
  requireSpeechTools();
  const dir = await mkdtemp(join(tmpdir(), 'hearth-bench-wake-'));
  try {
    const speech = await synthesizeSets(dir);
    const accessKey = process.env.PICOVOICE_ACCESS_KEY;
    return {
      openwakeword: await benchOpenWakeWord(speech),
      porcupine: accessKey
        ? { available: false, reason: 'a Picovoice AccessKey is set, but online activation cannot be reached from this machine' }
        : { available: false, reason: 'needs a Picovoice AccessKey and online activation, which the build machines cannot reach' },
      listening: await benchListening(20),
      wake_to_audio: await benchWakeToAudio(speech, dir, 8),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
