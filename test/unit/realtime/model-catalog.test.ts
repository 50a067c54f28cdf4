import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MODEL,
  MODEL_CATALOG,
  SELECTABLE_MODELS,
  catalogEntry,
  replacementFor,
  retirementNotice,
  supportsReasoning,
} from '../../../preload/contract/model-catalog.js';
import { DEFAULT_PRICES, createPriceTable } from '../../../main/realtime/price-table.js';
import { buildSessionConfig } from '../../../main/realtime/session-config.js';
import { classifyServerError } from '../../../main/realtime/error-classifier.js';
import { defaultSettings, validateSettings } from '../../../preload/contract/settings-schema.js';
import { JsonFileSettingsStore } from '../../../main/app/settings-store.js';

describe('model catalog', () => {
  it('the default is gpt-realtime-2, a current reasoning model, with low effort', () => {
    expect(DEFAULT_MODEL).toBe('gpt-realtime-2');
    expect(defaultSettings().openai.model).toBe(DEFAULT_MODEL);
    expect(defaultSettings().openai.reasoningEffort).toBe('low');
    expect(catalogEntry(DEFAULT_MODEL)).toMatchObject({ reasoning: true, status: { kind: 'current' } });
  });

  it('the price table is the catalog: one source, unknown prices left out rather than invented', () => {
    const priced = MODEL_CATALOG.filter((m) => m.price);
    expect(Object.keys(DEFAULT_PRICES).sort()).toEqual(priced.map((m) => m.id).sort());
    for (const m of priced) expect(DEFAULT_PRICES[m.id]).toEqual(m.price);
    expect(createPriceTable()('gpt-4o-realtime-preview')).toBeUndefined();
    expect(createPriceTable()('gpt-realtime-2.1-mini')?.audioOutput).toBe(20);
  });

  it('reasoning: the catalog decides for its models and snapshots, the family pattern for custom names', () => {
    expect(MODEL_CATALOG.filter((m) => m.reasoning).map((m) => m.id)).toEqual([
      'gpt-realtime-2',
      'gpt-realtime-2.1',
      'gpt-realtime-2.1-mini',
    ]);
    expect(supportsReasoning('gpt-realtime-2025-08-28')).toBe(false);
    expect(supportsReasoning('gpt-realtime-mini-2025-12-15')).toBe(false);
    expect(supportsReasoning('gpt-realtime-2.2')).toBe(true);
    expect(supportsReasoning('my-proxy-model')).toBe(false);
    const session = (model: string) => {
      const settings = defaultSettings();
      settings.openai.model = model;
      return buildSessionConfig({ openai: settings.openai, tools: [] });
    };
    for (const m of SELECTABLE_MODELS) expect('reasoning' in session(m.id)).toBe(m.reasoning);
    expect(session('gpt-realtime-2.2').reasoning).toEqual({ effort: 'low' });
  });

  it('retiring models name their date, the reported-not-confirmed wording and a replacement', () => {
    expect(retirementNotice('gpt-realtime')).toBe(
      'The model gpt-realtime is reported to shut down on 2027-01-20 (reported, not confirmed by OpenAI). Choose gpt-realtime-2 in settings before then.',
    );
    expect(retirementNotice('gpt-realtime-mini-2025-12-15')).toContain('gpt-realtime-2.1-mini');
    expect(retirementNotice('gpt-realtime-2')).toBeNull();
    expect(replacementFor('gpt-4o-mini-realtime-preview')).toBe('gpt-realtime-2.1-mini');
    expect(replacementFor('something-else')).toBe(DEFAULT_MODEL);
  });

  it('settings: a bad custom name and a retired model get one clear message each; any well-formed name is allowed', () => {
    const withModel = (model: string) => {
      const s = defaultSettings() as unknown as { openai: { model: string } };
      s.openai.model = model;
      return validateSettings(s);
    };
    expect(withModel('my-proxy/model x')).toEqual({
      ok: false,
      issues: [{ path: 'openai.model', message: expect.stringMatching(/^a model name has only letters, digits/) }],
    });
    expect(withModel('gpt-4o-realtime-preview')).toEqual({
      ok: false,
      issues: [
        { path: 'openai.model', message: 'The model gpt-4o-realtime-preview was shut down on 2026-05-07; use gpt-realtime-2 instead.' },
      ],
    });
    expect(withModel('gpt-realtime-2.2').ok).toBe(true);
    expect(withModel('gpt-realtime').ok).toBe(true);
  });

  it('a server refusal of the model is permanent and names a replacement', () => {
    const error = classifyServerError({
      type: 'invalid_request_error',
      code: 'model_not_found',
      message: 'The model `gpt-realtime` does not exist or you do not have access to it.',
    });
    expect(error).toMatchObject({ category: 'configuration', permanent: true, code: 'model_not_found' });
    expect(error.message).toContain('e.g. gpt-realtime-2');
    const retired = classifyServerError({
      type: 'invalid_request_error',
      code: 'model_not_found',
      message: 'The model `gpt-4o-realtime-preview` does not exist.',
    });
    expect(retired.message).toContain('was shut down on 2026-05-07; use gpt-realtime-2 instead');
  });
});

describe('settings migration 1 → 2', () => {
  async function load(file: unknown) {
    const dir = await mkdtemp(join(tmpdir(), 'hearth-models-'));
    await writeFile(join(dir, 'settings.json'), JSON.stringify(file));
    const store = new JsonFileSettingsStore(dir);
    const settings = await store.load();
    return { store, settings, written: JSON.parse(await readFile(join(dir, 'settings.json'), 'utf8')) as Record<string, any> };
  }

  it('the old default gpt-realtime moves to the new default, once, with a notice', async () => {
    const old = { ...defaultSettings(), version: 1 } as Record<string, any>;
    old.openai = { ...old.openai, model: 'gpt-realtime', voice: 'cedar' };
    const { store, settings, written } = await load(old);
    expect(settings.openai).toMatchObject({ model: 'gpt-realtime-2', voice: 'cedar' });
    expect(store.lastLoadNotices).toEqual([expect.stringContaining('moved from gpt-realtime, the old default')]);
    expect(store.lastLoadIssues).toEqual([]);
    expect(written).toMatchObject({ version: 3, openai: { model: 'gpt-realtime-2' } });
    const again = new JsonFileSettingsStore(store.path.replace(/settings\.json$/, ''));
    expect((await again.load()).openai.model).toBe('gpt-realtime-2');
    expect(again.lastLoadNotices).toEqual([]);
  });

  it("a user's own choice (gpt-realtime-mini, a custom name) is kept, without a migration notice", async () => {
    for (const model of ['gpt-realtime-mini', 'my-proxy-model']) {
      const old = { ...defaultSettings(), version: 1 } as Record<string, any>;
      old.openai = { ...old.openai, model };
      const { store, settings } = await load(old);
      expect(settings.openai.model).toBe(model);
      expect(store.lastLoadNotices).toEqual([]);
    }
  });
});
