import type { HassEntities } from 'home-assistant-js-websocket';
import { parseState } from './ha-messages.js';
import type { HaEntity } from './home-assistant-gateway.js';
import { createLogger } from '../util/logger.js';

const log = createLogger('home-assistant');

/**
 * The gateway's view of home-assistant-js-websocket's entity store: parsed states, rebuilt lazily,
 * with each raw state object parsed once (the library replaces only the objects of changed
 * entities), and entities deleted while offline hidden (the library merges states on reconnect and
 * never removes one); and the filter that keeps the library from hearing of entities it does not hold.
 */
export class HaEntityStore {
  #entities: HassEntities = {};
  #count = 0;
  #map: ReadonlyMap<string, HaEntity> | null = new Map();
  /** Parsed states by raw state object. */
  readonly #parsed = new WeakMap<object, HaEntity | null>();
  /** Entities missing after a reconnect; dropped while the library's store still holds the same object. */
  readonly #stale = new Map<string, unknown>();

  /** Takes the library's latest store; true when an entity appeared or went away. */
  replace(entities: HassEntities): boolean {
    const previousCount = this.#count;
    this.#entities = entities;
    this.#count = Object.keys(entities).length;
    this.#map = null;
    return this.#count !== previousCount;
  }

  /** Whether the library's store holds the entity (stale or not). */
  holds(entityId: string): boolean {
    return entityId in this.#entities;
  }

  get(): ReadonlyMap<string, HaEntity> {
    if (this.#map) return this.#map;
    const map = new Map<string, HaEntity>();
    for (const [id, raw] of Object.entries(this.#entities)) {
      if (this.#stale.has(id)) {
        if (this.#stale.get(id) === raw) continue;
        this.#stale.delete(id);
      }
      const entity = this.#parse(raw);
      if (entity) map.set(id, entity);
    }
    this.#map = map;
    return map;
  }

  /** Hides the entities Home Assistant no longer has; true when any went. */
  prune(present: ReadonlySet<string>): boolean {
    let pruned = 0;
    for (const [id, raw] of Object.entries(this.#entities)) {
      if (!present.has(id)) {
        this.#stale.set(id, raw);
        pruned++;
      }
    }
    if (pruned > 0) this.#map = null;
    return pruned > 0;
  }

  #parse(raw: unknown): HaEntity | null {
    if (typeof raw !== 'object' || raw === null) return parseState(raw);
    let entity = this.#parsed.get(raw);
    if (entity === undefined) {
      entity = parseState(raw);
      this.#parsed.set(raw, entity);
    }
    return entity;
  }
}

/**
 * Drops what the library would console.warn about: stray events and pongs (for no command in
 * `commands`), and state diffs for entities the store does not hold.
 */
export function filterMessage(
  message: Record<string, unknown>,
  commands: ReadonlyMap<number, unknown>,
  store: HaEntityStore,
): Record<string, unknown> | null {
  const { id, type } = message;
  if ((type === 'event' || type === 'pong') && (typeof id !== 'number' || !commands.has(id))) {
    log.debug({ type, id }, 'dropped a message for an unknown subscription or command');
    return null;
  }
  const event = message.event as { a?: unknown; c?: unknown } | undefined;
  if (type === 'event' && event && typeof event.c === 'object' && event.c !== null) {
    const added = typeof event.a === 'object' && event.a !== null ? (event.a as Record<string, unknown>) : {};
    const changes = { ...(event.c as Record<string, unknown>) };
    let dropped = false;
    for (const entityId of Object.keys(changes)) {
      if (!store.holds(entityId) && !(entityId in added)) {
        delete changes[entityId];
        dropped = true;
      }
    }
    if (dropped) return { ...message, event: { ...event, c: changes } };
  }
  return message;
}
