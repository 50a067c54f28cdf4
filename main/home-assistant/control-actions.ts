import type { HaEntity } from './home-assistant-gateway.js';
import type { ExposedEntity } from './exposed-home.js';
import type { ConfirmationPolicy } from './confirmation-policy.js';
import { finiteNumber, stringList } from './ha-messages.js';

/**
 * Typed, validated actions → service calls. Each planner checks the arguments against the live
 * entity (supported features, colour modes, min/max, mode lists) and either returns a refusal the
 * model can speak or a plan: the one service call it may make and how to recognise, in the
 * entity's next state, that it took effect. Domains and services come only from here, never from
 * the model.
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

type Ctx = { entity: ExposedEntity; state: HaEntity; policy: ConfirmationPolicy };

const refuse = (message: string): Planned => ({ ok: false, message });
const features = (state: HaEntity): number =>
  typeof state.attributes.supported_features === 'number' ? state.attributes.supported_features : 0;
const has = (state: HaEntity, bit: number) => (features(state) & bit) !== 0;

function plan(ctx: Ctx, p: Omit<ControlPlan, 'entity' | 'sensitive'> & { sensitive?: boolean }): Planned {
  const { sensitive, ...rest } = p;
  return {
    ok: true,
    plan: { ...rest, entity: ctx.entity, sensitive: sensitive ?? ctx.policy.needsConfirmation(ctx.entity, p.action) },
  };
}

// --- on / off ---------------------------------------------------------------------------------

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
const CLIMATE = { TARGET: 1, RANGE: 2, TURN_OFF: 128, TURN_ON: 256 };
export const COVER = { OPEN: 1, CLOSE: 2, SET_POSITION: 4, STOP: 8 };
const FAN = { SET_SPEED: 1, PRESET: 8 };
const LOCK = { OPEN: 1 };
const ALARM: Record<string, number> = { arm_home: 1, arm_away: 2, arm_night: 4, arm_vacation: 32 };

export type OnOffAction = 'turn_on' | 'turn_off' | 'toggle';

export function planOnOff(ctx: Ctx, action: OnOffAction): Planned {
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

// --- lights -----------------------------------------------------------------------------------

export type LightArgs = { brightness_pct?: number | undefined; color?: string | undefined; color_temp_kelvin?: number | undefined };

const COLOR_MODES = new Set(['hs', 'xy', 'rgb', 'rgbw', 'rgbww']);

export function planLight(ctx: Ctx, args: LightArgs): Planned {
  const { entity, state } = ctx;
  const name = entity.name;
  const a = state.attributes;
  if (args.brightness_pct === undefined && args.color === undefined && args.color_temp_kelvin === undefined) {
    return refuse('Say what to change: brightness_pct, color or color_temp_kelvin (or use turn_on_off).');
  }
  if (args.color !== undefined && args.color_temp_kelvin !== undefined) {
    return refuse('Set either a colour or a colour temperature, not both.');
  }
  const modes = stringList(a.supported_color_modes);
  const legacy = modes.length === 0;
  const dimmable = legacy ? typeof a.brightness === 'number' || has(state, 1) : modes.some((m) => m !== 'onoff');
  const data: Record<string, unknown> = {};
  const checks: ((s: HaEntity) => boolean)[] = [(s) => s.state === 'on'];
  if (args.brightness_pct !== undefined) {
    const pct = args.brightness_pct;
    if (!Number.isFinite(pct) || pct < 0 || pct > 100) return refuse('Brightness must be between 0 and 100 %.');
    if (!dimmable) return refuse(`${name} cannot be dimmed; it can only be turned on or off.`);
    if (pct === 0 && args.color === undefined && args.color_temp_kelvin === undefined) {
      return plan(ctx, { domain: 'light', service: 'turn_off', data: {}, action: 'turn_off', done: (s) => s.state === 'off' });
    }
    data.brightness_pct = Math.round(pct);
    const target = Math.round((Math.round(pct) * 255) / 100);
    checks.push((s) => Math.abs((finiteNumber(s.attributes.brightness) ?? -99) - target) <= 3);
  }
  if (args.color !== undefined) {
    if (!(legacy ? has(state, 16) : modes.some((m) => COLOR_MODES.has(m)))) return refuse(`${name} cannot change colour.`);
    const rgb = parseColor(args.color);
    if (!rgb) return refuse(`I do not know the colour "${args.color.slice(0, 40)}"; use a common colour name or #RRGGBB.`);
    data.rgb_color = rgb;
    checks.push((s) => s.attributes.color_mode !== 'color_temp');
  }
  if (args.color_temp_kelvin !== undefined) {
    if (!(legacy ? has(state, 2) : modes.includes('color_temp'))) return refuse(`${name} has no adjustable white temperature.`);
    const min = finiteNumber(a.min_color_temp_kelvin) ?? 2000;
    const max = finiteNumber(a.max_color_temp_kelvin) ?? 6500;
    const k = args.color_temp_kelvin;
    if (!Number.isFinite(k) || k < min || k > max) return refuse(`${name} supports colour temperatures from ${min} to ${max} K.`);
    data.color_temp_kelvin = Math.round(k);
    checks.push((s) => Math.abs((finiteNumber(s.attributes.color_temp_kelvin) ?? -1e6) - k) <= Math.max(60, k * 0.03));
  }
  return plan(ctx, {
    domain: 'light',
    service: 'turn_on',
    data,
    action: 'set_light',
    detail: JSON.stringify(data),
    done: (s) => checks.every((c) => c(s)),
  });
}

const NAMED_COLORS: Readonly<Record<string, [number, number, number]>> = {
  red: [255, 0, 0],
  green: [0, 255, 0],
  blue: [0, 0, 255],
  yellow: [255, 255, 0],
  orange: [255, 165, 0],
  purple: [128, 0, 128],
  violet: [238, 130, 238],
  pink: [255, 192, 203],
  magenta: [255, 0, 255],
  fuchsia: [255, 0, 255],
  cyan: [0, 255, 255],
  aqua: [0, 255, 255],
  turquoise: [64, 224, 208],
  teal: [0, 128, 128],
  white: [255, 255, 255],
  'warm white': [255, 214, 170],
  'cool white': [220, 235, 255],
  lime: [0, 255, 0],
  indigo: [75, 0, 130],
  gold: [255, 215, 0],
  amber: [255, 191, 0],
  coral: [255, 127, 80],
  salmon: [250, 128, 114],
  crimson: [220, 20, 60],
  lavender: [230, 230, 250],
  'sky blue': [135, 206, 235],
  'light blue': [173, 216, 230],
  'dark blue': [0, 0, 139],
  navy: [0, 0, 128],
  'light green': [144, 238, 144],
  'dark green': [0, 100, 0],
  mint: [152, 255, 152],
  olive: [128, 128, 0],
  brown: [165, 42, 42],
  beige: [245, 245, 220],
  peach: [255, 218, 185],
  rose: [255, 0, 127],
  'hot pink': [255, 105, 180],
  'deep pink': [255, 20, 147],
  'royal blue': [65, 105, 225],
};

/** A colour name ("warm white", "sky blue") or #RRGGBB → RGB. */
export function parseColor(input: string): [number, number, number] | null {
  const value = input
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ');
  const hex = /^#?([0-9a-f]{6})$/.exec(value.replace(/ /g, ''));
  if (hex) {
    const n = Number.parseInt(hex[1]!, 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  }
  const named = NAMED_COLORS[value] ?? NAMED_COLORS[value.replace(/ /g, '')];
  return named ? [...named] : null;
}

// --- climate ----------------------------------------------------------------------------------

export type ClimateArgs = {
  temperature?: number | undefined;
  target_temp_low?: number | undefined;
  target_temp_high?: number | undefined;
  hvac_mode?: string | undefined;
};

export function planClimate(ctx: Ctx, args: ClimateArgs): Planned {
  const { entity, state } = ctx;
  const name = entity.name;
  const a = state.attributes;
  const min = finiteNumber(a.min_temp) ?? 7;
  const max = finiteNumber(a.max_temp) ?? 35;
  const modes = stringList(a.hvac_modes);
  const range = args.target_temp_low !== undefined || args.target_temp_high !== undefined;
  if (args.temperature === undefined && !range && args.hvac_mode === undefined) {
    return refuse('Say what to change: temperature, target_temp_low and target_temp_high, or hvac_mode.');
  }
  if (args.hvac_mode !== undefined && !modes.includes(args.hvac_mode)) {
    return refuse(`${name} has no "${args.hvac_mode.slice(0, 30)}" mode; its modes are ${modes.join(', ') || 'none'}.`);
  }
  const inRange = (t: number) => Number.isFinite(t) && t >= min && t <= max;
  const data: Record<string, unknown> = {};
  const checks: ((s: HaEntity) => boolean)[] = [];
  const near = (key: string, t: number) => (s: HaEntity) => Math.abs((finiteNumber(s.attributes[key]) ?? -1e6) - t) <= 0.51;
  if (args.temperature !== undefined && range) return refuse('Give either one temperature or a low/high range, not both.');
  if (args.temperature !== undefined) {
    if (!has(state, CLIMATE.TARGET)) {
      return has(state, CLIMATE.RANGE)
        ? refuse(`${name} works with a range: give target_temp_low and target_temp_high.`)
        : refuse(`${name} has no adjustable target temperature.`);
    }
    if (!inRange(args.temperature)) return refuse(`The temperature for ${name} must be between ${min} and ${max} degrees.`);
    data.temperature = args.temperature;
    checks.push(near('temperature', args.temperature));
  }
  if (range) {
    const { target_temp_low: low, target_temp_high: high } = args;
    if (!has(state, CLIMATE.RANGE)) return refuse(`${name} takes a single target temperature, not a range.`);
    if (low === undefined || high === undefined) return refuse('Give both target_temp_low and target_temp_high.');
    if (!inRange(low) || !inRange(high)) return refuse(`The temperatures for ${name} must be between ${min} and ${max} degrees.`);
    if (low >= high) return refuse('target_temp_low must be lower than target_temp_high.');
    data.target_temp_low = low;
    data.target_temp_high = high;
    checks.push(near('target_temp_low', low), near('target_temp_high', high));
  }
  if (args.hvac_mode !== undefined) {
    data.hvac_mode = args.hvac_mode;
    const mode = args.hvac_mode;
    checks.push((s) => s.state === mode);
  }
  const service = args.temperature !== undefined || range ? 'set_temperature' : 'set_hvac_mode';
  return plan(ctx, {
    domain: 'climate',
    service,
    data,
    action: 'set_climate',
    detail: JSON.stringify(data),
    done: (s) => checks.every((c) => c(s)),
  });
}

// --- covers -----------------------------------------------------------------------------------

export type CoverAction = 'open' | 'close' | 'stop' | 'set_position';

export function planCover(ctx: Ctx, action: CoverAction, position?: number): Planned {
  const { entity, state } = ctx;
  const name = entity.name;
  const known = typeof state.attributes.supported_features === 'number';
  const can = (bit: number) => !known || has(state, bit);
  const current = finiteNumber(state.attributes.current_position);
  const moving = (s: HaEntity) => s.state === 'opening' || s.state === 'closing';
  switch (action) {
    case 'open':
      if (!can(COVER.OPEN)) return refuse(`${name} cannot be opened.`);
      return plan(ctx, {
        domain: 'cover',
        service: 'open_cover',
        data: {},
        action,
        done: (s) => s.state === 'open' || s.state === 'opening',
      });
    case 'close':
      if (!can(COVER.CLOSE)) return refuse(`${name} cannot be closed.`);
      return plan(ctx, {
        domain: 'cover',
        service: 'close_cover',
        data: {},
        action,
        done: (s) => s.state === 'closed' || s.state === 'closing',
      });
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

export function planMedia(ctx: Ctx, action: MediaAction, volumePct?: number): Planned {
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

// --- fans -------------------------------------------------------------------------------------

export function planFan(ctx: Ctx, args: { speed_pct?: number | undefined; preset_mode?: string | undefined }): Planned {
  const { entity, state } = ctx;
  const name = entity.name;
  if (args.speed_pct === undefined && args.preset_mode === undefined) return refuse('Give speed_pct (0-100) or preset_mode.');
  if (args.speed_pct !== undefined && args.preset_mode !== undefined) return refuse('Set either a speed or a preset, not both.');
  if (args.speed_pct !== undefined) {
    const pct = args.speed_pct;
    if (!Number.isFinite(pct) || pct < 0 || pct > 100) return refuse('The fan speed must be between 0 and 100 %.');
    if (!has(state, FAN.SET_SPEED))
      return refuse(`${name} has no adjustable speed; it can be turned on or off${has(state, FAN.PRESET) ? ' or set to a preset' : ''}.`);
    if (pct === 0) return plan(ctx, { domain: 'fan', service: 'turn_off', data: {}, action: 'turn_off', done: (s) => s.state === 'off' });
    const step = finiteNumber(state.attributes.percentage_step) ?? 1;
    const target = Math.round(pct);
    return plan(ctx, {
      domain: 'fan',
      service: 'set_percentage',
      data: { percentage: target },
      action: 'set_speed',
      detail: String(target),
      done: (s) => s.state === 'on' && Math.abs((finiteNumber(s.attributes.percentage) ?? -1000) - target) <= Math.max(1, step),
    });
  }
  const preset = args.preset_mode!;
  const presets = stringList(state.attributes.preset_modes);
  if (!has(state, FAN.PRESET) || presets.length === 0) return refuse(`${name} has no presets.`);
  if (!presets.includes(preset)) return refuse(`${name} has no "${preset.slice(0, 30)}" preset; its presets are ${presets.join(', ')}.`);
  return plan(ctx, {
    domain: 'fan',
    service: 'set_preset_mode',
    data: { preset_mode: preset },
    action: 'set_preset',
    detail: preset,
    done: (s) => s.attributes.preset_mode === preset,
  });
}

// --- locks and alarms -------------------------------------------------------------------------

export type LockAction = 'lock' | 'unlock' | 'open';

export function planLock(ctx: Ctx, action: LockAction): Planned {
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

export function planAlarm(ctx: Ctx, action: AlarmAction, code?: string): Planned {
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
export function planActivate(ctx: Ctx, action?: string): Planned {
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
