import { HomeAssistantError } from '../util/errors.js';
import { createLogger } from '../util/logger.js';
import { NOT_REACHABLE, type HomeAssistantGateway } from './home-assistant-gateway.js';
import { domainOf, type ExposedHome } from './exposed-home.js';
import type { ControlPlan } from './control-plan.js';
import { compactAttributes } from './compact-state.js';

const log = createLogger('home-assistant');

/** The only services a tool can ever call, by domain. */
export const ALLOWED_SERVICES: Readonly<Record<string, readonly string[]>> = {
  light: ['turn_on', 'turn_off', 'toggle'],
  switch: ['turn_on', 'turn_off', 'toggle'],
  input_boolean: ['turn_on', 'turn_off', 'toggle'],
  fan: ['turn_on', 'turn_off', 'toggle', 'set_percentage', 'set_preset_mode'],
  humidifier: ['turn_on', 'turn_off', 'toggle'],
  siren: ['turn_on', 'turn_off', 'toggle'],
  media_player: [
    'turn_on',
    'turn_off',
    'toggle',
    'media_play',
    'media_pause',
    'media_stop',
    'media_next_track',
    'media_previous_track',
    'volume_set',
    'volume_up',
    'volume_down',
    'volume_mute',
  ],
  climate: ['turn_on', 'turn_off', 'set_temperature', 'set_hvac_mode'],
  cover: ['open_cover', 'close_cover', 'stop_cover', 'set_cover_position'],
  lock: ['lock', 'unlock', 'open'],
  alarm_control_panel: ['alarm_arm_home', 'alarm_arm_away', 'alarm_arm_night', 'alarm_arm_vacation', 'alarm_disarm'],
  scene: ['turn_on'],
  script: ['turn_on', 'turn_off'],
};

export type ControlTiming = {
  /** While reconnecting, wait this long for the connection before answering "not reachable". */
  connectGraceMs: number;
  /** The whole call (service + read-back) answers within this. */
  deadlineMs: number;
  /** After the service answered, wait at most this long for the state to show the change. */
  settleMs: number;
};

export const DEFAULT_CONTROL_TIMING: ControlTiming = { connectGraceMs: 1500, deadlineMs: 1900, settleMs: 1000 };

export type ControlResult = { id: string; name: string; state?: string; changed?: boolean; error?: string } & Record<string, unknown>;

export type ControlOutput = { results: ControlResult[]; note?: string } | { error: string };

/**
 * Runs validated plans: re-checks exposure against the current view and the service allowlist,
 * calls Home Assistant (one call per identical service and data), then reads the new state back
 * from the live subscription so the answer says what actually changed.
 */
export class HomeControl {
  readonly #gateway: HomeAssistantGateway;
  readonly #home: () => ExposedHome;
  readonly #timing: ControlTiming;

  constructor(deps: { gateway: HomeAssistantGateway; home: () => ExposedHome; timing?: Partial<ControlTiming> }) {
    this.#gateway = deps.gateway;
    this.#home = deps.home;
    this.#timing = { ...DEFAULT_CONTROL_TIMING, ...deps.timing };
  }

