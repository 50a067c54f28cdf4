/**
 * The echo path (issue 10): WebRTC AEC3 in the echo worker, through EchoCancellingMicSource, on the
 * file-based test room (test/helpers/test-room.ts) with an espeak-ng reply as Hearth's voice;
 * beside half duplex (the microphone closed while Hearth speaks) in the same run.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EchoCanceller } from '../main/audio/echo/echo-canceller.js';
import { EchoCancellingMicSource } from '../main/audio/echo/echo-cancelling-mic-source.js';
import { MIC_FRAME_MS, MIC_FRAME_SAMPLES, MIC_SAMPLE_RATE } from '../main/audio/mic-source.js';
import { resampleClip } from '../main/audio/resampler.js';
import {
  db,
  energy,
  joinFrames,
  ManualClock,
  micFrames,
  playRoom,
  recordRoom,
  requireSpeechTools,
  RoomMicSource,
  synthesize,
} from './test-kit.js';
import { summarize } from './stats.js';

const WORKER_ENTRY = join(process.cwd(), 'out/main/audio/echo/echo-worker.js');
const SECOND = MIC_SAMPLE_RATE;
const PLAYED_AT_MS = 500;

type RoomRun = {
  delay_ms: number;
  delay_hint_ms: number | null;
  estimated_delay_ms: number | null;
  erle_first_second_db: number;
  erle_converged_db: number;
  echo_at_mic_dbfs: number;
  residual_to_server_dbfs: number;
  cpu_ms_per_audio_second: number;
};

async function roomRun(reply: Int16Array, delayMs: number, delayHintMs: number | null): Promise<RoomRun> {
  const lengthSamples = Math.round(((PLAYED_AT_MS + (reply.length * 1000) / 24_000) / 1000 + 1.5) * SECOND);
  const recording = await recordRoom({
    room: { delayMs, gain: 0.7 },
    played: reply,
    playedAtSample: (PLAYED_AT_MS * SECOND) / 1000,
    lengthSamples,
  });
  const clock = new ManualClock();
  const mic = new RoomMicSource();
  const source = new EchoCancellingMicSource(mic, { clock, workerEntry: WORKER_ENTRY, delayHintMs: delayHintMs });
  await source.setEnabled(true);
  const frames = await playRoom({ source, mic, clock, recording: recording.mic, played: reply, playedAtMs: PLAYED_AT_MS });
  const stats = source.stats();
  await source.dispose();
  const out = joinFrames(frames);
  const micF = Float32Array.from(recording.mic, (v) => v / 32768);
  const L = 256;
  const erle = (from: number, to: number) => db(energy(micF, from, to) / energy(out, from + L, to + L));
  const echoStart = Math.round(((PLAYED_AT_MS + delayMs) * SECOND) / 1000);
  const end = micF.length - 2 * SECOND;
  const dbfs = (x: Float32Array, from: number, to: number) => db(energy(x, from, to) / (to - from));
  return {
    delay_ms: delayMs,
    delay_hint_ms: delayHintMs,
    estimated_delay_ms: stats.delayMs,
    erle_first_second_db: round1(erle(echoStart, echoStart + SECOND)),
    erle_converged_db: round1(erle(end - 6 * SECOND, end)),
    echo_at_mic_dbfs: round1(dbfs(micF, echoStart, end)),
    residual_to_server_dbfs: round1(dbfs(out, echoStart + L, end + L)),
    cpu_ms_per_audio_second: round1((stats.meanProcessMs * stats.framesProcessed) / (frames.length * (MIC_FRAME_MS / 1000))),
  };
}

/** Worker round trip of one frame at a time (push, wait for it to come back), ms. */
async function roundTrip(frames = 300): Promise<ReturnType<typeof summarize>> {
  const canceller = await EchoCanceller.start({ workerEntry: WORKER_ENTRY });
  const samples = micFrames(Int16Array.from({ length: frames * MIC_FRAME_SAMPLES }, (_, i) => Math.round(3000 * Math.sin(i / 5))));
  const times: number[] = [];
  for (const [i, frame] of samples.entries()) {
    const t0 = performance.now();
    const back = new Promise<void>((resolve) => canceller.once('frame', () => resolve()));
    canceller.pushRender({ samples: new Int16Array(768).fill(1000), playedAtMs: i * MIC_FRAME_MS });
    canceller.pushCapture(frame, i * MIC_FRAME_MS);
    await back;
    if (i >= 20) times.push(performance.now() - t0); // after the JIT has warmed up
  }
  await canceller.stop();
  return summarize(times);
}

export async function benchEcho(): Promise<Record<string, unknown>> {
  requireSpeechTools();
  const dir = await mkdtemp(join(tmpdir(), 'hearth-echo-bench-'));
  try {
    const text =
      'The kitchen lights are now on. The living room is twenty one degrees, and the front door is locked. ' +
      'Tomorrow will be sunny with a high of eighteen. I have added milk and eggs to your shopping list. ' +
      'Is there anything else I can do for you?';
    const reply = await resampleClip(await synthesize(dir, { id: 'reply', text, voice: 'en-us', speed: 170 }, 0.2), SECOND, 24_000);
    const runs = [await roomRun(reply, 60, 60), await roomRun(reply, 800, 800), await roomRun(reply, 800, null)];
    const rt = await roundTrip();
    const replySeconds = reply.length / 24_000;
    const framesDuringReply = Math.ceil((replySeconds * 1000) / MIC_FRAME_MS);
    return {
      engine: 'WebRTC AEC3 (@ennuicastr/webrtcaec3.js 0.3.0, WebAssembly) in a worker thread, 16 kHz, 10 ms blocks',
      room: 'test/helpers/test-room.ts: direct sound gain 0.7 + 24 reflections (RT60 150 ms), -65 dBFS noise; espeak-ng reply',
      reply_seconds: round1(replySeconds),
      full_duplex: {
        runs,
        added_latency_per_frame_ms: {
          reframing_and_aec3: (256 * 1000) / SECOND,
          worker_round_trip: rt,
        },
        interruptions_possible: 'yes: the cancelled microphone stays open while Hearth speaks',
      },
      half_duplex: {
        // The microphone is closed while Hearth speaks: every frame of the reply is withheld.
        frames_during_reply: framesDuringReply,
        echo_bytes_sent_during_reply: 0,
        interruptions_possible_by_speech: 0,
        added_latency_per_frame_ms: 0,
        cpu_ms_per_audio_second: 0,
      },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
