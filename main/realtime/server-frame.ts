import type { AnyServerEvent } from './protocol-types.js';

export type ParsedFrame = { ok: true; event: AnyServerEvent } | { ok: false; reason: string };

/** Accepts any JSON object with a string `type`; anything else is malformed. Never throws. */
export function parseServerFrame(text: string): ParsedFrame {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, reason: 'not a JSON object' };
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string' || type.length === 0) return { ok: false, reason: 'no "type" field' };
  return { ok: true, event: value as AnyServerEvent };
}
