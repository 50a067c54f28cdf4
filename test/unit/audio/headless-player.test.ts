import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HeadlessPlayer } from '../../../main/audio/headless-player.js';
import { readWavFile } from '../../../main/audio/wav.js';
import { ManualClock } from '../../fakes/manual-clock.js';

const ms = (n: number) => (n * 24_000) / 1000;

describe('HeadlessPlayer', () => {
  it('plays in real time and reports exactly what was played at a flush', async () => {
    const clock = new ManualClock();
    const player = await HeadlessPlayer.create({ clock });
    const started: string[] = [];
    player.on('started', (id) => started.push(id));
    player.enqueue('item_a', new Int16Array(ms(1000)));
    expect(player.isPlaying).toBe(true);
    clock.advance(250);
    expect(started).toEqual(['item_a']);
    expect(player.playedSamples('item_a')).toBe(ms(250));
    clock.advance(3.5);
    const position = await player.flush();
    // Exact to the sample at the moment of the flush, not to the last tick.
    expect(position).toEqual({ itemId: 'item_a', playedSamples: ms(253.5) });
    expect(player.isPlaying).toBe(false);
    clock.advance(500);
    expect(player.playedSamples('item_a')).toBe(ms(253.5));
  });

  it('emits drained after the last sample, and counts underruns of a late feed', async () => {
    const clock = new ManualClock();
    const player = await HeadlessPlayer.create({ clock });
    const drained: string[] = [];
    const underruns: number[] = [];
    player.on('drained', (id) => drained.push(id));
    player.on('underrun', (n) => underruns.push(n));
    player.enqueue('item_a', new Int16Array(ms(100)));
    clock.advance(120);
    expect(drained).toEqual(['item_a']);
    player.enqueue('item_a', new Int16Array(ms(100)));
    expect(underruns).toEqual([1]);
    clock.advance(120);
    expect(player.playedSamples('item_a')).toBe(ms(200));
  });

  it('waits for the pre-buffer, or starts anyway after the pre-buffer time', async () => {
    const clock = new ManualClock();
    const player = await HeadlessPlayer.create({ clock, prebufferMs: 100 });
    player.enqueue('item_a', new Int16Array(ms(40)));
    clock.advance(50);
    expect(player.playedSamples('item_a')).toBe(0);
    clock.advance(60);
    clock.advance(20);
    expect(player.playedSamples('item_a')).toBeGreaterThan(0);
  });

  it('writes exactly the played samples to the WAV file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hearth-player-'));
    const path = join(dir, 'out.wav');
    const clock = new ManualClock();
    const player = await HeadlessPlayer.create({ clock, wavPath: path });
    const tone = new Int16Array(ms(500)).map((_, i) => (i % 100) * 10);
    player.enqueue('item_a', tone);
    clock.advance(200);
    await player.flush();
    player.enqueue('item_b', new Int16Array(ms(100)).fill(7));
    clock.advance(200);
    await player.close();
    const wav = await readWavFile(path);
    expect(wav.sampleRate).toBe(24_000);
    expect(wav.samples.length).toBe(ms(200) + ms(100));
    expect(Array.from(wav.samples.subarray(0, 200))).toEqual(Array.from(tone.subarray(0, 200)));
    expect(wav.samples[wav.samples.length - 1]).toBe(7);
  });
});

describe('HeadlessPlayer: the played reference', () => {
  it('emits exactly the samples it plays, in order, each piece stamped with the clock time of its first sample', async () => {
    const clock = new ManualClock();
    clock.advance(1_000);
    const player = await HeadlessPlayer.create({ clock });
    const pieces: Array<{ samples: Int16Array; playedAtMs: number }> = [];
    player.on('played', (audio) => pieces.push(audio));
    const a = Int16Array.from({ length: ms(150) }, (_, i) => (i % 1000) + 1);
    const b = Int16Array.from({ length: ms(100) }, (_, i) => -((i % 1000) + 1));
    player.enqueue('item_a', a);
    player.enqueue('item_b', b);
    clock.advance(400);
    const all = new Int16Array(pieces.reduce((n, p) => n + p.samples.length, 0));
    let at = 0;
    for (const piece of pieces) {
      // Each piece starts where the previous one ended, in samples and in time.
      expect(piece.playedAtMs).toBeCloseTo(1_000 + (at * 1000) / 24_000, 6);
      all.set(piece.samples, at);
      at += piece.samples.length;
    }
    expect([...all]).toEqual([...a, ...b]);
    expect(pieces.length).toBeGreaterThan(2);
  });

  it('stops the reference at a flush and stamps the next run from its own start', async () => {
    const clock = new ManualClock();
    const player = await HeadlessPlayer.create({ clock });
    const pieces: Array<{ length: number; playedAtMs: number }> = [];
    player.on('played', (audio) => pieces.push({ length: audio.samples.length, playedAtMs: audio.playedAtMs }));
    player.enqueue('a', new Int16Array(ms(1000)).fill(7));
    clock.advance(105);
    await player.flush();
    const beforeFlush = pieces.reduce((n, p) => n + p.length, 0);
    expect(beforeFlush).toBe(ms(105));
    clock.advance(500);
    expect(pieces.reduce((n, p) => n + p.length, 0)).toBe(beforeFlush);
    player.enqueue('b', new Int16Array(ms(50)).fill(9));
    clock.advance(100);
    const after = pieces.filter((p) => p.playedAtMs >= 605);
    expect(after[0]!.playedAtMs).toBe(605);
    expect(after.reduce((n, p) => n + p.length, 0)).toBe(ms(50));
  });
});
