/**
 * Web mode: a page's microphone on its audio socket (/api/audio), beside the player protocol
 * (player-wire.ts). Standard library only (page and Node).
 *
 *   page → server  text   {"type":"mic-start","sampleRate":16000,"frameSamples":512,"name":"Kitchen"}   capture runs
 *                  text   {"type":"mic-stop"}                                          capture ended
 *                  binary "HMIC", u32 LE sequence number, then 512 Int16 LE samples at 16 kHz (1032 bytes)
 *   server → page  text   {"type":"mic-busy","owner":"…"}   a wake word here, but another device owns the conversation
 *
 * The player protocol never sends binary frames from the page, so a binary frame on this socket is a
 * microphone frame or nothing (anything else is dropped).
 */

export const PAGE_MIC_SAMPLE_RATE = 16_000;
export const PAGE_MIC_FRAME_SAMPLES = 512;
const MAGIC = [0x48, 0x4d, 0x49, 0x43]; // "HMIC"
const HEADER_BYTES = 8;
export const PAGE_MIC_FRAME_BYTES = HEADER_BYTES + PAGE_MIC_FRAME_SAMPLES * 2;

/** `name`: what other devices are told ("busy in <name>"), set on the page (at most 40 characters). */
export type MicStartMessage = { type: 'mic-start'; sampleRate: number; frameSamples: number; name?: string };
export type MicStopMessage = { type: 'mic-stop' };
export type PageToServerMicMessage = MicStartMessage | MicStopMessage;
export type MicBusyMessage = { type: 'mic-busy'; owner: string };
export type ServerToPageMicMessage = MicBusyMessage;

export type MicFrame = { seq: number; samples: Int16Array };

/** One frame of 512 samples as a binary WebSocket message. */
export function encodeMicFrame(seq: number, samples: Int16Array): Uint8Array {
  if (samples.length !== PAGE_MIC_FRAME_SAMPLES) throw new RangeError(`a microphone frame has ${PAGE_MIC_FRAME_SAMPLES} samples`);
  const bytes = new Uint8Array(PAGE_MIC_FRAME_BYTES);
  bytes.set(MAGIC, 0);
  const view = new DataView(bytes.buffer);
  view.setUint32(4, seq >>> 0, true);
  for (let i = 0; i < samples.length; i++) view.setInt16(HEADER_BYTES + i * 2, samples[i]!, true);
  return bytes;
}

/** A binary message from a page: the frame, or null when it is not exactly one microphone frame. */
export function decodeMicFrame(data: ArrayBuffer | ArrayBufferView): MicFrame | null {
  const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (bytes.length !== PAGE_MIC_FRAME_BYTES) return null;
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC[i]) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const samples = new Int16Array(PAGE_MIC_FRAME_SAMPLES);
  for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16(HEADER_BYTES + i * 2, true);
  return { seq: view.getUint32(4, true), samples };
}

/** A text message from a page, if it is one of the microphone's (null otherwise: it may be the player's). */
export function decodePageMicMessage(text: string): PageToServerMicMessage | null {
  const value = parse(text);
  if (value?.type === 'mic-stop') return { type: 'mic-stop' };
  if (value?.type === 'mic-start') {
    // Only the one format is accepted: a page that would send anything else is not this page.
    if (value.sampleRate !== PAGE_MIC_SAMPLE_RATE || value.frameSamples !== PAGE_MIC_FRAME_SAMPLES) return null;
    const name = typeof value.name === 'string' ? cleanName(value.name) : '';
    return { type: 'mic-start', sampleRate: PAGE_MIC_SAMPLE_RATE, frameSamples: PAGE_MIC_FRAME_SAMPLES, ...(name ? { name } : {}) };
  }
  return null;
}

/** A text message from the server, if it is one of the microphone's. */
export function decodeServerMicMessage(data: unknown): ServerToPageMicMessage | null {
  if (typeof data !== 'string') return null;
  const value = parse(data);
  if (value?.type === 'mic-busy' && typeof value.owner === 'string') return { type: 'mic-busy', owner: value.owner.slice(0, 120) };
  return null;
}

export function encodeMicMessage(message: PageToServerMicMessage | ServerToPageMicMessage): string {
  return JSON.stringify(message);
}

/** A device name as shown to others: printable, single-line, at most 40 characters. */
export function cleanName(name: string): string {
  return [
    ...name
      .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, ' ')
      .replace(/\s+/g, ' ')
      .trim(),
  ]
    .slice(0, 40)
    .join('')
    .trim();
}

function parse(text: string): ({ type: unknown } & Record<string, unknown>) | null {
  if (!text.startsWith('{"type":"mic-')) return null; // cheap: most messages on this socket are the player's
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as { type: unknown } & Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
