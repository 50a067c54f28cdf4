import { describe, expect, it } from 'vitest';
import { buildHomeSummary, estimateTokens, SUMMARY_TOKEN_BUDGET } from '../../../main/home-assistant/home-summary.js';
import { ExposedHome } from '../../../main/home-assistant/exposed-home.js';
import { EMPTY_REGISTRIES, type HaEntityEntry, type HaRegistries } from '../../../main/home-assistant/home-assistant-gateway.js';
import { ConfirmationPolicy } from '../../../main/home-assistant/confirmation-policy.js';
import { DEFAULT_CONFIRM_NAME_WORDS, DEFAULT_CONFIRM_RULES } from '../../../preload/contract/settings-schema.js';
import { haState } from '../../fakes/fake-home-assistant-gateway.js';
import { REGISTRIES, STATES, entry } from './test-home.js';

const POLICY = new ConfirmationPolicy({ confirm: DEFAULT_CONFIRM_RULES, confirmNameWords: DEFAULT_CONFIRM_NAME_WORDS });

function syntheticHome(count: number, areaCount: number): ExposedHome {
  const domains = ['light', 'switch', 'cover', 'sensor', 'climate', 'fan', 'media_player', 'binary_sensor'];
  const states = new Map();
  const entries: HaEntityEntry[] = [];
  const exposed = new Map<string, boolean>();
  const areas = Array.from({ length: areaCount }, (_, i) => ({
    area_id: `area_${i}`,
    name: `Room Number ${i}`,
    aliases: [`alias ${i}`],
    floor_id: null,
  }));
  for (let i = 0; i < count; i++) {
    const domain = domains[i % domains.length]!;
    const id = `${domain}.device_with_a_fairly_long_object_id_${i}`;
    states.set(id, haState({ entity_id: id, state: 'on', attributes: { friendly_name: `Fancy Named Device ${i} In Some Room` } }));
    entries.push(entry(id, { aliases: [`nickname ${i}`], area_id: i % 10 === 0 ? null : `area_${i % areaCount}` }));
    exposed.set(id, true);
  }
  const registries: HaRegistries = { ...EMPTY_REGISTRIES, areas, entities: entries, exposedToAssist: exposed };
  return ExposedHome.build({ states, registries, settings: { include: [], exclude: [] } });
}

describe('home summary for the session instructions', () => {
  it('lists areas → ids, names only where they differ from the id, aliases, and the confirmation rule', () => {
    const home = ExposedHome.build({
      states: new Map(STATES.map((s) => [s.entity_id, haState(s)])),
      registries: REGISTRIES,
      settings: { include: [], exclude: [] },
    });
    const text = buildHomeSummary(home, { policy: POLICY });
    expect(text).toContain('Kitchen (Ground Floor, cookhouse): light.kitchen_lights (aka fridge light), cover.kitchen_window');
    expect(text).toContain('media_player.living_room "Living Room Speaker"');
    expect(text).toMatch(/No area: .*lock\.front_door/);
    expect(text).toMatch(
      /unlocking or opening a lock, opening a door, garage door or gate, disarming an alarm needs the user's spoken yes/,
    );
    expect(text).not.toContain('switch.ac');
    expect(text).not.toContain('Vault');
    expect(text).not.toMatch(/\b15\.6\b/); // no state values: the summary only changes with names, areas and exposure
    expect(buildHomeSummary(home, { policy: new ConfirmationPolicy({ confirm: [], confirmNameWords: [] }) })).not.toContain('Confirmation');
  });

  it('names the kinds of action that ask, door relays included, and none when nothing asks', () => {
    const states = new Map(
      [
        haState({ entity_id: 'switch.garage_door_relay', state: 'off', attributes: { friendly_name: 'Relay' } }),
        haState({ entity_id: 'light.porch', state: 'off' }),
      ].map((s) => [s.entity_id, s]),
    );
    const home = ExposedHome.build({ states, registries: REGISTRIES, settings: { include: [], exclude: [] } });
    expect(buildHomeSummary(home, { policy: POLICY })).toMatch(
      /Confirmation: turning on, running or changing some switches needs the user's spoken yes \(locking, closing, stopping, turning off and arming never do\)/,
    );
    expect(buildHomeSummary(home, { policy: new ConfirmationPolicy({ confirm: [], confirmNameWords: [] }) })).not.toContain('Confirmation');
  });

  it(`stays within ${SUMMARY_TOKEN_BUDGET} tokens (characters / 4) for 500 entities, keeping every area`, () => {
    const home = syntheticHome(500, 25);
    const text = buildHomeSummary(home, { policy: POLICY });
    expect(estimateTokens(text)).toBeLessThanOrEqual(SUMMARY_TOKEN_BUDGET);
    for (let i = 0; i < 25; i++) expect(text).toContain(`Room Number ${i}`);
    expect(text).toContain('(ask find_devices)');
    // Still useful: at least some areas keep their ids.
    expect(text).toMatch(/\w+\.device_with_a_fairly_long_object_id_\d+/);
  });

  it('degrades step by step: aliases and names go before ids', () => {
    const home = syntheticHome(40, 4);
    const roomy = buildHomeSummary(home, { maxTokens: 10_000 });
    expect(roomy).toContain('(aka nickname 1)');
    expect(roomy).toContain('"Fancy Named Device 1 In Some Room"');
    const tight = buildHomeSummary(home, { maxTokens: estimateTokens(roomy) - 100 });
    expect(tight).not.toContain('(aka nickname');
    const tighter = buildHomeSummary(home, { maxTokens: 700 });
    expect(tighter).not.toContain('Fancy Named');
    expect(tighter).toContain('light.device_with_a_fairly_long_object_id_8');
  });

  it('holds even for thousands of areas, with a pointer to find_devices', () => {
    const text = buildHomeSummary(syntheticHome(3000, 1500), { maxTokens: 800 });
    expect(estimateTokens(text)).toBeLessThanOrEqual(800);
    expect(text).toMatch(/…and \d+ more areas \(ask find_devices\)\.$/);
  });

  it('says when nothing is exposed', () => {
    expect(buildHomeSummary(ExposedHome.empty())).toMatch(/No devices are exposed/);
  });
});
