import type { EntityAction, EntityCard } from '../../preload/contract/types.js';
import { toolsForDomain } from './domain-tools.js';

export type ToolInvocation = { tool: string; args: Record<string, unknown> };

/**
 * A card's action as a call of the same typed tool the model uses, so it goes through the same
 * exposure check, argument validation against the live entity, and read-back.
 */
export function entityActionToTool(action: EntityAction, card: EntityCard): ToolInvocation | { error: string } {
  const entities = [card.id];
  if (card.sensitive) return { error: `${card.name} needs a spoken confirmation: ask Hearth to do it.` };
  switch (action.action) {
    case 'turn_on':
    case 'turn_off':
    case 'toggle':
      // The domain's first tool (domain-tools.ts) is the one its on/off button runs.
      switch (toolsForDomain(card.domain)[0]) {
        case 'set_cover': {
          const open = action.action === 'turn_on' || (action.action === 'toggle' && card.state !== 'open');
          return { tool: 'set_cover', args: { entities, action: open ? 'open' : 'close' } };
        }
        case 'activate_scene':
          return { tool: 'activate_scene', args: { scene: card.id } };
        case 'run_script':
          return { tool: 'run_script', args: { script: card.id } };
        default:
          return { tool: 'turn_on_off', args: { entities, action: action.action } };
      }
    case 'activate':
      if (card.domain === 'scene') return { tool: 'activate_scene', args: { scene: card.id } };
      if (card.domain === 'script') return { tool: 'run_script', args: { script: card.id } };
      return { error: `${card.name} cannot be activated.` };
    case 'media_play_pause':
      return { tool: 'control_media', args: { entities, action: card.state === 'playing' ? 'pause' : 'play' } };
    case 'set_brightness':
      return { tool: 'set_light', args: { entities, brightness_pct: action.percent } };
    case 'set_color_temperature':
      return { tool: 'set_light', args: { entities, color_temp_kelvin: action.kelvin } };
    case 'set_climate_target':
      return { tool: 'set_climate', args: { entities, temperature: action.celsius } };
    case 'set_cover_position':
      return { tool: 'set_cover', args: { entities, action: 'set_position', position: action.percent } };
    case 'set_volume':
      return { tool: 'control_media', args: { entities, action: 'set_volume', volume_pct: action.percent } };
  }
}
