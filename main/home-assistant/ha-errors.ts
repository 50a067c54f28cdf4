import { isIP } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { ERR_CANNOT_CONNECT, ERR_CONNECTION_LOST, ERR_INVALID_AUTH } from 'home-assistant-js-websocket';
import { errorMessage, HomeAssistantError, type ErrorCategory } from '../util/errors.js';
import { isAbort } from '../util/async.js';
import type { HaUrl } from './ha-connection-input.js';
import type { SocketFailure } from './ha-socket.js';
import { NOT_REACHABLE } from './home-assistant-gateway.js';

/**
 * Every Home Assistant failure becomes one HomeAssistantError here, with a sentence the user can act
 * on: a refused token, a wrong scheme or port, a certificate, an unreachable host, a command error.
 */

export function notReachable(): HomeAssistantError {
  return new HomeAssistantError(NOT_REACHABLE, { category: 'connectivity', code: 'not_reachable' });
}

/** Maps a rejection from the library or a command to a HomeAssistantError. */
export function toHomeAssistantError(error: unknown): HomeAssistantError {
  if (error instanceof HomeAssistantError) return error;
  if (error === ERR_INVALID_AUTH) {
    return new HomeAssistantError('Home Assistant refused the access token.', { category: 'authentication', code: 'auth_invalid' });
  }
  if (error === ERR_CANNOT_CONNECT || error === ERR_CONNECTION_LOST) return notReachable();
  const haError = readHaError(error);
  if (haError) {
    if (haError.code === ERR_CONNECTION_LOST) return notReachable();
    const code = String(haError.code);
    const category: ErrorCategory =
      code === 'unauthorized'
        ? 'authorization'
        : code === 'home_assistant_error' || code === 'unknown_error' || code === 'timeout'
          ? 'server'
          : 'invalid_request';
    return new HomeAssistantError(haError.message || code, { category, permanent: false, code, cause: error });
  }
  return new HomeAssistantError(errorMessage(error), {
    category: 'unknown',
    permanent: false,
    cause: error,
  });
}

export async function describeConnectFailure(
  error: unknown,
  url: HaUrl,
  failure: SocketFailure | undefined,
  handshakeTimeoutMs: number,
): Promise<HomeAssistantError> {
  if (error === ERR_INVALID_AUTH || failure?.kind === 'auth_invalid') {
    return new HomeAssistantError(
      `Home Assistant at ${url.host} refused the access token (auth_invalid): create a new long-lived access token in your Home Assistant profile.`,
      { category: 'authentication', code: 'auth_invalid' },
    );
  }
  if (error instanceof HomeAssistantError) return error;
  if (isAbort(error))
    return new HomeAssistantError('Connecting to Home Assistant was cancelled.', { category: 'application', code: 'aborted' });
  if (!failure) return connectivityError(`${cannotReach(url)}.`, 'cannot_connect');
  switch (failure.kind) {
    case 'timeout':
      return connectivityError(`${cannotReach(url)}: no answer within ${formatSeconds(handshakeTimeoutMs)}.`, 'timeout');
    case 'http_status':
      if (failure.status === 404) {
        return configurationError(
          `${url.baseUrl} answered, but it has no Home Assistant WebSocket API (HTTP 404): check the address and port.`,
          'not_home_assistant',
        );
      }
      if (failure.status >= 500) {
        return connectivityError(
          `${cannotReach(url)}: the server answered HTTP ${failure.status} (is Home Assistant running behind that proxy?).`,
          'http_error',
        );
      }
      if (!url.secure && failure.status === 400 && (await speaksTls(url))) return httpsExpected(url);
      return configurationError(
        `${url.baseUrl} answered HTTP ${failure.status} instead of Home Assistant's WebSocket: check the address and port.`,
        'http_error',
      );
    case 'not_home_assistant':
      return configurationError(`${url.baseUrl} does not look like Home Assistant (${failure.message}).`, 'not_home_assistant');
    case 'closed':
      if (!url.secure && (await speaksTls(url))) return httpsExpected(url);
      return connectivityError(`${cannotReach(url)}: the connection was closed during login.`, 'closed');
    case 'network':
      return describeNetworkFailure(url, failure, handshakeTimeoutMs);
  }
}

