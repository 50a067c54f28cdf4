// Runs the resting assistant in a process of its own (microphone frames flowing, privacy gate
// closed, no conversation) and prints its CPU use and memory as one JSON line.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAssistant } from '../main/app/compose.js';
import { defaultSettings } from '../preload/contract/settings-schema.js';
import { HeadlessPlayer } from '../main/audio/headless-player.js';
import { WavFileMicSource } from '../main/audio/wav-file-mic-source.js';
import { encodeWav } from '../main/audio/wav.js';
import { WorkerWakeWordDetector } from '../main/wake-word/worker-wake-word-detector.js';

const seconds = Number(process.argv[2] ?? 10);
/** `wake`: listening for the wake word (openWakeWord in its worker); `none`: no wake word. */
const mode = process.argv[3] === 'wake' ? 'wake' : 'none';
const dir = await mkdtemp(join(tmpdir(), 'hearth-idle-'));
const wav = join(dir, 'silence.wav');
await writeFile(wav, encodeWav(new Int16Array(16_000), 16_000));
const mic = new WavFileMicSource({ path: wav });
const player = await HeadlessPlayer.create();
const settings = defaultSettings();
const wakeWord =
  mode === 'wake'
    ? await WorkerWakeWordDetector.start({
        engine: { keywords: [{ model: 'hey_jarvis' }] },
        workerEntry: join(process.cwd(), 'out/main/wake-word/wake-word-worker.js'),
      })
    : null;
const { controller } = await createAssistant({ settings: () => settings, apiKeyFor: () => 'unused', mic, player, wakeWord });
await controller.start();
await new Promise((r) => setTimeout(r, 1000));
const cpuBefore = process.cpuUsage();
const started = performance.now();
let maxLagMs = 0;
let last = performance.now();
const lagTimer = setInterval(() => {
  const now = performance.now();
  maxLagMs = Math.max(maxLagMs, now - last - 20);
  last = now;
}, 20);
await new Promise((r) => setTimeout(r, seconds * 1000));
clearInterval(lagTimer);
const cpu = process.cpuUsage(cpuBefore);
const elapsedMs = performance.now() - started;
const rssMb = process.memoryUsage().rss / 1024 / 1024;
await controller.shutdown();
await player.close();
process.stdout.write(
  `${JSON.stringify({ cpu_percent_of_one_core: Math.round(((cpu.user + cpu.system) / 1000 / elapsedMs) * 10000) / 100, rss_mb: Math.round(rssMb * 10) / 10, max_event_loop_lag_ms: Math.round(maxLagMs * 10) / 10, seconds, mode })}\n`,
);
process.exit(0);
