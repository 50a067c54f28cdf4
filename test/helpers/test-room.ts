import type { PlayedAudio } from '../../main/audio/echo/echo-types.js';
import { MIC_FRAME_MS, MIC_FRAME_SAMPLES, MIC_SAMPLE_RATE, type MicSourceEvents, type PcmFrame } from '../../main/audio/mic-source.js';
import { resampleClip } from '../../main/audio/resampler.js';
import type { EventSource } from '../../main/util/typed-emitter.js';
import { eventually } from './wait.js';
import { FakeMicSource } from '../fakes/fake-mic-source.js';
import { mulberry32 } from '../../main/util/seeded-random.js';

/** The room's noise and test signals are seeded: the same room every run. */
export { mulberry32 };

/**
 * A file-based test room: what the loudspeaker plays reaches the microphone through a room impulse
 * response (a bulk delay, the direct sound, then decaying reflections), together with the user's
 * speech and a little noise. Everything is at the microphone's 16 kHz; the played signal is the
 * player's 24 kHz. Deterministic (seeded), so a failing run can be replayed.
 */
export type RoomOptions = {
  /** Loudspeaker-to-microphone delay, ms (the direct sound). Bluetooth speakers: up to 800. */
  delayMs: number;
  /** Gain of the direct sound (linear; 0.5 is an echo 6 dB below the played level). */
  gain?: number;
  /** Number of discrete reflections after the direct sound (default 24). */
  reflections?: number;
  /** Reflections decay by 60 dB over this long, ms (default 150: a furnished room). */
  rt60Ms?: number;
  /** Background noise level, dBFS (default -65). */
  noiseDbfs?: number;
  /** An overdriven loudspeaker: the played signal goes through tanh(drive · x) (default: linear). */
  drive?: number;
  /** A moving echo path: the gain wobbles by ±this fraction at 3 Hz (default 0: a still room). */
  wobble?: number;
  seed?: number;
};

export type Tap = { delay: number; gain: number };

export type RoomRecording = {
  /** What the microphone records: echo + speech + noise. */
  mic: Int16Array;
  /** Its parts, for measurements. */
  echo: Float32Array;
  speech: Float32Array;
};

export function roomImpulseResponse(room: RoomOptions): Tap[] {
  const random = mulberry32(room.seed ?? 1);
  const direct = Math.round((room.delayMs * MIC_SAMPLE_RATE) / 1000);
  const gain = room.gain ?? 0.5;
  const rt60 = ((room.rt60Ms ?? 150) * MIC_SAMPLE_RATE) / 1000;
  const taps: Tap[] = [{ delay: direct, gain }];
  const count = room.reflections ?? 24;
  for (let i = 0; i < count; i++) {
    const after = Math.round(16 + random() * rt60);
    const decay = Math.pow(10, (-3 * after) / rt60); // -60 dB at rt60
    taps.push({ delay: direct + after, gain: gain * 0.6 * decay * (random() < 0.5 ? -1 : 1) });
  }
  return taps;
}

/**
 * Records the room: `played` (24 kHz) starts playing at `playedAtSample` (16 kHz samples into the
 * recording), `speech` (16 kHz) starts at `speechAtSample`; the recording is `lengthSamples` long.
 */
