import { normalize } from './entity-matcher.js';
import type { ConfirmationPolicy } from './confirmation-policy.js';
import type { ExposedEntity, ExposedHome } from './exposed-home.js';

/**
 * The compact overview of the exposed home that goes into the session instructions: areas →
 * entity ids (with the name only where it differs from the id), so the model can call tools with
 * ids directly. It is re-sent with every session.update and counts as input tokens on every turn,
 * so it is held under a budget: tokens are estimated as characters / 4, and the default budget is
 * 1500 tokens (6000 characters) whatever the size of the home. Over budget it degrades step by
 * step: aliases go, then names, then the labels line, then the largest areas become counts per domain
 * ("12 lights"), then areas are dropped with a pointer to find_devices. Floors (2024.3+) appear in
 * the area titles ("Bedroom (First Floor)"); Home Assistant labels (2024.3+) get one line
 * ("Labels: Holiday: switch.decorative_lights, ..."), so "the holiday lights" can be resolved. State values are never part of it, so it
 * only changes when names, areas or exposure change.
 */

export const SUMMARY_TOKEN_BUDGET = 1500;

export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

export type SummaryOptions = {
  maxTokens?: number;
  /** What asks for a spoken yes (none when absent). */
  policy?: ConfirmationPolicy;
};

type AreaGroup = { title: string; entities: ExposedEntity[] };

const NO_AREA = 'No area';

function groupByArea(home: ExposedHome): AreaGroup[] {
  const groups = new Map<string, AreaGroup>();
  const areas = new Map(home.areas.map((a) => [a.id, a]));
  for (const entity of home.entities) {
    const area = entity.areaId ? areas.get(entity.areaId) : undefined;
    const key = area?.id ?? '';
    let group = groups.get(key);
    if (!group) {
      let title = area?.name ?? NO_AREA;
      const extras = [area?.floorName, ...(area?.aliases ?? [])].filter((x): x is string => !!x);
      if (extras.length > 0) title += ` (${extras.join(', ')})`;
      group = { title, entities: [] };
      groups.set(key, group);
    }
    group.entities.push(entity);
  }
  return [...groups.entries()].sort(([a], [b]) => (a === '' ? 1 : b === '' ? -1 : 0)).map(([, g]) => g);
}

function entityText(entity: ExposedEntity, names: boolean, aliases: boolean): string {
  let text = entity.id;
  const objectId = entity.id.slice(entity.domain.length + 1);
  if (names && normalize(entity.name) !== normalize(objectId)) text += ` "${entity.name.replace(/"/g, "'")}"`;
  if (aliases && entity.aliases.length > 0) text += ` (aka ${entity.aliases.join(', ')})`;
  return text;
}

const PLURALS: Record<string, string> = {
  switch: 'switches',
  media_player: 'media players',
  alarm_control_panel: 'alarm panels',
  binary_sensor: 'binary sensors',
  input_boolean: 'toggles',
  water_heater: 'water heaters',
};

function countText(entities: readonly ExposedEntity[]): string {
  const counts = new Map<string, number>();
  for (const e of entities) counts.set(e.domain, (counts.get(e.domain) ?? 0) + 1);
  return [...counts.entries()]
    .map(([domain, n]) => `${n} ${n === 1 ? domain.replace(/_/g, ' ') : (PLURALS[domain] ?? `${domain.replace(/_/g, ' ')}s`)}`)
    .join(', ');
}

