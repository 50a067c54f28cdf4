import type { HaEntity } from './home-assistant-gateway.js';
import { finiteNumber, stringList } from './ha-messages.js';
import { ALARM, CLIMATE, COVER, LOCK, MEDIA, has, plan, refuse, type PlanContext, type Planned } from './control-plan.js';

/**
 * Typed, validated actions → service calls: the switching ones here (on/off, covers, media, locks,
 * alarms, scenes and scripts), the ones that set a value in adjust-actions.ts. Each planner checks
 * the arguments against the live entity (supported features, colour modes, min/max, mode lists) and either returns a refusal the
 * model can speak or a plan: the one service call it may make and how to recognise, in the
 * entity's next state, that it took effect. Domains and services come only from here, never from
 * the model.
 */

// --- on / off ---------------------------------------------------------------------------------

export type OnOffAction = 'turn_on' | 'turn_off' | 'toggle';

export function planOnOff(ctx: PlanContext, action: OnOffAction): Planned {
  const { entity, state } = ctx;
  const name = entity.name;
  const wasOn = state.state !== 'off';
  const isOn = (s: HaEntity) => s.state !== 'off' && s.state !== 'unavailable' && s.state !== 'unknown';
  const doneFor = (target: 'on' | 'off' | 'toggle') => (s: HaEntity) =>
    target === 'on' ? isOn(s) : target === 'off' ? s.state === 'off' : isOn(s) !== wasOn;
  const want: 'on' | 'off' = action === 'turn_on' ? 'on' : action === 'turn_off' ? 'off' : wasOn ? 'off' : 'on';
  switch (entity.domain) {
    case 'scene':
    case 'script': {
      if (action !== 'turn_on' && entity.domain === 'scene') return refuse(`${name} is a scene; it can only be activated.`);
      if (action === 'turn_on') return planActivate(ctx, 'turn_on');
      return plan(ctx, { domain: 'script', service: 'turn_off', data: {}, action: 'turn_off', done: (s) => s.state === 'off' });
    }
    case 'media_player': {
      const bit = want === 'on' ? MEDIA.TURN_ON : MEDIA.TURN_OFF;
      if (!has(state, bit)) return refuse(`${name} cannot be turned ${want} by Home Assistant; try play or pause instead.`);
      return plan(ctx, { domain: 'media_player', service: `turn_${want}`, data: {}, action: `turn_${want}`, done: doneFor(want) });
    }
    case 'climate': {
      if (want === 'on') {
        if (!has(state, CLIMATE.TURN_ON))
          return refuse(`${name} cannot simply be turned on; set an HVAC mode such as heat or cool instead.`);
        return plan(ctx, { domain: 'climate', service: 'turn_on', data: {}, action: 'turn_on', done: doneFor('on') });
      }
      if (has(state, CLIMATE.TURN_OFF))
        return plan(ctx, { domain: 'climate', service: 'turn_off', data: {}, action: 'turn_off', done: doneFor('off') });
      if (stringList(state.attributes.hvac_modes).includes('off')) {
        return plan(ctx, {
          domain: 'climate',
          service: 'set_hvac_mode',
          data: { hvac_mode: 'off' },
          action: 'turn_off',
          done: doneFor('off'),
        });
      }
      return refuse(`${name} cannot be turned off.`);
    }
    default:
      return plan(ctx, {
        domain: entity.domain,
        service: action,
        data: {},
        action,
        // A toggle asks like the direction it goes: turning a door relay on, not off.
        sensitive: ctx.policy.needsConfirmation(entity, `turn_${want}`),
        done: doneFor(action === 'toggle' ? 'toggle' : want),
      });
  }
}

// --- covers -----------------------------------------------------------------------------------

export type CoverAction = 'open' | 'close' | 'stop' | 'set_position';

/** Opening and closing differ only in their feature bit, their word, and the states that show them done or under way. */
const COVER_MOTIONS = {
  open: { feature: COVER.OPEN, participle: 'opened', done: 'open', moving: 'opening' },
  close: { feature: COVER.CLOSE, participle: 'closed', done: 'closed', moving: 'closing' },
} as const;

