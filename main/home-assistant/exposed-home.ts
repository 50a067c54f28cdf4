import type { HaEntity, HaEntityEntry, HaRegistries } from './home-assistant-gateway.js';
import {
  matchPlace,
  matchPrepared,
  normalize,
  prepareQuery,
  prepareTarget,
  withoutNames,
  type MatchResult,
  type PreparedTarget,
} from './entity-matcher.js';

/**
 * THE place where exposure is decided: what the model may read or control is
 *   Home Assistant's "expose to Assist" set  ∩  settings include  −  settings exclude,
 * limited to entities that currently have a state. Every tool gets its entities from an
 * `ExposedHome`, and the service-call path re-checks membership right before sending, so an entity
 * outside this set is indistinguishable from one that does not exist.
 */

export type ExposureSettings = { include: readonly string[]; exclude: readonly string[] };

/**
 * Home Assistant's default rule (homeassistant/exposed_entities.py) for entities without a stored
 * decision, as far as every supported version agrees: 2024.3 also exposes lock and script by
 * default, 2026.11 also media_player (and no longer lock and script). An entity of those domains
 * without a stored decision counts as not exposed until Home Assistant stores one (it does on its
 * first evaluation, e.g. when its own assistant starts), so Hearth never acts on something Home
 * Assistant would not.
 */
export const DEFAULT_EXPOSED_DOMAINS: ReadonlySet<string> = new Set([
  'climate',
  'cover',
  'fan',
  'humidifier',
  'light',
  'scene',
  'switch',
  'todo',
  'vacuum',
  'water_heater',
]);
const DEFAULT_EXPOSED_BINARY_SENSOR_CLASSES: ReadonlySet<string> = new Set([
  'door',
  'garage_door',
  'lock',
  'motion',
  'opening',
  'presence',
  'window',
]);
const DEFAULT_EXPOSED_SENSOR_CLASSES: ReadonlySet<string> = new Set([
  'aqi',
  'co',
  'co2',
  'humidity',
  'pm10',
  'pm25',
  'temperature',
  'volatile_organic_compounds',
]);

export function domainOf(entityId: string): string {
  const dot = entityId.indexOf('.');
  return dot < 0 ? '' : entityId.slice(0, dot);
}

const globCache = new Map<string, RegExp>();

/** `light.*`, `*.kitchen_*`, `sensor.outside_?emperature`, or an exact id. Case-insensitive, anchored. */
export function globToRegExp(pattern: string): RegExp {
  let regex = globCache.get(pattern);
  if (!regex) {
    const body = pattern
      .trim()
      .toLowerCase()
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.');
    regex = new RegExp(`^${body}$`);
    if (globCache.size > 500) globCache.clear();
    globCache.set(pattern, regex);
  }
  return regex;
}

export function matchesAny(entityId: string, patterns: readonly string[]): boolean {
  const id = entityId.toLowerCase();
  return patterns.some((p) => globToRegExp(p).test(id));
}

/** Home Assistant's own decision: the stored one, else the default rule (when new entities are exposed). */
export function exposedByHomeAssistant(
  entityId: string,
  entry: HaEntityEntry | undefined,
  state: HaEntity | undefined,
  registries: Pick<HaRegistries, 'exposedToAssist' | 'exposeNew'> & Partial<Pick<HaRegistries, 'exposureListOmitsUnexposed'>>,
): boolean {
  if (entry?.disabled_by) return false;
  const stored = registries.exposedToAssist.get(entityId);
  if (stored !== undefined) return stored;
  // Not in the registry and not in a list of exposed entities only: maybe unexposed by the user.
  if (!entry && registries.exposureListOmitsUnexposed) return false;
  if (!registries.exposeNew) return false;
  if (entry && (entry.entity_category || entry.hidden_by)) return false;
  const domain = domainOf(entityId);
  if (DEFAULT_EXPOSED_DOMAINS.has(domain)) return true;
  const deviceClass = state?.attributes.device_class;
  if (typeof deviceClass !== 'string') return false;
  if (domain === 'binary_sensor') return DEFAULT_EXPOSED_BINARY_SENSOR_CLASSES.has(deviceClass);
  if (domain === 'sensor') return DEFAULT_EXPOSED_SENSOR_CLASSES.has(deviceClass);
  return false;
}

