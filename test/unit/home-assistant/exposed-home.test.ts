import { describe, expect, it } from 'vitest';
import {
  ExposedHome,
  exposedByHomeAssistant,
  globToRegExp,
  isExposed,
  matchesAny,
  type ExposureSettings,
} from '../../../main/home-assistant/exposed-home.js';
import { matchEntity, normalize, prepareQuery, stem, tokenSimilarity } from '../../../main/home-assistant/entity-matcher.js';
import { editDistance } from '../../../main/util/edit-distance.js';
import { haState } from '../../fakes/fake-home-assistant-gateway.js';
import { HA_UNEXPOSED, REGISTRIES, STATES } from './test-home.js';

const states = new Map(STATES.map((s) => [s.entity_id, haState(s)]));
const NONE: ExposureSettings = { include: [], exclude: [] };
const build = (settings: ExposureSettings = NONE, registries = REGISTRIES) => ExposedHome.build({ states, registries, settings });
const ids = (home: ExposedHome) => home.entities.map((e) => e.id);

describe('exposure policy: Home Assistant exposure ∩ include − exclude', () => {
  it('exposes exactly what Home Assistant exposes (stored decisions, then its default rule)', () => {
    const home = build();
    for (const id of HA_UNEXPOSED) expect(home.has(id), id).toBe(false);
    expect(ids(home)).toContain('light.kitchen_lights');
    expect(ids(home)).toContain('lock.back_door');
    expect(ids(home)).toHaveLength(STATES.length - HA_UNEXPOSED.length);
  });

  it('applies the default rule only to entities without a stored decision, and not when new entities are not exposed', () => {
    const registries = { exposedToAssist: new Map<string, boolean>(), exposeNew: true };
    const light = haState({ entity_id: 'light.new', state: 'on' });
    expect(exposedByHomeAssistant('light.new', undefined, light, registries)).toBe(true);
    expect(exposedByHomeAssistant('media_player.new', undefined, haState({ entity_id: 'media_player.new', state: 'on' }), registries)).toBe(
      false,
    );
    const temp = haState({ entity_id: 'sensor.t', state: '1', attributes: { device_class: 'temperature' } });
    expect(exposedByHomeAssistant('sensor.t', undefined, temp, registries)).toBe(true);
    const power = haState({ entity_id: 'sensor.p', state: '1', attributes: { device_class: 'power' } });
    expect(exposedByHomeAssistant('sensor.p', undefined, power, registries)).toBe(false);
    expect(exposedByHomeAssistant('light.new', undefined, light, { ...registries, exposeNew: false })).toBe(false);
    const stored = { exposedToAssist: new Map([['light.new', false]]), exposeNew: true };
    expect(exposedByHomeAssistant('light.new', undefined, light, stored)).toBe(false);
    const disabled = { entity_id: 'light.new', disabled_by: 'user' } as never;
    expect(exposedByHomeAssistant('light.new', disabled, light, { exposedToAssist: new Map([['light.new', true]]), exposeNew: true })).toBe(
      false,
    );
  });

  it('narrows with include and exclude globs, never widens', () => {
    const lightsOnly = build({ include: ['light.*'], exclude: [] });
    expect(new Set(lightsOnly.entities.map((e) => e.domain))).toEqual(new Set(['light']));
    expect(lightsOnly.has('light.hidden_light')).toBe(false); // include cannot expose what HA hides
    const noLocks = build({ include: [], exclude: ['lock.*', 'cover.garage_door'] });
    expect(noLocks.has('lock.front_door')).toBe(false);
    expect(noLocks.has('cover.garage_door')).toBe(false);
    expect(noLocks.has('cover.driveway_gate')).toBe(true);
    expect(build({ include: ['switch.ac'], exclude: [] }).entities).toEqual([]);
  });

  it('matches globs anchored and case-insensitively, with regex characters taken literally', () => {
    expect(globToRegExp('light.*').test('light.kitchen')).toBe(true);
    expect(globToRegExp('light.*').test('xlight.kitchen')).toBe(false);
    expect(globToRegExp('*.kitchen_?').test('cover.kitchen_1')).toBe(true);
    expect(globToRegExp('light.(a|b)').test('light.a')).toBe(false);
    expect(matchesAny('LIGHT.Kitchen', ['light.kitchen'])).toBe(true);
    expect(isExposed('switch.ac', undefined, states.get('switch.ac'), REGISTRIES, { include: ['*'], exclude: [] })).toBe(false);
  });

  it('resolves areas through devices and floors through areas', () => {
    const home = build();
    const kitchen = home.get('light.kitchen_lights')!;
    expect(kitchen).toMatchObject({ areaName: 'Kitchen', floorName: 'Ground Floor', aliases: ['fridge light'] });
    expect(home.get('lock.front_door')!.areaName).toBeNull();
    expect(home.areas.map((a) => a.name)).not.toContain('Nowhere');
  });
});

