import {
  createConnection,
  createLongLivedTokenAuth,
  subscribeEntities,
  type Connection,
  type HassEntities,
  type MessageBase,
} from 'home-assistant-js-websocket';
import { HomeAssistantError } from '../util/errors.js';
import { abortable, isAbort, isTimeout, sleep, withTimeout } from '../util/async.js';
import { createLogger } from '../util/logger.js';
import { TypedEmitter } from '../util/typed-emitter.js';
import { systemClock, type Clock, type TimerHandle } from '../util/clock.js';
import { parseHomeAssistantUrl, validateAccessToken, type HaUrl } from './ha-connection-input.js';
import { createHaSocketFactory, type SocketFailure } from './ha-socket.js';
import { loadRegistries } from './ha-registry-loader.js';
import { describeConnectFailure, formatSeconds, notReachable, toHomeAssistantError } from './ha-errors.js';
import { featuresForVersion, parseConversationResult, parseExposure, parseServiceResult, parseState, parseStates } from './ha-messages.js';
import {
  EMPTY_REGISTRIES,
  HA_DEFAULT_AGENT_ENTITY,
  type HaCommandOptions,
  type HaConnectionStatus,
  type HaConversationRequest,
  type HaConversationResult,
  type HaEntity,
  type HaFeatures,
  type HaRegistries,
  type HaServiceCall,
  type HaServiceResult,
  type HomeAssistantGateway,
  type HomeAssistantGatewayEvents,
} from './home-assistant-gateway.js';

const log = createLogger('home-assistant');

export type HaWsGatewayOptions = {
  /** Read at every (re)connect. */
  allowSelfSignedCertificate?: boolean;
  /** WebSocket upgrade + auth (default 10 s). */
  handshakeTimeoutMs?: number;
  /** call_service and other commands a tool waits for (default 1.5 s: a tool must answer within 2 s). */
  commandTimeoutMs?: number;
  /** conversation/process: the first call loads intents and can take seconds (default 8 s). */
  conversationTimeoutMs?: number;
  /** Registry commands at (re)connect (default 15 s). */
  loadTimeoutMs?: number;
  /** Ping watchdog for networks that die without closing the socket (default every 30 s, 10 s timeout). */
  pingIntervalMs?: number;
  pingTimeoutMs?: number;
  /** Exposure has no change event for entities outside the registry: poll it (default 60 s). */
  exposureRefreshMs?: number;
  /** Coalesce registry-updated events (default 300 ms). */
  registryDebounceMs?: number;
  /** How long connect() waits for Home Assistant to finish starting (default 120 s). */
  startupTimeoutMs?: number;
  clock?: Clock;
};

type Timing = Required<Omit<HaWsGatewayOptions, 'clock' | 'allowSelfSignedCertificate'>>;

const DEFAULTS: Timing = {
  handshakeTimeoutMs: 10_000,
  commandTimeoutMs: 1500,
  conversationTimeoutMs: 8000,
  loadTimeoutMs: 15_000,
  pingIntervalMs: 30_000,
  pingTimeoutMs: 10_000,
  exposureRefreshMs: 60_000,
  registryDebounceMs: 300,
  startupTimeoutMs: 120_000,
};

const REGISTRY_EVENTS = [
  'area_registry_updated',
  'device_registry_updated',
  'entity_registry_updated',
  'floor_registry_updated',
  'label_registry_updated',
];

/**
 * The Home Assistant gateway on home-assistant-js-websocket with a `ws` socket. The library
 * reconnects by itself; this adds what it leaves to the app: a ping watchdog, waiting for RUNNING
 * and refreshing registries after a reconnect, pruning entities deleted while offline, exposure
 * polling, per-command timeouts, and one mapping of every failure to a HomeAssistantError.
 */
