import { base64ToInt16 } from '../audio/pcm.js';
import type { UsageLike } from './cost-meter.js';
import type { AnyServerEvent } from './protocol-types.js';
import { REQUEST_METADATA_KEY } from './response-sequencer.js';
import type { MessagePhase } from '../../preload/contract/types.js';

/** The fields of a server `error` (or of a failed response's `status_details.error`) that are strings. */
export type ServerError = { type?: string; code?: string; message?: string; param?: string; eventId?: string };

/**
 * The server events the session acts on, decoded and validated (GA names, which the 2026 models
 * keep). Fields the protocol always sends but the session can do without are optional; fields it
 * cannot do without are required, and an event lacking them is malformed. `other` is every other
 * well-formed event: `known` ones are deliberately ignored, unknown ones are logged.
 */
export type ServerEvent =
  | { type: 'session.created'; sessionId: string | undefined }
  | { type: 'session.updated' }
  | { type: 'error'; error: ServerError }
  | { type: 'input_audio_buffer.speech_started' }
  | { type: 'input_audio_buffer.speech_stopped' }
  | { type: 'input_audio_buffer.committed'; itemId: string | undefined }
  | {
      type: 'conversation.item.added' | 'conversation.item.created' | 'conversation.item.done';
      itemId: string;
      /** A user message with no typed text: its words come later by input transcription, if at all. */
      userAudio: boolean;
    }
  | { type: 'conversation.item.deleted'; itemId: string }
  | { type: 'conversation.item.input_audio_transcription.delta'; itemId: string; delta: string }
  | { type: 'conversation.item.input_audio_transcription.completed'; itemId: string; transcript: string }
  | { type: 'conversation.item.input_audio_transcription.failed'; itemId: string | undefined }
  | { type: 'conversation.item.truncated'; itemId: string | undefined; audioEndMs: number | undefined }
  | { type: 'response.created'; responseId: string | undefined; requestId: string | undefined }
  | { type: 'response.output_item.added'; responseId: string | undefined; message: AssistantMessageStart | undefined }
  | { type: 'response.output_item.done'; responseId: string | undefined; call: CompletedFunctionCall | undefined }
  | { type: 'response.output_audio.delta'; responseId: string | undefined; itemId: string; pcm: Int16Array }
  /** Assistant text as it streams: the spoken words' transcript, or text of a text response. */
  | { type: 'assistant_text.delta'; responseId: string | undefined; itemId: string; delta: string }
  | { type: 'assistant_text.done'; responseId: string | undefined; itemId: string; text: string | undefined }
  | { type: 'response.function_call_arguments.delta'; responseId: string | undefined }
  | { type: 'response.done'; response: ResponseDone }
  | { type: 'other'; wireType: string; known: boolean };

/** An assistant message opening in a response (a 2026 response may hold a preamble, then the answer). */
export type AssistantMessageStart = { itemId: string; phase: MessagePhase | undefined };

/**
 * A function call the model finished. Only completed calls are decoded as calls: one cut off by a
 * cancel (status `incomplete`) has partial arguments.
 */
export type CompletedFunctionCall = { callId: string; name: string; arguments: string };

export type ResponseDone = {
  responseId: string | undefined;
  status: string | undefined;
  error: ServerError | undefined;
  usage: UsageLike | undefined;
};

export type DecodedEvent = { ok: true; event: ServerEvent } | { ok: false; reason: string };

/** Events the session has no use for: well-formed, not worth a log line. */
const IGNORED_TYPES = new Set([
  'input_audio_buffer.cleared',
  'input_audio_buffer.timeout_triggered',
  'rate_limits.updated',
  'response.content_part.added',
  'response.content_part.done',
  'response.output_audio.done',
  'response.function_call_arguments.done',
  'conversation.created',
  'conversation.item.retrieved',
]);

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const num = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);
const record = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;

function decodeError(value: unknown): ServerError {
  const payload = record(value) ?? {};
  const error: ServerError = {};
  for (const [key, field] of [
    ['type', 'type'],
    ['code', 'code'],
    ['message', 'message'],
    ['param', 'param'],
    ['eventId', 'event_id'],
  ] as const) {
    const text = str(payload[field]);
    if (text !== undefined) error[key] = text;
  }
  return error;
}

const malformed = (reason: string): DecodedEvent => ({ ok: false, reason });
const ok = (event: ServerEvent): DecodedEvent => ({ ok: true, event });

