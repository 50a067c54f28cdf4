import { describe, expect, it } from 'vitest';
import type { EntityCard } from '../../../preload/contract/types.js';
import { createTranslator } from '../../../renderer/i18n/i18n.js';
import {
  cardSummary,
  climateStep,
  controlAction,
  groupByArea,
  highlighted,
  homeCounts,
} from '../../../renderer/features/entities/entity-card-model.js';

const card = (id: string, area: string | null, patch: Partial<EntityCard> = {}): EntityCard => ({
  id,
  domain: id.split('.')[0]!,
  name: id,
  area,
  state: 'on',
  detail: 'On',
  controllable: true,
  sensitive: false,
  controls: [],
  highlighted: false,
  ...patch,
});

describe('cards grouped by area', () => {
  it('sorts areas by name in the interface language, cards without an area last, card order kept', () => {
    const groups = groupByArea(
      [
        card('light.a', 'Kitchen'),
        card('sensor.x', null),
        card('light.b', 'Étage'),
        card('light.c', 'kitchen'),
        card('light.d', 'Bedroom'),
        card('light.e', ' '),
      ],
      'fr',
    );
    expect(groups.map((g) => [g.area, g.cards.map((c) => c.id)])).toEqual([
      ['Bedroom', ['light.d']],
      ['Étage', ['light.b']],
      ['Kitchen', ['light.a']],
      ['kitchen', ['light.c']],
      [null, ['sensor.x', 'light.e']],
    ]);
  });

  it('counts devices and areas, and lists the highlighted ones', () => {
    const cards = [card('light.a', 'K'), card('light.b', 'K', { highlighted: true }), card('sensor.c', null)];
    expect(homeCounts(cards)).toEqual({ devices: 3, areas: 1 });
    expect(highlighted(cards).map((c) => c.id)).toEqual(['light.b']);
  });
});

describe('card controls', () => {
  it('sends the action of each control', () => {
    const light = card('light.k', 'K');
    expect(controlAction(light, { kind: 'toggle', on: true })).toEqual({ entityId: 'light.k', action: 'turn_off' });
    expect(controlAction(light, { kind: 'toggle', on: false })).toEqual({ entityId: 'light.k', action: 'turn_on' });
    expect(controlAction(light, { kind: 'brightness', percent: 10 }, 55.4)).toEqual({
      entityId: 'light.k',
      action: 'set_brightness',
      percent: 55,
    });
    expect(controlAction(light, { kind: 'color-temperature', kelvin: 3000, min: 2200, max: 6500 }, 9000)).toEqual({
      entityId: 'light.k',
      action: 'set_color_temperature',
      kelvin: 6500,
    });
    expect(controlAction(light, { kind: 'cover-position', percent: 0 }, 70)).toEqual({
      entityId: 'light.k',
      action: 'set_cover_position',
      percent: 70,
    });
    expect(controlAction(light, { kind: 'media', playing: true, volumePercent: 30 })).toEqual({
      entityId: 'light.k',
      action: 'media_play_pause',
    });
    expect(controlAction(light, { kind: 'media', playing: true, volumePercent: 30 }, 45)).toEqual({
      entityId: 'light.k',
      action: 'set_volume',
      percent: 45,
    });
    expect(controlAction(light, { kind: 'activate' })).toEqual({ entityId: 'light.k', action: 'activate' });
    expect(controlAction(light, { kind: 'brightness', percent: 10 })).toBeNull();
  });

  it('steps a climate target on its grid, within its limits', () => {
    const control = { kind: 'climate-target' as const, celsius: 21, min: 7, max: 21.5, step: 0.5 };
    expect(climateStep(control, 1)).toBe(21.5);
    expect(climateStep({ ...control, celsius: 21.5 }, 1)).toBeNull();
    expect(climateStep(control, -1)).toBe(20.5);
    expect(climateStep({ ...control, celsius: 7 }, -1)).toBeNull();
    expect(climateStep({ ...control, celsius: 20.3, step: 1 }, 1)).toBe(21);
  });

  it('translates the state word and keeps main’s details', () => {
    const fr = createTranslator('fr');
    expect(cardSummary(card('light.k', 'K', { state: 'on', detail: 'On · 50 % · 2700 K' }), fr)).toEqual({
      state: 'Allumé',
      detail: '50 % · 2700 K',
    });
    expect(cardSummary(card('lock.f', 'K', { state: 'locked', detail: 'Locked' }), createTranslator('pt-PT'))).toEqual({
      state: 'Trancado',
      detail: '',
    });
    expect(cardSummary(card('sensor.t', null, { state: '12.4', detail: '12.4 °C' }), fr)).toEqual({ state: '12.4 °C', detail: '' });
    expect(cardSummary(card('scene.movie', null, { state: 'scening', detail: '' }), fr)).toEqual({ state: '', detail: '' });
    expect(cardSummary(card('vacuum.r', null, { state: 'cleaning', detail: 'Cleaning · 80 %' }), fr)).toEqual({
      state: 'Cleaning',
      detail: '80 %',
    });
  });
});
