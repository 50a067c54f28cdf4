import type { HaEntity } from './home-assistant-gateway.js';
import { domainOf } from './exposed-home.js';
import { normalize } from './entity-matcher.js';
import { ALLOWED_SERVICES } from './home-control.js';

/**
 * Which entities ask for a spoken yes, and for which actions: the one rule behind the tools, the
 * entity cards ("Asks to confirm"), the home summary and the hand-over to Assist.
 *
 * An entity asks when Home Assistant marks it as a secure device, or when a rule matches it (a
 * domain, a domain and device class, `*:door`, `cover:none`, an entity id) and no exception
 * (`!…`) does, or when it is a switch, cover, script, scene or helper whose id, name or alias holds
 * a name word ("garage", "portão"), or a scene that sets such an entity. Only the risky direction
 * asks: locking, closing, stopping, turning off and arming never do.
 */

export type ConfirmationSubject = {
  readonly id: string;
  readonly domain: string;
  readonly deviceClass: string | null;
  readonly name: string;
  readonly aliases: readonly string[];
  /** Home Assistant's own "secure device" mark for this entity (see ha-messages.ts). */
  readonly secureInHomeAssistant?: boolean;
};

export type ConfirmationRules = { confirm: readonly string[]; confirmNameWords: readonly string[] };

export type ConfirmationReason = 'home_assistant' | 'rule' | 'name' | 'scene_member';

/** Domains whose entities can be a door relay or start one, so their names are read. */
const NAMED_DOMAINS: ReadonlySet<string> = new Set(['switch', 'cover', 'script', 'scene', 'input_boolean', 'siren']);

/** Actions that make the home safer or quieter: they never ask. */
const SAFE_ACTIONS: ReadonlySet<string> = new Set([
  'lock',
  'close',
  'stop',
  'turn_off',
  'arm_home',
  'arm_away',
  'arm_night',
  'arm_vacation',
]);

type Rule = { exception: boolean; entityId?: string; domain?: string; deviceClass?: string };

function parseRule(text: string): Rule | null {
  const exception = text.startsWith('!');
  const body = exception ? text.slice(1) : text;
  if (body.includes('.')) return { exception, entityId: body };
  const [domain, deviceClass] = body.split(':');
  if (!domain) return null;
  return { exception, ...(domain === '*' ? {} : { domain }), ...(deviceClass !== undefined ? { deviceClass } : {}) };
}

function ruleMatches(rule: Rule, subject: Pick<ConfirmationSubject, 'id' | 'domain' | 'deviceClass'>): boolean {
  if (rule.entityId !== undefined) return rule.entityId === subject.id;
  if (rule.domain !== undefined && rule.domain !== subject.domain) return false;
  if (rule.deviceClass === undefined) return rule.domain !== undefined;
  return rule.deviceClass === 'none' ? subject.deviceClass === null : rule.deviceClass === subject.deviceClass;
}

export class ConfirmationPolicy {
  readonly #rules: readonly Rule[];
  readonly #words: ReadonlySet<string>;
  readonly #states: ReadonlyMap<string, HaEntity>;
  /** By subject object: ExposedEntity objects are rebuilt whenever names or aliases change. */
  readonly #cache = new WeakMap<ConfirmationSubject, ConfirmationReason | null>();

  /** `states`: the live states, for the entities a scene sets (they may not be exposed themselves). */
  constructor(rules: ConfirmationRules, states: ReadonlyMap<string, HaEntity> = new Map()) {
    this.#rules = rules.confirm.map(parseRule).filter((r): r is Rule => r !== null);
    this.#words = new Set(rules.confirmNameWords.map(normalize).filter((w) => w !== ''));
    this.#states = states;
  }

  /** Why this entity may ask for a yes, or null when it never does. */
  reason(subject: ConfirmationSubject): ConfirmationReason | null {
    const cached = this.#cache.get(subject);
    if (cached !== undefined) return cached;
    const reason = this.#reason(subject, true);
    this.#cache.set(subject, reason);
    return reason;
  }

  /** Whether some action on this entity asks for a yes. */
  gates(subject: ConfirmationSubject): boolean {
    return this.reason(subject) !== null;
  }

  /**
   * Whether this action asks. `action` is the effective direction ("turn_on" for a toggle of
   * something that is off); a position move asks only when it opens further.
   */
  needsConfirmation(subject: ConfirmationSubject, action: string, position?: { current: number | null; target: number }): boolean {
    if (!this.gates(subject)) return false;
    if (SAFE_ACTIONS.has(action)) return false;
    if (action === 'set_position' && position) return position.target > (position.current ?? 0);
    return true;
  }

  #reason(subject: ConfirmationSubject, lookIntoScenes: boolean): ConfirmationReason | null {
    // Only what Hearth can act on asks: a door contact sensor (binary_sensor:door) is only read.
    if (!Object.hasOwn(ALLOWED_SERVICES, subject.domain)) return null;
    // Home Assistant's own mark wins over Hearth's exceptions: the user set it in Home Assistant.
    if (subject.secureInHomeAssistant) return 'home_assistant';
    if (this.#rules.some((r) => r.exception && ruleMatches(r, subject))) return null;
    if (this.#rules.some((r) => !r.exception && ruleMatches(r, subject))) return 'rule';
    if (NAMED_DOMAINS.has(subject.domain) && this.#named(subject)) return 'name';
    if (lookIntoScenes && subject.domain === 'scene' && this.#setsSensitive(subject.id)) return 'scene_member';
    return null;
  }

  #named(subject: ConfirmationSubject): boolean {
    const objectId = subject.id.slice(subject.id.indexOf('.') + 1);
    for (const text of [objectId, subject.name, ...subject.aliases]) {
      for (const word of normalize(text).split(' ')) if (this.#words.has(word)) return true;
    }
    return false;
  }

  /** A scene lists the entities it sets (`entity_id`); it asks when one of them would. */
  #setsSensitive(sceneId: string): boolean {
    const members = this.#states.get(sceneId)?.attributes.entity_id;
    if (!Array.isArray(members)) return false;
    return members.some((id) => {
      if (typeof id !== 'string') return false;
      const state = this.#states.get(id);
      const deviceClass = state?.attributes.device_class;
      const name = state?.attributes.friendly_name;
      return (
        this.#reason(
          {
            id,
            domain: domainOf(id),
            deviceClass: typeof deviceClass === 'string' ? deviceClass : null,
            name: typeof name === 'string' ? name : '',
            aliases: [],
          },
          false,
        ) !== null
      );
    });
  }
}
