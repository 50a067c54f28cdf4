import type { HaEntity } from './home-assistant-gateway.js';
import type { ExposedEntity } from './exposed-home.js';
import type { ConfirmationPolicy } from './confirmation-policy.js';

/**
 * What every planner returns: a refusal the model can speak, or the one service call it may make
 * and how to recognise, in the entity's next state, that it took effect. The planners themselves
 * are in control-actions.ts (switching: on/off, covers, media, locks, alarms, scenes) and
 * adjust-actions.ts (values with ranges: lights, climate, fans).
 */

export type ControlPlan = {
  entity: ExposedEntity;
  domain: string;
  service: string;
  data: Record<string, unknown>;
  /** For confirmation keys and results, e.g. "unlock". */
  action: string;
  /** Distinguishes requests with the same action, e.g. a position. */
  detail?: string;
  sensitive: boolean;
  /** True once the entity's state shows the action took effect. */
  done(state: HaEntity): boolean;
};

export type Planned = { ok: true; plan: ControlPlan } | { ok: false; message: string };

export type PlanContext = { entity: ExposedEntity; state: HaEntity; policy: ConfirmationPolicy };

export const refuse = (message: string): Planned => ({ ok: false, message });
const features = (state: HaEntity): number =>
  typeof state.attributes.supported_features === 'number' ? state.attributes.supported_features : 0;
export const has = (state: HaEntity, bit: number) => (features(state) & bit) !== 0;

export function plan(ctx: PlanContext, p: Omit<ControlPlan, 'entity' | 'sensitive'> & { sensitive?: boolean }): Planned {
  const { sensitive, ...rest } = p;
  return {
    ok: true,
    plan: { ...rest, entity: ctx.entity, sensitive: sensitive ?? ctx.policy.needsConfirmation(ctx.entity, p.action) },
  };
}

// Home Assistant's supported_features bits.
export const MEDIA = {
  PAUSE: 1,
  VOLUME_SET: 4,
  VOLUME_MUTE: 8,
  PREVIOUS: 16,
  NEXT: 32,
  TURN_ON: 128,
  TURN_OFF: 256,
  VOLUME_STEP: 1024,
  STOP: 4096,
  PLAY: 16384,
};
export const CLIMATE = { TARGET: 1, RANGE: 2, TURN_OFF: 128, TURN_ON: 256 };
export const COVER = { OPEN: 1, CLOSE: 2, SET_POSITION: 4, STOP: 8 };
export const FAN = { SET_SPEED: 1, PRESET: 8 };
export const LOCK = { OPEN: 1 };
export const ALARM: Record<string, number> = { arm_home: 1, arm_away: 2, arm_night: 4, arm_vacation: 32 };
