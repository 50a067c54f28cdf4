import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../../preload/contract/settings-schema.js';
import {
  FIELD_PATHS,
  addPriceRow,
  applySaved,
  applyServerIssues,
  canSave,
  clearPriceRow,
  createForm,
  displayText,
  fieldErrors,
  fieldOf,
  firstErrorField,
  getAt,
  isDirty,
  markSubmitted,
  priceRows,
  rebase,
  setListText,
  setMaxTokensUnlimited,
  setModulesText,
  setNumberListText,
  setNumberText,
  setPriceText,
  setText,
  setTurnDetectionType,
  setValue,
  settingsPatch,
} from '../../../renderer/features/settings/settings-model.js';
import { parseList, parseModules, parseNumber } from '../../../renderer/features/settings/settings-text-model.js';

const base = () => createForm(defaultSettings());

describe('settings form: field by field validation with the schema’s messages', () => {
  it('covers every option of the schema', () => {
    const leaves: string[] = [];
    const walk = (value: unknown, path: string) => {
      if (path === 'prices' || path === 'logging.modules' || path === 'version') return leaves.push(path);
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        for (const [key, inner] of Object.entries(value)) walk(inner, path ? `${path}.${key}` : key);
      } else leaves.push(path);
    };
    walk(defaultSettings(), '');
    const semantic = { ...defaultSettings().openai.turnDetection, type: 'semantic_vad', eagerness: 'auto' };
    walk({ openai: { turnDetection: semantic } }, '');
    // The last echo self-test is written by the test itself (settings' Test echo button), not a form field.
    const missing = leaves.filter((path) => path !== 'version' && path !== 'listening.echoTest' && fieldOf(path) === null);
    expect(missing).toEqual([]);
    expect(FIELD_PATHS).toContain('openai.transcription.language');
  });

  it('shows the schema’s message under a field as soon as it is typed, and keeps the text', () => {
    let form = setNumberText(base(), 'openai.speed', '3');
    expect(fieldErrors(form)['openai.speed']).toEqual({ kind: 'message', message: 'speed must be at most 1.5' });
    expect(displayText(form, 'openai.speed')).toBe('3');
    expect(canSave(form)).toBe(false);
    form = setNumberText(form, 'openai.speed', '1,25');
    expect(fieldErrors(form)['openai.speed']).toBeUndefined();
    expect(form.draft.openai.speed).toBe(1.25);
    expect(displayText(form, 'openai.speed')).toBe('1,25');
  });

  it('keeps text that is not a number verbatim, with a parse error, and the last good value in the draft', () => {
    const form = setNumberText(base(), 'conversation.followUpSeconds', '8x');
    expect(displayText(form, 'conversation.followUpSeconds')).toBe('8x');
    expect(form.draft.conversation.followUpSeconds).toBe(8);
    expect(fieldErrors(form)['conversation.followUpSeconds']).toEqual({ kind: 'parse', error: 'number' });
    expect(canSave(form)).toBe(false);
    expect(isDirty(form)).toBe(true);
    expect(fieldErrors(setNumberText(base(), 'listening.halfDuplexTailMs', '12.5', true))['listening.halfDuplexTailMs']).toEqual({
      kind: 'parse',
      error: 'integer',
    });
  });

  it('validates text fields with the schema (URL, language code, voice)', () => {
    let form = setText(base(), 'homeAssistant.url', 'homeassistant.local:8123');
    expect(fieldErrors(form)['homeAssistant.url']).toMatchObject({
      message: expect.stringContaining('must start with http:// or https://'),
    });
    form = setText(form, 'openai.transcription.language', 'pt-PT');
    expect(fieldErrors(form)['openai.transcription.language']).toMatchObject({
      message: expect.stringContaining('2- or 3-letter ISO 639 code'),
    });
    form = setText(form, 'openai.transcription.language', 'pt');
    expect(fieldErrors(form)['openai.transcription.language']).toBeUndefined();
    form = setText(form, 'openai.realtimeUrl', 'https://api.openai.com');
    expect(fieldErrors(form)['openai.realtimeUrl']).toMatchObject({ message: 'The Realtime URL must be a wss:// or ws:// URL' });
  });

  it('shows errors only for touched fields until a save is attempted', () => {
    const broken = { ...defaultSettings(), conversation: { followUpSeconds: 500, idleTimeoutSeconds: 30 } };
    const form = createForm(broken);
    expect(fieldErrors(form)).toEqual({});
    expect(fieldErrors(markSubmitted(form))['conversation.followUpSeconds']).toMatchObject({
      message: 'follow-up window must be at most 120 s',
    });
  });

  it('maps list items and nested issues to their field', () => {
    const form = setListText(base(), 'listening.openWakeWord.keywords', '');
    expect(form.draft.listening.openWakeWord.keywords).toEqual([]);
    expect(fieldErrors(form)['listening.openWakeWord.keywords']).toMatchObject({ message: 'choose at least one wake word' });
    expect(fieldOf('homeAssistant.include.2')).toBe('homeAssistant.include');
    expect(fieldOf('openai.turnDetection.threshold')).toBe('openai.turnDetection.threshold');
    expect(fieldOf('prices.gpt-4.1.audioInput')).toBe('prices.gpt-4.1.audioInput');
    expect(fieldOf('nonsense')).toBeNull();
  });

  it('parses lists, number lists and module levels', () => {
    expect(parseList('light.*, switch.a\n\n  fan.b ')).toEqual(['light.*', 'switch.a', 'fan.b']);
    // Commas separate items (decimals take a dot here): "0,7" reads as 0 and 7, and 7 is out of range.
    const form = setNumberListText(base(), 'listening.porcupine.sensitivities', '0.5, 0,7');
    expect(form.draft.listening.porcupine.sensitivities).toEqual([0.5, 0, 7]);
    expect(fieldErrors(form)['listening.porcupine.sensitivities']).toMatchObject({ kind: 'message' });
    expect(
      setNumberListText(base(), 'listening.porcupine.sensitivities', '0.5, high').parseErrors['listening.porcupine.sensitivities'],
    ).toBe('number');
    expect(setNumberListText(base(), 'listening.porcupine.sensitivities', '0.5; 0.7').draft.listening.porcupine.sensitivities).toEqual([
      0.5, 0.7,
    ]);
    expect(parseModules('realtime=debug\n home-assistant: WARN ')).toEqual({
      ok: true,
      value: { realtime: 'debug', 'home-assistant': 'warn' },
    });
    expect(parseModules('realtime debug')).toEqual({ ok: false, error: 'module-line' });
    const modules = setModulesText(base(), 'realtime=loud');
    expect(fieldErrors(modules)['logging.modules']).toMatchObject({ kind: 'message' });
    expect(parseNumber(' 1e3 ')).toEqual({ ok: true, value: 1000 });
    expect(parseNumber('')).toEqual({ ok: false, error: 'number' });
  });

  it('switches turn detection type with that type’s defaults, and max tokens between a number and no limit', () => {
    let form = setNumberText(base(), 'openai.turnDetection.threshold', 'x');
    form = setTurnDetectionType(form, 'semantic_vad');
    expect(form.draft.openai.turnDetection).toEqual({ type: 'semantic_vad', eagerness: 'auto' });
    expect(form.parseErrors).toEqual({});
    form = setMaxTokensUnlimited(form, false);
    expect(form.draft.openai.maxOutputTokens).toBe(4096);
    form = setNumberText(form, 'openai.maxOutputTokens', '5000', true);
    expect(fieldErrors(form)['openai.maxOutputTokens']).toBeDefined();
    form = setMaxTokensUnlimited(form, true);
    expect(form.draft.openai.maxOutputTokens).toBe('inf');
    expect(fieldErrors(form)['openai.maxOutputTokens']).toBeUndefined();
  });

  it('edits prices per model; an empty cell means built-in', () => {
    let form = addPriceRow(base(), 'gpt-realtime');
    expect(priceRows(form)).toEqual(['gpt-realtime']);
    form = setPriceText(form, 'gpt-realtime', 'audioOutput', '64');
    form = setPriceText(form, 'gpt-realtime', 'textInput', '-1');
    expect(fieldErrors(form)['prices.gpt-realtime.textInput']).toBeDefined();
    form = setPriceText(form, 'gpt-realtime', 'textInput', '');
    expect(settingsPatch(form)).toEqual({ prices: { 'gpt-realtime': { audioOutput: 64 } } });
    expect(addPriceRow(form, 'bad name!')).toBe(form);
    const saved = applySaved(form, { ...defaultSettings(), prices: { 'gpt-realtime': { audioOutput: 64 } } });
    const cleared = clearPriceRow(saved, 'gpt-realtime');
    expect(settingsPatch(cleared)).toEqual({ prices: { 'gpt-realtime': {} } });
    expect(priceRows(cleared)).toEqual(['gpt-realtime']);
  });

  it('sends every model’s prices when one changes (main replaces the prices whole)', () => {
    const prices = { 'gpt-realtime': { audioOutput: 64 }, 'gpt-realtime-mini': { audioOutput: 20 } };
    const form = setPriceText(createForm({ ...defaultSettings(), prices }), 'gpt-realtime', 'audioInput', '32');
    expect(settingsPatch(form)).toEqual({
      prices: { 'gpt-realtime': { audioOutput: 64, audioInput: 32 }, 'gpt-realtime-mini': { audioOutput: 20 } },
    });
  });
});

