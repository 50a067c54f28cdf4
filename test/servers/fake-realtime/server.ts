/**
 * The fake server itself: a `ws` server on 127.0.0.1 that upgrades only `/v1/realtime`, checks the
 * bearer key, the `OpenAI-Beta` header and the model like the live service,
 * and runs one {@link Connection} per socket. Also the log, waiters and fault injection.
 */
import { EventEmitter } from 'node:events';
import { createServer, STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { WebSocketServer } from 'ws';
import { Connection, type ConnectionEnv } from './connection.js';
import { newId } from './ids.js';
import { defaultResponder, TurnSource } from './responder.js';
import type { RunTiming } from './response-run.js';
import { defaultSession, isServedRealtimeModel, isSupportedRealtimeModel } from './session-validation.js';
import type {
  EventPredicate,
  FakeRealtimeConnection,
  FakeRealtimeServer,
  FakeRealtimeServerOptions,
  LoggedEvent,
  Responder,
  ResponseFailure,
  WaitForOptions,
} from './types.js';

/** `sk-proj-abcd…wxyz` → `sk-p****…wxyz` (the service masks keys in its auth error). */
function maskKey(key: string): string {
  return key.length > 8 ? `${key.slice(0, 4)}${'*'.repeat(key.length - 8)}${key.slice(-4)}` : key;
}

function refuseHttp(socket: Duplex, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
  );
}

class FakeRealtimeServerImpl extends EventEmitter implements FakeRealtimeServer {
  readonly port: number;
  readonly url: string;
  private readonly conns: Connection[] = [];
  private readonly entries: LoggedEvent[] = [];
  private readonly failures: ResponseFailure[] = [];
  private gate: { promise: Promise<void>; resolve: () => void; timer: NodeJS.Timeout | null } | null = null;
  private readonly turns: TurnSource;
  private readonly env: ConnectionEnv;
  private readonly wss: WebSocketServer;
  private closing = false;

