import { describe, expect, it } from 'vitest';
import { PageMicSource } from '../../../main/audio/page-mic-source.js';
import type { PcmFrame } from '../../../main/audio/mic-source.js';

describe('PageMicSource', () => {
  it('emits 512-sample frames 32 ms apart while running and unmuted, and drops anything else', async () => {
    const mic = new PageMicSource();
    const frames: PcmFrame[] = [];
    mic.on('frame', (f) => frames.push(f));
    mic.push(new Int16Array(512)); // before start
    await mic.start();
    expect(mic.status).toBe('running');
    mic.push(new Int16Array(512).fill(1));
    mic.push(new Int16Array(100)); // not a frame
    mic.push(new Int16Array(512).fill(2));
    await mic.setMuted(true);
    mic.push(new Int16Array(512).fill(3));
    await mic.setMuted(false);
    mic.push(new Int16Array(512).fill(4));
    await mic.stop();
    mic.push(new Int16Array(512).fill(5));
    expect(frames.map((f) => [f.samples[0], f.timestampMs])).toEqual([
      [1, 0],
      [2, 32],
      [4, 64],
    ]);
  });

  it('drops what a page sends faster than a microphone can, beyond a 2 s burst', async () => {
    let now = 0;
    const mic = new PageMicSource({ now: () => now });
    let frames = 0;
    mic.on('frame', () => frames++);
    await mic.start();
    for (let i = 0; i < 1000; i++) mic.push(new Int16Array(512)); // a flood at one instant
    expect(frames).toBe(63); // the burst: 2 s of frames
    expect(mic.dropped).toBe(1000 - 63);
    // Then real time: every frame passes.
    frames = 0;
    for (let i = 0; i < 500; i++) {
      now += 32;
      mic.push(new Int16Array(512));
    }
    expect(frames).toBe(500);
  });
});
