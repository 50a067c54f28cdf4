import { describe, expect, it } from 'vitest';
import {
  decodeMicFrame,
  decodePageMicMessage,
  decodeServerMicMessage,
  encodeMicFrame,
  encodeMicMessage,
  PAGE_MIC_FRAME_BYTES,
} from '../../../preload/contract/mic-wire.js';

describe('the page microphone wire format', () => {
  it('round-trips a frame', () => {
    const samples = Int16Array.from({ length: 512 }, (_, i) => ((i * 97) % 65536) - 32768);
    const bytes = encodeMicFrame(7, samples);
    expect(bytes.length).toBe(PAGE_MIC_FRAME_BYTES);
    const decoded = decodeMicFrame(bytes);
    expect(decoded?.seq).toBe(7);
    expect([...decoded!.samples]).toEqual([...samples]);
  });

  it('drops binary messages that are not exactly one frame', () => {
    const good = encodeMicFrame(1, new Int16Array(512));
    expect(decodeMicFrame(good.subarray(0, good.length - 2))).toBeNull();
    const wrongMagic = good.slice();
    wrongMagic[0] = 0x7b;
    expect(decodeMicFrame(wrongMagic)).toBeNull();
    expect(decodeMicFrame(new Uint8Array(0))).toBeNull();
    expect(() => encodeMicFrame(1, new Int16Array(100))).toThrow(RangeError);
  });

  it('accepts only the one capture format and ignores the player protocol', () => {
    expect(decodePageMicMessage(encodeMicMessage({ type: 'mic-start', sampleRate: 16_000, frameSamples: 512 }))).toEqual({
      type: 'mic-start',
      sampleRate: 16_000,
      frameSamples: 512,
    });
    expect(decodePageMicMessage('{"type":"mic-start","sampleRate":48000,"frameSamples":512}')).toBeNull();
    expect(decodePageMicMessage(encodeMicMessage({ type: 'mic-stop' }))).toEqual({ type: 'mic-stop' });
    expect(decodePageMicMessage('{"type":"pong","id":0,"frame":1,"wallMs":2}')).toBeNull();
    expect(decodePageMicMessage('{"type":"mic-start",')).toBeNull();
    expect(decodeServerMicMessage(encodeMicMessage({ type: 'mic-busy', owner: 'Kitchen tablet' }))).toEqual({
      type: 'mic-busy',
      owner: 'Kitchen tablet',
    });
    expect(decodeServerMicMessage('{"type":"mic-busy","owner":3}')).toBeNull();
    expect(decodeServerMicMessage(new ArrayBuffer(4))).toBeNull();
  });
});
