import { editDistance } from '../util/edit-distance.js';

/**
 * Fuzzy matching of what the model (or the user) calls a device against the names, aliases, areas,
 * floors and domains of the exposed entities. Pure and deterministic.
 *
 * A query is split into tokens; each token is explained, in this order, by the entity's own name or
 * aliases (exact, plural, prefix or a small typo), by its area or floor (name or alias), or by its
 * domain / device class ("lights", "blinds", "thermostat"). An entity matches when every token is
 * explained. Filler words ("the", "please", "all") are ignored; "all"/"every" only marks a group.
 */

const STOPWORDS = new Set([
  'the',
  'a',
  'an',
  'my',
  'our',
  'your',
  'in',
  'on',
  'at',
  'of',
  'to',
  'for',
  'and',
  'with',
  'please',
  'room',
  'de',
  'la',
  'le',
  'les',
  'der',
  'die',
  'das',
]);

/** "all"/"every" mark a group; they never match a name. ("room" above only counts once names, areas and floors had their turn: "living room" is matched as a phrase first.) */
const GROUP_WORDS = new Set(['all', 'every', 'each', 'both', 'everything']);

/** Words that name a domain or device class. */
const DOMAIN_WORDS: Readonly<Record<string, readonly string[]>> = {
  light: ['light', 'lights', 'lamp', 'lamps', 'bulb', 'bulbs', 'lighting'],
  switch: ['switch', 'switches', 'plug', 'plugs', 'outlet', 'outlets', 'socket', 'sockets'],
  cover: ['cover', 'covers', 'blind', 'blinds', 'shade', 'shades', 'shutter', 'shutters', 'curtain', 'curtains', 'awning'],
  climate: ['climate', 'thermostat', 'thermostats', 'heating', 'heater', 'heat', 'hvac', 'ac', 'aircon', 'air', 'conditioning', 'cooling'],
  fan: ['fan', 'fans', 'ventilator', 'ventilation'],
  media_player: ['media', 'player', 'players', 'speaker', 'speakers', 'tv', 'television', 'music', 'radio', 'stereo'],
  lock: ['lock', 'locks', 'door', 'doors'],
  alarm_control_panel: ['alarm', 'alarms', 'security'],
  scene: ['scene', 'scenes', 'mood'],
  script: ['script', 'scripts', 'routine', 'routines'],
  sensor: ['sensor', 'sensors', 'temperature', 'humidity', 'reading'],
  binary_sensor: ['sensor', 'sensors', 'detector', 'contact'],
  humidifier: ['humidifier', 'dehumidifier'],
  vacuum: ['vacuum', 'robot', 'hoover'],
  water_heater: ['boiler', 'water', 'heater'],
  input_boolean: ['toggle', 'helper'],
};

const DEVICE_CLASS_WORDS: Readonly<Record<string, readonly string[]>> = {
  garage: ['garage', 'door'],
  gate: ['gate'],
  door: ['door'],
  window: ['window', 'windows'],
  blind: ['blind', 'blinds'],
  curtain: ['curtain', 'curtains'],
  shade: ['shade', 'shades'],
  shutter: ['shutter', 'shutters'],
  awning: ['awning'],
  temperature: ['temperature', 'thermometer'],
  humidity: ['humidity'],
  motion: ['motion', 'movement'],
  tv: ['tv', 'television'],
  speaker: ['speaker'],
  outlet: ['outlet', 'plug', 'socket'],
};