/**
 * Turns a well-formed frame (see server-frame.ts) into a typed event. Never throws: a known event
 * without a field the session needs is malformed, with the reason; an unknown type is `other`.
 */
export function decodeServerEvent(raw: AnyServerEvent): DecodedEvent {
  const itemId = str(raw.item_id);
  const responseId = str(raw.response_id);
  switch (raw.type) {
    case 'session.created':
      return ok({ type: raw.type, sessionId: str(record(raw.session)?.id) });
    case 'session.updated':
    case 'input_audio_buffer.speech_started':
    case 'input_audio_buffer.speech_stopped':
      return ok({ type: raw.type });
    case 'error':
      return ok({ type: raw.type, error: decodeError(raw.error) });
    case 'input_audio_buffer.committed':
    case 'conversation.item.input_audio_transcription.failed':
      return ok({ type: raw.type, itemId });
    case 'conversation.item.added':
    case 'conversation.item.created':
    case 'conversation.item.done': {
      const item = record(raw.item);
      const id = str(item?.id);
      if (!item || id === undefined) return malformed('an item without an id');
      const content = Array.isArray(item.content) ? item.content : [];
      const typed = content.some((part) => record(part)?.type === 'input_text');
      return ok({ type: raw.type, itemId: id, userAudio: item.type === 'message' && item.role === 'user' && !typed });
    }
    case 'conversation.item.deleted':
      return itemId === undefined ? malformed('no item_id') : ok({ type: raw.type, itemId });
    case 'conversation.item.input_audio_transcription.delta': {
      const delta = str(raw.delta);
      return itemId === undefined || delta === undefined ? malformed('no item_id or delta') : ok({ type: raw.type, itemId, delta });
    }
    case 'conversation.item.input_audio_transcription.completed': {
      const transcript = str(raw.transcript);
      return itemId === undefined || transcript === undefined
        ? malformed('no item_id or transcript')
        : ok({ type: raw.type, itemId, transcript });
    }
    case 'conversation.item.truncated':
      return ok({ type: raw.type, itemId, audioEndMs: num(raw.audio_end_ms) });
    case 'response.created': {
      const response = record(raw.response);
      return ok({ type: raw.type, responseId: str(response?.id), requestId: str(record(response?.metadata)?.[REQUEST_METADATA_KEY]) });
    }
    case 'response.output_item.added': {
      const item = record(raw.item);
      const id = str(item?.id);
      const isMessage = id !== undefined && item?.type === 'message' && item.role === 'assistant';
      const phase = item?.phase === 'commentary' || item?.phase === 'final_answer' ? item.phase : undefined;
      return ok({ type: raw.type, responseId, message: isMessage ? { itemId: id, phase } : undefined });
    }
    case 'response.output_item.done': {
      const item = record(raw.item);
      const callId = str(item?.call_id);
      const name = str(item?.name);
      const completed = item?.type === 'function_call' && item.status === 'completed' && callId !== undefined && name !== undefined;
      return ok({ type: raw.type, responseId, call: completed ? { callId, name, arguments: str(item.arguments) ?? '' } : undefined });
    }
    case 'response.output_audio.delta': {
      const delta = str(raw.delta);
      if (itemId === undefined || delta === undefined) return malformed('an audio delta without item_id or delta');
      const pcm = base64ToInt16(delta);
      return pcm ? ok({ type: raw.type, responseId, itemId, pcm }) : malformed('an audio delta that is not base64 PCM16');
    }
    case 'response.output_audio_transcript.delta':
    case 'response.output_text.delta': {
      const delta = str(raw.delta);
      if (itemId === undefined || delta === undefined) return malformed('no item_id or delta');
      return ok({ type: 'assistant_text.delta', responseId, itemId, delta });
    }
    case 'response.output_audio_transcript.done':
    case 'response.output_text.done':
      if (itemId === undefined) return malformed('no item_id');
      return ok({ type: 'assistant_text.done', responseId, itemId, text: str(raw.transcript) ?? str(raw.text) });
    case 'response.function_call_arguments.delta':
      return ok({ type: raw.type, responseId });
    case 'response.done': {
      const response = record(raw.response) ?? {};
      const details = record(response.status_details);
      return ok({
        type: raw.type,
        response: {
          responseId: str(response.id),
          status: str(response.status),
          error: details?.error === undefined || details.error === null ? undefined : decodeError(details.error),
          usage: record(response.usage) as UsageLike | undefined,
        },
      });
    }
    default:
      return ok({ type: 'other', wireType: raw.type, known: IGNORED_TYPES.has(raw.type) });
  }
}
