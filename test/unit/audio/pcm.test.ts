import { describe, expect, it } from 'vitest';
import { AudioBatcher } from '../../../main/audio/audio-batcher.js';
import { base64ToInt16, float32ToInt16, int16ToBase64, int16ToFloat32 } from '../../../main/audio/pcm.js';

describe('pcm helpers', () => {
  it('round-trips PCM16 through base64 little-endian', () => {
    const samples = Int16Array.from([0, 1, -1, 32767, -32768, 1234]);
    const text = int16ToBase64(samples);
    expect(Buffer.from(text, 'base64')).toEqual(Buffer.from([0, 0, 1, 0, 255, 255, 255, 127, 0, 128, 210, 4]));
    expect(Array.from(base64ToInt16(text)!)).toEqual(Array.from(samples));
  });

  it('decodes base64 from an odd byte offset without misalignment', () => {
    const text = int16ToBase64(Int16Array.from([5, 6, 7]));
    // Decode many times so Buffer's pool puts some at odd offsets.
    for (let i = 0; i < 50; i++) Buffer.from('x'.repeat(i + 1));
    expect(Array.from(base64ToInt16(text)!)).toEqual([5, 6, 7]);
  });

  it('rejects malformed base64 and odd byte counts', () => {
    expect(base64ToInt16('not base64!')).toBeNull();
    expect(base64ToInt16(Buffer.from([1, 2, 3]).toString('base64'))).toBeNull();
  });

  it('converts int16 ↔ float32 with clipping', () => {
    expect(Array.from(int16ToFloat32(Int16Array.from([-32768, 0, 16384])))).toEqual([-1, 0, 0.5]);
    expect(Array.from(float32ToInt16(Float32Array.from([-2, -1, 0, 0.5, 2])))).toEqual([-32768, -32768, 0, 16384, 32767]);
  });
});

describe('AudioBatcher', () => {
  it('emits batches of at least the minimum and keeps the remainder', () => {
    const batcher = new AudioBatcher(480);
    expect(batcher.push(new Int16Array(300))).toBeNull();
    const batch = batcher.push(new Int16Array(300));
    expect(batch?.length).toBe(600);
    expect(batcher.pendingSamples).toBe(0);
    expect(batcher.push(new Int16Array(768))?.length).toBe(768);
  });

  it('keeps sample order across chunks', () => {
    const batcher = new AudioBatcher(4);
    batcher.push(Int16Array.from([1, 2]));
    expect(Array.from(batcher.push(Int16Array.from([3, 4, 5]))!)).toEqual([1, 2, 3, 4, 5]);
  });
});
