/**
 * The transcript as the page shows it: messages by speaker, and runs of tool calls grouped into one
 * "actions" block between them, each call summarised in words (what was asked, what happened) instead
 * of raw JSON. Pure.
 */
import type { TranscriptItem } from '../../../preload/contract/types.js';
import type { MessageKey, Translator } from '../../i18n/i18n.js';

export type ToolStatus = 'running' | 'done' | 'failed' | 'needs-confirmation';

export type ToolCallView = {
  id: string;
  name: string;
  /** "Set a light" */
  title: string;
  status: ToolStatus;
  /** The arguments as label/value pairs. */
  args: Array<{ label: string; value: string }>;
  /** What happened, one line per device or message. */
  lines: string[];
  raw: { arguments: string; output: string | null };
};

export type TranscriptEntry =
  | {
      kind: 'message';
      id: string;
      role: 'user' | 'assistant';
      text: string;
      final: boolean;
      interrupted: boolean;
      /** An assistant preamble (phase `commentary`: "checking the thermostat…"), shown apart from the answer. */
      preamble: boolean;
      /** The first message of a run by the same speaker (the speaker's name is shown once). */
      first: boolean;
    }
  | { kind: 'actions'; id: string; calls: ToolCallView[] };

const TOOL_TITLES: Record<string, MessageKey> = {
  find_devices: 'tool.find_devices',
  get_states: 'tool.get_states',
  turn_on_off: 'tool.turn_on_off',
  set_light: 'tool.set_light',
  set_climate: 'tool.set_climate',
  set_cover: 'tool.set_cover',
  control_media: 'tool.control_media',
  set_fan: 'tool.set_fan',
  set_lock: 'tool.set_lock',
  set_alarm: 'tool.set_alarm',
  activate_scene: 'tool.activate_scene',
  run_script: 'tool.run_script',
  ask_home_assistant: 'tool.ask_home_assistant',
  end_conversation: 'tool.end_conversation',
};

export function humanize(name: string): string {
  const words = name.replace(/[_-]+/g, ' ').trim();
  return words.length === 0 ? name : words[0]!.toUpperCase() + words.slice(1);
}

export function toolTitle(name: string, t: Translator): string {
  const key = TOOL_TITLES[name];
  return key ? t.lookup(key) : humanize(name);
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value in a few words: lists joined, entity references by name, long things cut. */
export function valueText(value: unknown, t: Translator): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value.length > 120 ? `${value.slice(0, 117)}…` : value;
  if (typeof value === 'number') return t.number(value, 2);
  if (typeof value === 'boolean') return value ? t.t('common.yes') : t.t('common.no');
  if (Array.isArray(value)) return value.map((v) => valueText(v, t)).join(', ');
  if (isRecord(value)) {
    const named = value.name ?? value.entity_id ?? value.id;
    if (typeof named === 'string') return named;
    return Object.entries(value)
      .map(([k, v]) => `${humanize(k).toLowerCase()} ${valueText(v, t)}`)
      .join(', ');
  }
  return String(value);
}

const HIDDEN_ARGUMENTS = new Set(['confirmed']);

/** Words and units for the fields tools use most (Home Assistant attribute names). */
const FIELD_WORDS: Record<string, { key: MessageKey; unit?: string }> = {
  entities: { key: 'field.devices' },
  entity: { key: 'field.device' },
  entity_id: { key: 'field.device' },
  action: { key: 'field.action' },
  area: { key: 'field.area' },
  query: { key: 'field.search' },
  domain: { key: 'field.type' },
  device_class: { key: 'field.kind' },
  brightness_pct: { key: 'field.brightness', unit: '%' },
  color_temp_kelvin: { key: 'field.colorTemperature', unit: 'K' },
  color: { key: 'field.colour' },
  temperature: { key: 'field.temperature', unit: '°' },
  target_temperature: { key: 'field.target', unit: '°' },
  current_temperature: { key: 'field.current', unit: '°' },
  target_temp_low: { key: 'field.low', unit: '°' },
  target_temp_high: { key: 'field.high', unit: '°' },
  hvac_mode: { key: 'field.mode' },
  position: { key: 'field.position', unit: '%' },
  volume_pct: { key: 'field.volume', unit: '%' },
  speed_pct: { key: 'field.speed', unit: '%' },
  media_title: { key: 'field.playing' },
  preset: { key: 'field.preset' },
  text: { key: 'field.request' },
  limit: { key: 'field.limit' },
};

function fieldLabel(name: string, t: Translator): string {
  const word = FIELD_WORDS[name];
  return word ? t.lookup(word.key) : humanize(name);
}

function fieldValue(name: string, value: unknown, t: Translator): string {
  const unit = FIELD_WORDS[name]?.unit;
  const text = valueText(value, t);
  if (!unit || typeof value !== 'number') return text;
  return unit === '°' ? `${text}${unit}` : `${text}\u00a0${unit}`;
}

export function describeArguments(json: string, t: Translator): Array<{ label: string; value: string }> {
  const value = parseJson(json);
  if (!isRecord(value)) return json.trim() === '' || json.trim() === '{}' ? [] : [{ label: t.t('tool.input'), value: valueText(value, t) }];
  return Object.entries(value)
    .filter(([key, v]) => !HIDDEN_ARGUMENTS.has(key) && v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0))
    .map(([key, v]) => ({ label: fieldLabel(key, t), value: fieldValue(key, v, t) }));
}