export function planCover(ctx: PlanContext, action: CoverAction, position?: number): Planned {
  const { entity, state } = ctx;
  const name = entity.name;
  const known = typeof state.attributes.supported_features === 'number';
  const can = (bit: number) => !known || has(state, bit);
  const current = finiteNumber(state.attributes.current_position);
  const moving = (s: HaEntity) => s.state === 'opening' || s.state === 'closing';
  switch (action) {
    case 'open':
    case 'close': {
      const motion = COVER_MOTIONS[action];
      if (!can(motion.feature)) return refuse(`${name} cannot be ${motion.participle}.`);
      return plan(ctx, {
        domain: 'cover',
        service: `${action}_cover`,
        data: {},
        action,
        done: (s) => s.state === motion.done || s.state === motion.moving,
      });
    }
    case 'stop':
      if (!can(COVER.STOP)) return refuse(`${name} cannot be stopped.`);
      return plan(ctx, { domain: 'cover', service: 'stop_cover', data: {}, action, done: (s) => !moving(s) });
    case 'set_position': {
      if (position === undefined) return refuse('Give a position from 0 (closed) to 100 (open).');
      if (!Number.isFinite(position) || position < 0 || position > 100)
        return refuse('The position must be between 0 (closed) and 100 % (open).');
      if (!known || !has(state, COVER.SET_POSITION)) return refuse(`${name} cannot move to a position; it can only open or close.`);
      const target = Math.round(position);
      return plan(ctx, {
        domain: 'cover',
        service: 'set_cover_position',
        data: { position: target },
        action,
        detail: String(target),
        sensitive: ctx.policy.needsConfirmation(entity, action, { current: current ?? null, target }),
        done: (s) => finiteNumber(s.attributes.current_position) === target || moving(s),
      });
    }
  }
}

// --- media players ----------------------------------------------------------------------------

export type MediaAction = 'play' | 'pause' | 'stop' | 'next' | 'previous' | 'set_volume' | 'volume_up' | 'volume_down' | 'mute' | 'unmute';

export function planMedia(ctx: PlanContext, action: MediaAction, volumePct?: number): Planned {
  const { entity, state } = ctx;
  const name = entity.name;
  const volume = finiteNumber(state.attributes.volume_level);
  const title = state.attributes.media_title;
  const need = (bit: number, what: string): Planned | null => (has(state, bit) ? null : refuse(`${name} does not support ${what}.`));
  const simple = (service: string, bit: number, what: string, done: (s: HaEntity) => boolean): Planned =>
    need(bit, what) ?? plan(ctx, { domain: 'media_player', service, data: {}, action, done });
  switch (action) {
    case 'play':
      return simple('media_play', MEDIA.PLAY, 'play', (s) => s.state === 'playing');
    case 'pause':
      return simple('media_pause', MEDIA.PAUSE, 'pause', (s) => s.state === 'paused' || s.state === 'idle');
    case 'stop':
      return simple('media_stop', MEDIA.STOP, 'stop', (s) => s.state !== 'playing');
    case 'next':
      return simple('media_next_track', MEDIA.NEXT, 'skipping to the next track', (s) => s.attributes.media_title !== title);
    case 'previous':
      return simple('media_previous_track', MEDIA.PREVIOUS, 'going back a track', (s) => s.attributes.media_title !== title);
    case 'volume_up':
    case 'volume_down': {
      if (!has(state, MEDIA.VOLUME_STEP) && !has(state, MEDIA.VOLUME_SET)) return refuse(`${name} does not support changing the volume.`);
      const up = action === 'volume_up';
      return plan(ctx, {
        domain: 'media_player',
        service: action,
        data: {},
        action,
        done: (s) => {
          const v = finiteNumber(s.attributes.volume_level);
          return v !== undefined && volume !== undefined && (up ? v > volume : v < volume);
        },
      });
    }
    case 'set_volume': {
      if (volumePct === undefined) return refuse('Give volume_pct from 0 to 100.');
      if (!Number.isFinite(volumePct) || volumePct < 0 || volumePct > 100) return refuse('The volume must be between 0 and 100 %.');
      const blocked = need(MEDIA.VOLUME_SET, 'setting the volume');
      if (blocked) return blocked;
      const level = Math.round(volumePct) / 100;
      return plan(ctx, {
        domain: 'media_player',
        service: 'volume_set',
        data: { volume_level: level },
        action,
        detail: String(level),
        done: (s) => Math.abs((finiteNumber(s.attributes.volume_level) ?? -1) - level) <= 0.011,
      });
    }
    case 'mute':
    case 'unmute': {
      const blocked = need(MEDIA.VOLUME_MUTE, 'muting');
      if (blocked) return blocked;
      const muted = action === 'mute';
      return plan(ctx, {
        domain: 'media_player',
        service: 'volume_mute',
        data: { is_volume_muted: muted },
        action,
        done: (s) => s.attributes.is_volume_muted === muted,
      });
    }
  }
}