describe('settings form: confirmation rules', () => {
  it('validates each rule with the schema’s message, as main does, and saves the lists whole', () => {
    let form = setListText(base(), 'homeAssistant.confirm', 'lock\ncover:garage\nswitch.gate_relay\n!scene.bedtime\nnot a rule');
    form = markSubmitted(form);
    expect(fieldErrors(form)['homeAssistant.confirm']).toEqual({
      kind: 'message',
      message: expect.stringMatching(/^"not a rule" is not a rule: each rule is a domain \(lock\)/),
    });
    expect(canSave(form)).toBe(false);
    form = setListText(form, 'homeAssistant.confirm', 'lock\ncover:garage\n*:gate\nswitch.gate_relay\n!scene.bedtime');
    expect(fieldErrors(form)['homeAssistant.confirm']).toBeUndefined();
    form = setListText(form, 'homeAssistant.confirmNameWords', 'garage, portão');
    form = setValue(form, 'homeAssistant.handOverWithSensitiveDevices', true);
    expect(canSave(form)).toBe(true);
    expect(settingsPatch(form)).toEqual({
      homeAssistant: {
        confirm: ['lock', 'cover:garage', '*:gate', 'switch.gate_relay', '!scene.bedtime'],
        confirmNameWords: ['garage', 'portão'],
        handOverWithSensitiveDevices: true,
      },
    });
  });

  it('shows the defaults one rule per line', () => {
    expect(displayText(base(), 'homeAssistant.confirm', (v) => (v as string[]).join('\n'))).toBe(
      'lock\nalarm_control_panel\nsiren\n*:door\n*:garage\n*:gate\ncover:none',
    );
  });
});

