import type { EventSource } from '../util/typed-emitter.js';
import type { AssistantError } from '../util/errors.js';

/**
 * The seam between the app and Home Assistant. One real implementation, `HaWsGateway`
 * (home-assistant-js-websocket over `ws`); tests use a recording fake that declares `implements`.
 *
 * Everything here is raw Home Assistant data: it knows nothing about exposure. What the model may
 * see or touch is decided in one place on top of it (exposed-home.ts).
 */

/** What every tool answers while Home Assistant cannot be reached. */
export const NOT_REACHABLE = 'Home Assistant is not reachable right now.';

export type HaConnectionStatus = 'disconnected' | 'connecting' | 'connected' | 'auth_failed';

export type HaContext = { id: string; parent_id: string | null; user_id: string | null };

/** One entity's state, as `get_states` / `subscribe_entities` report it. */
export type HaEntity = {
  entity_id: string;
  state: string;
  attributes: Readonly<Record<string, unknown>>;
  last_changed: string;
  last_updated: string;
  context: HaContext;
};

export type HaArea = { area_id: string; name: string; aliases: readonly string[]; floor_id: string | null };
export type HaFloor = { floor_id: string; name: string; aliases: readonly string[]; level: number | null };
export type HaDevice = {
  id: string;
  name: string | null;
  name_by_user: string | null;
  area_id: string | null;
  /** Label ids (2024.3+; absent or empty before). */
  labels?: readonly string[];
};
/** A label from `config/label_registry/list` (2024.3+). */
export type HaLabel = { label_id: string; name: string; description: string | null };
export type HaEntityEntry = {
  entity_id: string;
  /** Set by the user in Home Assistant; wins over the integration's name. */
  name: string | null;
  original_name: string | null;
  aliases: readonly string[];
  area_id: string | null;
  device_id: string | null;
  hidden_by: string | null;
  disabled_by: string | null;
  entity_category: string | null;
  /** Label ids (2024.3+; absent or empty before). */
  labels?: readonly string[];
  /** `options.conversation.should_expose` when the registry carries it. */
  should_expose: boolean | null;
  /**
   * Home Assistant's own per-entity protection, as far as it has one: the Google Assistant
   * "secure device" choice (`options["cloud.google_assistant"].disable_2fa`, stored only once the
   * user changed it). true = Home Assistant asks for a PIN for it; false = the user turned that off
   * (Hearth still asks); null = not stored. Home Assistant has no such flag for Assist.
   */
  secure_device: boolean | null;
};

/** Where the exposure decisions came from (feature detection by version and by `unknown_command`). */
export type HaExposureSource = 'expose_entity_list' | 'entity_registry_options' | 'default_rule';

export type HaRegistries = {
  areas: readonly HaArea[];
  floors: readonly HaFloor[];
  labels: readonly HaLabel[];
  devices: readonly HaDevice[];
  entities: readonly HaEntityEntry[];
  /**
   * Home Assistant's "expose to Assist" decision per entity, as stored (entities without a stored
   * decision are absent: the default rule applies to them, see exposed-home.ts).
   */
  exposedToAssist: ReadonlyMap<string, boolean>;
  /** Whether entities without a stored decision follow the default rule (Home Assistant's "expose new entities"). */
  exposeNew: boolean;
  /**
   * `homeassistant/expose_entity/list` lists only exposed entities (2026.x; 2024.3 also lists the
   * unexposed ones with false). Then an entity without a registry entry that is missing from the
   * list may have been unexposed by the user, and counts as not exposed.
   */
  exposureListOmitsUnexposed: boolean;
  exposureSource: HaExposureSource;
};

/** A service call target: always explicit entity ids (never areas or devices, which could include unexposed entities). */
export type HaTarget = { entity_id: readonly string[] };

export type HaServiceCall = {
  domain: string;
  service: string;
  data?: Readonly<Record<string, unknown>>;
  target: HaTarget;
};

export type HaServiceResult = { contextId: string | null };

export type HaConversationRequest = { text: string; language?: string };

/** The conversation entity of Home Assistant's own agent (2024.5+; before, the agent id is `homeassistant`). */
export const HA_DEFAULT_AGENT_ENTITY = 'conversation.home_assistant';

/** `conversation/process` result, reduced to what the app uses. */
export type HaConversationResult = {
  speech: string;
  responseType: 'action_done' | 'query_answer' | 'error' | 'partial_action_done' | string;
  errorCode: string | null;
  /** Entity ids Home Assistant reports as acted on. */
  successIds: readonly string[];
  failedIds: readonly string[];
  conversationId: string | null;
};

export type HaFeatures = {
  /** `homeassistant/expose_entity/list` (2023.5+). */
  exposeEntityList: boolean;
  /** Floor registry (2024.3+, floor aliases after 2024.3; older cores answer `unknown_command`). */
  floors: boolean;
  /** Label registry and `labels` on entities and devices (2024.3+; older cores answer `unknown_command`). */
  labels: boolean;
  /** `config/entity_registry/get_entries` with aliases (2023.x). */
  entityAliases: boolean;
  /** `conversation/process` over the WebSocket (2023.1+). */
  conversation: boolean;
};

export type HaCommandOptions = { signal?: AbortSignal; timeoutMs?: number };

export type HomeAssistantGatewayEvents = {
  connection_change: [status: HaConnectionStatus];
  /** Live states changed (every state change: listeners must be cheap). */
  entities: [entities: ReadonlyMap<string, HaEntity>];
  /** Areas, floors, devices, entity registry or exposure changed (after a refresh). */
  registries: [registries: HaRegistries];
  error: [error: AssistantError];
};

export interface HomeAssistantGateway extends EventSource<HomeAssistantGatewayEvents> {
  readonly status: HaConnectionStatus;
  /** Version reported by Home Assistant (empty before the first connection). */
  readonly haVersion: string;
  readonly features: HaFeatures;
  /**
   * Connects, authenticates, waits until Home Assistant is RUNNING, loads the registries and the
   * first full state. Rejects with a HomeAssistantError carrying one clear sentence.
   */
  connect(options: { baseUrl: string; token: string; signal?: AbortSignal }): Promise<void>;
  getEntities(): ReadonlyMap<string, HaEntity>;
  getRegistries(): HaRegistries;
  /**
   * Calls a service and resolves once Home Assistant has run it. Rejects quickly with a
   * connectivity HomeAssistantError while Home Assistant is not reachable.
   */
  callService(call: HaServiceCall, options?: HaCommandOptions): Promise<HaServiceResult>;
  /**
   * `conversation/process` with Home Assistant's own agent: `agent_id: conversation.home_assistant`
   * where that entity exists (2024.5+), else Home Assistant's default (2024.3: `homeassistant`).
   */
  processConversation(request: HaConversationRequest, options?: HaCommandOptions): Promise<HaConversationResult>;
  /** Waits up to `timeoutMs` for the connection to be (re-)established; resolves whether it is. */
  waitUntilConnected(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/** An empty registry snapshot (before the first load). */
export const EMPTY_REGISTRIES: HaRegistries = {
  areas: [],
  floors: [],
  labels: [],
  devices: [],
  entities: [],
  exposedToAssist: new Map(),
  exposeNew: true,
  exposureListOmitsUnexposed: false,
  exposureSource: 'default_rule',
};
