/**
 * Issue 10's test room, condensed and in-process: the canceller's synchronous core (EchoProcessor,
 * the real AEC3) in a 120 ms room, with the self-test's delay as its hint, then reply after reply
 * that the user talks over (echo about -35 dBFS, user about -19 dBFS at the microphone). As in the
 * app, the reply stops shortly after the user starts (barge-in) and the user goes on talking over
 * silence. The running delay estimate must hold the true delay through every burst of double talk,
 * and the echo of the next reply must be cancelled again.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAec3 } from '../../../main/audio/echo/aec3.js';
import { EchoProcessor } from '../../../main/audio/echo/echo-processor.js';
import { MIC_FRAME_SAMPLES, MIC_SAMPLE_RATE } from '../../../main/audio/mic-source.js';
import { requireSpeechTools, synthesize } from '../../helpers/speech.js';
import { db, energy, mulberry32, roomImpulseResponse, type RoomOptions } from '../../helpers/test-room.js';

const SECOND = MIC_SAMPLE_RATE;
const ROOM: RoomOptions = { delayMs: 120, gain: 0.5, rt60Ms: 150, noiseDbfs: -65, seed: 3 };
/** As in the test room: 1.5 s of the reply alone, then the user; the reply stops 300 ms later. */
const ECHO_ONLY = 1.5 * SECOND;
const BARGE_IN = 0.3 * SECOND;
const CYCLES = 8;
/**
 * Levels (speech RMS): the echo's direct sound at about -26 dBFS, the user 16 dB louder, as in the
 * test room (-35 and -19 dBFS). Not -35 itself: in this in-process room AEC3 cancels a -35 dBFS echo
 * by only about 10 dB even at the right delay (README, "What is missing"), which would hide the
 * difference between the right and a wrong delay (0-4 dB).
 */
const PLAYED_DBFS = -20;
const USER_DBFS = -10;
/** ERLE at the right delay here: 17-22 dB over each reply's echo-only second; at a wrong one 0-4 dB. */
const MIN_ERLE_DB = 15;

let dir: string;
let reply: Float32Array;
const users: Float32Array[] = [];

function scaleTo(x: Int16Array, dbfs: number): Float32Array {
  const f = Float32Array.from(x, (v) => v / 32768);
  // The level of the speech itself: the RMS over its 10 ms windows above -50 dBFS.
  let sum = 0;
  let n = 0;
  for (let i = 0; i + 160 <= f.length; i += 160) {
    const e = energy(f, i, i + 160);
    if (e > 1e-5) {
      sum += e;
      n++;
    }
  }
  const g = Math.pow(10, dbfs / 20) / Math.sqrt(sum / Math.max(n, 1));
  return f.map((v) => v * g);
}