export class HaWsGateway extends TypedEmitter<HomeAssistantGatewayEvents> implements HomeAssistantGateway {
  readonly #timing: Timing;
  readonly #clock: Clock;
  readonly #allowSelfSigned: boolean;
  #status: HaConnectionStatus = 'disconnected';
  #conn: Connection | undefined;
  #url: HaUrl | undefined;
  #haVersion = '';
  #features: HaFeatures = featuresForVersion('0.0.0');
  #entities: HassEntities = {};
  #entityCount = 0;
  #entityMap: ReadonlyMap<string, HaEntity> | null = new Map();
  /** Parsed states by raw state object: the library replaces only the objects of changed entities, so the rest parse once. */
  readonly #parsed = new WeakMap<object, HaEntity | null>();
  /** Entities missing after a reconnect; dropped while the library's store still holds the same object. */
  #stale = new Map<string, unknown>();
  #registries: HaRegistries = EMPTY_REGISTRIES;
  #registriesJson = '';
  #closed = false;
  #generation = 0;
  #pingTimer: TimerHandle | undefined;
  #pinging = false;
  #exposureTimer: TimerHandle | undefined;
  #registryTimer: TimerHandle | undefined;
  #lastFailure: SocketFailure | null = null;
  #malformedReported = false;

  constructor(options: HaWsGatewayOptions = {}) {
    super();
    const { clock, allowSelfSignedCertificate, ...timing } = options;
    this.#timing = { ...DEFAULTS, ...stripUndefined(timing) };
    this.#clock = clock ?? systemClock;
    this.#allowSelfSigned = allowSelfSignedCertificate ?? false;
  }

  get status(): HaConnectionStatus {
    return this.#status;
  }

  get haVersion(): string {
    return this.#haVersion;
  }

  get features(): HaFeatures {
    return this.#features;
  }