  constructor(
    private readonly http: Server,
    private readonly options: FakeRealtimeServerOptions,
  ) {
    super();
    this.setMaxListeners(0);
    this.port = (http.address() as AddressInfo).port;
    this.url = `ws://127.0.0.1:${this.port}/v1/realtime`;
    this.turns = new TurnSource(options.script, options.responder ?? defaultResponder);
    const timing: RunTiming = {
      audioChunkMs: options.audioChunkMs ?? 200,
      chunkIntervalMs: options.chunkIntervalMs ?? 50,
      toneAmplitude: options.toneAmplitude ?? 0.25,
      replyPcm: options.replyPcm,
      contentPartTypes: options.contentPartTypes ?? 'sdk',
      rateLimitsPosition: options.rateLimitsPosition ?? 'after-created',
    };
    this.env = {
      timing,
      transcriptionDelayMs: options.transcriptionDelayMs ?? 0,
      clampTruncate: options.clampTruncate ?? false,
      truncateShortfallMs: options.truncateShortfallMs ?? 0,
      pingIntervalMs: options.pingIntervalMs ?? 20_000,
      turns: this.turns,
      log: (connection, direction, event) => this.record(connection, direction, event),
      takeFailure: () => this.failures.shift() ?? null,
      audioGate: () => this.gate?.promise ?? Promise.resolve(),
    };
    this.wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 });
    http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.onUpgrade(req, socket, head));
  }

  get connections(): readonly FakeRealtimeConnection[] {
    return this.conns;
  }

  get log(): readonly LoggedEvent[] {
    return this.entries;
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => {
      // Client resets are normal in reconnect tests.
    });
    if (this.closing) return void socket.destroy();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/v1/realtime') {
      return refuseHttp(socket, 404, {
        error: { type: 'invalid_request_error', code: null, message: `Not found: ${url.pathname}`, param: null },
      });
    }
    const auth = req.headers.authorization;
    const key = auth === undefined ? undefined : (/^Bearer\s+(.*)$/i.exec(auth)?.[1]?.trim() ?? '');
    const keyOk = key !== undefined && (this.options.apiKeys ?? ['test-key']).includes(key);
    const authMessage =
      auth === undefined
        ? 'Missing bearer or basic authentication in header'
        : `Incorrect API key provided: ${maskKey(key ?? '')}. You can find your API key at https://platform.openai.com/account/api-keys.`;
    if (!keyOk && this.options.authFailureMode === 'http-401') {
      return refuseHttp(socket, 401, {
        error: { type: 'invalid_request_error', code: auth === undefined ? null : 'invalid_api_key', message: authMessage, param: null },
      });
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const model = url.searchParams.get('model');
      const conn = new Connection(this.conns.length, ws, socket, req.headers, req.url ?? '', model, this.env);
      this.conns.push(conn);
      this.emit('connection', conn);
      // The live service upgrades first and reports every refusal as `error` + close (3000 for
      // auth, 4000 for the request shape), in the same millisecond.
      if (auth === undefined) return conn.refuse(null, authMessage, 3000);
      if (!keyOk) return conn.refuse('invalid_api_key', authMessage, 3000);
      if (req.headers['openai-beta'] !== undefined) {
        return conn.refuse(
          'beta_api_shape_disabled',
          'The Realtime Beta API is no longer supported. Please use the GA API (remove the OpenAI-Beta header).',
          4000,
        );
      }
      if (url.searchParams.has('intent') || url.searchParams.has('call_id')) {
        return conn.refuse(
          'unsupported_by_fake_server',
          'The fake Realtime server supports only ?model= sessions (no intent=transcription, no call_id sideband).',
          4000,
        );
      }
      if (!model) {
        return conn.refuse(
          'missing_model',
          'You must provide a model parameter, for example wss://api.openai.com/v1/realtime?model=gpt-realtime-1.5',
          4000,
        );
      }
      if (!isSupportedRealtimeModel(model))
        return conn.refuse('invalid_model', `Model "${model}" is not supported in realtime mode.`, 4000);
      // The service's wording for a model it does not have (openai/openai-realtime-console#561), as
      // an error then close 4000 like its other refusals of the request (livekit/agents-js#1756).
      if (!isServedRealtimeModel(model, this.options.retiredModels))
        return conn.refuse('model_not_found', `The model \`${model}\` does not exist or you do not have access to it.`, 4000);
      const lifetime = this.options.sessionLifetimeMs;
      const expiresAt = Math.floor(Date.now() / 1000) + (lifetime !== undefined ? Math.ceil(lifetime / 1000) : 3600);
      conn.accept(defaultSession(newId('sess'), model, expiresAt), lifetime);
    });
  }

  private record(connection: Connection, direction: 'in' | 'out', event: LoggedEvent['event']): LoggedEvent {
    const entry: LoggedEvent = { seq: this.entries.length, connectionIndex: connection.index, direction, event, at: performance.now() };
    this.entries.push(entry);
    connection.log.push(entry);
    (direction === 'in' ? connection.received : connection.sent).push(entry);
    this.emit('event', entry);
    return entry;
  }

  mark(): number {
    return this.entries.length;
  }

  waitFor(predicate: EventPredicate, options: WaitForOptions = {}): Promise<LoggedEvent> {
    const { timeoutMs = 5000, connectionIndex, since = 0 } = options;
    const matches = (e: LoggedEvent): boolean =>
      e.seq >= since && (connectionIndex === undefined || e.connectionIndex === connectionIndex) && predicate(e);
    return new Promise((resolve, reject) => {
      try {
        for (let i = since; i < this.entries.length; i++) {
          const e = this.entries[i];
          if (e && matches(e)) return resolve(e);
        }
      } catch (err) {
        return reject(err instanceof Error ? err : new Error(String(err)));
      }
      const cleanup = (): void => {
        clearTimeout(timer);
        this.off('event', onEvent);
      };
      const onEvent = (e: LoggedEvent): void => {
        try {
          if (!matches(e)) return;
          cleanup();
          resolve(e);
        } catch (err) {
          cleanup();
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        const tail = this.entries
          .slice(-15)
          .map((e) => `  #${e.seq} c${e.connectionIndex} ${e.direction} ${e.event.type}`)
          .join('\n');
        reject(new Error(`FakeRealtimeServer.waitFor timed out after ${timeoutMs} ms (since #${since}). Last frames:\n${tail}`));
      }, timeoutMs);
      this.on('event', onEvent);
    });
  }

  waitForClientEvent(type: string, options?: WaitForOptions): Promise<LoggedEvent> {
    return this.waitFor((e) => e.direction === 'in' && e.event.type === type, options);
  }

  waitForServerEvent(type: string, options?: WaitForOptions): Promise<LoggedEvent> {
    return this.waitFor((e) => e.direction === 'out' && e.event.type === type, options);
  }

  waitForConnection(index = 0, timeoutMs = 5000): Promise<FakeRealtimeConnection> {
    const existing = this.conns[index];
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const onConnection = (conn: Connection): void => {
        if (conn.index !== index) return;
        clearTimeout(timer);
        this.off('connection', onConnection);
        resolve(conn);
      };
      const timer = setTimeout(() => {
        this.off('connection', onConnection);
        reject(new Error(`FakeRealtimeServer.waitForConnection(${index}) timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.on('connection', onConnection);
    });
  }

  dropAllConnections(): void {
    for (const c of this.conns) if (c.isOpen) c.terminate();
  }

  expireSessions(): void {
    for (const c of this.conns) if (c.isOpen) c.expire();
  }

  sendRaw(text: string): void {
    for (const c of this.conns) if (c.isOpen) c.sendRaw(text);
  }

  failNextResponse(failure: ResponseFailure): void {
    this.failures.push(failure);
  }

  pauseAudio(ms?: number): void {
    if (!this.gate) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.gate = { promise, resolve, timer: null };
    }
    if (this.gate.timer) clearTimeout(this.gate.timer);
    this.gate.timer = ms === undefined ? null : setTimeout(() => this.resumeAudio(), ms);
  }

  resumeAudio(): void {
    const gate = this.gate;
    if (!gate) return;
    this.gate = null;
    if (gate.timer) clearTimeout(gate.timer);
    gate.resolve();
  }

  stallConnections(): void {
    for (const c of this.conns) if (c.isOpen) c.stall();
  }

  setResponder(responder: Responder): void {
    this.turns.setResponder(responder);
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.resumeAudio();
    for (const c of this.conns) c.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => {
      this.http.close(() => resolve());
      this.http.closeAllConnections();
    });
    this.removeAllListeners();
  }
}

/** Starts a fake OpenAI Realtime (GA) server on a free port of 127.0.0.1. */
export async function createFakeRealtimeServer(options: FakeRealtimeServerOptions = {}): Promise<FakeRealtimeServer> {
  const http = createServer((_req, res) => {
    res.writeHead(426, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ error: { message: 'Expected a WebSocket upgrade on /v1/realtime.' } }));
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', () => {
      http.off('error', reject);
      resolve();
    });
  });
  return new FakeRealtimeServerImpl(http, options);
}
