/*
 * The Realtime models Hearth knows: the one source for the settings page's list, the default, which
 * models take `reasoning`, retirement notices and the built-in prices (main/realtime/price-table.ts
 * reads them from here). Std only: main and the renderer both import it.
 *
 * Sources: the model list of openai-node 7.55.0 (`RealtimeSessionCreateRequest.model`) and the
 * prices of OpenAI's model pages (developers.openai.com/api/docs/models/<id>, 2026), as in the
 * project's protocol reference. A price that is not known is `null` ("unknown"), never guessed.
 */

/** USD per million tokens (the same shape as the settings' `prices` overrides). */
export type ModelPrice = {
  textInput: number;
  cachedTextInput: number;
  audioInput: number;
  cachedAudioInput: number;
  textOutput: number;
  audioOutput: number;
};

export type ModelStatus =
  | { kind: 'current' }
  /** Announced or reported to shut down on `date`; `confirmed: false` = secondary sources only. */
  | { kind: 'retiring'; date: string; confirmed: boolean; replacement: string }
  | { kind: 'retired'; date: string; replacement: string };

export type CatalogModel = {
  id: string;
  /** 1: gpt-realtime (2025) and -1.5; 2: the 2026 reasoning generation. */
  generation: 1 | 2;
  /** Takes `reasoning.effort` (and `parallel_tool_calls`); other models reject a session.update carrying them. */
  reasoning: boolean;
  price: ModelPrice | null;
  /** One short line for the settings page (English; the page shows it as written). */
  note: string;
  status: ModelStatus;
};

export const DEFAULT_MODEL = 'gpt-realtime-2';

const FULL: ModelPrice = { textInput: 4, cachedTextInput: 0.4, audioInput: 32, cachedAudioInput: 0.4, textOutput: 16, audioOutput: 64 };
const FULL_2: ModelPrice = { ...FULL, textOutput: 24 };
const MINI: ModelPrice = { textInput: 0.6, cachedTextInput: 0.06, audioInput: 10, cachedAudioInput: 0.3, textOutput: 2.4, audioOutput: 20 };

/** Reported on third-party pages (deprecation trackers, a voice platform's migration notice), not on OpenAI's own. */
const GEN1_SHUTDOWN = '2027-01-20';

export const MODEL_CATALOG: readonly CatalogModel[] = [
  {
    id: 'gpt-realtime-2',
    generation: 2,
    reasoning: true,
    price: FULL_2,
    note: 'Default. Reasoning model with reliable tool use.',
    status: { kind: 'current' },
  },
  {
    id: 'gpt-realtime-2.1',
    generation: 2,
    reasoning: true,
    price: FULL_2,
    note: 'Newest: better with letters and numbers, noise and interruptions; same price as gpt-realtime-2.',
    status: { kind: 'current' },
  },
  {
    id: 'gpt-realtime-2.1-mini',
    generation: 2,
    reasoning: true,
    price: MINI,
    note: 'Smaller reasoning model: about a third of the price, faster.',
    status: { kind: 'current' },
  },
  {
    id: 'gpt-realtime-1.5',
    generation: 1,
    reasoning: false,
    price: FULL,
    note: 'Previous flagship, no reasoning.',
    status: { kind: 'current' },
  },
  {
    id: 'gpt-realtime',
    generation: 1,
    reasoning: false,
    price: FULL,
    note: 'The 2025 model (gpt-realtime-2025-08-28).',
    status: { kind: 'retiring', date: GEN1_SHUTDOWN, confirmed: false, replacement: 'gpt-realtime-2' },
  },
  {
    id: 'gpt-realtime-mini',
    generation: 1,
    reasoning: false,
    price: MINI,
    note: 'The 2025 small model.',
    status: { kind: 'retiring', date: GEN1_SHUTDOWN, confirmed: false, replacement: 'gpt-realtime-2.1-mini' },
  },
  {
    id: 'gpt-4o-realtime-preview',
    generation: 1,
    reasoning: false,
    price: null,
    note: 'Preview model of the beta interface.',
    status: { kind: 'retired', date: '2026-05-07', replacement: 'gpt-realtime-2' },
  },
  {
    id: 'gpt-4o-mini-realtime-preview',
    generation: 1,
    reasoning: false,
    price: null,
    note: 'Small preview model of the beta interface.',
    status: { kind: 'retired', date: '2026-05-07', replacement: 'gpt-realtime-2.1-mini' },
  },
];

/** The models the settings page offers (retired ones are not offered). */
export const SELECTABLE_MODELS: readonly CatalogModel[] = MODEL_CATALOG.filter((m) => m.status.kind !== 'retired');

/** A custom model name: what OpenAI model ids are made of. */
export const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/;

/** The catalog entry of a model id or of a dated snapshot of one (gpt-realtime-mini-2025-12-15). */
export function catalogEntry(model: string): CatalogModel | undefined {
  const exact = MODEL_CATALOG.find((m) => m.id === model);
  if (exact) return exact;
  const snapshot = /^(.*)-\d{4}-\d{2}-\d{2}$/.exec(model);
  return snapshot ? MODEL_CATALOG.find((m) => m.id === snapshot[1]) : undefined;
}

/** Whether a model takes `reasoning`: the catalog says so; an unknown name only if it is of the gpt-realtime-2 family. */
export function supportsReasoning(model: string): boolean {
  const entry = catalogEntry(model);
  if (entry) return entry.reasoning;
  // gpt-realtime-2.2, gpt-realtime-2.1-mini-2026-…, but not the dated gpt-realtime-2025-08-28.
  return /^gpt-realtime-2(\.\d+)?($|-)/.test(model);
}

/** What to use instead of a model that is retiring, retired or not offered: the default unless the catalog says otherwise. */
export function replacementFor(model: string): string {
  const status = catalogEntry(model)?.status;
  if (status && status.kind !== 'current') return status.replacement;
  return /mini/.test(model) ? 'gpt-realtime-2.1-mini' : DEFAULT_MODEL;
}

/** The notice for a retiring model, or null. */
export function retirementNotice(model: string): string | null {
  const entry = catalogEntry(model);
  if (entry?.status.kind !== 'retiring') return null;
  const { date, confirmed, replacement } = entry.status;
  const when = confirmed ? `shuts down on ${date}` : `is reported to shut down on ${date} (reported, not confirmed by OpenAI)`;
  return `The model ${model} ${when}. Choose ${replacement} in settings before then.`;
}

/** Why a model cannot be used at all (retired), or null. */
export function retiredMessage(model: string): string | null {
  const entry = catalogEntry(model);
  if (entry?.status.kind !== 'retired') return null;
  return `The model ${model} was shut down on ${entry.status.date}; use ${entry.status.replacement} instead.`;
}
