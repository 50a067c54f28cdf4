import WebSocket from 'ws';
import { TypedEmitter } from '../util/typed-emitter.js';
import { systemClock, type Clock, type TimerHandle } from '../util/clock.js';
import { AppError, ConfigError, type AssistantError } from '../util/errors.js';
import { backoffDelay, type BackoffPolicy } from '../util/backoff.js';
import { createLogger } from '../util/logger.js';
import { classifyClose, classifyHandshakeStatus, classifyNetworkError, classifyServerError } from './error-classifier.js';
import { parseServerFrame } from './server-frame.js';
import { decodeServerEvent, type ServerEvent } from './server-events.js';
import { Outbox } from './outbox.js';
import { summarizeForLog } from './log-summary.js';
import type { ClientEvent } from './protocol-types.js';
import type { ConnectOptions, RealtimeTransport, RealtimeTransportEvents, TransportStatus } from './realtime-transport.js';

const log = createLogger('realtime');

export type WebSocketFactory = (url: string, options: { headers: Record<string, string> }) => WebSocket;

export const defaultWebSocketFactory: WebSocketFactory = (url, options) =>
  new WebSocket(url, { headers: options.headers, handshakeTimeout: 10_000, perMessageDeflate: false });

export type WsRealtimeTransportOptions = {
  createWebSocket?: WebSocketFactory;
  clock?: Clock;
  /** Ping this often; a missing pong within `timeoutMs` declares the connection dead. */
  keepalive?: { intervalMs: number; timeoutMs: number };
  /** Retries after an established session drops. */
  reconnect?: BackoffPolicy;
  /** Attempts for the very first connection, so a wrong URL fails fast with one clear message. */
  firstConnectAttempts?: number;
  /** Time allowed from starting the socket to `session.created`. */
  connectTimeoutMs?: number;
  /** Queued audio beyond this is dropped oldest-first while disconnected. */
  maxQueuedAudioMs?: number;
  random?: () => number;
};

const DEFAULTS = {
  keepalive: { intervalMs: 15_000, timeoutMs: 10_000 },
  reconnect: { initialMs: 500, maxMs: 8_000, maxAttempts: 8 },
  firstConnectAttempts: 3,
  connectTimeoutMs: 15_000,
  maxQueuedAudioMs: 15_000,
};

type Attempt = {
  socket: WebSocket;
  reconnect: boolean;
  sessionOpen: boolean;
  earlyError: AssistantError | undefined;
  connectTimer: TimerHandle | undefined;
};

/**
 * The Realtime connection on `ws` (a server-side client, so a Bearer key is allowed): Bearer auth in
 * the headers, each frame parsed defensively and decoded into a typed event (server-frame.ts,
 * server-events.ts), the session counted as open only at `session.created`, and every drop
 * classified as permanent (stop, tell the user) or transient (reconnect with backoff, queue
 * meanwhile in the Outbox). About 400 lines on purpose: one socket's lifecycle (open, heartbeat,
 * close classification, reconnect) shares its state, and splitting it would spread one state machine.
 */
export class WsRealtimeTransport extends TypedEmitter<RealtimeTransportEvents> implements RealtimeTransport {
  readonly #createWebSocket: WebSocketFactory;
  readonly #clock: Clock;
  readonly #options: typeof DEFAULTS & { random: () => number };
  #status: TransportStatus = 'idle';
  #connect: ConnectOptions | undefined;
  #attempt: Attempt | undefined;
  #failedAttempts = 0;
  #everOpened = false;
  #retryTimer: TimerHandle | undefined;
  #pingTimer: TimerHandle | undefined;
  #pongTimer: TimerHandle | undefined;
  #openedAt = 0;
  readonly #outbox: Outbox;
  #pendingFirst: { resolve: () => void; reject: (error: AssistantError) => void } | undefined;
  #host = '';