  getEntities(): ReadonlyMap<string, HaEntity> {
    if (this.#entityMap) return this.#entityMap;
    const map = new Map<string, HaEntity>();
    for (const [id, raw] of Object.entries(this.#entities)) {
      if (this.#stale.has(id)) {
        if (this.#stale.get(id) === raw) continue;
        this.#stale.delete(id);
      }
      const entity = this.#parse(raw);
      if (entity) map.set(id, entity);
    }
    this.#entityMap = map;
    return map;
  }

  #parse(raw: unknown): HaEntity | null {
    if (typeof raw !== 'object' || raw === null) return parseState(raw);
    let entity = this.#parsed.get(raw);
    if (entity === undefined) {
      entity = parseState(raw);
      this.#parsed.set(raw, entity);
    }
    return entity;
  }

  getRegistries(): HaRegistries {
    return this.#registries;
  }

  async connect(options: { baseUrl: string; token: string; signal?: AbortSignal }): Promise<void> {
    if (this.#conn) throw new HomeAssistantError('This gateway is already connected.', { category: 'application', permanent: true });
    const url = parseHomeAssistantUrl(options.baseUrl);
    if (!url.ok) throw new HomeAssistantError(url.message, { category: 'configuration', code: 'invalid_url' });
    const token = validateAccessToken(options.token);
    if (!token.ok) throw new HomeAssistantError(token.message, { category: 'configuration', code: 'invalid_token' });
    this.#url = url.value;
    this.#closed = false;
    this.#lastFailure = null;
    this.#setStatus('connecting');
    const createSocket = createHaSocketFactory({
      allowSelfSignedCertificate: this.#allowSelfSigned,
      handshakeTimeoutMs: this.#timing.handshakeTimeoutMs,
      onFailure: (failure) => {
        this.#lastFailure = failure;
      },
      onMalformed: (detail) => this.#onMalformed(detail),
      filter: (message) => this.#filterMessage(message),
    });
    let conn: Connection;
    const pending = createConnection({ auth: createLongLivedTokenAuth(url.value.baseUrl, token.value), createSocket });
    try {
      conn = await abortable(pending, options.signal);
    } catch (error) {
      // Cancelled while connecting: a connection that still comes up must not linger.
      pending.then(
        (late) => late.close(),
        () => undefined,
      );
      const mapped = await describeConnectFailure(error, this.#url!, this.#lastFailure ?? undefined, this.#timing.handshakeTimeoutMs);
      this.#setStatus(mapped.category === 'authentication' ? 'auth_failed' : 'disconnected');
      throw mapped;
    }
    this.#conn = conn;
    this.#haVersion = conn.haVersion;
    this.#features = featuresForVersion(conn.haVersion);
    conn.addEventListener('disconnected', () => this.#onDisconnected());
    conn.addEventListener('ready', () => void this.#onReady());
    conn.addEventListener('reconnect-error', () => this.#onReconnectError());
    try {
      await this.#initialize(conn, options.signal);
    } catch (error) {
      await this.close();
      throw toHomeAssistantError(error);
    }
    this.#setStatus('connected');
    this.#schedulePing();
    this.#scheduleExposureRefresh();
    log.info({ url: url.value.baseUrl, version: this.#haVersion }, 'connected to Home Assistant');
  }

  async #initialize(conn: Connection, signal: AbortSignal | undefined): Promise<void> {
    await this.#waitUntilRunning(signal, this.#timing.startupTimeoutMs);
    for (const type of REGISTRY_EVENTS) {
      conn
        .subscribeEvents(() => this.#scheduleRegistryRefresh(), type)
        .catch((error: unknown) => {
          log.debug({ err: error, type }, 'could not subscribe to registry updates');
        });
    }
    // Never unsubscribed: close() drops the connection, and the library's 5 s unsubscribe grace
    // timer would only keep the process alive.
    const firstState = new Promise<void>((resolve) => {
      subscribeEntities(conn, (entities) => {
        this.#onEntities(entities);
        resolve();
      });
    });
    await Promise.all([
      this.#refreshRegistries(true),
      abortable(withTimeout(firstState, this.#timing.loadTimeoutMs, 'the first entity states'), signal),
    ]);
    // Preloads the intents so the first hand-over to Assist is not seconds slower (2023.x+).
    if (this.#features.conversation) {
      this.#command({ type: 'conversation/prepare' }, { timeoutMs: this.#timing.conversationTimeoutMs }, true).catch(() => undefined);
    }
  }

  async #waitUntilRunning(signal: AbortSignal | undefined, timeoutMs: number): Promise<void> {
    const deadline = this.#clock.now() + timeoutMs;
    const generation = this.#generation;
    for (;;) {
      const config =
        (await this.#command<{ state?: unknown }>(
          { type: 'get_config' },
          { timeoutMs: this.#timing.loadTimeoutMs, ...(signal ? { signal } : {}) },
          true,
        )) ?? {};
      if (config.state === undefined || config.state === 'RUNNING') return;
      if (this.#clock.now() > deadline) {
        throw new HomeAssistantError(`Home Assistant is still starting (state ${String(config.state)}); try again in a minute.`, {
          category: 'connectivity',
          code: 'not_running',
        });
      }
      await sleep(this.#clock, 500, signal);
      if (generation !== this.#generation || this.#closed) throw notReachable();
    }
  }

  // --- reconnection ---------------------------------------------------------------------------

  #onDisconnected(): void {
    if (this.#closed) return;
    this.#generation++;
    log.warn({ url: this.#url?.baseUrl }, 'lost the connection to Home Assistant; reconnecting');
    this.#setStatus('connecting');
  }

  async #onReady(): Promise<void> {
    if (this.#closed) return;
    const generation = ++this.#generation;
    const conn = this.#conn;
    if (!conn) return;
    this.#haVersion = conn.haVersion;
    this.#features = featuresForVersion(conn.haVersion);
    try {
      // The WebSocket answers before integrations are loaded: registries and states are only
      // complete once Home Assistant is RUNNING.
      await this.#waitUntilRunning(undefined, Number.POSITIVE_INFINITY);
      if (generation !== this.#generation) return;
      await this.#refreshRegistries(true);
      await this.#pruneDeletedEntities();
      if (generation !== this.#generation || this.#closed) return;
      this.#setStatus('connected');
      log.info({ version: this.#haVersion }, 'reconnected to Home Assistant');
    } catch (error) {
      if (generation !== this.#generation || this.#closed) return;
      log.warn({ err: error }, 'reconnected, but could not reload Home Assistant; retrying');
      await sleep(this.#clock, 2000);
      if (generation === this.#generation && !this.#closed) conn.reconnect(true);
    }
  }

  #onReconnectError(): void {
    const error = new HomeAssistantError(
      'Home Assistant no longer accepts the access token: create a new long-lived access token in your Home Assistant profile.',
      { category: 'authentication', code: 'auth_invalid' },
    );
    this.#setStatus('auth_failed');
    this.emit('error', error);
  }

  /** Entities deleted while offline stay in the library's merged store; drop them
   * (home-assistant-js-websocket merges states on reconnect and never removes one). */
  async #pruneDeletedEntities(): Promise<void> {
    const fresh = await this.#command<unknown>({ type: 'get_states' }, { timeoutMs: this.#timing.loadTimeoutMs }, true);
    const present = new Set(parseStates(fresh).map((s) => s.entity_id));
    let pruned = 0;
    for (const [id, raw] of Object.entries(this.#entities)) {
      if (!present.has(id)) {
        this.#stale.set(id, raw);
        pruned++;
      }
    }
    if (pruned > 0) {
      this.#entityMap = null;
      this.#emitEntities();
    }
  }

  #onEntities(entities: HassEntities): void {
    const previousCount = this.#entityCount;
    this.#entities = entities;
    this.#entityCount = Object.keys(entities).length;
    this.#entityMap = null;
    // An entity appeared or went away: its registry entry and exposure may be new too.
    if (this.#status === 'connected' && this.#entityCount !== previousCount) this.#scheduleRegistryRefresh();
    this.#emitEntities();
  }

  #emitEntities(): void {
    if (this.listenerCount('entities') > 0) this.emit('entities', this.getEntities());
  }

  // --- watchdog -------------------------------------------------------------------------------

  #schedulePing(): void {
    this.#clock.clearTimeout(this.#pingTimer);
    if (this.#closed) return;
    this.#pingTimer = this.#clock.setTimeout(() => {
      void this.#ping().finally(() => this.#schedulePing());
    }, this.#timing.pingIntervalMs);
  }

  /** Pings now; on no answer, drops the socket so the library reconnects. */
  async #ping(): Promise<void> {
    const conn = this.#conn;
    if (!conn || !conn.connected || this.#pinging || this.#closed) return;
    this.#pinging = true;
    try {
      await withTimeout(conn.ping(), this.#timing.pingTimeoutMs, 'ping');
    } catch (error) {
      if (!this.#closed && conn.connected && isTimeout(error)) {
        log.warn('Home Assistant did not answer a ping; reconnecting');
        conn.reconnect(true);
      }
    } finally {
      this.#pinging = false;
    }
  }

  // --- registries and exposure ----------------------------------------------------------------

  #scheduleRegistryRefresh(): void {
    this.#clock.clearTimeout(this.#registryTimer);
    this.#registryTimer = this.#clock.setTimeout(() => {
      this.#refreshRegistries(false).catch((error: unknown) => log.warn({ err: error }, 'could not refresh the registries'));
    }, this.#timing.registryDebounceMs);
  }

  #scheduleExposureRefresh(): void {
    this.#clock.clearTimeout(this.#exposureTimer);
    if (this.#closed) return;
    this.#exposureTimer = this.#clock.setTimeout(() => {
      void this.#refreshExposure().finally(() => this.#scheduleExposureRefresh());
    }, this.#timing.exposureRefreshMs);
  }

  async #refreshExposure(): Promise<void> {
    if (this.#status !== 'connected' || this.#registries.exposureSource !== 'expose_entity_list') return;
    try {
      const exposure = parseExposure(
        await this.#command({ type: 'homeassistant/expose_entity/list' }, { timeoutMs: this.#timing.loadTimeoutMs }, true),
      );
      if (!sameMap(exposure, this.#registries.exposedToAssist)) await this.#refreshRegistries(false);
    } catch (error) {
      log.debug({ err: error }, 'exposure refresh failed');
    }
  }

  async #refreshRegistries(internal: boolean): Promise<void> {
    const timeoutMs = this.#timing.loadTimeoutMs;
    const next = await loadRegistries(
      <T>(type: string, extra: Record<string, unknown> = {}) => this.#command<T>({ type, ...extra }, { timeoutMs }, internal),
      this.#features,
    );
    const json = JSON.stringify({ ...next, exposedToAssist: [...next.exposedToAssist] });
    if (json === this.#registriesJson) return;
    this.#registriesJson = json;
    this.#registries = next;
    this.emit('registries', next);
  }

  // --- commands -------------------------------------------------------------------------------

  async callService(call: HaServiceCall, options: HaCommandOptions = {}): Promise<HaServiceResult> {
    const message: MessageBase = {
      type: 'call_service',
      domain: call.domain,
      service: call.service,
      target: { entity_id: [...call.target.entity_id] },
    };
    if (call.data && Object.keys(call.data).length > 0) message.service_data = call.data;
    return parseServiceResult(await this.#command<unknown>(message, options));
  }

  async processConversation(request: HaConversationRequest, options: HaCommandOptions = {}): Promise<HaConversationResult> {
    const message: MessageBase = { type: 'conversation/process', text: request.text };
    if (request.language) message.language = request.language;
    // Name Home Assistant's own agent explicitly where it is an entity (2024.5+): the hand-over is
    // meant for Assist's built-in sentences and intents, never for another agent (an LLM) that a
    // later version might pick by default. Feature-detected by the entity's presence; 2024.3 has no
    // such entity, and without agent_id it uses its own agent.
    if (this.getEntities().has(HA_DEFAULT_AGENT_ENTITY)) message.agent_id = HA_DEFAULT_AGENT_ENTITY;
    const result = await this.#command<unknown>(message, { timeoutMs: this.#timing.conversationTimeoutMs, ...stripUndefined(options) });
    return parseConversationResult(result);
  }

  async waitUntilConnected(timeoutMs: number): Promise<boolean> {
    if (this.#status === 'connected') return true;
    if (this.#status === 'auth_failed' || this.#closed || !this.#conn) return false;
    return new Promise<boolean>((resolve) => {
      const timer = this.#clock.setTimeout(() => {
        off();
        resolve(false);
      }, timeoutMs);
      const off = this.on('connection_change', (status) => {
        if (status === 'connecting') return;
        this.#clock.clearTimeout(timer);
        off();
        resolve(status === 'connected');
      });
    });
  }

  async #command<T>(message: MessageBase, options: HaCommandOptions, internal = false): Promise<T> {
    const conn = this.#conn;
    if (!conn || !conn.connected || (!internal && this.#status !== 'connected')) throw notReachable();
    if (options.signal?.aborted) throw new HomeAssistantError('Cancelled.', { category: 'application', code: 'aborted' });
    const timeoutMs = options.timeoutMs ?? this.#timing.commandTimeoutMs;
    try {
      return await abortable(withTimeout(conn.sendMessagePromise<T>(message), timeoutMs, message.type), options.signal);
    } catch (error) {
      if (isAbort(error)) throw new HomeAssistantError('Cancelled.', { category: 'application', code: 'aborted', cause: error });
      if (isTimeout(error)) {
        // Maybe the network died without closing the socket: check now rather than at the next ping.
        void this.#ping();
        throw new HomeAssistantError(`Home Assistant did not answer within ${formatSeconds(timeoutMs)}.`, {
          category: 'connectivity',
          code: 'timeout',
          cause: error,
        });
      }
      throw toHomeAssistantError(error);
    }
  }

  /** Drops what the library would console.warn about: stray events and pongs, diffs for unknown entities. */
  #filterMessage(message: Record<string, unknown>): Record<string, unknown> | null {
    const conn = this.#conn;
    if (!conn) return message;
    const { id, type } = message;
    if ((type === 'event' || type === 'pong') && (typeof id !== 'number' || !conn.commands.has(id))) {
      log.debug({ type, id }, 'dropped a message for an unknown subscription or command');
      return null;
    }
    const event = message.event as { a?: unknown; c?: unknown } | undefined;
    if (type === 'event' && event && typeof event.c === 'object' && event.c !== null) {
      const added = typeof event.a === 'object' && event.a !== null ? (event.a as Record<string, unknown>) : {};
      const changes = { ...(event.c as Record<string, unknown>) };
      let dropped = false;
      for (const entityId of Object.keys(changes)) {
        if (!(entityId in this.#entities) && !(entityId in added)) {
          delete changes[entityId];
          dropped = true;
        }
      }
      if (dropped) return { ...message, event: { ...event, c: changes } };
    }
    return message;
  }

  #onMalformed(detail: string): void {
    log.warn({ detail }, 'ignored a malformed message from Home Assistant');
    if (this.#malformedReported) return;
    this.#malformedReported = true;
    this.emit(
      'error',
      new HomeAssistantError(`Home Assistant sent ${detail}; it was ignored.`, { category: 'server', code: 'malformed_message' }),
    );
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#generation++;
    for (const timer of [this.#pingTimer, this.#exposureTimer, this.#registryTimer]) this.#clock.clearTimeout(timer);
    const conn = this.#conn;
    this.#conn = undefined;
    conn?.close();
    this.#setStatus('disconnected');
  }

  #setStatus(status: HaConnectionStatus): void {
    if (this.#status === status) return;
    this.#status = status;
    this.emit('connection_change', status);
  }
}

function sameMap(a: ReadonlyMap<string, boolean>, b: ReadonlyMap<string, boolean>): boolean {
  if (a.size !== b.size) return false;
  for (const [key, value] of a) if (b.get(key) !== value) return false;
  return true;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
