import type { HaEntity } from './home-assistant-gateway.js';
import type { ExposedEntity } from './exposed-home.js';
import { finiteNumber } from './ha-messages.js';

/**
 * The few attributes that matter per domain, in the units people speak (percent, kelvin). Tool
 * results become input tokens on every later turn, so they stay small; attributes that name other
 * entities (group members, linked sensors) are never included, so nothing unexposed can leak.
 */

export type CompactState = { id: string; name: string; area?: string; state: string } & Record<string, unknown>;

const text = (v: unknown, max = 80): string | undefined => (typeof v === 'string' && v !== '' ? v.slice(0, max) : undefined);
const round1 = (v: number) => Math.round(v * 10) / 10;

export function brightnessPct(brightness: unknown): number | undefined {
  const b = finiteNumber(brightness);
  return b === undefined ? undefined : Math.round((b / 255) * 100);
}

/** Domain-specific attributes for reading. `detail` adds ranges and modes (for get_states). */
export function compactAttributes(domain: string, attributes: Readonly<Record<string, unknown>>, detail = false): Record<string, unknown> {
  const a = attributes;
  const out: Record<string, unknown> = {};
  const put = (key: string, value: unknown) => {
    if (value !== undefined && value !== null) out[key] = value;
  };
  switch (domain) {
    case 'light': {
      put('brightness_pct', brightnessPct(a.brightness));
      if (a.color_mode === 'color_temp') put('color_temp_kelvin', finiteNumber(a.color_temp_kelvin));
      else if (Array.isArray(a.rgb_color) && a.rgb_color.length === 3) put('rgb', a.rgb_color);
      if (detail) {
        put('supported_color_modes', Array.isArray(a.supported_color_modes) ? a.supported_color_modes : undefined);
        put('min_color_temp_kelvin', finiteNumber(a.min_color_temp_kelvin));
        put('max_color_temp_kelvin', finiteNumber(a.max_color_temp_kelvin));
      }
      break;
    }
    case 'climate':
      put('current_temperature', finiteNumber(a.current_temperature));
      put('target_temperature', finiteNumber(a.temperature));
      put('target_temp_low', finiteNumber(a.target_temp_low));
      put('target_temp_high', finiteNumber(a.target_temp_high));
      put('hvac_action', text(a.hvac_action));
      put('current_humidity', finiteNumber(a.current_humidity));
      if (detail) {
        put('hvac_modes', Array.isArray(a.hvac_modes) ? a.hvac_modes : undefined);
        put('min_temp', finiteNumber(a.min_temp));
        put('max_temp', finiteNumber(a.max_temp));
      }
      break;
    case 'cover':
      put('position', finiteNumber(a.current_position));
      put('device_class', text(a.device_class));
      break;
    case 'media_player': {
      const volume = finiteNumber(a.volume_level);
      put('volume_pct', volume === undefined ? undefined : Math.round(volume * 100));
      if (a.is_volume_muted === true) put('muted', true);
      put('media_title', text(a.media_title));
      put('media_artist', text(a.media_artist));
      put('source', text(a.source, 40));
      break;
    }
    case 'fan':
      put('speed_pct', finiteNumber(a.percentage));
      put('preset_mode', text(a.preset_mode, 40));
      if (detail) put('preset_modes', Array.isArray(a.preset_modes) ? a.preset_modes : undefined);
      break;
    case 'sensor':
    case 'number':
    case 'input_number':
      put('unit', text(a.unit_of_measurement, 16));
      put('device_class', text(a.device_class, 40));
      break;
    case 'binary_sensor':
      put('device_class', text(a.device_class, 40));
      break;
    case 'humidifier':
      put('target_humidity', finiteNumber(a.humidity));
      put('current_humidity', finiteNumber(a.current_humidity));
      put('mode', text(a.mode, 40));
      break;
    case 'water_heater':
      put('target_temperature', finiteNumber(a.temperature));
      put('current_temperature', finiteNumber(a.current_temperature));
      break;
    case 'vacuum':
      put('battery_pct', finiteNumber(a.battery_level));
      break;
    case 'weather':
      put('temperature', finiteNumber(a.temperature));
      put('humidity', finiteNumber(a.humidity));
      break;
    case 'alarm_control_panel':
      if (detail) put('code_required', typeof a.code_format === 'string');
      break;
    default:
      break;
  }
  for (const key of ['current_temperature', 'target_temperature']) {
    const v = out[key];
    if (typeof v === 'number') out[key] = round1(v);
  }
  return out;
}

export function compactState(entity: ExposedEntity, state: HaEntity | undefined, detail = false): CompactState {
  const result: CompactState = { id: entity.id, name: entity.name, state: state?.state ?? 'unknown' };
  if (entity.areaName) result.area = entity.areaName;
  if (state) Object.assign(result, compactAttributes(entity.domain, state.attributes, detail));
  return result;
}
