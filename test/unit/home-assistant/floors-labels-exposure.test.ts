import { describe, expect, it } from 'vitest';
import { ExposedHome, exposedByHomeAssistant } from '../../../main/home-assistant/exposed-home.js';
import { buildHomeSummary } from '../../../main/home-assistant/home-summary.js';
import { parseDevices, parseEntityEntries, parseLabels } from '../../../main/home-assistant/ha-messages.js';
import type { HaRegistries } from '../../../main/home-assistant/home-assistant-gateway.js';
import { haState } from '../../fakes/fake-home-assistant-gateway.js';
import { REGISTRIES, STATES } from './test-home.js';

/** The unit test home plus two labels: one on an entity, one on a device (so on its entities). */
const LABELLED: HaRegistries = {
  ...REGISTRIES,
  labels: [
    { label_id: 'holiday', name: 'Holiday', description: null },
    { label_id: 'night', name: 'Night', description: 'what stays on' },
  ],
  devices: REGISTRIES.devices.map((d) => (d.id === 'dev_kitchen' ? { ...d, labels: ['night'] } : d)),
  entities: REGISTRIES.entities.map((e) =>
    e.entity_id === 'switch.decorative_lights' || e.entity_id === 'light.bed_light' ? { ...e, labels: ['holiday'] } : e,
  ),
};

function build(registries: HaRegistries): ExposedHome {
  return ExposedHome.build({
    states: new Map(STATES.map((s) => [s.entity_id, haState(s)])),
    registries,
    settings: { include: [], exclude: [] },
  });
}

describe('labels and floors in the exposed home', () => {
  it('reads labels of entities and of their devices, by name', () => {
    const home = build(LABELLED);
    expect(home.get('switch.decorative_lights')?.labels).toEqual(['Holiday']);
    expect(home.get('light.kitchen_lights')?.labels).toEqual(['Night']);
    expect(home.get('cover.kitchen_window')?.labels).toEqual(['Night']);
    expect(home.get('light.ceiling_lights')?.labels).toEqual([]);
    expect(home.labels).toEqual(['Holiday', 'Night']);
    expect(home.floors).toEqual(['First Floor', 'Ground Floor']);
  });

  it('finds by label and by floor (with the floor’s aliases), and not by an area name as a floor', () => {
    const home = build(LABELLED);
    expect(
      home
        .find({ label: 'holiday' })
        .map((m) => m.entity.id)
        .sort(),
    ).toEqual(['light.bed_light', 'switch.decorative_lights']);
    expect(home.find({ label: 'holiday', domain: 'light' }).map((m) => m.entity.id)).toEqual(['light.bed_light']);
    expect(home.find({ label: 'no such label' })).toEqual([]);
    const upstairs = home.find({ floor: 'upstairs' }).map((m) => m.entity.id);
    expect(upstairs).toContain('light.bed_light');
    expect(upstairs.every((id) => ['bedroom', 'office'].includes(home.get(id)!.areaId!))).toBe(true);
    expect(home.find({ floor: 'first floor' }).map((m) => m.entity.id)).toEqual(upstairs);
    expect(home.findFloorAreas('kitchen')).toEqual([]);
  });

  it('resolves a label as a place: "holiday" → the labelled entities, "holiday lights" → its lights', () => {
    const home = build(LABELLED);
    const all = home.resolve('holiday', ['light', 'switch']);
    expect(all.kind === 'found' && all.entities.map((e) => e.id).sort()).toEqual(['light.bed_light', 'switch.decorative_lights']);
    const lights = home.resolve('the holiday lights', ['light', 'switch']);
    expect(lights.kind === 'found' && lights.entities.map((e) => e.id)).toEqual(['light.bed_light']);
    // Without labels (as in 2024.3.3 homes) the word names nothing.
    expect(build(REGISTRIES).resolve('holiday', ['light', 'switch']).kind).toBe('not_found');
  });

  it('summary: a labels line where labels exist, none without, floors in the area titles', () => {
    const text = buildHomeSummary(build(LABELLED));
    expect(text).toContain(
      'Labels (Home Assistant): Holiday: light.bed_light, switch.decorative_lights; Night: light.kitchen_lights, cover.kitchen_window',
    );
    expect(text).toMatch(/^Bedroom \(First Floor\): /m);
    expect(buildHomeSummary(build(REGISTRIES))).not.toContain('Labels');
  });

  it('summary: over budget, the labels line goes before any area becomes counts', () => {
    const home = build(LABELLED);
    const full = buildHomeSummary(home, { maxTokens: 10_000 });
    let budget = Math.ceil(full.length / 4);
    while (buildHomeSummary(home, { maxTokens: budget }).includes('Labels')) budget--;
    const tight = buildHomeSummary(home, { maxTokens: budget });
    expect(tight).not.toContain('(ask find_devices)');
    for (const entity of home.entities) expect(tight).toContain(entity.id);
  });

  it('parses labels, and label ids on entity and device entries (empty when absent, as on older cores)', () => {
    expect(parseLabels([{ label_id: 'a', name: 'A', description: 'x', color: 'red' }, { name: 'no id' }, 3])).toEqual([
      { label_id: 'a', name: 'A', description: 'x' },
    ]);
    expect(parseEntityEntries([{ entity_id: 'light.x', labels: ['a', 7] }, { entity_id: 'light.y' }]).map((e) => e.labels)).toEqual([
      ['a'],
      [],
    ]);
    expect(parseDevices([{ id: 'd', labels: ['a'] }])[0]?.labels).toEqual(['a']);
  });
});

describe('exposure across Home Assistant versions', () => {
  const entry = parseEntityEntries([{ entity_id: 'lock.back_door' }])[0]!;

  it('a list of exposed entities only (2026.x): an entity without a registry entry missing from it is not exposed', () => {
    const exposedOnly = { exposedToAssist: new Map([['light.x', true]]), exposeNew: true, exposureListOmitsUnexposed: true };
    expect(exposedByHomeAssistant('switch.legacy', undefined, undefined, exposedOnly)).toBe(false);
    expect(exposedByHomeAssistant('light.x', undefined, undefined, exposedOnly)).toBe(true);
    // A registry entity without a stored decision still follows the default rule.
    expect(exposedByHomeAssistant('switch.new', { ...entry, entity_id: 'switch.new' }, undefined, exposedOnly)).toBe(true);
    // A list with false values (2024.3): the default rule applies to the unlisted ones.
    const full = { exposedToAssist: new Map([['light.x', false]]), exposeNew: true, exposureListOmitsUnexposed: false };
    expect(exposedByHomeAssistant('switch.legacy', undefined, undefined, full)).toBe(true);
  });

  it('the default rule exposes only what every supported version exposes: no locks, scripts or media players', () => {
    const none = { exposedToAssist: new Map<string, boolean>(), exposeNew: true };
    expect(exposedByHomeAssistant('lock.back_door', entry, undefined, none)).toBe(false);
    expect(exposedByHomeAssistant('script.party', undefined, undefined, none)).toBe(false);
    expect(exposedByHomeAssistant('media_player.tv', undefined, undefined, none)).toBe(false);
    expect(exposedByHomeAssistant('light.lamp', undefined, undefined, none)).toBe(true);
    expect(exposedByHomeAssistant('switch.plug', undefined, undefined, none)).toBe(true);
  });
});