async function describeNetworkFailure(
  url: HaUrl,
  failure: { code: string; message: string },
  handshakeTimeoutMs: number,
): Promise<HomeAssistantError> {
  const { code, message } = failure;
  if (SELF_SIGNED_CODES.has(code)) {
    return configurationError(
      `Home Assistant at ${url.baseUrl} uses a self-signed certificate; if you trust it, turn on "allow self-signed certificate" (homeAssistant.allowSelfSignedCertificate) in the settings.`,
      'self_signed_certificate',
    );
  }
  if (code === 'CERT_HAS_EXPIRED')
    return configurationError(`The certificate of Home Assistant at ${url.baseUrl} has expired.`, 'certificate_expired');
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return configurationError(`The certificate of Home Assistant at ${url.baseUrl} is not valid for ${url.host}.`, 'certificate_name');
  }
  if (url.secure && (code === 'EPROTO' || /wrong version number|packet length too long|unknown protocol/i.test(message))) {
    return configurationError(`Home Assistant at ${url.host} does not speak HTTPS: use http://${url.host} instead.`, 'https_to_http');
  }
  if (!url.secure && (code === 'ECONNRESET' || /socket hang up/i.test(message)) && (await speaksTls(url))) return httpsExpected(url);
  switch (code) {
    case 'ECONNREFUSED':
      return connectivityError(`${cannotReach(url)}: nothing is listening there (connection refused).`, 'connection_refused');
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return connectivityError(`${cannotReach(url)}: the host name ${new URL(url.baseUrl).hostname} could not be found.`, 'host_not_found');
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return connectivityError(`${cannotReach(url)}: the host is unreachable from this network.`, 'host_unreachable');
    case 'ETIMEDOUT':
      return connectivityError(`${cannotReach(url)}: no answer within ${formatSeconds(handshakeTimeoutMs)}.`, 'timeout');
    default:
      return connectivityError(`${cannotReach(url)}: ${message || code}.`, 'cannot_connect');
  }
}

const SELF_SIGNED_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
]);

function cannotReach(url: HaUrl): string {
  return `Cannot reach Home Assistant at ${url.baseUrl}`;
}

function configurationError(message: string, code: string): HomeAssistantError {
  return new HomeAssistantError(message, { category: 'configuration', code });
}

function connectivityError(message: string, code: string): HomeAssistantError {
  return new HomeAssistantError(message, { category: 'connectivity', code });
}

function httpsExpected(url: HaUrl): HomeAssistantError {
  return configurationError(`Home Assistant at ${url.host} only speaks HTTPS: use https://${url.host} instead.`, 'http_to_https');
}

/** Whether host:port completes a TLS handshake (any certificate): tells "you meant https://" apart from a dead server. */
function speaksTls(url: HaUrl): Promise<boolean> {
  const { hostname, port } = new URL(url.baseUrl);
  return new Promise((resolve) => {
    const host = hostname.replace(/^\[|\]$/g, '');
    const socket = tlsConnect({ host, port: Number(port || 80), rejectUnauthorized: false, ...(isIP(host) ? {} : { servername: host }) });
    const done = (value: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(value);
    };
    const timer = setTimeout(() => done(false), 2000);
    socket.once('secureConnect', () => done(true));
    socket.once('error', () => done(false));
  });
}

type HaErrorShape = { code: string | number; message: string };

/** HA command errors are `{code, message}`; the library's lost-connection rejection wraps one in a result. */
function readHaError(error: unknown): HaErrorShape | null {
  if (typeof error !== 'object' || error === null) return null;
  const record = error as Record<string, unknown>;
  const inner =
    record.type === 'result' && typeof record.error === 'object' && record.error !== null
      ? (record.error as Record<string, unknown>)
      : record;
  if (typeof inner.code === 'string' || typeof inner.code === 'number') {
    return { code: inner.code, message: typeof inner.message === 'string' ? inner.message : '' };
  }
  return null;
}

/** Commands only ever reject with a HomeAssistantError (#command maps every failure). */
export function isHaCode(error: unknown, code: string): boolean {
  return error instanceof HomeAssistantError && error.code === code;
}

export function formatSeconds(ms: number): string {
  return `${Math.round((ms / 1000) * 10) / 10} s`;
}