/** The exposure policy: Home Assistant's exposure ∩ include − exclude. */
export function isExposed(
  entityId: string,
  entry: HaEntityEntry | undefined,
  state: HaEntity | undefined,
  registries: Pick<HaRegistries, 'exposedToAssist' | 'exposeNew'> & Partial<Pick<HaRegistries, 'exposureListOmitsUnexposed'>>,
  settings: ExposureSettings,
): boolean {
  if (!exposedByHomeAssistant(entityId, entry, state, registries)) return false;
  if (settings.include.length > 0 && !matchesAny(entityId, settings.include)) return false;
  return !matchesAny(entityId, settings.exclude);
}

export type ExposedEntity = {
  readonly id: string;
  readonly domain: string;
  readonly name: string;
  readonly aliases: readonly string[];
  readonly areaId: string | null;
  readonly areaName: string | null;
  readonly floorName: string | null;
  /** Names of its Home Assistant labels and its device's (2024.3+; empty before). */
  readonly labels: readonly string[];
  readonly deviceClass: string | null;
  /** Marked as a secure device in Home Assistant (HaEntityEntry.secure_device): always asks for a yes. */
  readonly secureInHomeAssistant: boolean;
  /** Its names, area and floor, prepared once for matching references against. */
  readonly match: PreparedTarget;
};

export type ExposedArea = {
  readonly id: string;
  readonly name: string;
  readonly aliases: readonly string[];
  readonly floorName: string | null;
  readonly floorAliases: readonly string[];
};

export type Resolution =
  | { kind: 'found'; entities: readonly ExposedEntity[] }
  | { kind: 'not_found' }
  | { kind: 'ambiguous'; candidates: readonly ExposedEntity[] }
  /** Exposed, but a tool for other domains was asked to act on it. */
  | { kind: 'wrong_domain'; entity: ExposedEntity }
  | { kind: 'too_many'; count: number };

export type FindQuery = { query?: string; area?: string; floor?: string; label?: string; domain?: string; deviceClass?: string };

/** Longest reference or query we try to match; anything longer names nothing. */
export const MAX_REFERENCE_LENGTH = 200;
const MAX_QUERY_TOKENS = 12;
export const MAX_GROUP_SIZE = 25;

export class ExposedHome {
  readonly entities: readonly ExposedEntity[];
  readonly areas: readonly ExposedArea[];
  readonly #byId: ReadonlyMap<string, ExposedEntity>;
  #domains: ReadonlySet<string> | undefined;
  #labels: readonly string[] | undefined;
  #floors: readonly string[] | undefined;

  private constructor(entities: ExposedEntity[], areas: ExposedArea[]) {
    this.entities = entities;
    this.areas = areas;
    this.#byId = new Map(entities.map((e) => [e.id, e]));
  }

  static empty(): ExposedHome {
    return new ExposedHome([], []);
  }

  static build(input: { states: ReadonlyMap<string, HaEntity>; registries: HaRegistries; settings: ExposureSettings }): ExposedHome {
    const { states, registries, settings } = input;
    const entries = new Map(registries.entities.map((e) => [e.entity_id, e]));
    const devices = new Map(registries.devices.map((d) => [d.id, d]));
    const floors = new Map(registries.floors.map((f) => [f.floor_id, f]));
    const labelNames = new Map(registries.labels.map((l) => [l.label_id, l.name]));
    const areas = new Map(
      registries.areas.map((a) => {
        const floor = a.floor_id ? floors.get(a.floor_id) : undefined;
        const area: ExposedArea = {
          id: a.area_id,
          name: a.name,
          aliases: a.aliases,
          floorName: floor?.name ?? null,
          floorAliases: floor?.aliases ?? [],
        };
        return [a.area_id, area] as const;
      }),
    );
    const entities: ExposedEntity[] = [];
    for (const [id, state] of states) {
      const entry = entries.get(id);
      if (!isExposed(id, entry, state, registries, settings)) continue;
      const areaId = entry?.area_id ?? (entry?.device_id ? (devices.get(entry.device_id)?.area_id ?? null) : null);
      const area = areaId ? areas.get(areaId) : undefined;
      const name = entityName(id, entry, state);
      const aliases = entry?.aliases ?? [];
      const deviceClass = typeof state.attributes.device_class === 'string' ? state.attributes.device_class : null;
      const device = entry?.device_id ? devices.get(entry.device_id) : undefined;
      const labels = [...new Set([...(entry?.labels ?? []), ...(device?.labels ?? [])])]
        .map((labelId) => labelNames.get(labelId))
        .filter((n): n is string => n !== undefined)
        .sort((a, b) => a.localeCompare(b));
      entities.push({
        id,
        domain: domainOf(id),
        name,
        aliases,
        areaId: area ? area.id : null,
        areaName: area?.name ?? null,
        floorName: area?.floorName ?? null,
        labels,
        deviceClass,
        secureInHomeAssistant: entry?.secure_device === true,
        match: prepareTarget({
          id,
          domain: domainOf(id),
          deviceClass,
          names: [name, ...aliases],
          areaNames: area ? [area.name, ...area.aliases] : [],
          floorNames: area?.floorName ? [area.floorName, ...area.floorAliases] : [],
          labelNames: labels,
        }),
      });
    }
    entities.sort(
      (a, b) => (a.areaName ?? '\uffff').localeCompare(b.areaName ?? '\uffff') || a.name.localeCompare(b.name) || a.id.localeCompare(b.id),
    );
    const used = new Set(entities.map((e) => e.areaId));
    return new ExposedHome(
      entities,
      [...areas.values()].filter((a) => used.has(a.id)),
    );
  }

