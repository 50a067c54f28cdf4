/**
 * The settings form, pure: a draft of every option, what the user typed (kept verbatim, even when it
 * does not parse), errors validated field by field with the schema's own messages as the user types,
 * the patch `settings:update` receives (only what changed; prices whole), and the issues main returned,
 * next to their fields. Tested in Node.
 */
import type { SettingsPatch } from '../../../preload/contract/channels.js';
import {
  TurnDetectionSchema,
  validateSettings,
  type Price,
  type Settings,
  type SettingsIssue,
} from '../../../preload/contract/settings-schema.js';
import { listText, parseList, parseModules, parseNumber, parseNumberList, type Parsed, type ParseError } from './settings-text-model.js';

/** Every option of the form, by its path in Settings (the key of its error). */
export const FIELD_PATHS = [
  'openai.model',
  'openai.voice',
  'openai.speed',
  'openai.instructions',
  'openai.outputModality',
  'openai.turnDetection.type',
  'openai.turnDetection.threshold',
  'openai.turnDetection.prefixPaddingMs',
  'openai.turnDetection.silenceDurationMs',
  'openai.turnDetection.eagerness',
  'openai.transcription.enabled',
  'openai.transcription.model',
  'openai.transcription.language',
  'openai.transcription.prompt',
  'openai.noiseReduction',
  'openai.maxOutputTokens',
  'openai.reasoningEffort',
  'openai.realtimeUrl',
  'conversation.followUpSeconds',
  'conversation.idleTimeoutSeconds',
  'listening.wakeEngine',
  'listening.openWakeWord.keywords',
  'listening.openWakeWord.threshold',
  'listening.openWakeWord.patienceFrames',
  'listening.openWakeWord.debounceMs',
  'listening.porcupine.keywords',
  'listening.porcupine.sensitivities',
  'listening.porcupine.modelPath',
  'listening.micDevice',
  'listening.duplex',
  'listening.halfDuplexTailMs',
  'listening.pushToTalk.hotkey',
  'listening.pushToTalk.mode',
  'listening.muted',
  'homeAssistant.url',
  'homeAssistant.include',
  'homeAssistant.exclude',
  'homeAssistant.confirm',
  'homeAssistant.confirmNameWords',
  'homeAssistant.handOverToAssist',
  'homeAssistant.handOverWithSensitiveDevices',
  'homeAssistant.allowSelfSignedCertificate',
  'prices',
  'logging.level',
  'logging.modules',
] as const;

export type FieldPath = (typeof FIELD_PATHS)[number];

export const PRICE_FIELDS = [
  'textInput',
  'cachedTextInput',
  'audioInput',
  'cachedAudioInput',
  'textOutput',
  'audioOutput',
] as const satisfies ReadonlyArray<keyof Price>;

export type SettingsForm = {
  /** The settings as main has them. */
  base: Settings;
  /** The settings as the form would save them. */
  draft: Settings;
  /** What the user typed in text-like fields, verbatim (shown instead of the draft's value). */
  raw: Partial<Record<string, string>>;
  /** Fields whose text does not parse (the draft keeps the last good value). */
  parseErrors: Partial<Record<string, ParseError>>;
  /** Issues main returned for the last save, by field; cleared when the field is edited. */
  serverIssues: Partial<Record<string, string>>;
  /** Issues without a field (shown above the form). */
  generalIssues: string[];
  /** Fields the user has edited (their errors show as they type). */
  touched: Partial<Record<string, true>>;
  /** A save was attempted: every error shows. */
  submitted: boolean;
};

export function createForm(settings: Settings): SettingsForm {
  return {
    base: settings,
    draft: structuredClone(settings),
    raw: {},
    parseErrors: {},
    serverIssues: {},
    generalIssues: [],
    touched: {},
    submitted: false,
  };
}

// ---------------------------------------------------------------------------------------------------
// Paths