  /** Waits (briefly) for a connection; false means "not reachable". */
  async reachable(): Promise<boolean> {
    if (this.#gateway.status === 'connected') return true;
    return this.#gateway.waitUntilConnected(this.#timing.connectGraceMs);
  }

  /** `startedAt`: when the tool call began (performance.now()); the whole call answers within `deadlineMs` of it. */
  async execute(plans: readonly ControlPlan[], signal?: AbortSignal, startedAt = performance.now()): Promise<ControlOutput> {
    const started = startedAt;
    const home = this.#home();
    for (const plan of plans) {
      // Belt and braces: the plan came from an ExposedHome, but exposure may have changed since,
      // and nothing but an exposed entity of the service's own domain may ever be a target.
      const id = plan.entity.id;
      if (!home.has(id)) return { error: `There is no exposed device called "${plan.entity.name}".` };
      if (domainOf(id) !== plan.domain || !ALLOWED_SERVICES[plan.domain]?.includes(plan.service)) {
        log.error({ id, domain: plan.domain, service: plan.service }, 'refused a service call outside the allowlist');
        return { error: `That action is not available for ${plan.entity.name}.` };
      }
    }
    if (plans.length === 0) return { error: 'Nothing to do.' };
    if (!(await this.reachable())) return { error: NOT_REACHABLE };
    const deadline = performance.now() + Math.max(300, this.#timing.deadlineMs - (performance.now() - started));
    const before = new Map(plans.map((p) => [p.entity.id, this.#gateway.getEntities().get(p.entity.id)]));

    // One call per identical (domain, service, data): "turn off the living room lights" is one call.
    const groups = new Map<string, ControlPlan[]>();
    for (const plan of plans) {
      const key = `${plan.domain}\u0000${plan.service}\u0000${JSON.stringify(plan.data)}`;
      groups.set(key, [...(groups.get(key) ?? []), plan]);
    }
    const failures = new Map<string, HomeAssistantError>();
    await Promise.all(
      [...groups.values()].map(async (group) => {
        const first = group[0]!;
        try {
          await this.#gateway.callService(
            { domain: first.domain, service: first.service, data: first.data, target: { entity_id: group.map((p) => p.entity.id) } },
            { timeoutMs: Math.max(200, deadline - performance.now() - 250), ...(signal ? { signal } : {}) },
          );
        } catch (error) {
          const mapped =
            error instanceof HomeAssistantError ? error : new HomeAssistantError(String(error), { category: 'unknown', permanent: false });
          for (const plan of group) failures.set(plan.entity.id, mapped);
        }
      }),
    );
    if (failures.size === plans.length && [...failures.values()].every((e) => e.code === 'not_reachable')) return { error: NOT_REACHABLE };

    const pending = plans.filter((p) => !failures.has(p.entity.id));
    const settleUntil = Math.min(deadline, performance.now() + this.#timing.settleMs);
    await this.#waitFor(pending, settleUntil, signal);

    const now = this.#gateway.getEntities();
    let notAnswered = false;
    let notVisible = false;
    const results = plans.map((plan): ControlResult => {
      const state = now.get(plan.entity.id);
      const failure = failures.get(plan.entity.id);
      const result: ControlResult = { id: plan.entity.id, name: plan.entity.name };
      if (failure && failure.code !== 'timeout') {
        result.error = failure.code === 'not_reachable' ? NOT_REACHABLE : `Home Assistant refused: ${failure.message}`;
        return result;
      }
      const attributes = state ? compactAttributes(plan.entity.domain, state.attributes) : {};
      if (state) {
        result.state = state.state;
        Object.assign(result, attributes);
      }
      const previous = before.get(plan.entity.id);
      result.changed =
        !!state &&
        !!previous &&
        summary(state.state, attributes) !== summary(previous.state, compactAttributes(plan.entity.domain, previous.attributes));
      if (failure) {
        result.pending = true;
        notAnswered = true;
      } else if (!state || !plan.done(state)) {
        result.pending = true;
        notVisible = true;
      }
      return result;
    });
    const output: ControlOutput = { results };
    if (notAnswered) output.note = 'Home Assistant has not confirmed yet; the state shown is the state right now and may still change.';
    else if (notVisible) output.note = 'Home Assistant accepted the command; the new state is not visible yet (devices can take a moment).';
    return output;
  }

  /** Resolves when every plan's state shows its effect, or at `until`. */
  #waitFor(plans: readonly ControlPlan[], until: number, signal?: AbortSignal): Promise<void> {
    const allDone = () => {
      const entities = this.#gateway.getEntities();
      return plans.every((p) => {
        const state = entities.get(p.entity.id);
        return state !== undefined && p.done(state);
      });
    };
    if (plans.length === 0 || allDone()) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        off();
        signal?.removeEventListener('abort', finish);
        resolve();
      };
      const timer = setTimeout(finish, Math.max(0, until - performance.now()));
      const off = this.#gateway.on('entities', () => {
        if (allDone()) finish();
      });
      signal?.addEventListener('abort', finish, { once: true });
    });
  }
}

/** What a result shows of an entity: its state and compact attributes. */
function summary(state: string, attributes: Record<string, unknown>): string {
  return `${state}|${JSON.stringify(attributes)}`;
}
