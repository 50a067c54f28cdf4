import type { EntityControl } from '../../preload/contract/types.js';
import type { HaEntity } from './home-assistant-gateway.js';
import { brightnessPct } from './compact-state.js';
import { COVER, MEDIA } from './control-plan.js';
import { ON_OFF_DOMAINS } from './domain-tools.js';
import { finiteNumber } from './ha-messages.js';

/** Scenes and scripts are activated, not toggled. */
const TOGGLES = new Set<string>(ON_OFF_DOMAINS.filter((domain) => domain !== 'scene' && domain !== 'script'));

/**
 * What a card lets the user change, from the live entity (supported features, ranges). Entities that
 * ask for a spoken yes (confirmation-policy.ts: locks, doors, gates, alarms, door relays…) get no
 * card controls: those go through the assistant, which asks, and a press never confirms.
 */
export function entityControls(domain: string, state: HaEntity | undefined, sensitive: boolean): EntityControl[] {
  if (!state || sensitive || state.state === 'unavailable') return [];
  const a = state.attributes;
  const features = finiteNumber(a.supported_features) ?? 0;
  const controls: EntityControl[] = [];
  const on = state.state !== 'off' && state.state !== 'closed' && state.state !== 'unknown';
  if (TOGGLES.has(domain)) controls.push({ kind: 'toggle', on });
  switch (domain) {
    case 'light': {
      const modes = Array.isArray(a.supported_color_modes) ? (a.supported_color_modes as unknown[]) : [];
      const dimmable = modes.some((m) => m !== 'onoff');
      if (dimmable) controls.push({ kind: 'brightness', percent: on ? (brightnessPct(a.brightness) ?? 0) : 0 });
      const min = finiteNumber(a.min_color_temp_kelvin);
      const max = finiteNumber(a.max_color_temp_kelvin);
      if (modes.includes('color_temp') && min !== undefined && max !== undefined) {
        controls.push({ kind: 'color-temperature', kelvin: finiteNumber(a.color_temp_kelvin) ?? Math.round((min + max) / 2), min, max });
      }
      break;
    }
    case 'climate': {
      const target = finiteNumber(a.temperature);
      if (target !== undefined) {
        controls.push({
          kind: 'climate-target',
          celsius: target,
          min: finiteNumber(a.min_temp) ?? 7,
          max: finiteNumber(a.max_temp) ?? 35,
          step: finiteNumber(a.target_temp_step) ?? 0.5,
        });
      }
      break;
    }
    case 'cover':
      if (features & COVER.SET_POSITION)
        controls.push({ kind: 'cover-position', percent: finiteNumber(a.current_position) ?? (state.state === 'open' ? 100 : 0) });
      else controls.push({ kind: 'toggle', on: state.state === 'open' || state.state === 'opening' });
      break;
    case 'media_player':
      if (features & (MEDIA.PLAY | MEDIA.PAUSE) || features & MEDIA.VOLUME_SET) {
        const volume = finiteNumber(a.volume_level);
        controls.push({
          kind: 'media',
          playing: state.state === 'playing',
          volumePercent: features & MEDIA.VOLUME_SET && volume !== undefined ? Math.round(volume * 100) : null,
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
