import type { EntityControl } from '../../preload/contract/types.js';
import type { HaEntity } from './home-assistant-gateway.js';
import { brightnessPct } from './compact-state.js';

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

// Home Assistant's supported_features bits.
const COVER_SET_POSITION = 4;
const MEDIA_VOLUME_SET = 4;
const MEDIA_PAUSE = 1;
const MEDIA_PLAY = 16384;

const TOGGLES = new Set(['light', 'switch', 'fan', 'input_boolean', 'humidifier', 'siren', 'climate', 'media_player']);

/**
 * What a card lets the user change, from the live entity (supported features, ranges). Sensitive
 * entities (locks, garage doors, gates, alarms) get no card controls: those go through the assistant,
 * which asks for confirmation.
 */
export function entityControls(domain: string, state: HaEntity | undefined, sensitive: boolean): EntityControl[] {
  if (!state || sensitive || state.state === 'unavailable') return [];
  const a = state.attributes;
  const features = num(a.supported_features) ?? 0;
  const controls: EntityControl[] = [];
  const on = state.state !== 'off' && state.state !== 'closed' && state.state !== 'unknown';
  if (TOGGLES.has(domain)) controls.push({ kind: 'toggle', on });
  switch (domain) {
    case 'light': {
      const modes = Array.isArray(a.supported_color_modes) ? (a.supported_color_modes as unknown[]) : [];
      const dimmable = modes.some((m) => m !== 'onoff');
      if (dimmable) controls.push({ kind: 'brightness', percent: on ? (brightnessPct(a.brightness) ?? 0) : 0 });
      const min = num(a.min_color_temp_kelvin);
      const max = num(a.max_color_temp_kelvin);
      if (modes.includes('color_temp') && min !== undefined && max !== undefined) {
        controls.push({ kind: 'color-temperature', kelvin: num(a.color_temp_kelvin) ?? Math.round((min + max) / 2), min, max });
      }
      break;
    }
    case 'climate': {
      const target = num(a.temperature);
      if (target !== undefined) {
        controls.push({
          kind: 'climate-target',
          celsius: target,
          min: num(a.min_temp) ?? 7,
          max: num(a.max_temp) ?? 35,
          step: num(a.target_temp_step) ?? 0.5,
        });
      }
      break;
    }
    case 'cover':
      if (features & COVER_SET_POSITION)
        controls.push({ kind: 'cover-position', percent: num(a.current_position) ?? (state.state === 'open' ? 100 : 0) });
      else controls.push({ kind: 'toggle', on: state.state === 'open' || state.state === 'opening' });
      break;
    case 'media_player':
      if (features & (MEDIA_PLAY | MEDIA_PAUSE) || features & MEDIA_VOLUME_SET) {
        const volume = num(a.volume_level);
        controls.push({
          kind: 'media',
          playing: state.state === 'playing',
          volumePercent: features & MEDIA_VOLUME_SET && volume !== undefined ? Math.round(volume * 100) : null,
        });
      }
      break;
    case 'scene':
    case 'script':
      controls.push({ kind: 'activate' });
      break;
    default:
      break;
  }
  return controls;
}