describe('settings form: saving', () => {
  it('sends only what changed, section by section, nested values whole', () => {
    let form = setNumberText(base(), 'openai.speed', '1.2');
    form = setValue(form, 'openai.voice', 'cedar');
    form = setNumberText(form, 'openai.turnDetection.silenceDurationMs', '700', true);
    form = setValue(form, 'homeAssistant.handOverToAssist', false);
    expect(settingsPatch(form)).toEqual({
      openai: {
        speed: 1.2,
        voice: 'cedar',
        turnDetection: { type: 'server_vad', threshold: 0.5, prefixPaddingMs: 300, silenceDurationMs: 700 },
      },
      homeAssistant: { handOverToAssist: false },
    });
    expect(settingsPatch(base())).toEqual({});
    expect(isDirty(base())).toBe(false);
  });

  it('puts main’s issues next to their fields and keeps what was typed', () => {
    let form = setText(base(), 'homeAssistant.url', 'http://ha.local:8123/lovelace');
    form = applyServerIssues(form, [
      { path: 'homeAssistant.url', message: 'the URL must not have a path' },
      { path: '', message: 'the settings file is read-only' },
    ]);
    expect(fieldErrors(form)['homeAssistant.url']).toEqual({ kind: 'message', message: 'the URL must not have a path' });
    expect(form.generalIssues).toEqual(['the settings file is read-only']);
    expect(displayText(form, 'homeAssistant.url')).toBe('http://ha.local:8123/lovelace');
    expect(firstErrorField(fieldErrors(form))).toBe('homeAssistant.url');
    // Editing the field clears main's issue for it.
    form = setText(form, 'homeAssistant.url', 'http://ha.local:8123');
    expect(fieldErrors(form)['homeAssistant.url']).toBeUndefined();
  });

  it('follows changes made elsewhere for untouched fields, keeps what the user is editing', () => {
    const form = setNumberText(base(), 'openai.speed', '1.3');
    const elsewhere = { ...defaultSettings(), openai: { ...defaultSettings().openai, voice: 'ash', speed: 0.9 } };
    const rebased = rebase(form, elsewhere);
    expect(rebased.draft.openai.voice).toBe('ash');
    expect(rebased.draft.openai.speed).toBe(1.3);
    expect(settingsPatch(rebased)).toEqual({ openai: { speed: 1.3 } });
    expect(getAt(rebased.draft, 'openai.voice')).toBe('ash');
  });
});