export async function recordRoom(options: {
  room: RoomOptions;
  played: Int16Array;
  playedAtSample?: number;
  speech?: Int16Array;
  speechAtSample?: number;
  speechGain?: number;
  lengthSamples: number;
}): Promise<RoomRecording> {
  const length = options.lengthSamples;
  const played16 = Float32Array.from(await resampleClip(options.played, 24_000, MIC_SAMPLE_RATE), (v) => v / 32768);
  const drive = options.room.drive;
  if (drive !== undefined) for (let i = 0; i < played16.length; i++) played16[i] = Math.tanh(drive * played16[i]!) / Math.tanh(drive);
  const wobble = options.room.wobble ?? 0;
  const echo = new Float32Array(length);
  const at = options.playedAtSample ?? 0;
  for (const tap of roomImpulseResponse(options.room)) {
    const shift = at + tap.delay;
    for (let i = 0; i < played16.length; i++) {
      const j = shift + i;
      if (j >= length) break;
      const g = wobble === 0 ? 1 : 1 + wobble * Math.sin((2 * Math.PI * 3 * j) / MIC_SAMPLE_RATE);
      if (j >= 0) echo[j]! += tap.gain * g * played16[i]!;
    }
  }
  const speech = new Float32Array(length);
  if (options.speech) {
    const s0 = options.speechAtSample ?? 0;
    const g = options.speechGain ?? 1;
    for (let i = 0; i < options.speech.length && s0 + i < length; i++) speech[s0 + i] = (g * options.speech[i]!) / 32768;
  }
  const random = mulberry32((options.room.seed ?? 1) + 1000);
  const noise = Math.pow(10, (options.room.noiseDbfs ?? -65) / 20) * Math.sqrt(3);
  const mic = new Int16Array(length);
  for (let i = 0; i < length; i++) {
    const v = Math.round((echo[i]! + speech[i]! + noise * (2 * random() - 1)) * 32768);
    mic[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
  }
  return { mic, echo, speech };
}

/** The recording as the microphone delivers it: 512-sample frames, 32 ms apart in stream time. */
export function micFrames(mic: Int16Array, startMs = 0): PcmFrame[] {
  const frames: PcmFrame[] = [];
  for (let i = 0; i + MIC_FRAME_SAMPLES <= mic.length; i += MIC_FRAME_SAMPLES) {
    frames.push({ samples: mic.slice(i, i + MIC_FRAME_SAMPLES), timestampMs: startMs + (i * 1000) / MIC_SAMPLE_RATE });
  }
  return frames;
}

/** Energy of `x[from, to)`. */
export function energy(x: ArrayLike<number>, from = 0, to = x.length): number {
  let e = 0;
  for (let i = Math.max(0, from); i < Math.min(to, x.length); i++) e += x[i]! * x[i]!;
  return e;
}

export function db(ratio: number): number {
  return 10 * Math.log10(ratio);
}

/** A microphone the test room drives: the test emits each recorded frame when the room's clock says so. */
export class RoomMicSource extends FakeMicSource {
  deliver(frame: PcmFrame): void {
    this.emit('frame', frame);
  }
}

/**
 * Plays the room in (simulated) real time through `source`: the player plays `played` (24 kHz) from
 * app time `playedAtMs`, reporting each 20 ms chunk `leadMs` before it is heard (as a player does when
 * it hands audio to the device); the microphone delivers each frame of `mic` 32 ms after its first
 * sample (stream time 0 = app time 0). Resolves with the frames `source` emitted, once it has emitted
 * as many as were delivered.
 */
export async function playRoom(options: {
  source: EventSource<MicSourceEvents> & { pushPlayed(audio: PlayedAudio): void };
  mic: RoomMicSource;
  clock: ManualClockLike;
  recording: Int16Array;
  played: Int16Array;
  playedAtMs: number;
  leadMs?: number;
  /** Frames arrive up to this much late (seeded, in bursts: a late frame delays the ones after it). */
  jitterMs?: number;
}): Promise<PcmFrame[]> {
  const { source, mic, clock, recording, played, playedAtMs } = options;
  const lead = options.leadMs ?? 60;
  const out: PcmFrame[] = [];
  const off = source.on('frame', (frame) => out.push(frame));
  const frames = micFrames(recording);
  const chunk = 480; // 20 ms at 24 kHz
  let next = 0;
  const random = mulberry32(99);
  const start = clock.now();
  for (const [k, frame] of frames.entries()) {
    // Frame k's last sample is captured at (k + 1) · 32 ms; it arrives then, or later with jitter.
    const arrival = start + (k + 1) * MIC_FRAME_MS + (options.jitterMs ? random() * options.jitterMs : 0);
    if (arrival > clock.now()) clock.advance(arrival - clock.now());
    const now = clock.now();
    while (next < played.length && playedAtMs + (next * 1000) / 24_000 <= now + lead) {
      source.pushPlayed({ samples: played.slice(next, next + chunk), playedAtMs: playedAtMs + (next * 1000) / 24_000 });
      next += chunk;
    }
    mic.deliver(frame);
  }
  try {
    await eventually(
      () => out.length,
      (n) => n >= frames.length,
      120_000,
      20,
    );
  } finally {
    off();
  }
  return out;
}

export type ManualClockLike = { now(): number; advance(ms: number): void };

/** Frames back into one signal (float, full scale 1). */
export function joinFrames(frames: PcmFrame[]): Float32Array {
  const out = new Float32Array(frames.length * MIC_FRAME_SAMPLES);
  frames.forEach((f, i) => {
    for (let j = 0; j < f.samples.length; j++) out[i * MIC_FRAME_SAMPLES + j] = f.samples[j]! / 32768;
  });
  return out;
}
