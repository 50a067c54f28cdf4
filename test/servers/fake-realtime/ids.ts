import { randomBytes } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** An id in the live service's style: `prefix_` + random base62 (e.g. `event_BJhGuASk1R2F4XMqKeF3W`). */
export function newId(prefix: 'event' | 'item' | 'resp' | 'call' | 'sess' | 'conv', length = prefix === 'call' ? 16 : 21): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += ALPHABET[b % ALPHABET.length];
  return `${prefix}_${out}`;
}
