/**
 * Playback is really audible: headless Chromium (without Playwright's --mute-audio) plays into the
 * PulseAudio null sink of test/helpers/virtual-mic.ts, and `parec` records the sink's monitor. The tone
 * must be there at its amplitude, stop within 50 ms of a flush, and last exactly as long as the player
 * says it played (what barge-in truncation reports to the server).
 *
 * Needs the Debian packages chromium, pulseaudio and pulseaudio-utils.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlayerPage, type PlayerPage } from '../../helpers/chromium.js';
import { loudSpan, startVirtualMic, type VirtualMic } from '../../helpers/virtual-mic.js';

const CAPTURE_RATE = 16_000; // the null sink's rate
const AMPLITUDE = 8_000;

function tone(samples: number, hz = 440): Int16Array {
  const out = new Int16Array(samples);
  for (let i = 0; i < samples; i++) out[i] = Math.round(AMPLITUDE * Math.sin((2 * Math.PI * hz * i) / 24_000));
  return out;
}

function rms(samples: Int16Array): number {
  let sum = 0;
  for (const v of samples) sum += v * v;
  return samples.length === 0 ? 0 : Math.sqrt(sum / samples.length);
}

describe('audible playback into a PulseAudio sink', () => {
  let vmic: VirtualMic;
  let h: PlayerPage;

  beforeAll(async () => {
    vmic = await startVirtualMic();
    h = await startPlayerPage({ launch: { audioEnv: vmic.env } });
  });
  afterAll(async () => {
    await h?.close();
    await vmic?.stop();
  });

  it('the tone is heard at its amplitude and stops within 50 ms of a flush, as long as reported', async () => {
    const capture = vmic.recordSink();
    for (let i = 0; i < 100 && capture.samples() < CAPTURE_RATE * 0.3; i++) await sleep(20); // 300 ms of silence first
    const audio = tone(24_000 * 3);
    const enqueuedAt = performance.now();
    for (let i = 0; i < 30; i++) h.player.enqueue('item_tone', audio.subarray(i * 2_400, (i + 1) * 2_400));
    await sleep(1_000);
    const flushedAt = performance.now();
    const position = await h.player.flush();
    await sleep(500);
    const recorded = await capture.stop();

    // Edges: the first and last samples beyond half the amplitude (a 440 Hz sine gets there within 0.6 ms).
    const loud = (v: number) => Math.abs(v) > AMPLITUDE / 2;
    const { start, end } = loudSpan(recorded, AMPLITUDE / 2);
    expect(start, 'the tone never reached the sink').toBeGreaterThan(0);
    // Gaps inside the tone: 5 ms windows without a loud sample. They come from the output device running
    // dry (Chromium's audio thread starved of CPU: PulseAudio plays silence, then the stream continues
    // late), not from the player. They are measured: taken out of the heard duration, and allowed for in
    // the stop time (each lost millisecond shifts the stream against the wall clock). None on an idle machine.
    const window = CAPTURE_RATE / 200;
    let gapSamples = 0;
    const toneWindows: Int16Array[] = [];
    for (let at = start; at + window <= end; at += window) {
      const samples = recorded.subarray(at, at + window);
      if (samples.some(loud)) toneWindows.push(samples);
      else gapSamples += window;
    }
    const ms = (samples: number) => (samples * 1000) / CAPTURE_RATE;
    const spanMs = ms(end + 1 - start);
    const gapsMs = ms(gapSamples);
    const heardMs = spanMs - gapsMs;
    const playedMs = (position!.playedSamples * 1000) / 24_000;
    const flushAfterMs = flushedAt - enqueuedAt;
    const toneRms = rms(Int16Array.from(toneWindows.flatMap((w) => [...w])));
    const before = rms(recorded.subarray(0, start - 160));
    const after = rms(recorded.subarray(end + 160));
    const context = JSON.stringify({ spanMs, gapsMs, heardMs, playedMs, flushAfterMs, toneRms, before, after });

    expect(position?.itemId).toBe('item_tone');
    // Silence before, the tone at its amplitude (8000 / √2 = 5657 RMS), silence after.
    expect(before, context).toBeLessThan(50);
    expect(toneRms, context).toBeGreaterThan(0.8 * (AMPLITUDE / Math.SQRT2));
    expect(after, context).toBeLessThan(50);
    // It stopped within 50 ms of the flush: from its first to its last sample the tone lasted as long as
    // the flush came after the enqueue (both edges cross the same output path, so its latency cancels).
    expect(Math.abs(spanMs - flushAfterMs), context).toBeLessThanOrEqual(50 + gapsMs);
    // What the player reported as played is what was heard (barge-in truncation needs 20 ms).
    expect(Math.abs(heardMs - playedMs), context).toBeLessThanOrEqual(20);
  });
});
