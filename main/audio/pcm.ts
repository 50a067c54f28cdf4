/**
 * PCM16 helpers. Every platform we ship on (x64, arm64) is little-endian, which is also the byte
 * order of the Realtime API's `audio/pcm`, so Int16Array views over the bytes are used directly.
 */

export function int16ToFloat32(input: Int16Array, output = new Float32Array(input.length)): Float32Array {
  for (let i = 0; i < input.length; i++) output[i] = input[i]! / 32768;
  return output;
}

export function float32ToInt16(input: Float32Array, output = new Int16Array(input.length)): Int16Array {
  for (let i = 0; i < input.length; i++) {
    const v = Math.round(input[i]! * 32768);
    output[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
  }
  return output;
}

export function int16ToBase64(samples: Int16Array): string {
  return Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength).toString('base64');
}

/** A copy of the samples' bytes, for writes that complete later (the caller may reuse its array). */
export function int16ToBytes(samples: Int16Array): Buffer {
  return Buffer.from(samples.buffer.slice(samples.byteOffset, samples.byteOffset + samples.byteLength));
}

/** Decodes base64 PCM16; returns null when the text is not valid base64 of whole samples. */
export function base64ToInt16(text: string): Int16Array | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 === 1) return null;
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length % 2 !== 0) return null;
  // Copy into a fresh, aligned buffer: Buffer's pooled memory may start at an odd offset.
  const out = new Int16Array(bytes.length / 2);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

export function samplesToMs(samples: number, sampleRate: number): number {
  return (samples * 1000) / sampleRate;
}

export function msToSamples(ms: number, sampleRate: number): number {
  return Math.round((ms * sampleRate) / 1000);
}

export function concatInt16(chunks: readonly Int16Array[]): Int16Array {
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const out = new Int16Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}