export function getAt(root: unknown, path: string): unknown {
  let value: unknown = root;
  for (const key of path.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** A copy of `root` with `path` set to `value` (copies only along the path). */
export function setAt<T>(root: T, path: string, value: unknown): T {
  const [head, ...rest] = path.split('.');
  const source = (typeof root === 'object' && root !== null ? root : {}) as Record<string, unknown>;
  const copy: Record<string, unknown> = Array.isArray(source) ? ([...source] as unknown as Record<string, unknown>) : { ...source };
  copy[head!] = rest.length === 0 ? value : setAt(source[head!], rest.join('.'), value);
  return copy as T;
}

/** The form field an issue belongs to: the longest field path that is a prefix of the issue's path. */
export function fieldOf(issuePath: string): string | null {
  if (issuePath.startsWith('prices.')) return issuePath; // prices.<model>.<field>; model names may hold dots
  let best: string | null = null;
  for (const field of FIELD_PATHS) {
    if ((issuePath === field || issuePath.startsWith(`${field}.`)) && (best === null || field.length > best.length)) best = field;
  }
  if (best === null && issuePath.startsWith('openai.turnDetection')) return 'openai.turnDetection.type';
  return best;
}

// ---------------------------------------------------------------------------------------------------
// Editing

function edited(form: SettingsForm, path: string): SettingsForm {
  const serverIssues = { ...form.serverIssues };
  delete serverIssues[path];
  return { ...form, serverIssues, touched: { ...form.touched, [path]: true } };
}

/** Drops what was typed in, and the parse errors of, the fields `drop` selects. */
function forgetTyped(form: SettingsForm, drop: (path: string) => boolean): SettingsForm {
  const keep = <T>(record: Partial<Record<string, T>>) => Object.fromEntries(Object.entries(record).filter(([path]) => !drop(path)));
  return { ...form, raw: keep(form.raw), parseErrors: keep(form.parseErrors) };
}

/** Sets a field from a control that always holds a valid type (select, checkbox, slider). */
export function setValue(form: SettingsForm, path: string, value: unknown): SettingsForm {
  const next = edited(form, path);
  const raw = { ...next.raw };
  delete raw[path];
  const parseErrors = { ...next.parseErrors };
  delete parseErrors[path];
  return { ...next, raw, parseErrors, draft: setAt(form.draft, path, value) };
}

/** Sets a text field: strings are taken as typed. */
export function setText(form: SettingsForm, path: string, text: string): SettingsForm {
  return setValue(form, path, text);
}

/** A field typed as text that must parse: what was typed is kept; the draft changes only when it parses. */
function setParsedText<T>(
  form: SettingsForm,
  path: string,
  text: string,
  parse: (text: string) => Parsed<T>,
  write: (draft: Settings, value: T) => Settings = (draft, value) => setAt(draft, path, value),
): SettingsForm {
  const next = edited(form, path);
  const raw = { ...next.raw, [path]: text };
  const parseErrors = { ...next.parseErrors };
  const parsed = parse(text);
  if (!parsed.ok) return { ...next, raw, parseErrors: { ...parseErrors, [path]: parsed.error } };
  delete parseErrors[path];
  return { ...next, raw, parseErrors, draft: write(form.draft, parsed.value) };
}

export function setNumberText(form: SettingsForm, path: string, text: string, integer = false): SettingsForm {
  return setParsedText(form, path, text, (typed) => parseNumber(typed, integer));
}

/** A list field (comma or newline separated). */
export function setListText(form: SettingsForm, path: string, text: string): SettingsForm {
  const next = edited(form, path);
  return { ...next, raw: { ...next.raw, [path]: text }, draft: setAt(form.draft, path, parseList(text)) };
}

/** A list of numbers (Porcupine sensitivities). */
export function setNumberListText(form: SettingsForm, path: string, text: string): SettingsForm {
  return setParsedText(form, path, text, parseNumberList);
}

export function setModulesText(form: SettingsForm, text: string): SettingsForm {
  return setParsedText(form, 'logging.modules', text, parseModules);
}

/** Max output tokens: a number, or no limit ('inf'). */
export function setMaxTokensUnlimited(form: SettingsForm, unlimited: boolean): SettingsForm {
  const current = form.draft.openai.maxOutputTokens;
  return setValue(form, 'openai.maxOutputTokens', unlimited ? 'inf' : current === 'inf' ? 4096 : current);
}

/** Turn detection: switching the type brings that type's defaults. */
export function setTurnDetectionType(form: SettingsForm, type: 'server_vad' | 'semantic_vad'): SettingsForm {
  if (form.draft.openai.turnDetection.type === type) return form;
  const next = forgetTyped(setValue(form, 'openai.turnDetection', TurnDetectionSchema.parse({ type })), (path) =>
    path.startsWith('openai.turnDetection.'),
  );
  return { ...next, touched: { ...next.touched, 'openai.turnDetection.type': true } };
}

// Prices: one row per model; an empty cell means "the built-in price".

export function setPriceText(form: SettingsForm, model: string, field: (typeof PRICE_FIELDS)[number], text: string): SettingsForm {
  const parse = (typed: string): Parsed<number | undefined> => (typed.trim() === '' ? { ok: true, value: undefined } : parseNumber(typed));
  // Not setAt: model names may hold dots.
  const write = (draft: Settings, value: number | undefined): Settings => {
    const price = { ...(draft.prices[model] ?? {}) };
    if (value === undefined) delete price[field];
    else price[field] = value;
    return { ...draft, prices: { ...draft.prices, [model]: price } };
  };
  return setParsedText(form, `prices.${model}.${field}`, text, parse, write);
}

export function isModelName(name: string): boolean {
  return /^[\w.:-]{1,100}$/.test(name.trim());
}

export function addPriceRow(form: SettingsForm, model: string): SettingsForm {
  const name = model.trim();
  if (!isModelName(name) || form.draft.prices[name] !== undefined) return form;
  return { ...edited(form, 'prices'), draft: { ...form.draft, prices: { ...form.draft.prices, [name]: {} } } };
}

/**
 * Clears a model's overrides. The model stays as `{}` (the built-in price) so its row remains in the
 * form, emptied, until the save; `priceRows` hides it once saved.
 */
export function clearPriceRow(form: SettingsForm, model: string): SettingsForm {
  const cells = new Set(PRICE_FIELDS.map((field) => `prices.${model}.${field}`));
  const next = forgetTyped(edited(form, 'prices'), (path) => cells.has(path));
  return { ...next, draft: { ...form.draft, prices: { ...form.draft.prices, [model]: {} } } };
}

/** The price rows to show: models with overrides, rows added or cleared in this form (not yet saved). */
export function priceRows(form: SettingsForm): string[] {
  return Object.entries(form.draft.prices)
    .filter(([model, price]) => {
      const before = form.base.prices[model];
      return Object.keys(price).length > 0 || before === undefined || Object.keys(before).length > 0;
    })
    .map(([model]) => model)
    .sort();
}

// ---------------------------------------------------------------------------------------------------
// Validation

type BucketedIssues = { byField: Partial<Record<string, string>>; general: string[] };

/** Issues by form field (first message per field), and those without one. */
function bucketIssues(issues: readonly SettingsIssue[]): BucketedIssues {
  const byField: Partial<Record<string, string>> = {};
  const general: string[] = [];
  for (const issue of issues) {
    const field = fieldOf(issue.path);
    if (field === null) general.push(issue.path ? `${issue.path}: ${issue.message}` : issue.message);
    else byField[field] ??= issue.message;
  }
  return { byField, general };
}

/** Schema issues of the whole draft, by form field and those without one. */
export function schemaIssues(draft: Settings): BucketedIssues {
  const result = validateSettings(draft);
  return bucketIssues(result.ok ? [] : result.issues);
}

export type FieldError = { kind: 'parse'; error: ParseError } | { kind: 'message'; message: string };

/**
 * The error to show next to each field: what does not parse, else the schema's message, else what main
 * answered. Only for fields the user touched, until a save is attempted.
 */
export function fieldErrors(form: SettingsForm): Partial<Record<string, FieldError>> {
  const { byField } = schemaIssues(form.draft);
  const out: Partial<Record<string, FieldError>> = {};
  const visible = (path: string) => form.submitted || form.touched[path] === true;
  for (const [path, error] of Object.entries(form.parseErrors)) if (error && visible(path)) out[path] = { kind: 'parse', error };
  for (const [path, message] of Object.entries(byField)) {
    if (message && !out[path] && visible(path)) out[path] = { kind: 'message', message };
  }
  for (const [path, message] of Object.entries(form.serverIssues)) if (message && !out[path]) out[path] = { kind: 'message', message };
  return out;
}

/** Whether the draft can be saved (nothing fails to parse, the schema accepts it). */
export function canSave(form: SettingsForm): boolean {
  return Object.keys(form.parseErrors).length === 0 && validateSettings(form.draft).ok;
}

// ---------------------------------------------------------------------------------------------------
// Saving

function equal(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => equal((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * What changed, section by section: main merges each section key by key, except `prices`, which it
 * replaces whole (so an entry can be removed): when any price changed, the patch carries them all.
 */
export function settingsPatch(form: SettingsForm): SettingsPatch {
  const patch: Record<string, Record<string, unknown>> = {};
  for (const section of ['openai', 'conversation', 'listening', 'homeAssistant', 'prices', 'logging'] as const) {
    const before = form.base[section] as Record<string, unknown>;
    const after = form.draft[section] as Record<string, unknown>;
    if (section === 'prices') {
      if (!equal(before, after)) patch[section] = structuredClone(after);
      continue;
    }
    for (const key of Object.keys(after)) {
      if (equal(before[key], after[key])) continue;
      (patch[section] ??= {})[key] = structuredClone(after[key]);
    }
  }
  return patch as SettingsPatch;
}

export function isDirty(form: SettingsForm): boolean {
  return Object.keys(settingsPatch(form)).length > 0 || Object.keys(form.parseErrors).length > 0;
}

/** A save was attempted (errors show on every field). */
export function markSubmitted(form: SettingsForm): SettingsForm {
  return { ...form, submitted: true };
}

/** Main refused the save: its issues go next to their fields; what the user typed stays. */
export function applyServerIssues(form: SettingsForm, issues: readonly SettingsIssue[]): SettingsForm {
  const { byField, general } = bucketIssues(issues);
  return { ...form, submitted: true, serverIssues: byField, generalIssues: general };
}

/** Main saved: the new settings are the base and the draft. */
export function applySaved(_form: SettingsForm, settings: Settings): SettingsForm {
  return createForm(settings);
}

/**
 * Settings changed in main while the form is open (another window, the tray): untouched fields follow;
 * what the user is editing stays as typed.
 */
export function rebase(form: SettingsForm, settings: Settings): SettingsForm {
  if (equal(form.base, settings)) return form;
  let draft = structuredClone(settings);
  for (const path of Object.keys(form.touched)) {
    const field = path.startsWith('prices') ? 'prices' : path;
    draft = setAt(draft, field, structuredClone(getAt(form.draft, field)));
  }
  if (form.touched['openai.turnDetection.type'])
    draft = setAt(draft, 'openai.turnDetection', structuredClone(form.draft.openai.turnDetection));
  return { ...form, base: settings, draft };
}

/** The text a field shows: what the user typed if anything, else the draft's value. */
export function displayText(form: SettingsForm, path: string, format: (value: unknown) => string = defaultFormat): string {
  const raw = form.raw[path];
  return raw !== undefined ? raw : format(getAt(form.draft, path));
}

function defaultFormat(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return listText(value);
  return String(value);
}

/** The fields with an error, in form order (the save button focuses the first). */
export function firstErrorField(errors: Partial<Record<string, FieldError>>): string | null {
  for (const path of FIELD_PATHS) if (errors[path]) return path;
  const rest = Object.keys(errors).sort();
  return rest[0] ?? null;
}
