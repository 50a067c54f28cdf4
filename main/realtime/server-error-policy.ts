import { OpenAIRealtimeError } from '../util/errors.js';
import { BENIGN_ERROR_CODES, STALE_ITEM_ERROR_CODES, classifyServerError } from './error-classifier.js';
import type { ServerError } from './server-events.js';

/** What a server `error` event means for the conversation. */
export type ErrorVerdict =
  /** Nothing the user needs to hear about: logged at `level`, with why. */
  | { kind: 'ignore'; level: 'debug' | 'info' | 'warn'; why: string }
  /** The server refused our session settings: permanent, configuration. */
  | { kind: 'settings'; error: OpenAIRealtimeError }
  | { kind: 'report'; error: OpenAIRealtimeError };

/**
 * Judges a server `error` event. `ourTruncate` tells whether its `event_id` names a truncate we
 * sent (see barge-in.ts).
 */
export function judgeServerError(payload: ServerError, ourTruncate: (eventId: string | undefined) => boolean): ErrorVerdict {
  const { code, message = '', param } = payload;
  if (code && BENIGN_ERROR_CODES.has(code)) return { kind: 'ignore', level: 'debug', why: 'benign server error' };
  if (code && STALE_ITEM_ERROR_CODES.has(code)) {
    // An item already gone (a cancelled response, a cleared conversation, a new session): our
    // view of the conversation was a step behind; nothing is lost and nothing needs the user.
    return { kind: 'ignore', level: 'info', why: 'server error about an item that no longer exists' };
  }
  if (code === 'session_expired') {
    return { kind: 'ignore', level: 'info', why: 'the server ended the session at its time limit; a new one follows' };
  }
  if (/already shorter than/i.test(message) || ourTruncate(payload.eventId)) {
    // "Audio content of Xms is already shorter than Yms": the server holds less of that item than
    // the point we cut at, so nothing past it is left for the model to believe it said; there is
    // nothing to retry (the service may also clamp the point and confirm it). Nothing else
    // depends on the confirmation, so the conversation goes on as if it had been truncated.
    return { kind: 'ignore', level: 'warn', why: 'truncation refused by the server' };
  }
  const error = classifyServerError(payload);
  if (param?.startsWith('session')) {
    const rejected = new OpenAIRealtimeError(`OpenAI rejected the session settings (${param}): ${error.message}`, {
      category: 'configuration',
      permanent: true,
      ...(code === undefined ? {} : { code }),
    });
    return { kind: 'settings', error: rejected };
  }
  return { kind: 'report', error };
}
