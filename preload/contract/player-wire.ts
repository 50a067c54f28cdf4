/**
 * The WebSocket wire format of the player protocol (web mode, where the page relays between a socket
 * and the worklet; tests). A message without binary payload is a JSON text frame; a chunk is a binary
 * frame: u32 LE header length, the UTF-8 JSON header (the message without `pcm`), then the PCM bytes.
 * Standard library only (page and Node; not imported by the worklet).
 */
import type { MainToWorkletMessage, WorkletToMainMessage } from './player-protocol.js';

const MAIN_TO_WORKLET_TYPES: ReadonlySet<string> = new Set(['chunk', 'flush', 'configure', 'ping']);
const WORKLET_TO_MAIN_TYPES: ReadonlySet<string> = new Set([
  'started',
  'progress',
  'flushed',
  'drained',
  'underrun',
  'overflow',
  'chunk-output',
  'pong',
  'error',
]);

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Encodes a message for a WebSocket: a string (text frame) or bytes (binary frame). */
export function encodeWireMessage(message: MainToWorkletMessage | WorkletToMainMessage): string | Uint8Array {
  if (message.type !== 'chunk') return JSON.stringify(message);
  const header = encoder.encode(JSON.stringify({ type: message.type, itemId: message.itemId, seq: message.seq }));
  const bytes = new Uint8Array(4 + header.length + message.pcm.byteLength);
  new DataView(bytes.buffer).setUint32(0, header.length, true);
  bytes.set(header, 4);
  bytes.set(new Uint8Array(message.pcm), 4 + header.length);
  return bytes;
}

/** Decodes a frame from the main side; null if it is not a valid main → worklet message. */
export function decodeMainToWorklet(data: string | ArrayBuffer | ArrayBufferView): MainToWorkletMessage | null {
  if (typeof data === 'string') {
    const message = parseJson(data);
    return message !== null && MAIN_TO_WORKLET_TYPES.has(message.type) && message.type !== 'chunk'
      ? (message as MainToWorkletMessage)
      : null;
  }
  const bytes = toBytes(data);
  if (bytes.length < 4) return null;
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  if (4 + headerLength > bytes.length) return null;
  const header = parseJson(decoder.decode(bytes.subarray(4, 4 + headerLength)));
  if (header?.type !== 'chunk' || typeof header.itemId !== 'string' || typeof header.seq !== 'number') return null;
  // A fresh, exactly sized buffer: it is transferred to the worklet.
  const pcm = bytes.slice(4 + headerLength).buffer;
  return { type: 'chunk', itemId: header.itemId, seq: header.seq, pcm };
}

/** Decodes a frame from the worklet side; null if it is not a valid worklet → main message. */
export function decodeWorkletToMain(data: string | ArrayBuffer | ArrayBufferView): WorkletToMainMessage | null {
  const text = typeof data === 'string' ? data : decoder.decode(toBytes(data));
  const message = parseJson(text);
  return message !== null && WORKLET_TO_MAIN_TYPES.has(message.type) ? (message as WorkletToMainMessage) : null;
}

function toBytes(data: ArrayBuffer | ArrayBufferView): Uint8Array {
  return data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function parseJson(text: string): ({ type: string } & Record<string, unknown>) | null {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string') {
      return value as { type: string } & Record<string, unknown>;
    }
  } catch {
    // not JSON: invalid frame
  }
  return null;
}