describe('resolving what the model calls a device', () => {
  const home = build();
  const found = (ref: string, domains?: string[]) => {
    const r = home.resolve(ref, domains);
    return r.kind === 'found' ? r.entities.map((e) => e.id).sort() : r.kind;
  };

  it('takes exact ids, names and aliases', () => {
    expect(found('light.kitchen_lights')).toEqual(['light.kitchen_lights']);
    expect(found('Kitchen Lights')).toEqual(['light.kitchen_lights']);
    expect(found('the kitchen lights')).toEqual(['light.kitchen_lights']);
    expect(found('fridge light')).toEqual(['light.kitchen_lights']);
    expect(found('front door', ['lock'])).toEqual(['lock.front_door']);
  });

  it('reads "area + type" as a group, including area aliases and floors', () => {
    expect(found('living room lights', ['light'])).toEqual(['light.ceiling_lights', 'light.reading_lamp']);
    expect(found('lounge lights', ['light'])).toEqual(['light.ceiling_lights', 'light.reading_lamp']);
    expect(found('upstairs lights', ['light'])).toEqual(['light.bed_light']);
    expect(found('downstairs lights', ['light'])).toEqual(['light.ceiling_lights', 'light.kitchen_lights', 'light.reading_lamp']);
    expect(found('garage', ['cover'])).toEqual(['cover.driveway_gate', 'cover.garage_door']);
    expect(found('bedroom', ['fan'])).toEqual(['fan.ceiling_fan']);
  });

  it('is fuzzy on names: plurals, prefixes and small typos', () => {
    expect(found('kichen light', ['light'])).toEqual(['light.kitchen_lights']);
    expect(found('reading lamps', ['light'])).toEqual(['light.reading_lamp']);
    expect(found('decorative', ['switch'])).toEqual(['switch.decorative_lights']);
    expect(found('ecobe', ['climate'])).toEqual(['climate.ecobee']);
  });

  it('asks when a reference is ambiguous, and only groups on "all"', () => {
    expect(home.resolve('lights', ['light']).kind).toBe('ambiguous');
    expect(home.resolve('light.*', ['light']).kind).toBe('ambiguous');
    expect(found('all lights', ['light'])).toEqual([
      'light.bed_light',
      'light.ceiling_lights',
      'light.kitchen_lights',
      'light.reading_lamp',
    ]);
    const ambiguous = home.resolve('ceiling', ['light', 'fan']);
    expect(ambiguous.kind).toBe('ambiguous');
    if (ambiguous.kind === 'ambiguous')
      expect(ambiguous.candidates.map((c) => c.id).sort()).toEqual(['fan.ceiling_fan', 'light.ceiling_lights']);
  });

  it('tells a wrong tool from an unknown device', () => {
    expect(home.resolve('front door', ['light'])).toMatchObject({ kind: 'wrong_domain', entity: { id: 'lock.front_door' } });
  });

  it('never finds an unexposed entity, by id, name, area or wildcard', () => {
    for (const ref of [
      ...HA_UNEXPOSED,
      'AC',
      'Vault',
      'Hidden Light',
      'Walkman',
      'switch.*',
      '*',
      'all',
      '',
      'office switch',
      'all switches',
    ]) {
      const r = home.resolve(ref);
      const hit = r.kind === 'found' ? r.entities.map((e) => e.id) : r.kind === 'ambiguous' ? r.candidates.map((e) => e.id) : [];
      for (const id of HA_UNEXPOSED) expect(hit, `${ref} → ${id}`).not.toContain(id);
    }
    expect(home.resolve('switch.ac').kind).toBe('not_found');
    expect(home.resolve('switch.does_not_exist').kind).toBe('not_found');
    expect(home.resolve('x'.repeat(5000)).kind).toBe('not_found');
  });

  it('finds by query, area, domain and device class', () => {
    expect(home.find({ query: 'kitchen' }).map((r) => r.entity.id)).toEqual(['light.kitchen_lights', 'cover.kitchen_window']);
    expect(
      home
        .find({ area: 'upstairs' })
        .map((r) => r.entity.id)
        .sort(),
    ).toEqual(['climate.ecobee', 'fan.ceiling_fan', 'light.bed_light']);
    expect(home.find({ domain: 'cover', deviceClass: 'garage' }).map((r) => r.entity.id)).toEqual(['cover.garage_door']);
    expect(home.find({ query: 'vault' })).toEqual([]);
    expect(home.findAreas('cookhouse').map((a) => a.id)).toEqual(['kitchen']);
  });
});

describe('text matching', () => {
  it('normalizes accents, case and punctuation', () => {
    expect(normalize('  Küche-Licht_2!! ')).toBe('kuche licht 2');
    expect(stem('lights')).toBe('light');
    expect(stem('switches')).toBe('switch');
    expect(stem('batteries')).toBe('battery');
    expect(stem('glass')).toBe('glass');
  });

  it('scores exact, prefix and typo matches and rejects unrelated words', () => {
    expect(tokenSimilarity('lights', 'light')).toBe(1);
    expect(tokenSimilarity('kitch', 'kitchen')).toBe(0.85);
    expect(tokenSimilarity('kichen', 'kitchen')).toBe(0.85);
    expect(tokenSimilarity('bed', 'bad')).toBe(0);
    expect(editDistance('kitten', 'sitting', 5)).toBe(3);
    expect(editDistance('a', 'abcdef', 2)).toBe(3);
  });

  it('explains every token or does not match', () => {
    const target = { id: 'light.x', domain: 'light', deviceClass: null, names: ['Desk Lamp'], areaNames: ['Office'], floorNames: [] };
    expect(matchEntity(prepareQuery('office desk lamp'), target)).toMatchObject({ complete: true, nameHits: 2, placeHits: 1 });
    expect(matchEntity(prepareQuery('the desk lamp'), target)).toMatchObject({ complete: true, exactName: true });
    expect(matchEntity(prepareQuery('kitchen lamp'), target).complete).toBe(false);
    expect(matchEntity(prepareQuery('office lights'), { ...target, names: [] })).toMatchObject({ complete: true, onlyAreaAndDomain: true });
  });
});
