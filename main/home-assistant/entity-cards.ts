import type { EntityCard } from '../../preload/contract/types.js';
import type { HaEntity } from './home-assistant-gateway.js';
import { entityControls } from './entity-controls.js';
import type { ExposedHome } from './exposed-home.js';
import { compactAttributes } from './compact-state.js';
import { ALLOWED_SERVICES } from './home-control.js';
import type { ConfirmationPolicy } from './confirmation-policy.js';

/**
 * A pure projection of the exposed home for the UI's entity cards: one card per exposed entity,
 * plain data (structured-clone safe), in summary order. Only exposed entities ever appear.
 */
export type { EntityCard };

function label(state: string): string {
  return state.length === 0 ? '' : state[0]!.toUpperCase() + state.slice(1).replace(/_/g, ' ');
}

function detailLine(domain: string, state: HaEntity | undefined): string {
  if (!state) return 'Unknown';
  const a = compactAttributes(domain, state.attributes);
  const parts = [label(state.state)];
  const unit = typeof a.unit === 'string' ? ` ${a.unit}` : '';
  switch (domain) {
    case 'light':
      if (typeof a.brightness_pct === 'number') parts.push(`${a.brightness_pct} %`);
      if (typeof a.color_temp_kelvin === 'number') parts.push(`${a.color_temp_kelvin} K`);
      break;
    case 'climate':
      if (typeof a.current_temperature === 'number') parts.push(`${a.current_temperature}°`);
      if (typeof a.target_temperature === 'number') parts.push(`→ ${a.target_temperature}°`);
      else if (typeof a.target_temp_low === 'number' && typeof a.target_temp_high === 'number')
        parts.push(`→ ${a.target_temp_low}–${a.target_temp_high}°`);
      break;
    case 'cover':
      if (typeof a.position === 'number') parts.push(`${a.position} %`);
      break;
    case 'media_player':
      if (typeof a.media_title === 'string') parts.push(a.media_title);
      if (typeof a.volume_pct === 'number') parts.push(`vol ${a.volume_pct} %`);
      break;
    case 'fan':
      if (typeof a.speed_pct === 'number') parts.push(`${a.speed_pct} %`);
      break;
    case 'sensor':
      return `${state.state}${unit}`;
    default:
      break;
  }
  return parts.join(' · ');
}

export function entityCards(home: ExposedHome, states: ReadonlyMap<string, HaEntity>, policy: ConfirmationPolicy): EntityCard[] {
  return home.entities.map((entity) => {
    const state = states.get(entity.id);
    // Asks to confirm: the card offers no controls (a press never confirms a spoken question).
    const sensitive = policy.gates(entity);
    return {
      id: entity.id,
      domain: entity.domain,
      name: entity.name,
      area: entity.areaName,
      state: state?.state ?? 'unknown',
      detail: detailLine(entity.domain, state),
      // A card offers controls exactly where a tool may call a service.
      controllable: Object.hasOwn(ALLOWED_SERVICES, entity.domain),
      sensitive,
      controls: entityControls(entity.domain, state, sensitive),
      highlighted: false,
    };
  });
}