  /** The exposed entity with exactly this id, or undefined (unknown and unexposed look the same). */
  get(entityId: string): ExposedEntity | undefined {
    return typeof entityId === 'string' ? this.#byId.get(entityId) : undefined;
  }

  has(entityId: string): boolean {
    return this.get(entityId) !== undefined;
  }

  /** The domains that have at least one exposed entity (computed once: the home never changes). */
  get domains(): ReadonlySet<string> {
    this.#domains ??= new Set(this.entities.map((e) => e.domain));
    return this.#domains;
  }

  /** Areas (or floors) a place name stands for: "kitchen", "upstairs". */
  findAreas(place: string): ExposedArea[] {
    if (typeof place !== 'string' || place.length > MAX_REFERENCE_LENGTH) return [];
    return this.areas.filter(
      (a) => matchPlace(place, [a.name, ...a.aliases]) || (a.floorName !== null && matchPlace(place, [a.floorName, ...a.floorAliases])),
    );
  }

  /** Areas on the floor a name stands for ("upstairs", "first floor"); floors only, never area names. */
  findFloorAreas(floor: string): ExposedArea[] {
    if (typeof floor !== 'string' || floor.length > MAX_REFERENCE_LENGTH) return [];
    return this.areas.filter((a) => a.floorName !== null && matchPlace(floor, [a.floorName, ...a.floorAliases]));
  }

  /** The label names of exposed entities (sorted). */
  get labels(): readonly string[] {
    this.#labels ??= [...new Set(this.entities.flatMap((e) => e.labels))].sort((a, b) => a.localeCompare(b));
    return this.#labels;
  }

