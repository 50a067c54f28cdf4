/**
 * The default conversation of a session: an ordered list of items (wire shape plus their audio),
 * and the client operations on it: create, retrieve, truncate, delete.
 */
import { bytesToMs, PcmStore } from './audio.js';
import { expectInteger, expectString, fail, ProtocolError, rejectUnknownKeys, requireKey } from './errors.js';
import { newId } from './ids.js';
import { parseClientItem } from './item-validation.js';
import type { StoredItem } from './response-run.js';
import type { JsonObject, TruncationRecord } from './types.js';

export type CreatedItem = {
  wire: JsonObject;
  previousItemId: string | null;
  /** For a `function_call_output`: the call it answers. */
  functionOutput: { call_id: string; name: string; output: string } | null;
};

export type TruncateResult = {
  /** "Audio content of Xms is already shorter than Yms" (sent before any clamped truncation). */
  tooLong: ProtocolError | null;
  record: TruncationRecord | null;
};

export class Conversation {
  readonly items: StoredItem[] = [];

  /** Inserts after `previousId` (`'root'` = at the start; undefined = at the end); returns the previous id. */
  insert(stored: StoredItem, previousId?: string): string | null {
    let at = this.items.length;
    if (previousId === 'root') at = 0;
    else if (previousId !== undefined) at = this.items.findIndex((s) => s.item.id === previousId) + 1;
    this.items.splice(at, 0, stored);
    return at > 0 ? String(this.items[at - 1]?.item.id) : null;
  }

  find(itemId: string): StoredItem | undefined {
    return this.items.find((s) => s.item.id === itemId);
  }

  previousItemId(itemId: string): string | null {
    const i = this.items.findIndex((s) => s.item.id === itemId);
    return i > 0 ? String(this.items[i - 1]?.item.id) : null;
  }

  snapshot(): JsonObject[] {
    return this.items.map((s) => structuredClone(s.item));
  }

  create(event: JsonObject): CreatedItem {
    rejectUnknownKeys(event, ['type', 'event_id', 'item', 'previous_item_id'], '');
    const parsed = parseClientItem(requireKey(event, 'item', ''));
    let previousId: string | undefined;
    if (event.previous_item_id !== undefined && event.previous_item_id !== null) {
      previousId = expectString(event.previous_item_id, 'previous_item_id');
      if (previousId !== 'root' && !this.find(previousId)) {
        fail('invalid_value', `Error adding item: the previous item with id '${previousId}' does not exist.`, 'previous_item_id');
      }
    }
    const id = parsed.clientId ?? newId('item');
    if (this.find(id)) fail('invalid_value', `Error adding item: an item with id '${id}' already exists.`, 'item.id');
    let functionOutput: CreatedItem['functionOutput'] = null;
    if (parsed.wire.type === 'function_call_output') {
      const callId = String(parsed.wire.call_id);
      const call = this.items.find((s) => s.item.type === 'function_call' && s.item.call_id === callId);
      if (!call) fail('invalid_tool_call_id', `Tool call ID '${callId}' not found in conversation.`);
      functionOutput = { call_id: callId, name: String(call.item.name), output: String(parsed.wire.output) };
    }
    const wire: JsonObject = { id, ...parsed.wire };
    let audio: PcmStore | null = null;
    if (parsed.audio) {
      audio = new PcmStore();
      audio.append(parsed.audio);
    }
    return { wire, previousItemId: this.insert({ item: wire, audio }, previousId), functionOutput };
  }

  /** The full item, including audio as base64. */
  retrieve(event: JsonObject): JsonObject {
    rejectUnknownKeys(event, ['type', 'event_id', 'item_id'], '');
    const itemId = expectString(requireKey(event, 'item_id', ''), 'item_id');
    const stored = this.find(itemId);
    if (!stored) fail('item_retrieve_invalid_item_id', `Error retrieving item: the item with id '${itemId}' does not exist.`);
    const item = structuredClone(stored.item);
    if (stored.audio && Array.isArray(item.content)) {
      const audio = stored.audio.slice().toString('base64');
      item.content = (item.content as JsonObject[]).map((part) =>
        part.type === 'input_audio' || part.type === 'output_audio' ? { ...part, audio } : part,
      );
    }
    return item;
  }

  /**
   * Cuts an assistant audio item at `audio_end_ms` and drops the transcript after that point
   * (proportionally: the fake spreads text evenly over the audio).
   */
  truncate(event: JsonObject, options: { clamp: boolean; shortfallMs?: number }): TruncateResult {
    rejectUnknownKeys(event, ['type', 'event_id', 'item_id', 'content_index', 'audio_end_ms'], '');
    const itemId = expectString(requireKey(event, 'item_id', ''), 'item_id');
    const contentIndex = expectInteger(requireKey(event, 'content_index', ''), 'content_index', 0);
    const endRaw = requireKey(event, 'audio_end_ms', '');
    if (typeof endRaw !== 'number' || !Number.isInteger(endRaw) || endRaw < 0) {
      fail(
        'invalid_value',
        `Invalid value for 'audio_end_ms': expected a non-negative integer, but got ${JSON.stringify(endRaw)}.`,
        'audio_end_ms',
      );
    }
    const stored = this.find(itemId);
    if (!stored) fail('item_truncate_invalid_item_id', `Error truncating item: the item with id '${itemId}' does not exist.`, 'item_id');
    const content = Array.isArray(stored.item.content) ? (stored.item.content as JsonObject[]) : [];
    const part = content[contentIndex];
    if (stored.item.role !== 'assistant' || !stored.audio || stored.audio.bytes === 0 || part?.type !== 'output_audio') {
      fail('unsupported_content_type', 'Only model output audio messages can be truncated', 'item_id');
    }
    const audioMs = Math.max(0, Math.floor(bytesToMs(stored.audio.bytes)) - (options.shortfallMs ?? 0));
    let endMs = endRaw;
    let tooLong: ProtocolError | null = null;
    if (endMs > audioMs) {
      // Type invalid_request_error; the code and param are not confirmed for this one, so none.
      tooLong = new ProtocolError(null, `Audio content of ${audioMs}ms is already shorter than ${endMs}ms`, null);
      if (!options.clamp) return { tooLong, record: null };
      endMs = audioMs;
    }
    const transcript = typeof part.transcript === 'string' ? part.transcript : '';
    part.transcript = audioMs === 0 ? '' : transcript.slice(0, Math.floor((transcript.length * endMs) / audioMs));
    stored.audio.truncate(endMs * 48);
    return { tooLong, record: { item_id: itemId, content_index: contentIndex, audio_end_ms: endMs } };
  }

  /** Removes the item; returns its id. */
  delete(event: JsonObject): string {
    rejectUnknownKeys(event, ['type', 'event_id', 'item_id'], '');
    const itemId = expectString(requireKey(event, 'item_id', ''), 'item_id');
    const i = this.items.findIndex((s) => s.item.id === itemId);
    if (i < 0) fail('item_delete_invalid_item_id', `Error deleting item: the item with id '${itemId}' does not exist.`);
    this.items.splice(i, 1);
    return itemId;
  }
}
