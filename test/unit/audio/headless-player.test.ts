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
