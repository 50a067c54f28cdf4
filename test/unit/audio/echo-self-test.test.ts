/** The echo self-test's measurement, on recordings of the test room (no device, no worker). */
import { describe, expect, it } from 'vitest';
import { FULL_DUPLEX_MIN_ERLE_DB, measureEchoPath, selfTestSignal } from '../../../main/audio/echo/echo-self-test.js';
import { MIC_SAMPLE_RATE } from '../../../main/audio/mic-source.js';
import { PLAYER_SAMPLE_RATE } from '../../../main/audio/player.js';
import { mulberry32, recordRoom, type RoomOptions } from '../../helpers/test-room.js';

const signal = selfTestSignal();

async function measure(room: RoomOptions) {
  const recording = await recordRoom({ room, played: signal, lengthSamples: Math.round(5.5 * MIC_SAMPLE_RATE) });
  return measureEchoPath(signal, recording.mic);
}

describe('selfTestSignal', () => {
  it('is about 4 s at 24 kHz, loud enough to measure and never clipping', () => {
    expect(signal.length).toBe(4 * PLAYER_SAMPLE_RATE);
    let peak = 0;
    let sum = 0;
    for (const s of signal) {
      peak = Math.max(peak, Math.abs(s));
      sum += s * s;
    }
    expect(peak).toBeLessThan(32_000);
    const rmsDbfs = 10 * Math.log10(sum / signal.length / 32768 ** 2);
    expect(rmsDbfs).toBeGreaterThan(-30);
    expect(rmsDbfs).toBeLessThan(-10);
    expect(selfTestSignal()).toEqual(signal); // deterministic
  });
});

describe('measureEchoPath', () => {
  it('a speaker 60 ms away: the delay, the echo level, and full duplex with the ERLE that justifies it', async () => {
    const m = await measure({ delayMs: 60, gain: 0.5 });
    expect(m.delayMs).toBeGreaterThanOrEqual(59);
    expect(m.delayMs).toBeLessThanOrEqual(61);
    expect(m.echoLevelDb).toBeGreaterThan(-8);
    expect(m.echoLevelDb).toBeLessThan(-2); // direct gain 0.5 (-6 dB) plus the reflections
    expect(m.erleDb).toBeGreaterThanOrEqual(FULL_DUPLEX_MIN_ERLE_DB);
    expect(m.erleFirstSecondDb).toEqual(expect.any(Number));
    expect(m).toMatchObject({ recommended: 'full', reason: 'cancelled' });
  });

  it('a Bluetooth speaker 800 ms away is still in range', async () => {
    const m = await measure({ delayMs: 800, gain: 0.5, seed: 2 });
    expect(Math.abs(m.delayMs! - 800)).toBeLessThanOrEqual(1);
    expect(m).toMatchObject({ recommended: 'full', reason: 'cancelled' });
  });

  it('beyond 1000 ms: delay-out-of-range, half duplex', async () => {
    const m = await measure({ delayMs: 1100, gain: 0.5 });
    expect(Math.abs(m.delayMs! - 1100)).toBeLessThanOrEqual(1);
    expect(m).toMatchObject({ erleDb: null, recommended: 'half', reason: 'delay-out-of-range' });
  });

  it('a headset (only room noise comes back): no-echo, full duplex', async () => {
    const m = await measure({ delayMs: 60, gain: 0, noiseDbfs: -50 });
    expect(m).toEqual({ delayMs: null, echoLevelDb: null, erleDb: null, erleFirstSecondDb: null, recommended: 'full', reason: 'no-echo' });
  });

  it('a silent microphone (muted, unplugged): no-signal, half duplex', async () => {
    const m = await measureEchoPath(signal, new Int16Array(5 * MIC_SAMPLE_RATE));
    expect(m).toMatchObject({ delayMs: null, recommended: 'half', reason: 'no-signal' });
  });

  it('an overdriven speaker that makes the microphone clip: too-much-echo, half duplex', async () => {
    const m = await measure({ delayMs: 60, gain: 2, drive: 8 });
    expect(m.echoLevelDb).toBeGreaterThan(10);
    expect(m).toMatchObject({ recommended: 'half', reason: 'too-much-echo' });
  });

  it('lets the event loop run while it analyses (in slices of half a second of audio)', async () => {
    const recording = await recordRoom({ room: { delayMs: 60 }, played: signal, lengthSamples: 5 * MIC_SAMPLE_RATE });
    let turns = 0;
    let running = true;
    const spin = (): void => {
      turns++;
      if (running) setImmediate(spin);
    };
    setImmediate(spin);
    await measureEchoPath(signal, recording.mic);
    running = false;
    // 5 s of recording = 156 frames: at least 9 slices, each letting the loop turn.
    expect(turns).toBeGreaterThanOrEqual(9);
  });

  it('bad input gives an answer, never a throw: empty arrays, noise for both', async () => {
    await expect(measureEchoPath(new Int16Array(0), new Int16Array(0))).resolves.toMatchObject({ reason: 'no-signal' });
    const random = mulberry32(5);
    const noise = Int16Array.from({ length: 16_000 }, () => Math.round((random() * 2 - 1) * 3000));
    await expect(measureEchoPath(signal, noise)).resolves.toMatchObject({ reason: 'no-echo' });
  });
});