  /** The exposed floors' names (sorted by name). */
  get floors(): readonly string[] {
    this.#floors ??= [...new Set(this.areas.flatMap((a) => (a.floorName === null ? [] : [a.floorName])))].sort((a, b) =>
      a.localeCompare(b),
    );
    return this.#floors;
  }

  /** Exposed entities matching a free-text query and filters, best first. */
  find(query: FindQuery): { entity: ExposedEntity; match: MatchResult | null }[] {
    let pool = this.entities;
    if (query.domain) pool = pool.filter((e) => e.domain === query.domain);
    if (query.deviceClass) {
      const dc = normalize(query.deviceClass).replace(/ /g, '_');
      pool = pool.filter((e) => e.deviceClass === dc);
    }
    if (query.area !== undefined) {
      const areaIds = new Set(this.findAreas(query.area).map((a) => a.id));
      pool = pool.filter((e) => e.areaId !== null && areaIds.has(e.areaId));
    }
    if (query.floor !== undefined) {
      const areaIds = new Set(this.findFloorAreas(query.floor).map((a) => a.id));
      pool = pool.filter((e) => e.areaId !== null && areaIds.has(e.areaId));
    }
    if (query.label !== undefined) {
      const label = query.label;
      pool = typeof label === 'string' && label.length <= MAX_REFERENCE_LENGTH ? pool.filter((e) => matchPlace(label, e.labels)) : [];
    }
    const text = query.query?.trim() ?? '';
    if (text === '') return pool.map((entity) => ({ entity, match: null }));
    if (text.length > MAX_REFERENCE_LENGTH) return [];
    const prepared = prepareQuery(text);
    if (prepared.tokens.length === 0 || prepared.tokens.length > MAX_QUERY_TOKENS) return [];
    return pool
      .map((entity) => ({ entity, match: matchPrepared(prepared, entity.match) }))
      .filter((r) => r.match.complete || r.match.exactName)
      .sort((a, b) => rank(b.match) - rank(a.match));
  }

  /**
   * What a reference in a tool call (an entity id, a name, an alias, "kitchen lights", "upstairs
   * lamps") stands for, among exposed entities of the allowed domains only.
   */
  resolve(reference: string, allowedDomains?: readonly string[]): Resolution {
    if (typeof reference !== 'string') return { kind: 'not_found' };
    const ref = reference.trim();
    if (ref === '' || ref.length > MAX_REFERENCE_LENGTH) return { kind: 'not_found' };
    const allowed = (e: ExposedEntity) => !allowedDomains || allowedDomains.includes(e.domain);
    const byId = this.get(ref) ?? this.get(ref.toLowerCase());
    if (byId) return allowed(byId) ? { kind: 'found', entities: [byId] } : { kind: 'wrong_domain', entity: byId };
    const prepared = prepareQuery(ref);
    if (prepared.tokens.length === 0 || prepared.tokens.length > MAX_QUERY_TOKENS) return { kind: 'not_found' };
    const scored = this.entities.map((entity) => ({ entity, match: matchPrepared(prepared, entity.match) }));

    // 1. A name or alias said exactly.
    const exact = scored.filter((s) => s.match.exactName);
    if (exact.length > 0) {
      const ok = exact.filter((s) => allowed(s.entity));
      if (ok.length === 0) return { kind: 'wrong_domain', entity: exact[0]!.entity };
      if (ok.length === 1 || prepared.group) return group(ok.map((s) => s.entity));
      return { kind: 'ambiguous', candidates: ok.map((s) => s.entity) };
    }

    // 2. Area/floor plus domain words ("living room lights", "upstairs", "all the blinds").
    const placeReading = this.entities.filter((entity) => {
      const m = matchPrepared(prepared, withoutNames(entity.match));
      return m.complete && (m.placeHits > 0 || prepared.group);
    });
    if (placeReading.length > 0) {
      const ok = placeReading.filter(allowed);
      if (ok.length > 0) return group(ok);
    }

    // 3. The entity's own name, fuzzily.
    const complete = scored.filter((s) => s.match.complete);
    if (complete.length === 0) return { kind: 'not_found' };
    const ok = complete.filter((s) => allowed(s.entity));
    if (ok.length === 0) return { kind: 'wrong_domain', entity: complete.sort((a, b) => rank(b.match) - rank(a.match))[0]!.entity };
    ok.sort((a, b) => rank(b.match) - rank(a.match));
    if (ok.length === 1) return { kind: 'found', entities: [ok[0]!.entity] };
    if (prepared.group) return group(ok.map((s) => s.entity));
    const best = ok[0]!;
    const second = ok[1]!;
    if (best.match.nameHits > second.match.nameHits || best.match.score - second.match.score >= 0.1) {
      return { kind: 'found', entities: [best.entity] };
    }
    return { kind: 'ambiguous', candidates: ok.slice(0, 5).map((s) => s.entity) };
  }
}

function group(entities: readonly ExposedEntity[]): Resolution {
  if (entities.length > MAX_GROUP_SIZE) return { kind: 'too_many', count: entities.length };
  return { kind: 'found', entities };
}

function rank(match: MatchResult): number {
  return (match.exactName ? 100 : 0) + match.nameHits * 2 + match.score;
}

function humanize(objectId: string): string {
  return objectId
    .split('_')
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join(' ');
}

function entityName(entityId: string, entry: HaEntityEntry | undefined, state: HaEntity | undefined): string {
  const friendly = state?.attributes.friendly_name;
  if (typeof friendly === 'string' && friendly.trim() !== '') return friendly.trim();
  if (entry?.name) return entry.name;
  if (entry?.original_name) return entry.original_name;
  return humanize(entityId.slice(entityId.indexOf('.') + 1));
}
