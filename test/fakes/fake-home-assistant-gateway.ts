import { HomeAssistantError } from '../../main/util/errors.js';
import { TypedEmitter } from '../../main/util/typed-emitter.js';
import {
  EMPTY_REGISTRIES,
  NOT_REACHABLE,
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
} from '../../main/home-assistant/home-assistant-gateway.js';

export type StateInput = { entity_id: string; state: string; attributes?: Record<string, unknown> };

export function haState(input: StateInput): HaEntity {
  return {
    entity_id: input.entity_id,
    state: input.state,
    attributes: input.attributes ?? {},
    last_changed: '2026-01-01T00:00:00+00:00',
    last_updated: '2026-01-01T00:00:00+00:00',
    context: { id: 'ctx0', parent_id: null, user_id: null },
  };
}

/**
 * A recording Home Assistant for unit tests: every call_service is kept in `calls`, and a small
 * simulator applies the common services to the states (so read-backs have something to read).
 */
export class FakeHomeAssistantGateway extends TypedEmitter<HomeAssistantGatewayEvents> implements HomeAssistantGateway {
  status: HaConnectionStatus = 'connected';
  haVersion = '2024.3.3';
  features: HaFeatures = { exposeEntityList: true, floors: true, labels: true, entityAliases: true, conversation: true };
  readonly calls: HaServiceCall[] = [];
  readonly conversations: HaConversationRequest[] = [];
  #states = new Map<string, HaEntity>();
  #registries: HaRegistries;
  #seq = 0;
  /** Replace to simulate errors or slow replies. */
  onCall: ((call: HaServiceCall) => Promise<void> | void) | undefined;
  conversationResult: HaConversationResult = {
    speech: 'Done',
    responseType: 'action_done',
    errorCode: null,
    successIds: [],
    failedIds: [],
    conversationId: null,
  };

  constructor(states: StateInput[] = [], registries: Partial<HaRegistries> = {}) {
    super();
    for (const s of states) this.#states.set(s.entity_id, haState(s));
    this.#registries = { ...EMPTY_REGISTRIES, ...registries };
  }

  async connect(): Promise<void> {
    this.setStatus('connected');
  }

  getEntities(): ReadonlyMap<string, HaEntity> {
    return this.#states;
  }

  getRegistries(): HaRegistries {
    return this.#registries;
  }

  setRegistries(patch: Partial<HaRegistries>): void {
    this.#registries = { ...this.#registries, ...patch };
    this.emit('registries', this.#registries);
  }

  setState(input: StateInput): void {
    const previous = this.#states.get(input.entity_id);
    this.#states = new Map(this.#states);
    this.#states.set(input.entity_id, { ...haState(input), attributes: input.attributes ?? previous?.attributes ?? {} });
    this.emit('entities', this.#states);
  }

  setStatus(status: HaConnectionStatus): void {
    this.status = status;
    this.emit('connection_change', status);
  }

  async callService(call: HaServiceCall, _options?: HaCommandOptions): Promise<HaServiceResult> {
    this.#assertConnected();
    this.calls.push(structuredClone({ ...call, target: { entity_id: [...call.target.entity_id] } }));
    await this.onCall?.(call);
    const contextId = `ctx${++this.#seq}`;
    this.#simulate(call, contextId);
    return { contextId };
  }

  async processConversation(request: HaConversationRequest): Promise<HaConversationResult> {
    this.#assertConnected();
    this.conversations.push(request);
    return this.conversationResult;
  }

  async waitUntilConnected(timeoutMs: number): Promise<boolean> {
    if (this.status === 'connected') return true;
    if (this.status !== 'connecting') return false;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        off();
        resolve(false);
      }, timeoutMs);
      const off = this.on('connection_change', (status) => {
        if (status === 'connecting') return;
        clearTimeout(timer);
        off();
        resolve(status === 'connected');
      });
    });
  }

  async close(): Promise<void> {
    this.setStatus('disconnected');
  }

  #assertConnected(): void {
    if (this.status !== 'connected') throw new HomeAssistantError(NOT_REACHABLE, { category: 'connectivity', code: 'not_reachable' });
  }

  #simulate(call: HaServiceCall, contextId: string): void {
    const next = new Map(this.#states);
    for (const id of call.target.entity_id) {
      const current = next.get(id);
      if (!current) continue;
      const attributes: Record<string, unknown> = { ...current.attributes };
      let state = current.state;
      const data = call.data ?? {};
      switch (call.service) {
        case 'turn_on':
          state = call.domain === 'scene' ? new Date(Date.now() + this.#seq).toISOString() : 'on';
          if (typeof data.brightness_pct === 'number') attributes.brightness = Math.round((data.brightness_pct * 255) / 100);
          if (typeof data.color_temp_kelvin === 'number') {
            attributes.color_temp_kelvin = data.color_temp_kelvin;
            attributes.color_mode = 'color_temp';
          }
          if (Array.isArray(data.rgb_color)) {
            attributes.rgb_color = data.rgb_color;
            attributes.color_mode = 'hs';
          }
          break;
        case 'turn_off':
          state = 'off';
          break;
        case 'toggle':
          state = state === 'off' ? 'on' : 'off';
          break;
        case 'lock':
          state = 'locked';
          break;
        case 'unlock':
        case 'open':
          state = 'unlocked';
          break;
        case 'open_cover':
          state = 'open';
          break;
        case 'close_cover':
          state = 'closed';
          break;
        case 'set_cover_position':
          attributes.current_position = data.position;
          state = data.position === 0 ? 'closed' : 'open';
          break;
        case 'set_temperature':
          Object.assign(attributes, data.temperature !== undefined ? { temperature: data.temperature } : {});
          if (data.hvac_mode) state = String(data.hvac_mode);
          break;
        case 'set_hvac_mode':
          state = String(data.hvac_mode);
          break;
        case 'media_play':
          state = 'playing';
          break;
        case 'media_pause':
          state = 'paused';
          break;
        case 'volume_set':
          attributes.volume_level = data.volume_level;
          break;
        case 'set_percentage':
          attributes.percentage = data.percentage;
          state = 'on';
          break;
        case 'alarm_disarm':
          state = 'disarmed';
          break;
        default:
          break;
      }
      next.set(id, { ...current, state, attributes, context: { id: contextId, parent_id: null, user_id: null } });
    }
    this.#states = next;
    this.emit('entities', this.#states);
  }
}