beforeAll(async () => {
  requireSpeechTools();
  dir = await mkdtemp(path.join(tmpdir(), 'hearth-double-talk-'));
  const text =
    'The kitchen lights are now on. The living room is twenty one degrees, and the front door is locked. ' +
    'Tomorrow will be sunny with a high of eighteen. I have added milk and eggs to your shopping list. ' +
    'The washing machine has finished. Your next meeting is at three, with the plumber at five. ' +
    'The garage door is closed and the alarm is armed. Is there anything else I can do for you?';
  reply = scaleTo(await synthesize(dir, { id: 'reply', text, voice: 'en-us', speed: 170 }, 0), PLAYED_DBFS);
  const commands = ['Stop, turn off the kitchen lights.', 'What is the weather tomorrow?', 'Lock the back door please.'];
  for (const [i, t] of commands.entries()) {
    users.push(scaleTo(await synthesize(dir, { id: `user${i}`, text: t, voice: 'en-gb', speed: 160 }, 0), USER_DBFS));
  }
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

type Cycle = { replyAt: number; userAt: number; end: number };

async function talkOver(delayHintMs: number | null): Promise<void> {
  {
    // The timeline: a reply, the user over it, the reply cut, the user to the end, a pause.
    const cycles: Cycle[] = [];
    let t = SECOND; // one second of silence first
    let replyOffset = 0;
    // The first reply plays out uninterrupted for 5 s, so the canceller converges.
    const firstLength = 5 * SECOND;
    const pieces: Array<{ at: number; x: Float32Array; ref: boolean }> = [];
    pieces.push({ at: t, x: reply.subarray(0, firstLength), ref: true });
    replyOffset = firstLength;
    t += firstLength + SECOND / 2;
    for (let c = 0; c < CYCLES; c++) {
      const user = users[c % users.length]!;
      const replyLength = ECHO_ONLY + BARGE_IN;
      if (replyOffset + replyLength > reply.length) replyOffset = 0;
      pieces.push({ at: t, x: reply.subarray(replyOffset, replyOffset + replyLength), ref: true });
      replyOffset += replyLength;
      const userAt = t + ECHO_ONLY;
      pieces.push({ at: userAt, x: user, ref: false });
      const end = userAt + user.length;
      cycles.push({ replyAt: t, userAt, end });
      t = end + 0.6 * SECOND;
    }
    // A last reply alone, to measure the cancellation after the last burst.
    pieces.push({ at: t, x: reply.subarray(0, 3 * SECOND), ref: true });
    cycles.push({ replyAt: t, userAt: t + 3 * SECOND, end: t + 3 * SECOND });
    const total = Math.ceil((t + 4 * SECOND) / MIC_FRAME_SAMPLES) * MIC_FRAME_SAMPLES;

    const ref = new Float32Array(total);
    const mic = new Float32Array(total);
    for (const p of pieces) if (p.ref) ref.set(p.x, p.at);
    for (const tap of roomImpulseResponse(ROOM)) {
      for (let i = 0; i + tap.delay < total; i++) mic[i + tap.delay]! += tap.gain * ref[i]!;
    }
    for (const p of pieces) if (!p.ref) for (let i = 0; i < p.x.length; i++) mic[p.at + i]! += p.x[i]!;
    const random = mulberry32(11);
    const noise = Math.pow(10, (ROOM.noiseDbfs ?? -65) / 20) * Math.sqrt(3);
    for (let i = 0; i < total; i++) mic[i]! += noise * (2 * random() - 1);

    const processor = new EchoProcessor(await loadAec3(), { delayHintMs });
    const out = new Float32Array(total);
    const delays: number[] = [];
    const frame = new Int16Array(MIC_FRAME_SAMPLES);
    for (let i = 0; i < total; i += MIC_FRAME_SAMPLES) {
      // The player reports what it played; the microphone frame captured over the same span follows.
      processor.pushRender(ref.slice(i, i + MIC_FRAME_SAMPLES), (i * 1000) / SECOND);
      for (let j = 0; j < MIC_FRAME_SAMPLES; j++) frame[j] = Math.max(-32768, Math.min(32767, Math.round(mic[i + j]! * 32768)));
      const o = processor.processFrame(frame, (i * 1000) / SECOND);
      for (let j = 0; j < MIC_FRAME_SAMPLES; j++) out[i + j] = o[j]! / 32768;
      delays.push(processor.delayMs ?? Number.NaN);
    }
    processor.dispose();

    // ERLE over each reply's echo-only part after the first 0.5 s (the output lags by 256 samples).
    const L = processor.latencySamples;
    const erles = cycles.map((c) => {
      const from = c.replyAt + SECOND / 2;
      const to = c.userAt;
      return db(energy(mic, from, to) / energy(out, from + L, to + L));
    });
    // From the end of the first reply on (without a hint the estimator needs its first 3 s).
    const wrong = delays.slice(Math.ceil((6 * SECOND) / MIC_FRAME_SAMPLES)).filter((d) => !(Math.abs(d - 120) <= 5));
    console.info(
      `double talk: ERLE per reply ${erles.map((e) => e.toFixed(1)).join(', ')} dB; ` +
        `delay estimates seen ${[...new Set(delays.map((d) => Math.round(d)))].join(', ')} ms`,
    );
    expect(wrong).toEqual([]);
    for (const e of erles) expect(e).toBeGreaterThanOrEqual(MIN_ERLE_DB);
  }
}

describe('EchoProcessor under repeated double talk (issue 10)', () => {
  it(`holds the self-test's 120 ms (± 5 ms) through ${CYCLES} replies talked over, and cancels each next reply`, async () => {
    await talkOver(120.4);
  }, 90_000);

  it(`without a self-test, holds the 120 ms it found (± 5 ms) through ${CYCLES} replies talked over`, async () => {
    await talkOver(null);
  }, 90_000);
});
