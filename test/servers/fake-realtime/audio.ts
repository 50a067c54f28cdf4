/**
 * PCM16 helpers for the fake server: GA `audio/pcm` is 16-bit signed little-endian mono at
 * 24 kHz, 48,000 bytes/s, base64 inside JSON.
 */

export const SAMPLE_RATE = 24_000;
export const BYTES_PER_MS = 48;
/** Largest decoded audio per `input_audio_buffer.append` (15 MiB). */
export const MAX_APPEND_BYTES = 15 * 1024 * 1024;

export const bytesToMs = (bytes: number): number => bytes / BYTES_PER_MS;
export const msToBytes = (ms: number): number => Math.round((ms * SAMPLE_RATE) / 1000) * 2;

const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Strict standard base64 (Node's decoder silently skips bad characters); `null` if invalid. */
export function decodeBase64Strict(text: string): Buffer | null {
  if (!BASE64_RE.test(text)) return null;
  return Buffer.from(text, 'base64');
}

/** Little-endian PCM16 bytes → samples (copies, so odd offsets are fine). Ignores a trailing odd byte. */
export function bytesToSamples(bytes: Buffer): Int16Array {
  const n = Math.floor(bytes.length / 2);
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = bytes.readInt16LE(i * 2);
  return out;
}

export function samplesToBytes(samples: Int16Array): Buffer {
  const out = Buffer.alloc(samples.length * 2);
  for (let i = 0; i < samples.length; i++) out.writeInt16LE(samples[i] ?? 0, i * 2);
  return out;
}

/** RMS level of a window in dBFS (full-scale square wave = 0 dBFS; digital silence = -Infinity). */
export function rmsDbfs(samples: Int16Array, start = 0, end = samples.length): number {
  let sum = 0;
  for (let i = start; i < end; i++) {
    const v = (samples[i] ?? 0) / 32768;
    sum += v * v;
  }
  const n = end - start;
  if (n <= 0 || sum === 0) return -Infinity;
  return 10 * Math.log10(sum / n);
}

/**
 * A sine tone as PCM16 bytes, with 5 ms linear fades so chunk boundaries never click. The fake's
 * reply audio: `frequencyForItem()` makes each assistant item's tone different.
 */
export function generateTone(durationMs: number, frequencyHz: number, amplitude = 0.25): Buffer {
  const n = Math.max(0, Math.round((durationMs * SAMPLE_RATE) / 1000));
  const fade = Math.min(Math.round(0.005 * SAMPLE_RATE), Math.floor(n / 2));
  const samples = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    const env = fade === 0 ? 1 : Math.min(1, i / fade, (n - 1 - i) / fade);
    samples[i] = Math.round(Math.sin((2 * Math.PI * frequencyHz * i) / SAMPLE_RATE) * amplitude * env * 32767);
  }
  return samplesToBytes(samples);
}

/** 330, 440, 550, ... 880 Hz, cycling: the tone of the n-th assistant audio item of a connection. */
export function frequencyForItem(n: number): number {
  return 330 + (n % 6) * 110;
}

/** Append-only byte store with range reads (the session's input audio, or one item's audio). */
export class PcmStore {
  private chunks: Buffer[] = [];
  private starts: number[] = [];
  private total = 0;

  get bytes(): number {
    return this.total;
  }

  append(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.starts.push(this.total);
    this.chunks.push(chunk);
    this.total += chunk.length;
  }

  /** Bytes in `[start, end)`, clamped to what is stored. */
  slice(start = 0, end = this.total): Buffer {
    start = Math.max(0, Math.min(start, this.total));
    end = Math.max(start, Math.min(end, this.total));
    const parts: Buffer[] = [];
    for (let i = 0; i < this.chunks.length; i++) {
      const chunk = this.chunks[i];
      const cs = this.starts[i];
      if (chunk === undefined || cs === undefined) continue;
      const ce = cs + chunk.length;
      if (ce <= start || cs >= end) continue;
      parts.push(chunk.subarray(Math.max(0, start - cs), Math.min(chunk.length, end - cs)));
    }
    return Buffer.concat(parts);
  }

  /** Keeps only `[0, end)`. */
  truncate(end: number): void {
    const kept = this.slice(0, end);
    this.chunks = kept.length > 0 ? [kept] : [];
    this.starts = kept.length > 0 ? [0] : [];
    this.total = kept.length;
  }
}