export function buildHomeSummary(home: ExposedHome, options: SummaryOptions = {}): string {
  const maxChars = (options.maxTokens ?? SUMMARY_TOKEN_BUDGET) * 4;
  const header = [
    '# Home (Home Assistant)',
    home.entities.length === 0
      ? 'No devices are exposed to this assistant. If the user wants to control something, tell them to expose it in Home Assistant (Settings → Voice assistants → Expose).'
      : 'Devices you may read and control, by area, as entity ids (with the name where it differs). Pass these ids to the tools. Anything not listed here does not exist for you; find_devices searches by name, area, floor, label or type.',
  ];
  const sensitive = options.policy ? sensitiveNote(home, options.policy) : null;
  if (sensitive) header.push(sensitive);
  const groups = groupByArea(home);
  const fits = (lines: string[]) => lines.join('\n').length <= maxChars;
  const full = (g: AreaGroup, names: boolean, aliases: boolean) =>
    `${g.title}: ${g.entities.map((e) => entityText(e, names, aliases)).join(', ')}`;
  const counted = (g: AreaGroup) => `${g.title}: ${countText(g.entities)} (ask find_devices)`;

  const labels = labelLine(home);
  for (const [names, aliases, withLabels] of [
    [true, true, true],
    [true, false, true],
    [false, false, true],
    [false, false, false],
  ] as const) {
    const lines = [...header, ...groups.map((g) => full(g, names, aliases)), ...(withLabels && labels ? [labels] : [])];
    if (fits(lines)) return lines.join('\n');
  }
  // Largest areas become counts first, keeping as many ids as the budget allows.
  const fullLines = new Map(groups.map((g) => [g, full(g, false, false)]));
  const countLines = new Map(groups.map((g) => [g, counted(g)]));
  let length = header.join('\n').length + groups.reduce((sum, g) => sum + 1 + fullLines.get(g)!.length, 0);
  const asCounts = new Set<AreaGroup>();
  for (const group of [...groups].sort((a, b) => b.entities.length - a.entities.length)) {
    asCounts.add(group);
    length += countLines.get(group)!.length - fullLines.get(group)!.length;
    if (length <= maxChars) return [...header, ...groups.map((g) => (asCounts.has(g) ? countLines.get(g)! : fullLines.get(g)!))].join('\n');
  }
  // Even counts do not fit (hundreds of areas): as many count lines as fit.
  const lines = [...header];
  const reserve = '…and 99999 more areas (ask find_devices).'.length + 1;
  let used = header.join('\n').length;
  let omitted = 0;
  for (const group of groups) {
    const line = countLines.get(group)!;
    if (used + 1 + line.length + reserve <= maxChars) {
      lines.push(line);
      used += 1 + line.length;
    } else omitted++;
  }
  if (omitted > 0) lines.push(`…and ${omitted} more areas (ask find_devices).`);
  return lines.join('\n');
}

/** "Labels: Holiday: light.a, switch.b; Night: light.c" for the labels of exposed entities, or null. */
function labelLine(home: ExposedHome): string | null {
  const parts = home.labels.map((label) => {
    const ids = home.entities.filter((e) => e.labels.includes(label)).map((e) => e.id);
    return `${label.replace(/[:;]/g, ' ')}: ${ids.join(', ')}`;
  });
  return parts.length === 0 ? null : `Labels (Home Assistant): ${parts.join('; ')}`;
}

/** Which kinds of action ask, so the model expects confirmation_required and asks the question itself. */
function sensitiveNote(home: ExposedHome, policy: ConfirmationPolicy): string | null {
  const gated = home.entities.filter((e) => policy.gates(e));
  if (gated.length === 0) return null;
  const domains = new Set(gated.map((e) => e.domain));
  const kinds: string[] = [];
  if (domains.has('lock')) kinds.push('unlocking or opening a lock');
  if (domains.has('cover')) kinds.push('opening a door, garage door or gate');
  if (domains.has('alarm_control_panel')) kinds.push('disarming an alarm');
  const others = [...domains].filter((d) => !['lock', 'cover', 'alarm_control_panel'].includes(d));
  if (others.length > 0)
    kinds.push(`turning on, running or changing some ${others.map((d) => PLURALS[d] ?? `${d.replace(/_/g, ' ')}s`).join(', ')}`);
  return `Confirmation: ${kinds.join(', ')} needs the user's spoken yes (locking, closing, stopping, turning off and arming never do). Call the tool; when it answers confirmation_required, ask the user, and only after they say yes call it again with confirmed: true.`;
}
