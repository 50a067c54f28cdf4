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
import { DEFAULTS, repeatAfter, type HaWsGatewayOptions, type Timing } from './ha-ws-gateway-options.js';
import { filterMessage, HaEntityStore } from './ha-entity-store.js';
import { parseHomeAssistantUrl, validateAccessToken, type HaUrl } from './ha-connection-input.js';
import { createHaSocketFactory, type SocketFailure } from './ha-socket.js';
import { loadRegistries } from './ha-registry-loader.js';
import { describeConnectFailure, formatSeconds, notReachable, toHomeAssistantError } from './ha-errors.js';
import { featuresForVersion, parseConversationResult, parseExposure, parseServiceResult, parseStates } from './ha-messages.js';
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

export type { HaWsGatewayOptions } from './ha-ws-gateway-options.js';

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
 *
 * A little over 400 lines on purpose: one connection's lifecycle (connect, reconnect, watchdog,
 * commands, close) shares its status, generation and connection; the parts that stand alone are in
 * ha-entity-store.ts (states, message filter), ha-ws-gateway-options.ts (timing, repeating timer),
 * ha-registry-loader.ts, ha-socket.ts, ha-errors.ts and ha-messages.ts.
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
  readonly #entities = new HaEntityStore();
  #registries: HaRegistries = EMPTY_REGISTRIES;
  #registriesJson = '';
  #closed = false;
  #generation = 0;
  readonly #pinger: { start(): void; stop(): void };
  #pinging = false;
  readonly #exposurePoller: { start(): void; stop(): void };
  #registryTimer: TimerHandle | undefined;
  #lastFailure: SocketFailure | null = null;
  #malformedReported = false;

  constructor(options: HaWsGatewayOptions = {}) {
    super();
    const { clock, allowSelfSignedCertificate, ...timing } = options;
    this.#timing = { ...DEFAULTS, ...stripUndefined(timing) };
    this.#clock = clock ?? systemClock;
    this.#allowSelfSigned = allowSelfSignedCertificate ?? false;
    const open = () => !this.#closed;
    this.#pinger = repeatAfter(this.#clock, this.#timing.pingIntervalMs, () => this.#ping(), open);
    this.#exposurePoller = repeatAfter(this.#clock, this.#timing.exposureRefreshMs, () => this.#refreshExposure(), open);
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
    return this.#entities.get();
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
      filter: (message) => (this.#conn ? filterMessage(message, this.#conn.commands, this.#entities) : message),
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
    this.#pinger.start();
    this.#exposurePoller.start();
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
    if (this.#entities.prune(new Set(parseStates(fresh).map((s) => s.entity_id)))) this.#emitEntities();
  }

  #onEntities(entities: HassEntities): void {
    const countChanged = this.#entities.replace(entities);
    // An entity appeared or went away: its registry entry and exposure may be new too.
    if (this.#status === 'connected' && countChanged) this.#scheduleRegistryRefresh();
    this.#emitEntities();
  }

  #emitEntities(): void {
    if (this.listenerCount('entities') > 0) this.emit('entities', this.getEntities());
  }

  // --- watchdog -------------------------------------------------------------------------------

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
    this.#pinger.stop();
    this.#exposurePoller.stop();
    this.#clock.clearTimeout(this.#registryTimer);
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
