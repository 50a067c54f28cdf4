/**
 * Entity cards as the Home view shows them: grouped by area (sorted by name, cards without an area
 * last), a translated state word, and the EntityAction each control sends. Pure.
 */
import type { EntityAction, EntityCard, EntityControl } from '../../../preload/contract/types.js';
import type { MessageKey, Translator } from '../../i18n/i18n.js';

export type AreaGroup = { key: string; area: string | null; cards: EntityCard[] };

export function groupByArea(cards: readonly EntityCard[], locale: string): AreaGroup[] {
  const groups = new Map<string | null, EntityCard[]>();
  for (const card of cards) {
    const area = card.area?.trim() ? card.area.trim() : null;
    if (!groups.has(area)) groups.set(area, []);
    groups.get(area)!.push(card);
  }
  const collator = new Intl.Collator(locale, { sensitivity: 'base', numeric: true });
  return [...groups.entries()]
    .sort(([a], [b]) => (a === null ? 1 : b === null ? -1 : collator.compare(a, b)))
    .map(([area, list]) => ({ key: area ?? '\u0000unassigned', area, cards: list }));
}

const STATE_WORDS: Record<string, MessageKey> = {
  on: 'entity.state.on',
  off: 'entity.state.off',
  open: 'entity.state.open',
  opening: 'entity.state.opening',
  closed: 'entity.state.closed',
  closing: 'entity.state.closing',
  locked: 'entity.state.locked',
  unlocked: 'entity.state.unlocked',
  locking: 'entity.state.locking',
  unlocking: 'entity.state.unlocking',
  jammed: 'entity.state.jammed',
  playing: 'entity.state.playing',
  paused: 'entity.state.paused',
  idle: 'entity.state.idle',
  standby: 'entity.state.standby',
  heat: 'entity.state.heat',
  cool: 'entity.state.cool',
  heat_cool: 'entity.state.heat_cool',
  auto: 'entity.state.auto',
  dry: 'entity.state.dry',
  fan_only: 'entity.state.fan_only',
  armed_home: 'entity.state.armed_home',
  armed_away: 'entity.state.armed_away',
  armed_night: 'entity.state.armed_night',
  disarmed: 'entity.state.disarmed',
  triggered: 'entity.state.triggered',
  home: 'entity.state.home',
  not_home: 'entity.state.not_home',
  unavailable: 'entity.state.unavailable',
  unknown: 'entity.state.unknown',
};

const STATELESS_DOMAINS = new Set(['scene', 'script', 'button']);

/**
 * The card's two lines: a translated state ("On", "Allumé", "Ligado") and the rest of main's detail
 * ("50 % · 2700 K"). Sensors show their value and unit as they are.
 */
export function cardSummary(card: EntityCard, t: Translator): { state: string; detail: string } {
  if (card.domain === 'sensor' || card.domain === 'binary_sensor') {
    const key = STATE_WORDS[card.state];
    return { state: key ? t.lookup(key) : card.detail || card.state, detail: '' };
  }
  if (STATELESS_DOMAINS.has(card.domain)) return { state: '', detail: '' };
  const key = STATE_WORDS[card.state];
  const parts = card.detail.split(' · ');
  const rest = parts.slice(1).join(' · ');
  return { state: key ? t.lookup(key) : (parts[0] ?? card.state), detail: rest };
}

export type CardIcon =
  'bulb' | 'switch' | 'thermometer' | 'blinds' | 'speaker' | 'lock' | 'shield' | 'sparkles' | 'play' | 'fan' | 'gauge' | 'dot';

export function domainIcon(domain: string): CardIcon {
  switch (domain) {
    case 'light':
      return 'bulb';
    case 'switch':
    case 'input_boolean':
      return 'switch';
    case 'climate':
    case 'water_heater':
      return 'thermometer';
    case 'cover':
      return 'blinds';
    case 'media_player':
      return 'speaker';
    case 'lock':
      return 'lock';
    case 'alarm_control_panel':
      return 'shield';
    case 'scene':
      return 'sparkles';
    case 'script':
      return 'play';
    case 'fan':
      return 'fan';
    case 'sensor':
    case 'binary_sensor':
      return 'gauge';
    default:
      return 'dot';
  }
}

/** The action of a toggle switch flipped to `on`. */
export function toggleAction(card: EntityCard, on: boolean): EntityAction {
  return { entityId: card.id, action: on ? 'turn_on' : 'turn_off' };
}

export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** The next climate target one step up or down, on the step grid; null at the limit. */
export function climateStep(control: Extract<EntityControl, { kind: 'climate-target' }>, direction: 1 | -1): number | null {
  const step = control.step > 0 ? control.step : 0.5;
  const next = clamp(Math.round((control.celsius + direction * step) / step) * step, control.min, control.max);
  const rounded = Math.round(next * 100) / 100;
  return rounded === control.celsius ? null : rounded;
}

/** The action a control sends for a new value (sliders send when released). */
export function controlAction(card: EntityCard, control: EntityControl, value?: number): EntityAction | null {
  switch (control.kind) {
    case 'toggle':
      return toggleAction(card, !control.on);
    case 'brightness':
      return value === undefined ? null : { entityId: card.id, action: 'set_brightness', percent: clamp(Math.round(value), 0, 100) };
    case 'color-temperature':
      return value === undefined
        ? null
        : { entityId: card.id, action: 'set_color_temperature', kelvin: clamp(Math.round(value), control.min, control.max) };
    case 'climate-target':
      return value === undefined
        ? null
        : { entityId: card.id, action: 'set_climate_target', celsius: clamp(value, control.min, control.max) };
    case 'cover-position':
      return value === undefined ? null : { entityId: card.id, action: 'set_cover_position', percent: clamp(Math.round(value), 0, 100) };
    case 'media':
      return value === undefined
        ? { entityId: card.id, action: 'media_play_pause' }
        : { entityId: card.id, action: 'set_volume', percent: clamp(Math.round(value), 0, 100) };
    case 'activate':
      return { entityId: card.id, action: 'activate' };
  }
}

/** Cards a tool touched a moment ago, first (the kiosk and the conversation panel show them). */
export function highlighted(cards: readonly EntityCard[]): EntityCard[] {
  return cards.filter((card) => card.highlighted);
}

/** "12 devices in 4 areas" counts. */
export function homeCounts(cards: readonly EntityCard[]): { devices: number; areas: number } {
  return { devices: cards.length, areas: new Set(cards.map((c) => c.area).filter((a) => a !== null && a.trim() !== '')).size };
}
