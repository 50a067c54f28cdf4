import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CONFIRM_NAME_WORDS,
  DEFAULT_CONFIRM_RULES,
  migrateConfirmDomains,
  validateSettings,
} from '../../../preload/contract/settings-schema.js';
import { JsonFileSettingsStore } from '../../../main/app/settings-store.js';

const homeAssistant = (value: unknown) => {
  const result = validateSettings({ homeAssistant: value });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.settings.homeAssistant;
};

describe('confirmation settings', () => {
  it('default to locks, alarms, sirens, doors and gates of any domain, unclassified covers, and the name words', () => {
    const settings = homeAssistant({});
    expect(settings.confirm).toEqual(['lock', 'alarm_control_panel', 'siren', '*:door', '*:garage', '*:gate', 'cover:none']);
    expect(settings.confirmNameWords).toEqual(DEFAULT_CONFIRM_NAME_WORDS);
    expect(settings.confirmNameWords).toEqual(expect.arrayContaining(['garage', 'porte', 'portail', 'portao', 'fechadura', 'alarm']));
    expect(settings.handOverWithSensitiveDevices).toBe(false);
  });

  it('accept domains, classes, entity ids and exceptions, trimmed and lower-cased; refuse anything else with one message', () => {
    expect(homeAssistant({ confirm: [' Lock ', 'cover:garage', '*:gate', 'switch.gate_relay', '!scene.bedtime', ''] }).confirm).toEqual([
      'lock',
      'cover:garage',
      '*:gate',
      'switch.gate_relay',
      '!scene.bedtime',
    ]);
    for (const bad of [['garage door'], ['lock', 42], ['cover:'], ['light.*']]) {
      const result = validateSettings({ homeAssistant: { confirm: bad } });
      expect(result.ok, JSON.stringify(bad)).toBe(false);
      if (!result.ok) expect(result.issues).toEqual([{ path: 'homeAssistant.confirm', message: expect.stringContaining('is not a rule') }]);
    }
  });

  it('migrate the old confirmDomains: the defaults are the new defaults; removed ones become exceptions; added ones stay', () => {
    expect(homeAssistant({ confirmDomains: ['lock', 'cover', 'alarm_control_panel'] })).not.toHaveProperty('confirmDomains');
    expect(homeAssistant({ confirmDomains: ['lock', 'cover', 'alarm_control_panel'] }).confirm).toEqual(DEFAULT_CONFIRM_RULES);
    expect(migrateConfirmDomains(['lock', 'light'])).toEqual([...DEFAULT_CONFIRM_RULES, '!cover', '!alarm_control_panel', 'light']);
    expect(migrateConfirmDomains([' Lock', 'my domain', 3, 'cover', 'alarm_control_panel'])).toEqual(DEFAULT_CONFIRM_RULES);
    expect(migrateConfirmDomains([])).toEqual([...DEFAULT_CONFIRM_RULES, '!lock', '!cover', '!alarm_control_panel']);
    // A file that already has the new field keeps it.
    expect(homeAssistant({ confirmDomains: ['light'], confirm: ['lock'] }).confirm).toEqual(['lock']);
  });

  it('an old settings file loads without issues, keeps the user’s choice, and is saved in the new form', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hearth-confirm-settings-'));
    await writeFile(
      join(dir, 'settings.json'),
      JSON.stringify({
        version: 1,
        homeAssistant: { url: 'http://ha.local:8123', confirmDomains: ['lock', 'alarm_control_panel', 'light'] },
      }),
    );
    const store = new JsonFileSettingsStore(dir);
    const settings = await store.load();
    expect(store.lastLoadIssues).toEqual([]);
    expect(settings.homeAssistant.url).toBe('http://ha.local:8123');
    expect(settings.homeAssistant.confirm).toEqual([...DEFAULT_CONFIRM_RULES, '!cover', 'light']);
    await store.save(settings);
    const written = JSON.parse(await readFile(join(dir, 'settings.json'), 'utf8')) as { homeAssistant: Record<string, unknown> };
    expect(written.homeAssistant).not.toHaveProperty('confirmDomains');
    expect(written.homeAssistant.confirm).toEqual([...DEFAULT_CONFIRM_RULES, '!cover', 'light']);
  });

  it('a bad rule in the file falls back to the default rules only, with one message', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hearth-confirm-settings-'));
    await writeFile(
      join(dir, 'settings.json'),
      JSON.stringify({ version: 1, openai: { voice: 'cedar' }, homeAssistant: { confirm: ['lock', 'the front door'] } }),
    );
    const store = new JsonFileSettingsStore(dir);
    const settings = await store.load();
    expect(store.lastLoadIssues).toEqual([
      { path: 'homeAssistant.confirm', message: expect.stringContaining('"the front door" is not a rule') },
    ]);
    expect(settings.homeAssistant.confirm).toEqual(DEFAULT_CONFIRM_RULES);
    expect(settings.openai.voice).toBe('cedar');
  });
});
