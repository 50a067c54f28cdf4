/**
 * Settings: every option of the schema is there; bad input is refused with the schema's message next to
 * the field as the user types, and the typed value stays; main's issues land next to their fields;
 * secrets are write-only; the Home Assistant test; load issues and the unencrypted-secrets note.
 */
import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../../preload/contract/settings-schema.js';
import { FIELD_PATHS } from '../../../renderer/features/settings/settings-model.js';
import { useAppHarness } from '../pages/app-harness.js';

const harness = useAppHarness();

describe('settings', () => {
  it('has a field for every option of the settings schema', async () => {
    const app = await harness.open({ hash: 'settings' });
    const { hearth, page } = app;
    await hearth.settings.field('Speaking speed').waitFor();
    // Reveal the fields that depend on another choice.
    await hearth.settings.field('No limit on answer length').uncheck();
    const shown = async () => page.locator('[data-field]').evaluateAll((els) => els.map((e) => e.getAttribute('data-field')));
    const first = await shown();
    await hearth.settings.field('Method').selectOption('semantic_vad');
    const second = await shown();
    const present = new Set([...first, ...second]);
    const missing = FIELD_PATHS.filter((path) => path !== 'prices' && !present.has(path));
    expect(missing).toEqual([]);
    await expect(page.locator('table.prices').count()).resolves.toBe(1);
    for (const label of ['OpenAI API key', 'Picovoice AccessKey', 'Long-lived access token']) {
      await expect(hearth.settings.secret(label).input.getAttribute('type')).resolves.toBe('password');
    }
  });

  it('refuses bad input with the schema’s message next to the field, keeps the typed value, and does not save', async () => {
    const app = await harness.open({ hash: 'settings' });
    const { hearth, fake, page } = app;
    const speed = hearth.settings.field('Speaking speed');
    await speed.fill('3');
    await expect(hearth.settings.errorFor('Speaking speed').innerText()).resolves.toContain('speed must be at most 1.5');
    await expect(speed.getAttribute('aria-invalid')).resolves.toBe('true');
    // The error is announced with the field.
    const describedBy = (await speed.getAttribute('aria-describedby')) ?? '';
    await expect(page.locator(`[id="${describedBy.split(' ')[0]}"]`).innerText()).resolves.toContain('speed must be at most 1.5');

    const url = hearth.settings.field('Home Assistant address');
    await url.fill('homeassistant.local:8123');
    await expect(hearth.settings.errorFor('Home Assistant address').innerText()).resolves.toContain(
      'the Home Assistant URL must start with http:// or https://',
    );
    const followUp = hearth.settings.field('Follow-up window');
    await followUp.fill('eight');
    await expect(hearth.settings.errorFor('Follow-up window').innerText()).resolves.toContain('Enter a number.');
    await expect(hearth.settings.saveStatus.textContent()).resolves.toBe('3 fields need attention');

    await hearth.settings.save();
    await expect(hearth.settings.saveStatus.textContent()).resolves.toBe('Fix the highlighted fields, then save.');
    await expect.poll(() => page.evaluate(() => (globalThis as any).document.activeElement?.id)).toBe('field-openai-speed');
    expect(await fake.callsOf('settings:update')).toEqual([]);
    await expect(speed.inputValue()).resolves.toBe('3');
    await expect(url.inputValue()).resolves.toBe('homeassistant.local:8123');
    await expect(followUp.inputValue()).resolves.toBe('eight');

    await speed.fill('1.2');
    await url.fill('http://homeassistant.local:8123');
    await followUp.fill('12');
    await expect(hearth.settings.errorFor('Speaking speed').count()).resolves.toBe(0);
    await hearth.settings.save();
    expect(await fake.waitForCall('settings:update')).toEqual([
      { openai: { speed: 1.2 }, conversation: { followUpSeconds: 12 }, homeAssistant: { url: 'http://homeassistant.local:8123' } },
    ]);
    await expect(hearth.settings.saveStatus.textContent()).resolves.toBe('Saved.');
  });

  it('puts the issues main returns next to their fields and keeps what was typed', async () => {
    const app = await harness.open({ hash: 'settings' });
    const { hearth, fake } = app;
    await fake.respond('settings:update', {
      ok: true,
      value: { ok: false, issues: [{ path: 'homeAssistant.url', message: 'the URL must not include a path such as /lovelace' }] },
    });
    const url = hearth.settings.field('Home Assistant address');
    await url.fill('http://ha.local:8123/lovelace');
    await hearth.settings.save();
    await expect(hearth.settings.errorFor('Home Assistant address').innerText()).resolves.toContain(
      'the URL must not include a path such as /lovelace',
    );
    await expect(hearth.settings.saveStatus.textContent()).resolves.toBe('Not saved: see the messages next to the fields.');
    await expect(url.inputValue()).resolves.toBe('http://ha.local:8123/lovelace');
    await url.fill('http://ha.local:8123');
    await expect(hearth.settings.errorFor('Home Assistant address').count()).resolves.toBe(0);
  });

  it('saves choices from selects, checkboxes, lists and the wake word section', async () => {
    const app = await harness.open({ hash: 'settings' });
    const { hearth, fake } = app;
    await hearth.settings.field('Voice').selectOption('cedar');
    await hearth.settings.field('Spoken language').fill('pt');
    await hearth.settings.field('Only these entities').fill('light.*\nswitch.coffee');
    await hearth.settings.field('Hand over to Home Assistant’s Assist').uncheck();
    await hearth.settings.field('Wake words').first().fill('hey_jarvis, alexa');
    await hearth.settings.field('Per module').fill('realtime=debug');
    await hearth.settings.save();
    const [patch] = (await fake.waitForCall('settings:update')) as [Record<string, Record<string, unknown>>];
    expect(patch.openai).toEqual({
      voice: 'cedar',
      transcription: { ...defaultSettings().openai.transcription, language: 'pt' },
    });
    expect(patch.homeAssistant).toEqual({ include: ['light.*', 'switch.coffee'], handOverToAssist: false });
    expect(patch.listening).toEqual({ openWakeWord: { ...defaultSettings().listening.openWakeWord, keywords: ['hey_jarvis', 'alexa'] } });
    expect(patch.logging).toEqual({ modules: { realtime: 'debug' } });
  });

  it('edits the confirmation rules with the same validation as main', async () => {
    const app = await harness.open({ hash: 'settings' });
    const { hearth, fake } = app;
    const rules = hearth.settings.field('Ask for a spoken yes before');
    await expect(rules.inputValue()).resolves.toBe('lock\nalarm_control_panel\nsiren\n*:door\n*:garage\n*:gate\ncover:none');
    await rules.fill('lock\ngarage door');
    await expect(hearth.settings.errorFor('Ask for a spoken yes before').innerText()).resolves.toContain('each rule is a domain (lock)');
    await rules.fill('lock\ncover:garage\n!lock.shed');
    await expect(hearth.settings.errorFor('Ask for a spoken yes before').count()).resolves.toBe(0);
    await hearth.settings.field('Hand over even while locks, doors or alarms are exposed').check();
    await hearth.settings.save();
    const [patch] = (await fake.waitForCall('settings:update')) as [Record<string, Record<string, unknown>>];
    expect(patch.homeAssistant).toEqual({ confirm: ['lock', 'cover:garage', '!lock.shed'], handOverWithSensitiveDevices: true });
  });

  it('lists microphones from mic:list-devices', async () => {
    const app = await harness.open({ hash: 'settings', fake: { microphones: ['Built-in Microphone', 'Jabra Speak 510'] } });
    const select = app.hearth.settings.field('Microphone');
    await expect
      .poll(() => select.locator('option').allTextContents())
      .toEqual(['System default', 'Built-in Microphone', 'Jabra Speak 510']);
    await select.selectOption('Jabra Speak 510');
    await app.hearth.settings.save();
    expect(await app.fake.waitForCall('settings:update')).toEqual([{ listening: { micDevice: 'Jabra Speak 510' } }]);
  });

  it('keeps secrets write-only: shows set / not set, never the value', async () => {
    const app = await harness.open({ hash: 'settings', fake: { secrets: { openai: true, picovoice: false } } });
    const { hearth, fake } = app;
    const key = hearth.settings.secret('OpenAI API key');
    await expect(key.status.innerText()).resolves.toBe('Set');
    await expect(key.input.inputValue()).resolves.toBe('');
    await key.input.fill('wrong-key');
    await key.save.click();
    await expect(key.result.innerText()).resolves.toBe('Incorrect API key provided.');
    await expect(key.input.inputValue()).resolves.toBe('wrong-key');
    await key.input.fill('sk-new-key');
    await key.save.click();
    await expect(key.result.innerText()).resolves.toBe('Saved. It is never shown again.');
    await expect(key.input.inputValue()).resolves.toBe('');
    expect(await fake.callsOf('secrets:set')).toEqual([
      // Each bound to the Realtime server of the form (the key is only ever sent there).
      [{ kind: 'openai', value: 'wrong-key', url: 'wss://api.openai.com/v1/realtime' }],
      [{ kind: 'openai', value: 'sk-new-key', url: 'wss://api.openai.com/v1/realtime' }],
    ]);
    const pico = hearth.settings.secret('Picovoice AccessKey');
    await expect(pico.status.innerText()).resolves.toBe('Not set');
    await key.remove.click();
    expect(await fake.waitForCall('secrets:delete')).toEqual([{ kind: 'openai' }]);
    await expect.poll(() => key.status.innerText()).toBe('Not set');
    // Nothing secret is ever in the page.
    await expect(app.page.content()).resolves.not.toContain('sk-new-key');
  });

  it('says when a key is saved for another server only, and binds a token to the address typed next to it', async () => {
    const app = await harness.open({
      hash: 'settings',
      fake: { secrets: { openai: false, 'home-assistant': false }, secretHosts: { openai: 'api.openai.com' } },
    });
    const { hearth, fake, page } = app;
    await expect(hearth.settings.secret('OpenAI API key').status.innerText()).resolves.toBe('Saved for api.openai.com only');
    await page.getByLabel('Home Assistant address').fill('http://ha.example:8123');
    const token = hearth.settings.secret('Long-lived access token');
    await token.input.fill('eyJ-token');
    await token.save.click();
    expect(await fake.waitForCall('secrets:set')).toEqual([{ kind: 'home-assistant', value: 'eyJ-token', url: 'http://ha.example:8123' }]);
  });

  it('tests the Home Assistant connection: the version and entity count, or the one clear message', async () => {
    const app = await harness.open({ hash: 'settings' });
    const { hearth, fake } = app;
    await hearth.settings.field('Home Assistant address').fill('http://homeassistant.local:8123');
    await fake.respond(
      'ha:test-connection',
      { ok: true, value: { ok: true, version: '2024.3.3', entities: 42 } },
      { ok: true, value: { ok: false, message: 'Home Assistant refused the token.' } },
    );
    await hearth.settings.testConnectionButton.click();
    await expect(hearth.settings.testConnectionResult.innerText()).resolves.toBe(
      'Connected to Home Assistant 2024.3.3: 42 exposed entities.',
    );
    expect(await fake.waitForCall('ha:test-connection')).toEqual([{ url: 'http://homeassistant.local:8123' }]);
    await hearth.settings.secret('Long-lived access token').input.fill('eyJ-new-token');
    await hearth.settings.testConnectionButton.click();
    await expect(hearth.settings.testConnectionResult.innerText()).resolves.toBe('Home Assistant refused the token.');
    expect((await fake.callsOf('ha:test-connection'))[1]).toEqual([{ url: 'http://homeassistant.local:8123', token: 'eyJ-new-token' }]);
  });

  it('tests the echo: the delay, the ERLE and the recommended mode, or why it could not run', async () => {
    const app = await harness.open({ hash: 'settings' });
    const { page, fake } = app;
    await expect(page.getByTestId('echo-delay').count()).resolves.toBe(0); // no test yet
    await page.getByRole('button', { name: 'Test echo' }).click();
    await expect(page.getByTestId('echo-delay').innerText()).resolves.toBe('60 ms');
    await expect(page.getByTestId('echo-erle').innerText()).resolves.toBe('32.4 dB');
    await expect(page.getByTestId('echo-recommended').innerText()).resolves.toBe(
      'keep listening while Hearth speaks — the echo is cancelled well',
    );
    expect(await fake.callsOf('echo:self-test')).toEqual([[]]);
    await fake.respond('echo:self-test', {
      ok: true,
      value: { ok: false, failure: 'conversation-running', message: 'A conversation is running: test the echo once it has ended.' },
    });
    await page.getByRole('button', { name: 'Test echo' }).click();
    await expect(page.locator('.echo-test__result').innerText()).resolves.toBe(
      'A conversation is running: test the echo once it has ended.',
    );
    await expect(page.getByTestId('echo-delay').count()).resolves.toBe(0);
  });

  it('says plainly when secrets are not encrypted, and shows the settings file’s load issues', async () => {
    let app = await harness.open({
      hash: 'settings',
      fake: {
        encrypted: false,
        storageNote: 'No keyring was found (Linux without a Secret Service): keys are stored in a file readable by your user.',
      },
    });
    await app.page.getByText('Keys and tokens are stored without encryption by the operating system.').first().waitFor();
    await app.page.getByText('No keyring was found').first().waitFor();
    await app.close();
    app = await harness.open({ hash: 'settings' });
    await app.page.evaluate(() => {
      const fake = (globalThis as any).__hearthFake;
      fake.emit('settings:changed', { ...fake.settings, loadIssues: [{ path: 'openai.speed', message: 'speed must be at most 1.5' }] });
    });
    await app.page.getByText('Some settings in the file were not valid').waitFor();
    await expect(app.page.locator('.callout').innerText()).resolves.toContain('openai.speed: speed must be at most 1.5');
  });

  it('adds a price override for a model', async () => {
    const app = await harness.open({ hash: 'settings' });
    const { page, hearth, fake } = app;
    await page.getByLabel('Model name, e.g. gpt-realtime', { exact: true }).fill('gpt-realtime-mini');
    await page.getByRole('button', { name: 'Add model' }).click();
    await page.getByLabel('Audio out price for gpt-realtime-mini', { exact: true }).fill('20');
    await page.getByLabel('Audio in price for gpt-realtime-mini', { exact: true }).fill('-3');
    await expect(page.getByLabel('Audio in price for gpt-realtime-mini', { exact: true }).getAttribute('aria-invalid')).resolves.toBe(
      'true',
    );
    await page.getByLabel('Audio in price for gpt-realtime-mini', { exact: true }).fill('10');
    await hearth.settings.save();
    expect(await fake.waitForCall('settings:update')).toEqual([{ prices: { 'gpt-realtime-mini': { audioOutput: 20, audioInput: 10 } } }]);
  });
  it('offers the known models as a list with price and note, and reasoning effort only for reasoning models', async () => {
    const app = await harness.open({ hash: 'settings' });
    const { hearth, fake, page } = app;
    const model = hearth.settings.field('Model');
    await expect(model.inputValue()).resolves.toBe('gpt-realtime-2');
    const options = await model.locator('option').allInnerTexts();
    expect(options).toEqual([
      'gpt-realtime-2 · US$32.00 in / US$64.00 out per 1M audio tokens',
      'gpt-realtime-2.1 · US$32.00 in / US$64.00 out per 1M audio tokens',
      'gpt-realtime-2.1-mini · US$10.00 in / US$20.00 out per 1M audio tokens',
      'gpt-realtime-1.5 · US$32.00 in / US$64.00 out per 1M audio tokens',
      'gpt-realtime (retiring) · US$32.00 in / US$64.00 out per 1M audio tokens',
      'gpt-realtime-mini (retiring) · US$10.00 in / US$20.00 out per 1M audio tokens',
      'Custom…',
    ]);
    await expect(page.locator('.model-note').innerText()).resolves.toContain('Default. Reasoning model with reliable tool use.');
    const effort = hearth.settings.field('Reasoning effort');
    await expect(effort.locator('option').allInnerTexts()).resolves.toEqual(['Minimal', 'Low', 'Medium', 'High', 'Very high']);
    await model.selectOption('gpt-realtime-1.5');
    await expect(effort.count()).resolves.toBe(0);
    await model.selectOption('gpt-realtime');
    await expect(page.locator('.model-note').innerText()).resolves.toContain(
      'Reported to shut down on 2027-01-20 (not confirmed by OpenAI): choose gpt-realtime-2 before then.',
    );
    await model.selectOption('gpt-realtime-2.1-mini');
    await effort.selectOption('minimal');
    await hearth.settings.save();
    expect(await fake.waitForCall('settings:update')).toEqual([{ openai: { model: 'gpt-realtime-2.1-mini', reasoningEffort: 'minimal' } }]);
  });

  it('a custom model name: a bad one gets one clear message and is kept; a good one saves', async () => {
    const app = await harness.open({ hash: 'settings' });
    const { hearth, fake } = app;
    await hearth.settings.field('Model').selectOption({ label: 'Custom…' });
    const name = hearth.settings.field('Custom model name');
    await expect(name.inputValue()).resolves.toBe('gpt-realtime-2');
    await name.fill('my realtime model');
    await expect(hearth.settings.errorFor('Model').innerText()).resolves.toContain(
      'a model name has only letters, digits, dots, dashes and underscores',
    );
    await expect(hearth.settings.errorFor('Model').count()).resolves.toBe(1);
    await expect(name.getAttribute('aria-invalid')).resolves.toBe('true');
    await hearth.settings.save();
    expect(await fake.callsOf('settings:update')).toEqual([]);
    await expect(name.inputValue()).resolves.toBe('my realtime model');
    await name.fill('gpt-4o-realtime-preview');
    await expect(hearth.settings.errorFor('Model').innerText()).resolves.toContain(
      'was shut down on 2026-05-07; use gpt-realtime-2 instead',
    );
    await name.fill('gpt-realtime-2.2');
    await expect(hearth.settings.errorFor('Model').count()).resolves.toBe(0);
    // A custom name of the reasoning family still offers reasoning effort.
    await expect(hearth.settings.field('Reasoning effort').count()).resolves.toBe(1);
    await hearth.settings.save();
    expect(await fake.waitForCall('settings:update')).toEqual([{ openai: { model: 'gpt-realtime-2.2' } }]);
  });

  it('the model list in French and Portuguese', async () => {
    for (const [locale, label, custom, price] of [
      ['fr-FR', 'Modèle', 'Autre…', 'par million de jetons audio'],
      ['pt-PT', 'Modelo', 'Outro…', 'por milhão de tokens de áudio'],
    ] as const) {
      const app = await harness.open({ hash: 'settings', locale });
      const options = await app.hearth.settings.field(label).locator('option').allInnerTexts();
      expect(options.at(-1)).toBe(custom);
      expect(options[0]).toContain(price);
    }
  });
});
