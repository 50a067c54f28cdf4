import { DEFAULT_MODEL, replacementFor, retiredMessage } from '../../preload/contract/model-catalog.js';
import { errorMessage, OpenAIRealtimeError, type ErrorCategory } from '../util/errors.js';

/** Keys never appear in messages, even the masked form the server echoes back. */
export function redactSecrets(text: string): string {
  return text.replace(/\b(sk|ek|rk)-[A-Za-z0-9_*-]{4,}/g, '$1-…');
}

function error(message: string, category: ErrorCategory, code?: string, permanent?: boolean, cause?: unknown): OpenAIRealtimeError {
  return new OpenAIRealtimeError(redactSecrets(message), {
    category,
    ...(code === undefined ? {} : { code }),
    ...(permanent === undefined ? {} : { permanent }),
    ...(cause === undefined ? {} : { cause }),
  });
}

/** The HTTP status of a refused WebSocket upgrade. */
export function classifyHandshakeStatus(status: number, host: string): OpenAIRealtimeError {
  if (status === 401)
    return error(`OpenAI refused the API key (HTTP 401 from ${host}). Check the key in settings.`, 'authentication', 'http_401');
  if (status === 403)
    return error(`OpenAI refused access (HTTP 403 from ${host}). The key may lack Realtime access.`, 'authorization', 'http_403');
  if (status === 404)
    return error(`No Realtime endpoint at ${host} (HTTP 404). Check the Realtime URL in settings.`, 'invalid_request', 'http_404');
  if (status === 429) return error(`OpenAI is rate-limiting connections (HTTP 429); retrying.`, 'rate_limit', 'http_429');
  if (status >= 500) return error(`OpenAI had a server error (HTTP ${status}); retrying.`, 'server', `http_${status}`);
  return error(`The Realtime server at ${host} refused the connection (HTTP ${status}).`, 'invalid_request', `http_${status}`);
}

/** A socket-level failure (DNS, refused, reset, TLS). These are worth retrying. */
export function classifyNetworkError(cause: unknown, host: string): OpenAIRealtimeError {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return error(
        `Cannot reach ${host}: the name does not resolve. Check the Realtime URL and the network.`,
        'connectivity',
        code,
        false,
        cause,
      );
    case 'ECONNREFUSED':
      return error(`Cannot reach ${host}: connection refused.`, 'connectivity', code, false, cause);
    case 'ETIMEDOUT':
      return error(`Cannot reach ${host}: the connection timed out.`, 'connectivity', code, false, cause);
    case 'ECONNRESET':
    case 'EPIPE':
      return error(`The connection to ${host} was reset.`, 'connectivity', code, false, cause);
    case 'CERT_HAS_EXPIRED':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return error(`The TLS certificate of ${host} is not trusted (${code}).`, 'connectivity', code, true, cause);
    default: {
      const message = errorMessage(cause);
      return error(`Connection to ${host} failed: ${message}`, 'connectivity', code, false, cause);
    }
  }
}

export type ServerErrorPayload = { type?: unknown; code?: unknown; message?: unknown; param?: unknown; event_id?: unknown };

/** Error codes that mean "nothing to do": the app's own races that the protocol tolerates. */
export const BENIGN_ERROR_CODES = new Set(['response_cancel_not_active', 'conversation_already_has_active_response']);

/**
 * An operation on an item the server no longer has (truncate, delete or retrieve after a cancel, a
 * clear or a new session). Other clients treat these as harmless too (Pipecat for retrieve).
 */
export const STALE_ITEM_ERROR_CODES = new Set([
  'item_truncate_invalid_item_id',
  'item_delete_invalid_item_id',
  'item_retrieve_invalid_item_id',
]);

/** An `error` event from the server. */
export function classifyServerError(payload: ServerErrorPayload): OpenAIRealtimeError {
  const code = typeof payload.code === 'string' ? payload.code : undefined;
  const type = typeof payload.type === 'string' ? payload.type : undefined;
  const message = typeof payload.message === 'string' ? payload.message : 'The Realtime server reported an error.';
  switch (code) {
    case 'invalid_api_key':
      return error(`OpenAI refused the API key: ${message}`, 'authentication', code);
    case 'beta_api_shape_disabled':
      return error(`The server refused the request shape: ${message}`, 'invalid_request', code);
    case 'insufficient_quota':
      return error(`Your OpenAI account has no quota left. Add credit or check billing. (${message})`, 'quota', code);
    case 'rate_limit_exceeded':
      return error(`OpenAI rate limit reached: ${message}`, 'rate_limit', code);
    case 'session_expired':
      return error(message, 'server', code, false);
    case 'model_not_found':
    case 'invalid_model':
      return modelRefused(message, code);
    default:
      break;
  }
  if (type === 'server_error') return error(`OpenAI server error: ${message}`, 'server', code);
  if (type === 'invalid_request_error') return error(message, 'invalid_request', code, false);
  if (code === undefined && /authentication|bearer|api key/i.test(message)) return error(message, 'authentication');
  return error(message, 'unknown', code, false);
}

/**
 * The server does not offer the model (retired, misspelt, or not open to this key): permanent, since
 * retrying cannot help, with the replacement named. The model's name is read from the server's message
 * ("The model `gpt-realtime` does not exist…", "Model \"x\" is not supported in realtime mode.").
 */
function modelRefused(message: string, code: string): OpenAIRealtimeError {
  const model = /[`"']([A-Za-z0-9][A-Za-z0-9._-]*)[`"']/.exec(message)?.[1];
  const retired = model ? retiredMessage(model) : null;
  const what = model ? `the model ${model}` : 'the model in settings';
  const instead = model ? replacementFor(model) : DEFAULT_MODEL;
  const text = retired
    ? `OpenAI refused ${what}: ${retired} Choose it in settings (OpenAI: ${message})`
    : `OpenAI does not offer ${what} to this key (${code}). Choose another model in settings, e.g. ${instead}. (OpenAI: ${message})`;
  return error(text, 'configuration', code, true);
}

/** A socket closed before or instead of a session (close codes the server uses for refusals). */
export function classifyClose(code: number, reason: string, host: string): OpenAIRealtimeError {
  if (code === 4000)
    return error(`The server refused the connection: ${reason || 'beta interface disabled'}.`, 'invalid_request', 'close_4000');
  if (code === 3000 || code === 1008)
    return error(`The server refused the connection: ${reason || 'not authorised'}.`, 'authentication', `close_${code}`);
  return error(`The connection to ${host} closed (code ${code}${reason ? `: ${reason}` : ''}).`, 'connectivity', `close_${code}`, false);
}
