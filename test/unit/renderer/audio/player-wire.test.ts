import { describe, expect, it } from 'vitest';
import { decodeMainToWorklet, decodeWorkletToMain, encodeWireMessage } from '../../../../preload/contract/player-wire.js';

describe('player wire format', () => {
  it('round-trips a chunk through a binary frame into an exactly sized, aligned buffer', () => {
    const pcm = Int16Array.from([1, -2, 32_767, -32_768, 0]);
    const frame = encodeWireMessage({ type: 'chunk', itemId: 'itém', pcm: pcm.slice().buffer, seq: 12 }) as Uint8Array;
    // Decode from a view at an odd offset, as a socket library may hand it over.
    const padded = new Uint8Array(frame.length + 1);
    padded.set(frame, 1);
    const decoded = decodeMainToWorklet(padded.subarray(1));
    expect(decoded).toMatchObject({ type: 'chunk', itemId: 'itém', seq: 12 });
    const out = (decoded as { pcm: ArrayBuffer }).pcm;
    expect(out.byteLength).toBe(10);
    expect([...new Int16Array(out)]).toEqual([...pcm]);
  });

  it('rejects frames that are not valid messages for their direction', () => {
    expect(decodeMainToWorklet('{"type":"flush","requestId":1}')).toEqual({ type: 'flush', requestId: 1 });
    expect(decodeMainToWorklet('{"type":"progress"}')).toBeNull();
    expect(decodeMainToWorklet('{"type":"chunk","itemId":"a","seq":1}')).toBeNull(); // chunks are binary
    expect(decodeMainToWorklet('nope')).toBeNull();
    expect(decodeMainToWorklet(new Uint8Array([1, 0]))).toBeNull();
    expect(decodeMainToWorklet(new Uint8Array([200, 0, 0, 0, 1]))).toBeNull();
    const header = new TextEncoder().encode('{"type":"chunk","itemId":5,"seq":1}');
    const bad = new Uint8Array(4 + header.length);
    new DataView(bad.buffer).setUint32(0, header.length, true);
    bad.set(header, 4);
    expect(decodeMainToWorklet(bad)).toBeNull();
    expect(decodeWorkletToMain('{"type":"drained","itemId":"a","lastSeq":1}')).toEqual({ type: 'drained', itemId: 'a', lastSeq: 1 });
    expect(decodeWorkletToMain('{"type":"flush","requestId":1}')).toBeNull();
    expect(decodeWorkletToMain('[1,2]')).toBeNull();
  });
});