// --- locks and alarms -------------------------------------------------------------------------

export type LockAction = 'lock' | 'unlock' | 'open';

export function planLock(ctx: PlanContext, action: LockAction): Planned {
  const { entity, state } = ctx;
  if (action === 'open' && !has(state, LOCK.OPEN)) return refuse(`${entity.name} cannot open the door itself; it can lock or unlock.`);
  const done: Record<LockAction, (s: HaEntity) => boolean> = {
    lock: (s) => s.state === 'locked' || s.state === 'locking',
    unlock: (s) => s.state === 'unlocked' || s.state === 'unlocking',
    open: (s) => s.state === 'open' || s.state === 'opening' || s.state === 'unlocked',
  };
  return plan(ctx, { domain: 'lock', service: action, data: {}, action, done: done[action] });
}

export type AlarmAction = 'arm_home' | 'arm_away' | 'arm_night' | 'arm_vacation' | 'disarm';

export function planAlarm(ctx: PlanContext, action: AlarmAction, code?: string): Planned {
  const { entity, state } = ctx;
  const a = state.attributes;
  const bit = ALARM[action];
  if (bit !== undefined && !has(state, bit)) return refuse(`${entity.name} does not support ${action.replace('_', ' ')}.`);
  const codeFormat = typeof a.code_format === 'string' ? a.code_format : null;
  const codeNeeded = codeFormat !== null && (action === 'disarm' || a.code_arm_required !== false);
  const data: Record<string, unknown> = {};
  if (code !== undefined && code !== '') {
    if (codeFormat === 'number' ? !/^\d{1,12}$/.test(code) : code.length > 32)
      return refuse(`That is not a valid code for ${entity.name}.`);
    data.code = code;
  } else if (codeNeeded) {
    return refuse(`${entity.name} needs its code for this; ask the user for it.`);
  }
  const armed = `armed_${action.slice(4)}`;
  return plan(ctx, {
    domain: 'alarm_control_panel',
    service: `alarm_${action}`,
    data,
    action,
    done: (s) => (action === 'disarm' ? s.state === 'disarmed' : s.state === armed || s.state === 'arming' || s.state === 'pending'),
  });
}

// --- scenes and scripts -----------------------------------------------------------------------

/** `action` names it in confirmations and results: "run" or "activate" unless told ("turn_on" from turn_on_off). */
export function planActivate(ctx: PlanContext, action?: string): Planned {
  const before = ctx.state.state;
  const script = ctx.entity.domain === 'script';
  return plan(ctx, {
    domain: ctx.entity.domain,
    service: 'turn_on',
    data: {},
    action: action ?? (script ? 'run' : 'activate'),
    // A scene's state is the time it was last activated; a script may already have finished.
    done: (s) => script || s.state !== before,
  });
}
