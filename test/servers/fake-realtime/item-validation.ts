/**
 * `conversation.item.create` item shapes: user `input_text`/`input_audio`/
 * `input_image`, system `input_text`, assistant `output_text` only (assistant audio cannot be
 * created), `function_call`, `function_call_output` (output must be a string). `status` is ignored.
 */
import { decodeBase64Strict } from './audio.js';
import { expectArray, expectEnum, expectObject, expectString, fail, rejectUnknownKeys, requireKey } from './errors.js';
import type { JsonObject } from './types.js';

export type ParsedItem = {
  /** Normalized wire item without an id (the caller assigns one) and without audio bytes. */
  wire: JsonObject;
  clientId: string | null;
  /** Decoded audio of `input_audio` parts (concatenated), if any. */
  audio: Buffer | null;
};

const CONTENT_TYPES: Record<'user' | 'system' | 'assistant', readonly string[]> = {
  user: ['input_text', 'input_audio', 'input_image'],
  system: ['input_text'],
  assistant: ['output_text'],
};

/** The fields of the items that carry no content: all required, all strings (a tool's output too). */
const CALL_ITEM_FIELDS = {
  function_call: ['call_id', 'name', 'arguments'],
  function_call_output: ['call_id', 'output'],
} as const;

function parseContent(raw: unknown, role: 'user' | 'system' | 'assistant', audioParts: Buffer[]): JsonObject[] {
  return expectArray(raw, 'item.content').map((value, i) => {
    const p = `item.content[${i}]`;
    const part = expectObject(value, p);
    const type = expectEnum(requireKey(part, 'type', p), `${p}.type`, CONTENT_TYPES[role]);
    switch (type) {
      case 'input_text':
      case 'output_text':
        rejectUnknownKeys(part, ['type', 'text'], p);
        return { type, text: expectString(requireKey(part, 'text', p), `${p}.text`) };
      case 'input_audio': {
        rejectUnknownKeys(part, ['type', 'audio', 'transcript'], p);
        const audio = decodeBase64Strict(expectString(requireKey(part, 'audio', p), `${p}.audio`));
        if (audio === null) fail('invalid_value', `Invalid '${p}.audio': expected a base64-encoded string.`, `${p}.audio`);
        audioParts.push(audio);
        const transcript =
          part.transcript === undefined || part.transcript === null ? null : expectString(part.transcript, `${p}.transcript`);
        return { type, transcript };
      }
      default: {
        rejectUnknownKeys(part, ['type', 'image_url', 'detail'], p);
        const out: JsonObject = { type, image_url: expectString(requireKey(part, 'image_url', p), `${p}.image_url`) };
        if (part.detail !== undefined) out.detail = expectEnum(part.detail, `${p}.detail`, ['auto', 'low', 'high']);
        return out;
      }
    }
  });
}

export function parseClientItem(raw: unknown): ParsedItem {
  const item = expectObject(raw, 'item');
  const type = expectEnum(requireKey(item, 'type', 'item'), 'item.type', ['message', 'function_call', 'function_call_output']);
  const clientId = item.id === undefined || item.id === null ? null : expectString(item.id, 'item.id');
  if (item.object !== undefined) expectEnum(item.object, 'item.object', ['realtime.item']);
  if (item.status !== undefined) expectEnum(item.status, 'item.status', ['completed', 'incomplete', 'in_progress']);
  const common = ['id', 'type', 'object', 'status'];

  if (type === 'message') {
    rejectUnknownKeys(item, [...common, 'role', 'content', 'phase'], 'item');
    const role = expectEnum(requireKey(item, 'role', 'item'), 'item.role', ['user', 'assistant', 'system']);
    // `phase` labels assistant messages (openai-node 7.55: "preserve and resend phase on all assistant messages").
    let phase: JsonObject = {};
    if (item.phase !== undefined && item.phase !== null) {
      if (role !== 'assistant') fail('invalid_value', "Invalid 'item.phase': only assistant messages have a phase.", 'item.phase');
      phase = { phase: expectEnum(item.phase, 'item.phase', ['commentary', 'final_answer']) };
    }
    const audioParts: Buffer[] = [];
    const content = parseContent(requireKey(item, 'content', 'item'), role, audioParts);
    return {
      wire: { object: 'realtime.item', type, status: 'completed', role, content, ...phase },
      clientId,
      audio: audioParts.length > 0 ? Buffer.concat(audioParts) : null,
    };
  }
  // function_call and function_call_output: only required string fields, checked in this order.
  const fields = CALL_ITEM_FIELDS[type];
  rejectUnknownKeys(item, [...common, ...fields], 'item');
  const wire: JsonObject = { object: 'realtime.item', type, status: 'completed' };
  for (const key of fields) wire[key] = expectString(requireKey(item, key, 'item'), `item.${key}`);
  return { wire, clientId, audio: null };
}
