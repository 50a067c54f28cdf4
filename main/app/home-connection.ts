import { TypedEmitter } from '../util/typed-emitter.js';
import { systemClock, type Clock, type TimerHandle } from '../util/clock.js';
import { backoffDelay } from '../util/backoff.js';
import { toAssistantError, type AssistantError } from '../util/errors.js';
import { createLogger } from '../util/logger.js';
import type { ConnectionHealth, EntityCard } from '../../preload/contract/types.js';
import { connectHomeAssistant, type ConnectHomeAssistantOptions, type HomeAssistantIntegration } from './home-assistant-integration.js';
import type { Tool } from '../tools/define-tool.js';
import type { Settings } from '../../preload/contract/settings-schema.js';

const log = createLogger('home');

const RETRY = { initialMs: 1000, maxMs: 30_000, maxAttempts: Infinity };
/** Entity updates can come many times a second; the cards are redrawn at most this often. */
const CARDS_THROTTLE_MS = 200;

export type HomeConnectionEvents = {
  health: [health: ConnectionHealth];
  /** The cards changed (states, names, exposure). */
  cards: [];
  /** Names, areas or exposure changed: the session instructions and tools need re-sending. */
  context: [];
  error: [error: AssistantError];
};

/**
 * Home Assistant for the app: connects when a URL and a token are set, keeps retrying with backoff
 * while it is unreachable (the library reconnects by itself only after a first success), and stops
 * retrying on a refused token or a bad URL until the settings change.
 */
export class HomeConnection extends TypedEmitter<HomeConnectionEvents> {
  #health: ConnectionHealth = 'not-configured';
  #integration: HomeAssistantIntegration | undefined;
  #attempt = 0;
  #retry: TimerHandle | undefined;
  #cardsTimer: TimerHandle | undefined;
  #generation = 0;
  #offs: Array<() => void> = [];
  readonly #settings: () => Settings;
  /** The token bound to this URL's origin, if any: the one place a token is chosen for a connection. */
  readonly #token: (url: string) => string | undefined;
  readonly #clock: Clock;
  readonly #connectTo: (options: ConnectHomeAssistantOptions) => Promise<HomeAssistantIntegration>;

  constructor(options: {
    settings: () => Settings;
    token: (url: string) => string | undefined;
    clock?: Clock;
    /** Default connectHomeAssistant (tests record the attempts). */
    connect?: (options: ConnectHomeAssistantOptions) => Promise<HomeAssistantIntegration>;
  }) {
    super();
    this.#settings = options.settings;
    this.#token = options.token;
    this.#clock = options.clock ?? systemClock;
    this.#connectTo = options.connect ?? connectHomeAssistant;
  }

  get health(): ConnectionHealth {
    return this.#health;
  }

  /** The model's Home Assistant tools (none while disconnected or not configured). */
  tools = (): readonly Tool[] => this.#integration?.tools() ?? [];

  instructions = (): string | undefined => this.#integration?.instructions();

  cards(): EntityCard[] {
    try {
      return this.#integration?.entityCards() ?? [];
    } catch (error) {
      log.warn({ err: error }, 'could not build the entity cards');
      return [];
    }
  }

  /** (Re)connects with the current settings and token. */
  async reconfigure(): Promise<void> {
    const generation = ++this.#generation;
    await this.#disconnect();
    this.#attempt = 0;
    await this.#connect(generation);
  }

  async close(): Promise<void> {
    this.#generation++;
    await this.#disconnect();
    this.#setHealth('disconnected');
  }

  async #connect(generation: number): Promise<void> {
    if (generation !== this.#generation) return;
    // The URL and its token are read together, here, at every attempt (a retry after a settings change
    // reads the new URL, and gets a token only if one was entered for that server).
    const url = this.#settings().homeAssistant.url;
    const token = url ? this.#token(url) : undefined;
    if (!url || !token) {
      this.#setHealth('not-configured');
      return;
    }
    this.#setHealth(this.#attempt === 0 ? 'connecting' : 'reconnecting');
    try {
      const integration = await this.#connectTo({ url, token, settings: this.#settings, clock: this.#clock });
      if (generation !== this.#generation) {
        await integration.close();
        return;
      }
      this.#integration = integration;
      this.#attempt = 0;
      this.#follow(integration);
      this.#setHealth('connected');
      this.emit('context');
      this.emit('cards');
    } catch (cause) {
      if (generation !== this.#generation) return;
      const error = toAssistantError(cause, 'home-assistant');
      this.emit('error', error);
      if (error.permanent) {
        log.warn({ category: error.category }, 'Home Assistant refused the connection; waiting for new settings');
        this.#setHealth('error');
        return;
      }
      this.#attempt++;
      const delay = backoffDelay(RETRY, this.#attempt);
      log.info({ attempt: this.#attempt, delay }, 'Home Assistant unreachable; retrying');
      this.#setHealth('reconnecting');
      this.#retry = this.#clock.setTimeout(() => void this.#connect(generation), delay);
    }
  }

  #follow(integration: HomeAssistantIntegration): void {
    const gateway = integration.gateway;
    this.#offs.push(
      integration.onContextChanged(() => this.emit('context')),
      gateway.on('entities', () => this.#scheduleCards()),
      gateway.on('registries', () => this.#scheduleCards()),
      gateway.on('connection_change', (status) => {
        if (status === 'connected') this.#setHealth('connected');
        else if (status === 'auth_failed') this.#setHealth('error');
        else this.#setHealth('reconnecting');
        this.#scheduleCards();
      }),
    );
  }

  #scheduleCards(): void {
    if (this.#cardsTimer !== undefined) return;
    this.#cardsTimer = this.#clock.setTimeout(() => {
      this.#cardsTimer = undefined;
      this.emit('cards');
    }, CARDS_THROTTLE_MS);
  }

  async #disconnect(): Promise<void> {
    this.#clock.clearTimeout(this.#retry);
    this.#clock.clearTimeout(this.#cardsTimer);
    this.#retry = undefined;
    this.#cardsTimer = undefined;
    for (const off of this.#offs) off();
    this.#offs = [];
    const integration = this.#integration;
    this.#integration = undefined;
    if (integration) {
      await integration.close().catch((error: unknown) => log.warn({ err: error }, 'closing Home Assistant failed'));
      this.emit('context');
      this.emit('cards');
    }
  }

  #setHealth(health: ConnectionHealth): void {
    if (this.#health === health) return;
    this.#health = health;
    this.emit('health', health);
  }
}
