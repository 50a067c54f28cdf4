import type { HaEntity } from './home-assistant-gateway.js';
import { finiteNumber, stringList } from './ha-messages.js';
import { parseColor } from './light-colors.js';
import { CLIMATE, FAN, has, plan, refuse, type PlanContext, type Planned } from './control-plan.js';

/**
 * Planners for the actions that set a value: a light's brightness and colour, a thermostat's
 * temperatures and mode, a fan's speed or preset. Each checks the value against the entity's
 * range and capabilities, and the plan's done() compares the read-back within a tolerance.
 */

// --- lights -----------------------------------------------------------------------------------

export type LightArgs = { brightness_pct?: number | undefined; color?: string | undefined; color_temp_kelvin?: number | undefined };

const COLOR_MODES = new Set(['hs', 'xy', 'rgb', 'rgbw', 'rgbww']);

export function planLight(ctx: PlanContext, args: LightArgs): Planned {
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

// --- climate ----------------------------------------------------------------------------------

export type ClimateArgs = {
  temperature?: number | undefined;
  target_temp_low?: number | undefined;
  target_temp_high?: number | undefined;
  hvac_mode?: string | undefined;
};

export function planClimate(ctx: PlanContext, args: ClimateArgs): Planned {
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

// --- fans -------------------------------------------------------------------------------------

export function planFan(ctx: PlanContext, args: { speed_pct?: number | undefined; preset_mode?: string | undefined }): Planned {
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
