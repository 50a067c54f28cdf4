import type { Settings } from '../../preload/contract/settings-schema.js';
import type { ToolSource } from '../tools/tool-registry.js';
import { homeAssistantToolSource } from '../home-assistant/home-assistant-tools.js';
import { systemClock, type Clock, type TimerHandle } from '../util/clock.js';
import { HomeAssistantError, toAssistantError } from '../util/errors.js';
import { createLogger } from '../util/logger.js';
import type { HaEntity, HaRegistries, HomeAssistantGateway } from '../home-assistant/home-assistant-gateway.js';
import { HaWsGateway, type HaWsGatewayOptions } from '../home-assistant/ha-ws-gateway.js';
import { ExposedHome } from '../home-assistant/exposed-home.js';
import { buildHomeSummary, SUMMARY_TOKEN_BUDGET } from '../home-assistant/home-summary.js';
import { ConfirmationGate } from '../home-assistant/confirmation-gate.js';
import { ConfirmationPolicy } from '../home-assistant/confirmation-policy.js';
import { HomeControl, type ControlTiming } from '../home-assistant/home-control.js';
import { entityCards, type EntityCard } from '../home-assistant/entity-cards.js';

const log = createLogger('home-assistant');

export type HomeAssistantIntegration = {
  gateway: HomeAssistantGateway;
  /** The tools for the model (re-read at every session.update: only tools for exposed domains). */
  tools: ToolSource;
  /** The compact home summary for the session instructions (undefined before anything is known). */
  instructions: () => string | undefined;
  /** Names, areas, exposure or the tool set changed: the caller re-sends the session (`session.applyConfig()`). */
  onContextChanged(listener: () => void): () => void;
  /** Cards for the UI: exposed entities only. */
  entityCards(): EntityCard[];
  close(): Promise<void>;
};

export type ConnectHomeAssistantOptions = {
  url: string;
  token: string;
  settings: () => Settings;
  clock?: Clock;
  signal?: AbortSignal;
  /** A gateway to use instead of a new HaWsGateway (tests). */
  gateway?: HomeAssistantGateway;
  gatewayOptions?: Omit<HaWsGatewayOptions, 'clock' | 'allowSelfSignedCertificate'>;
  controlTiming?: Partial<ControlTiming>;
  /** Token budget of the home summary (default 1500, estimated as characters / 4). */
  summaryTokenBudget?: number;
  /** How long after a change the context is compared and listeners are told (default 250 ms). */
  contextDebounceMs?: number;
};

/**
 * Connects to Home Assistant and assembles everything the engine needs from it. Rejects with a
 * HomeAssistantError whose message is one clear sentence: category `authentication` (permanent)
 * for a refused token, `configuration` for a bad URL or certificate, `connectivity` when
 * unreachable.
 */
export async function connectHomeAssistant(options: ConnectHomeAssistantOptions): Promise<HomeAssistantIntegration> {
  const clock = options.clock ?? systemClock;
  const haSettings = () => options.settings().homeAssistant;
  const gateway =
    options.gateway ??
    new HaWsGateway({ ...options.gatewayOptions, clock, allowSelfSignedCertificate: haSettings().allowSelfSignedCertificate });
  try {
    await gateway.connect({ baseUrl: options.url, token: options.token, ...(options.signal ? { signal: options.signal } : {}) });
  } catch (error) {
    throw error instanceof HomeAssistantError ? error : toAssistantError(error, 'home-assistant');
  }

  // The exposed view, rebuilt only when its inputs change.
  let view: { registries: HaRegistries; states: ReadonlyMap<string, HaEntity>; lists: string; home: ExposedHome } | undefined;
  const home = (): ExposedHome => {
    const registries = gateway.getRegistries();
    const states = gateway.getEntities();
    const { include, exclude } = haSettings();
    const lists = JSON.stringify([include, exclude]);
    if (!view || view.registries !== registries || view.states !== states || view.lists !== lists) {
      view = { registries, states, lists, home: ExposedHome.build({ states, registries, settings: { include, exclude } }) };
    }
    return view.home;
  };

  // What asks for a yes, rebuilt only when the rules or the states (scenes list what they set) change.
  let rules: { key: string; states: ReadonlyMap<string, HaEntity>; policy: ConfirmationPolicy } | undefined;
  const policy = (): ConfirmationPolicy => {
    const { confirm, confirmNameWords } = haSettings();
    const key = JSON.stringify([confirm, confirmNameWords]);
    const states = gateway.getEntities();
    if (!rules || rules.key !== key || rules.states !== states) {
      rules = { key, states, policy: new ConfirmationPolicy({ confirm, confirmNameWords }, states) };
    }
    return rules.policy;
  };

  let summary: { home: ExposedHome; policy: ConfirmationPolicy; text: string } | undefined;
  const instructions = (): string | undefined => {
    const current = home();
    const currentPolicy = policy();
    if (!summary || summary.home !== current || summary.policy !== currentPolicy) {
      const text = buildHomeSummary(current, { maxTokens: options.summaryTokenBudget ?? SUMMARY_TOKEN_BUDGET, policy: currentPolicy });
      summary = { home: current, policy: currentPolicy, text };
    }
    return summary.text;
  };

  const confirmations = new ConfirmationGate({ clock });
  const control = new HomeControl({ gateway, home, ...(options.controlTiming ? { timing: options.controlTiming } : {}) });
  const tools = homeAssistantToolSource({
    gateway,
    home,
    settings: haSettings,
    policy,
    language: () => options.settings().openai.transcription.language,
    control,
    confirmations,
  });

  // Context changes: names, areas, exposure or the tool set; compared at most every debounce interval.
  const listeners = new Set<() => void>();
  const contextKey = () =>
    `${instructions() ?? ''}\u0000${tools()
      .map((t) => t.name)
      .join(',')}`;
  let lastKey = contextKey();
  let timer: TimerHandle | undefined;
  const scheduleCheck = () => {
    if (timer !== undefined) return;
    timer = clock.setTimeout(() => {
      timer = undefined;
      const key = contextKey();
      if (key === lastKey) return;
      lastKey = key;
      log.info('the exposed home changed; updating the session');
      for (const listener of [...listeners]) {
        try {
          listener();
        } catch (error) {
          log.warn({ err: error }, 'a context listener threw');
        }
      }
    }, options.contextDebounceMs ?? 250);
  };
  const offs = [
    gateway.on('registries', scheduleCheck),
    gateway.on('entities', scheduleCheck),
    gateway.on('error', (error) => log.warn({ err: error }, 'Home Assistant reported an error')),
    gateway.on('connection_change', (status) => {
      log.info({ status }, 'Home Assistant connection');
      if (status === 'connected') scheduleCheck();
    }),
  ];

  return {
    gateway,
    tools,
    instructions,
    onContextChanged(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    entityCards: () => entityCards(home(), gateway.getEntities(), policy()),
    async close() {
      clock.clearTimeout(timer);
      timer = undefined;
      for (const off of offs) off();
      listeners.clear();
      confirmations.clear();
      await gateway.close();
    },
  };
}