  constructor(options: WsRealtimeTransportOptions = {}) {
    super();
    this.#createWebSocket = options.createWebSocket ?? defaultWebSocketFactory;
    this.#clock = options.clock ?? systemClock;
    this.#options = {
      keepalive: options.keepalive ?? DEFAULTS.keepalive,
      reconnect: options.reconnect ?? DEFAULTS.reconnect,
      firstConnectAttempts: options.firstConnectAttempts ?? DEFAULTS.firstConnectAttempts,
      connectTimeoutMs: options.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs,
      maxQueuedAudioMs: options.maxQueuedAudioMs ?? DEFAULTS.maxQueuedAudioMs,
      random: options.random ?? Math.random,
    };
    this.#outbox = new Outbox(this.#options.maxQueuedAudioMs);
  }

  get status(): TransportStatus {
    return this.#status;
  }

  get sessionAgeMs(): number {
    return this.#status === 'open' ? this.#clock.now() - this.#openedAt : 0;
  }

  connect(options: ConnectOptions): Promise<void> {
    let url: URL;
    try {
      url = buildRealtimeUrl(options.url, options.model);
    } catch (error) {
      return Promise.reject(error);
    }
    if (!options.apiKey.trim()) {
      return Promise.reject(
        new ConfigError('No OpenAI API key is set. Add one in settings or set OPENAI_API_KEY.', { category: 'authentication' }),
      );
    }
    this.#teardown();
    this.#connect = options;
    this.#host = url.host;
    this.#everOpened = false;
    this.#failedAttempts = 0;
    return new Promise<void>((resolve, reject) => {
      this.#pendingFirst = { resolve, reject };
      this.#startAttempt(false);
    });
  }

  send(event: ClientEvent): void {
    const attempt = this.#attempt;
    if (this.#status === 'open' && attempt?.sessionOpen && attempt.socket.readyState === WebSocket.OPEN) {
      this.#write(attempt.socket, event);
      return;
    }
    if (this.#status === 'closed' || this.#status === 'idle') {
      log.debug({ type: event.type }, 'dropped a client event: no connection');
      return;
    }
    this.#outbox.push(event);
  }

  renew(): void {
    if (this.#status !== 'open') return;
    log.info('renewing the Realtime session');
    this.#dropAttempt(1000, 'session rotation');
    this.#startAttempt(true);
  }

  close(): void {
    const pending = this.#pendingFirst;
    this.#pendingFirst = undefined;
    this.#teardown();
    this.#setStatus('closed');
    pending?.reject(new AppError('The connection was closed before it opened.', { category: 'application', permanent: false }));
  }

  // --- attempts -----------------------------------------------------------------------------

  #startAttempt(reconnect: boolean): void {
    const options = this.#connect!;
    this.#setStatus(reconnect ? 'reconnecting' : 'connecting');
    const url = buildRealtimeUrl(options.url, options.model).toString();
    let socket: WebSocket;
    try {
      socket = this.#createWebSocket(url, { headers: { Authorization: `Bearer ${options.apiKey}` } });
    } catch (error) {
      this.#attemptFailed(classifyNetworkError(error, this.#host));
      return;
    }
    const attempt: Attempt = {
      socket,
      reconnect,
      sessionOpen: false,
      earlyError: undefined,
      connectTimer: undefined,
    };
    this.#attempt = attempt;
    const current = () => this.#attempt === attempt;
    attempt.connectTimer = this.#clock.setTimeout(() => {
      if (!current() || attempt.sessionOpen) return;
      this.#dropAttempt(1000, 'connect timeout');
      this.#attemptFailed(classifyNetworkError(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' }), this.#host));
    }, this.#options.connectTimeoutMs);

    socket.on('unexpected-response', (_request, response) => {
      if (!current()) return;
      const status = response.statusCode ?? 0;
      response.resume();
      this.#dropAttempt();
      this.#attemptFailed(classifyHandshakeStatus(status, this.#host));
    });
    socket.on('error', (error) => {
      if (!current()) return;
      log.debug({ err: error }, 'socket error');
      if (!attempt.sessionOpen) {
        this.#dropAttempt();
        this.#attemptFailed(attempt.earlyError ?? classifyNetworkError(error, this.#host));
      } else {
        this.#connectionLost(classifyNetworkError(error, this.#host));
      }
    });
    socket.on('close', (code, reasonBuffer) => {
      if (!current()) return;
      const reason = reasonBuffer.toString();
      log.info({ code, reason }, 'socket closed');
      if (!attempt.sessionOpen) {
        this.#dropAttempt();
        this.#attemptFailed(attempt.earlyError ?? classifyClose(code, reason, this.#host));
      } else {
        this.#connectionLost(classifyClose(code, reason, this.#host));
      }
    });
    socket.on('pong', () => {
      if (!current()) return;
      this.#clock.clearTimeout(this.#pongTimer);
      this.#pongTimer = undefined;
    });
    socket.on('message', (data, isBinary) => {
      if (!current()) return;
      if (isBinary) {
        log.warn('ignored a binary frame from the Realtime server');
        return;
      }
      const parsed = parseServerFrame(data.toString());
      if (!parsed.ok) {
        log.warn({ reason: parsed.reason }, 'ignored a malformed frame from the Realtime server');
        this.emit(
          'warning',
          new AppError(`Ignored a malformed event from the Realtime server (${parsed.reason}).`, {
            category: 'server',
            permanent: false,
            code: 'malformed_event',
          }),
        );
        return;
      }
      // Checked first: summarising every audio delta would cost even when trace is off.
      if (log.isLevelEnabled('trace')) log.trace({ event: summarizeForLog(parsed.event) }, 'server event');
      const decoded = decodeServerEvent(parsed.event);
      if (!decoded.ok) {
        log.warn({ type: parsed.event.type, reason: decoded.reason }, 'ignored a malformed server event');
        return;
      }
      this.#onServerEvent(attempt, decoded.event);
    });
  }

  #onServerEvent(attempt: Attempt, event: ServerEvent): void {
    if (!attempt.sessionOpen) {
      if (event.type === 'session.created') {
        this.#sessionOpened(attempt, event);
      } else if (event.type === 'error') {
        // An early error (e.g. invalid_api_key) is followed by a close; remember it to explain the close.
        attempt.earlyError = classifyServerError(event.error);
        log.warn({ code: attempt.earlyError.code }, 'error before the session opened');
      }
      return;
    }
    this.emit('server_event', event);
  }

  #sessionOpened(attempt: Attempt, created: Extract<ServerEvent, { type: 'session.created' }>): void {
    this.#clock.clearTimeout(attempt.connectTimer);
    attempt.sessionOpen = true;
    this.#failedAttempts = 0;
    this.#openedAt = this.#clock.now();
    const info = { reconnect: attempt.reconnect, sessionId: created.sessionId };
    this.#setStatus('open');
    for (const event of this.#connect!.onOpen(info)) this.#write(attempt.socket, event);
    for (const event of this.#outbox.take(attempt.reconnect, this.#connect!.keepQueued)) this.#write(attempt.socket, event);
    this.#schedulePing();
    this.#everOpened = true;
    this.emit('opened', info);
    this.emit('server_event', created);
    const pending = this.#pendingFirst;
    this.#pendingFirst = undefined;
    pending?.resolve();
  }

  #attemptFailed(error: AssistantError): void {
    this.#failedAttempts++;
    const limit = this.#everOpened ? this.#options.reconnect.maxAttempts : this.#options.firstConnectAttempts;
    if (error.permanent || this.#failedAttempts >= limit) {
      log.warn({ code: error.code, category: error.category, attempts: this.#failedAttempts }, 'giving up connecting');
      this.#giveUp(error);
      return;
    }
    const delay = backoffDelay(this.#options.reconnect, this.#failedAttempts, this.#options.random);
    log.info({ code: error.code, attempt: this.#failedAttempts, delay }, 'connection attempt failed; retrying');
    this.#setStatus(this.#everOpened ? 'reconnecting' : 'connecting');
    this.#retryTimer = this.#clock.setTimeout(() => {
      this.#retryTimer = undefined;
      this.#startAttempt(this.#everOpened);
    }, delay);
  }

  #connectionLost(error: AssistantError): void {
    const expired = error.code === 'session_expired';
    this.#dropAttempt();
    if (error.permanent) {
      this.#giveUp(error);
      return;
    }
    log.info({ code: error.code, expired }, 'connection lost; reconnecting');
    // The first retry is immediate: most drops are one-off, and the user is mid-conversation.
    this.#startAttempt(true);
  }

  #giveUp(error: AssistantError): void {
    this.#teardown();
    // The error first, so listeners know why before they see the status change.
    this.emit('error', error);
    this.#setStatus('closed');
    const pending = this.#pendingFirst;
    this.#pendingFirst = undefined;
    pending?.reject(error);
  }

  // --- keepalive ----------------------------------------------------------------------------

  #schedulePing(): void {
    this.#clock.clearTimeout(this.#pingTimer);
    this.#pingTimer = this.#clock.setTimeout(() => {
      const attempt = this.#attempt;
      if (!attempt?.sessionOpen || attempt.socket.readyState !== WebSocket.OPEN) return;
      // One ping at a time: while a pong is outstanding its own timer decides.
      if (this.#pongTimer === undefined) {
        try {
          attempt.socket.ping();
        } catch {
          return;
        }
        this.#pongTimer = this.#clock.setTimeout(() => {
          this.#pongTimer = undefined;
          if (this.#attempt !== attempt) return;
          log.warn('no pong from the Realtime server; declaring the connection dead');
          attempt.socket.terminate();
          this.#connectionLost(
            new AppError('The connection to OpenAI stopped answering.', {
              category: 'connectivity',
              permanent: false,
              code: 'keepalive_timeout',
            }),
          );
        }, this.#options.keepalive.timeoutMs);
      }
      this.#schedulePing();
    }, this.#options.keepalive.intervalMs);
  }

  // --- plumbing -----------------------------------------------------------------------------

  #write(socket: WebSocket, event: ClientEvent): void {
    if (event.type !== 'input_audio_buffer.append' && log.isLevelEnabled('trace'))
      log.trace({ event: summarizeForLog(event) }, 'client event');
    socket.send(JSON.stringify(event));
  }

  /** Detaches the current socket so its late events are ignored, and closes it. */
  #dropAttempt(code = 1000, reason = ''): void {
    const attempt = this.#attempt;
    this.#attempt = undefined;
    this.#clock.clearTimeout(this.#pingTimer);
    this.#clock.clearTimeout(this.#pongTimer);
    this.#pongTimer = undefined;
    if (!attempt) return;
    this.#clock.clearTimeout(attempt.connectTimer);
    const socket = attempt.socket;
    socket.removeAllListeners('message');
    // Keep an error listener: ws emits errors on a socket that is closed mid-handshake.
    socket.on('error', () => undefined);
    try {
      if (socket.readyState === WebSocket.OPEN) socket.close(code, reason);
      else if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
    } catch {
      socket.terminate();
    }
  }

  #teardown(): void {
    this.#clock.clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#dropAttempt();
    this.#outbox.clear();
  }

  #setStatus(status: TransportStatus): void {
    if (this.#status === status) return;
    this.#status = status;
    this.emit('status', status);
  }
}

/** The endpoint with `?model=`; only ws: and wss: are accepted. */
export function buildRealtimeUrl(base: string, model: string): URL {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new ConfigError(`The Realtime URL "${base}" is not a valid URL.`);
  }
  if (url.protocol !== 'wss:' && url.protocol !== 'ws:') {
    throw new ConfigError(`The Realtime URL must start with wss:// (or ws:// for a local server), not ${url.protocol}//.`);
  }
  url.searchParams.set('model', model);
  return url;
}
