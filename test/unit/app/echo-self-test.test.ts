import { describe, expect, it } from 'vitest';
import { runEchoSelfTest, placeOnTimeline } from '../../../main/app/echo-self-test.js';
import { HeadlessPlayer } from '../../../main/audio/headless-player.js';
import { MIC_FRAME_SAMPLES } from '../../../main/audio/mic-source.js';
import type { PlayedAudio } from '../../../main/audio/echo/echo-types.js';
import { FakeMicSource } from '../../fakes/fake-mic-source.js';
import { fakeEchoEngine, testChirp } from '../../fakes/fake-echo-canceller.js';
import { ManualClock } from '../../fakes/manual-clock.js';

/**
 * A room on the manual clock: every 32 ms the microphone delivers what the player played `delayMs`
 * earlier (16 kHz, from the 24 kHz played reference by nearest sample), at half level.
 */
async function room(delayMs: number) {
  const clock = new ManualClock();
  clock.advance(10_000);
  const player = await HeadlessPlayer.create({ clock });
  const mic = new FakeMicSource();
  await mic.start();
  const played: PlayedAudio[] = [];
  player.on('played', (audio) => played.push(audio));
  const soundAt = (ms: number): number => {
    for (const piece of played) {
      const index = Math.floor(((ms - piece.playedAtMs) * 24_000) / 1000);
      if (index >= 0 && index < piece.samples.length) return piece.samples[index]! >> 1;
    }
    return 0;
  };
  let running = true;
  const tick = () => {
    if (!running) return;
    const end = clock.now();
    const frame = new Int16Array(MIC_FRAME_SAMPLES);
    for (let i = 0; i < frame.length; i++) frame[i] = soundAt(end - 32 + (i * 1000) / 16_000 - delayMs);
    mic.pushSamples(frame);
    clock.setTimeout(tick, 32);
  };
  clock.setTimeout(tick, 32);
  return { clock, player, mic, stop: () => (running = false) };
}

describe('echo self-test', () => {
  it('hands the measurement a reference and a recording aligned by the clock: the room delay comes back', async () => {
    const { clock, player, mic, stop } = await room(120);
    const engine = fakeEchoEngine(undefined, { signal: testChirp(1) });
    const done = runEchoSelfTest({ mic, player, clock, signal: engine.selfTest.signal(), measure: engine.selfTest.measure });
    for (let i = 0; i < 100 && engine.measured.length === 0; i++) {
      clock.advance(32);
      await Promise.resolve();
    }
    stop();
    const run = await done;
    expect(run).toMatchObject({ ok: true, measurement: { recommended: 'full' } });
    const { played24k, recorded16k } = engine.measured[0]!;
    // 1 s of signal and 1 s of tail, recorded (stream time), and the reference on the same time line.
    expect(recorded16k.length).toBeGreaterThanOrEqual(32_000);
    expect(Math.abs(played24k.length - (recorded16k.length * 3) / 2)).toBeLessThanOrEqual(1);
    expect(run.ok && run.measurement.delayMs).toBeGreaterThanOrEqual(119);
    expect(run.ok && run.measurement.delayMs).toBeLessThanOrEqual(121);
    expect(player.isPlaying).toBe(false);
  });

  it('answers as data: muted, no microphone running, a microphone that sends nothing', async () => {
    const { clock, player, mic, stop } = await room(50);
    stop();
    const engine = fakeEchoEngine();
    const deps = { mic, player, clock, signal: testChirp(1), measure: engine.selfTest.measure };
    await mic.setMuted(true);
    expect(await runEchoSelfTest(deps)).toMatchObject({ ok: false, failure: 'mic-muted' });
    await mic.setMuted(false);
    await mic.stop();
    expect(await runEchoSelfTest(deps)).toMatchObject({ ok: false, failure: 'no-mic' });
    await mic.start();
    const silent = runEchoSelfTest(deps); // running, but no frame ever comes
    clock.advance(3_100);
    expect(await silent).toMatchObject({ ok: false, failure: 'no-mic', message: expect.stringMatching(/no sound/) });
    expect(engine.measured).toEqual([]);
  });

  it('places played pieces on the recording time line, clipping what started before it', () => {
    const out = placeOnTimeline(
      [
        { samples: Int16Array.of(1, 2, 3), playedAtMs: 1000 - 1 / 24 },
        { samples: Int16Array.of(7, 8), playedAtMs: 1000 + 4 / 24 },
      ],
      1000,
      8,
    );
    expect([...out]).toEqual([2, 3, 0, 0, 7, 8, 0, 0]);
  });
});
