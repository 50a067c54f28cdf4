import { describe, expect, it } from 'vitest';
import { entityControls } from '../../../main/home-assistant/entity-controls.js';
import { entityActionToTool } from '../../../main/home-assistant/entity-actions.js';
import type { EntityCard } from '../../../preload/contract/types.js';

const state = (entity_id: string, s: string, attributes: Record<string, unknown> = {}) => ({
  entity_id,
  state: s,
  attributes,
  last_changed: '',
  last_updated: '',
  context: { id: '', parent_id: null, user_id: null },
});

describe('entity card controls', () => {
  it('offers what the live entity supports, with its ranges', () => {
    const light = state('light.kitchen', 'on', {
      brightness: 128,
      supported_color_modes: ['color_temp', 'hs'],
      color_temp_kelvin: 4000,
      min_color_temp_kelvin: 2000,
      max_color_temp_kelvin: 6500,
    });
    expect(entityControls('light', light, false)).toEqual([
      { kind: 'toggle', on: true },
      { kind: 'brightness', percent: 50 },
      { kind: 'color-temperature', kelvin: 4000, min: 2000, max: 6500 },
    ]);
    expect(entityControls('light', state('light.plain', 'off', { supported_color_modes: ['onoff'] }), false)).toEqual([
      { kind: 'toggle', on: false },
    ]);
    expect(
      entityControls('climate', state('climate.hvac', 'cool', { temperature: 21, min_temp: 7, max_temp: 35, target_temp_step: 1 }), false),
    ).toContainEqual({
      kind: 'climate-target',
      celsius: 21,
      min: 7,
      max: 35,
      step: 1,
    });
    expect(entityControls('cover', state('cover.kitchen_window', 'open', { supported_features: 15, current_position: 70 }), false)).toEqual(
      [{ kind: 'cover-position', percent: 70 }],
    );
    expect(
      entityControls('media_player', state('media_player.living_room', 'playing', { supported_features: 16389, volume_level: 0.4 }), false),
    ).toContainEqual({
      kind: 'media',
      playing: true,
      volumePercent: 40,
    });
    expect(entityControls('scene', state('scene.romantic', 'scening'), false)).toEqual([{ kind: 'activate' }]);
  });

  it('gives sensitive or unavailable entities no card controls', () => {
    expect(entityControls('cover', state('cover.garage_door', 'closed', { supported_features: 15 }), true)).toEqual([]);
    expect(entityControls('light', state('light.x', 'unavailable'), false)).toEqual([]);
  });

  it('maps card actions onto the typed tools, and refuses sensitive cards', () => {
    const card = (id: string, domain: string, extra: Partial<EntityCard> = {}): EntityCard => ({
      id,
      domain,
      name: id,
      area: null,
      state: 'on',
      detail: '',
      controllable: true,
      sensitive: false,
      controls: [],
      highlighted: false,
      ...extra,
    });
    expect(entityActionToTool({ entityId: 'light.k', action: 'set_brightness', percent: 30 }, card('light.k', 'light'))).toEqual({
      tool: 'set_light',
      args: { entities: ['light.k'], brightness_pct: 30 },
    });
    expect(entityActionToTool({ entityId: 'cover.w', action: 'toggle' }, card('cover.w', 'cover', { state: 'closed' }))).toEqual({
      tool: 'set_cover',
      args: { entities: ['cover.w'], action: 'open' },
    });
    expect(entityActionToTool({ entityId: 'scene.r', action: 'activate' }, card('scene.r', 'scene'))).toEqual({
      tool: 'activate_scene',
      args: { scene: 'scene.r' },
    });
    expect(
      entityActionToTool(
        { entityId: 'media_player.l', action: 'media_play_pause' },
        card('media_player.l', 'media_player', { state: 'playing' }),
      ),
    ).toEqual({
      tool: 'control_media',
      args: { entities: ['media_player.l'], action: 'pause' },
    });
    expect(entityActionToTool({ entityId: 'cover.g', action: 'turn_on' }, card('cover.g', 'cover', { sensitive: true }))).toEqual({
      error: expect.stringMatching(/spoken confirmation/),
    });
  });
});