export function normalize(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Singular-ish stem so "lights" matches "light" and "blinds" matches "blind". */
export function stem(token: string): string {
  if (token.length > 4 && token.endsWith('ies')) return `${token.slice(0, -3)}y`;
  if (token.length > 3 && token.endsWith('es') && /(ches|shes|sses|xes)$/.test(token)) return token.slice(0, -2);
  if (token.length > 3 && token.endsWith('s') && !token.endsWith('ss')) return token.slice(0, -1);
  return token;
}

export function tokens(text: string): string[] {
  const normalized = normalize(text);
  return normalized === '' ? [] : normalized.split(' ');
}

/** How well a query token matches a name token: 1 exact (after stemming), 0.85 prefix/typo, 0 none. */
export function tokenSimilarity(query: string, word: string): number {
  const q = stem(query);
  const w = stem(word);
  if (q === w) return 1;
  if (q.length >= 4 && w.startsWith(q)) return 0.85;
  const allowed = q.length >= 8 ? 2 : q.length >= 5 ? 1 : 0;
  if (allowed > 0 && editDistance(q, w, allowed) <= allowed) return 0.85;
  return 0;
}

/** Everything an entity can be called by. */
export type MatchTarget = {
  id: string;
  domain: string;
  deviceClass: string | null;
  /** Name first, then aliases (and the device name). */
  names: readonly string[];
  /** Area name and aliases. */
  areaNames: readonly string[];
  /** Floor name and aliases. */
  floorNames: readonly string[];
  /** Home Assistant label names (2024.3+): matched like places, "the holiday lights". */
  labelNames?: readonly string[];
};

export type MatchResult = {
  /** 0..1: the share of query tokens explained, weighted by how they were explained. */
  score: number;
  /** Every token was explained. */
  complete: boolean;
  /** Tokens explained by the entity's own name or aliases. */
  nameHits: number;
  /** Tokens explained by the area or floor. */
  placeHits: number;
  /** The query equals a name or alias. */
  exactName: boolean;
  /** Only area, floor and domain words were used (a group such as "living room lights"). */
  onlyAreaAndDomain: boolean;
  /** The query said "all" / "every". */
  group: boolean;
};

export type PreparedQuery = {
  /** The whole query, normalized. */
  text: string;
  /** Without leading articles and group words ("the front door" → "front door"). */
  bare: string;
  tokens: string[];
  group: boolean;
};

const LEADING = new Set(['the', 'a', 'an', 'my', 'our', 'all', 'every', 'both']);

export function prepareQuery(query: string): PreparedQuery {
  const all = tokens(query);
  const group = all.some((t) => GROUP_WORDS.has(t));
  let start = 0;
  while (start < all.length - 1 && LEADING.has(all[start]!)) start++;
  return { text: all.join(' '), bare: all.slice(start).join(' '), tokens: all.filter((t) => !GROUP_WORDS.has(t)), group };
}

function phraseTokens(phrases: readonly string[]): string[][] {
  return phrases.map((p) => tokens(p)).filter((t) => t.length > 0);
}

/** Marks query tokens explained by a multi-word phrase appearing in order ("living room"). */
function explainPhrases(queryTokens: readonly string[], used: boolean[], phrases: readonly (readonly string[])[]): number {
  let hits = 0;
  for (const phrase of phrases) {
    if (phrase.length === 0) continue;
    for (let start = 0; start + phrase.length <= queryTokens.length; start++) {
      let ok = true;
      for (let k = 0; k < phrase.length; k++) {
        if (used[start + k] || tokenSimilarity(queryTokens[start + k]!, phrase[k]!) < 1) {
          ok = false;
          break;
        }
      }
      if (ok) {
        for (let k = 0; k < phrase.length; k++) used[start + k] = true;
        hits += phrase.length;
      }
    }
  }
  return hits;
}

/** A MatchTarget with everything that depends only on the entity normalized once (ExposedHome keeps one per entity). */
export type PreparedTarget = {
  /** Names and aliases, normalized. */
  names: readonly string[];
  /** The multi-word names and aliases, as tokens. */
  namePhrases: readonly (readonly string[])[];
  nameWords: ReadonlySet<string>;
  /** Area and floor names and aliases, as tokens. */
  places: readonly (readonly string[])[];
  placeWords: ReadonlySet<string>;
  /** Stems of the words that name the domain or device class. */
  domainStems: ReadonlySet<string>;
};

export function prepareTarget(target: MatchTarget): PreparedTarget {
  const names = phraseTokens(target.names);
  const places = phraseTokens([...target.areaNames, ...target.floorNames, ...(target.labelNames ?? [])]);
  const domainWords = [
    ...(DOMAIN_WORDS[target.domain] ?? [target.domain]),
    ...(target.deviceClass ? (DEVICE_CLASS_WORDS[target.deviceClass] ?? [target.deviceClass]) : []),
    target.domain.replace('_', ''),
  ];
  return {
    names: target.names.map((name) => normalize(name)),
    namePhrases: names.filter((n) => n.length > 1),
    nameWords: new Set(names.flat()),
    places,
    placeWords: new Set(places.flat()),
    domainStems: new Set(domainWords.map((word) => stem(word))),
  };
}

const NO_WORDS: ReadonlySet<string> = new Set();

/** The same target, matched as if it had no name or alias (the place-and-domain reading of a query). */
export function withoutNames(target: PreparedTarget): PreparedTarget {
  return { ...target, names: [], namePhrases: [], nameWords: NO_WORDS };
}

export function matchEntity(query: PreparedQuery, target: MatchTarget): MatchResult {
  return matchPrepared(query, prepareTarget(target));
}

export function matchPrepared(query: PreparedQuery, target: PreparedTarget): MatchResult {
  const exactName = query.text !== '' && target.names.some((name) => name === query.text || name === query.bare);
  const meaningful = query.tokens;
  const used = meaningful.map(() => false);
  let weighted = 0;
  let nameHits = 0;
  // 1. The entity's own names, as whole phrases first, then word by word.
  const namePhraseHits = explainPhrases(meaningful, used, target.namePhrases);
  weighted += namePhraseHits;
  nameHits += namePhraseHits;
  for (let i = 0; i < meaningful.length; i++) {
    if (used[i]) continue;
    let best = 0;
    for (const word of target.nameWords) best = Math.max(best, tokenSimilarity(meaningful[i]!, word));
    if (best > 0) {
      used[i] = true;
      weighted += best;
      nameHits++;
    }
  }
  // 2. Area and floor.
  let placeHits = explainPhrases(meaningful, used, target.places);
  weighted += placeHits * 0.9;
  for (let i = 0; i < meaningful.length; i++) {
    if (used[i]) continue;
    for (const word of target.placeWords) {
      const similarity = tokenSimilarity(meaningful[i]!, word);
      if (similarity > 0) {
        used[i] = true;
        weighted += similarity * 0.9;
        placeHits++;
        break;
      }
    }
  }
  // 3. Domain and device-class words, then filler words.
  let fillers = 0;
  for (let i = 0; i < meaningful.length; i++) {
    if (used[i]) continue;
    const token = meaningful[i]!;
    if (target.domainStems.has(stem(token))) {
      used[i] = true;
      weighted += 0.6;
    } else if (STOPWORDS.has(token)) {
      used[i] = true;
      fillers++;
    }
  }
  const counted = meaningful.length - fillers;
  const complete = counted > 0 && used.every(Boolean);
  return {
    score: counted > 0 ? Math.min(1, weighted / counted) : 0,
    complete,
    nameHits,
    placeHits,
    exactName,
    onlyAreaAndDomain: complete && nameHits === 0,
    group: query.group,
  };
}

/** Whether the query names this area (or floor) outright: "kitchen", "upstairs". */
export function matchPlace(query: string, names: readonly string[]): boolean {
  const q = normalize(query);
  if (q === '') return false;
  return names.some((n) => {
    const name = normalize(n);
    return name === q || stem(name) === stem(q) || (q.length >= 5 && editDistance(q, name, 1) <= 1);
  });
}