const RESULT_SKIP = new Set(['id', 'name', 'state', 'unit', 'area', 'changed', 'pending', 'error', 'entity_id', 'domain']);

/** "Kitchen light: on · brightness pct 40" for one device in a tool's answer. */
function deviceLine(item: Record<string, unknown>, t: Translator): string {
  const name = typeof item.name === 'string' ? item.name : typeof item.id === 'string' ? item.id : t.t('tool.device');
  if (typeof item.error === 'string') return `${name}: ${item.error}`;
  const parts: string[] = [];
  if (typeof item.state === 'string') parts.push(item.state.replace(/_/g, ' ') + (typeof item.unit === 'string' ? ` ${item.unit}` : ''));
  for (const [key, value] of Object.entries(item)) {
    if (RESULT_SKIP.has(key) || value === null || value === undefined || isRecord(value)) continue;
    parts.push(`${fieldLabel(key, t).toLowerCase()} ${fieldValue(key, value, t)}`);
    if (parts.length >= 4) break;
  }
  let line = parts.length > 0 ? `${name}: ${parts.join(' · ')}` : name;
  if (item.pending === true) line += ` (${t.t('tool.pending')})`;
  return line;
}

export function summarizeOutput(
  output: string | undefined,
  ok: boolean | undefined,
  t: Translator,
): { status: ToolStatus; lines: string[] } {
  if (output === undefined) return { status: 'running', lines: [] };
  const value = parseJson(output);
  if (!isRecord(value)) {
    const text = valueText(value, t);
    return { status: ok === false ? 'failed' : 'done', lines: text ? [text] : [] };
  }
  if (value.confirmation_required === true) return { status: 'needs-confirmation', lines: [t.t('tool.confirmationAsked')] };
  const lines: string[] = [];
  let status: ToolStatus = ok === false ? 'failed' : 'done';
  if (typeof value.error === 'string') {
    status = 'failed';
    lines.push(value.error);
  }
  if (typeof value.total === 'number' && Array.isArray(value.devices)) lines.push(t.plural('tool.found', value.total));
  for (const key of ['results', 'states', 'devices']) {
    const list = value[key];
    if (!Array.isArray(list)) continue;
    for (const item of list.slice(0, 8)) lines.push(isRecord(item) ? deviceLine(item, t) : valueText(item, t));
    if (list.length > 8) lines.push(t.t('tool.more', { count: list.length - 8 }));
  }
  for (const key of ['message', 'speech', 'answer', 'note']) if (typeof value[key] === 'string') lines.push(value[key]);
  if (lines.length === 0) {
    const simple = Object.entries(value).filter(([k, v]) => k !== 'ok' && (typeof v !== 'object' || v === null));
    for (const [k, v] of simple.slice(0, 4)) lines.push(`${fieldLabel(k, t)}: ${fieldValue(k, v, t)}`);
    if (lines.length === 0 && status === 'done') lines.push(t.t('tool.done'));
  }
  return { status, lines };
}

export function toolCallView(item: Extract<TranscriptItem, { kind: 'tool' }>, t: Translator): ToolCallView {
  const { status, lines } = summarizeOutput(item.output, item.ok, t);
  return {
    id: item.id,
    name: item.name,
    title: toolTitle(item.name, t),
    status,
    args: describeArguments(item.arguments, t),
    lines,
    raw: { arguments: item.arguments, output: item.output ?? null },
  };
}

/** Groups the items for display: consecutive tool calls become one actions block. */
export function transcriptEntries(items: readonly TranscriptItem[], t: Translator): TranscriptEntry[] {
  const entries: TranscriptEntry[] = [];
  let lastSpeaker: 'user' | 'assistant' | null = null;
  for (const item of items) {
    if (item.kind === 'tool') {
      const previous = entries.at(-1);
      if (previous?.kind === 'actions') previous.calls.push(toolCallView(item, t));
      else entries.push({ kind: 'actions', id: `actions-${item.id}`, calls: [toolCallView(item, t)] });
      continue;
    }
    if (item.role === 'user' && item.final && item.text.trim() === '') continue; // nothing was heard
    entries.push({
      kind: 'message',
      id: item.id,
      role: item.role,
      text: item.text,
      final: item.final,
      interrupted: item.interrupted === true,
      preamble: item.role === 'assistant' && item.phase === 'commentary',
      first: lastSpeaker !== item.role || entries.at(-1)?.kind === 'actions',
    });
    lastSpeaker = item.role;
  }
  return entries;
}

/** Something is still streaming in (the live region is marked busy until it is final). */
export function isStreaming(items: readonly TranscriptItem[]): boolean {
  return items.some((item) => (item.kind === 'message' ? !item.final : item.output === undefined));
}

/** The last `count` entries (kiosk: only the recent exchange, in large type). */
export function recentEntries(entries: readonly TranscriptEntry[], count: number): TranscriptEntry[] {
  return entries.slice(Math.max(0, entries.length - count));
}
