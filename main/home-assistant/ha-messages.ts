import type {
  HaArea,
  HaContext,
  HaConversationResult,
  HaDevice,
  HaEntity,
  HaEntityEntry,
  HaFeatures,
  HaFloor,
  HaLabel,
} from './home-assistant-gateway.js';

/**
 * Lenient readers for Home Assistant's replies. A reply of the wrong shape (an older or newer
 * version, a proxy in between, a buggy integration) must never throw deep inside the client: a
 * malformed entry is skipped, a malformed list reads as empty.
 */

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
/** A number attribute, or undefined when it is missing, not a number, NaN or infinite. */
export const finiteNumber = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
/** The strings of a list attribute (anything else dropped; not a list reads as empty). */
export const stringList = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObject) : []);

export const ENTITY_ID = /^[a-z0-9_]+\.[a-z0-9_]+$/;

export function parseAreas(value: unknown): HaArea[] {
  return list(value).flatMap((a) => {
    const id = str(a.area_id);
    const name = str(a.name);
    return id && name ? [{ area_id: id, name, aliases: stringList(a.aliases), floor_id: str(a.floor_id) }] : [];
  });
}

export function parseFloors(value: unknown): HaFloor[] {
  return list(value).flatMap((f) => {
    const id = str(f.floor_id);
    const name = str(f.name);
    return id && name ? [{ floor_id: id, name, aliases: stringList(f.aliases), level: typeof f.level === 'number' ? f.level : null }] : [];
  });
}

export function parseLabels(value: unknown): HaLabel[] {
  return list(value).flatMap((l) => {
    const id = str(l.label_id);
    const name = str(l.name);
    return id && name ? [{ label_id: id, name, description: str(l.description) }] : [];
  });
}

export function parseDevices(value: unknown): HaDevice[] {
  return list(value).flatMap((d) => {
    const id = str(d.id);
    return id ? [{ id, name: str(d.name), name_by_user: str(d.name_by_user), area_id: str(d.area_id), labels: stringList(d.labels) }] : [];
  });
}

export function parseEntityEntries(value: unknown, aliases?: ReadonlyMap<string, readonly string[]>): HaEntityEntry[] {
  return list(value).flatMap((e) => {
    const id = str(e.entity_id);
    if (!id || !ENTITY_ID.test(id)) return [];
    const options = isObject(e.options) ? e.options : {};
    const conversation = isObject(options.conversation) ? options.conversation : {};
    const google = isObject(options['cloud.google_assistant']) ? options['cloud.google_assistant'] : {};
    return [
      {
        entity_id: id,
        name: str(e.name),
        original_name: str(e.original_name),
        aliases: aliases?.get(id) ?? stringList(e.aliases),
        labels: stringList(e.labels),
        area_id: str(e.area_id),
        device_id: str(e.device_id),
        hidden_by: str(e.hidden_by),
        disabled_by: str(e.disabled_by),
        entity_category: str(e.entity_category),
        should_expose: typeof conversation.should_expose === 'boolean' ? conversation.should_expose : null,
        secure_device: typeof google.disable_2fa === 'boolean' ? !google.disable_2fa : null,
      },
    ];
  });
}

/** `config/entity_registry/get_entries` → entity id → aliases. */
export function parseAliases(value: unknown): Map<string, string[]> {
  const result = new Map<string, string[]>();
  if (!isObject(value)) return result;
  for (const [id, entry] of Object.entries(value)) {
    if (isObject(entry)) {
      const aliases = stringList(entry.aliases);
      if (aliases.length > 0) result.set(id, aliases);
    }
  }
  return result;
}

/** `homeassistant/expose_entity/list` → entity id → exposed to Assist (only stored decisions). */
export function parseExposure(value: unknown): Map<string, boolean> {
  const result = new Map<string, boolean>();
  const exposed = isObject(value) ? value.exposed_entities : undefined;
  if (!isObject(exposed)) return result;
  for (const [id, settings] of Object.entries(exposed)) {
    if (isObject(settings) && typeof settings.conversation === 'boolean') result.set(id, settings.conversation);
  }
  return result;
}

function parseContext(value: unknown): HaContext {
  if (typeof value === 'string') return { id: value, parent_id: null, user_id: null };
  if (isObject(value)) return { id: str(value.id) ?? '', parent_id: str(value.parent_id), user_id: str(value.user_id) };
  return { id: '', parent_id: null, user_id: null };
}

/** One state object (get_states, or the library's decompressed subscribe_entities store). */
export function parseState(value: unknown): HaEntity | null {
  if (!isObject(value)) return null;
  const id = str(value.entity_id);
  if (!id || !ENTITY_ID.test(id) || typeof value.state !== 'string') return null;
  return {
    entity_id: id,
    state: value.state,
    attributes: isObject(value.attributes) ? value.attributes : {},
    last_changed: str(value.last_changed) ?? '',
    last_updated: str(value.last_updated) ?? '',
    context: parseContext(value.context),
  };
}

export function parseStates(value: unknown): HaEntity[] {
  return (Array.isArray(value) ? value : []).map(parseState).filter((s): s is HaEntity => s !== null);
}

export function parseServiceResult(value: unknown): { contextId: string | null } {
  const context = isObject(value) ? value.context : undefined;
  return { contextId: isObject(context) ? str(context.id) : null };
}

export function parseConversationResult(value: unknown): HaConversationResult {
  const root = isObject(value) ? value : {};
  const response = isObject(root.response) ? root.response : {};
  const speech = isObject(response.speech) ? response.speech : {};
  const plain = isObject(speech.plain) ? speech.plain : {};
  const data = isObject(response.data) ? response.data : {};
  const ids = (v: unknown) => list(v).flatMap((t) => (t.type === 'entity' && typeof t.id === 'string' ? [t.id] : []));
  return {
    speech: str(plain.speech) ?? '',
    responseType: str(response.response_type) ?? 'error',
    errorCode: str(data.code),
    successIds: ids(data.success),
    failedIds: ids(data.failed),
    conversationId: str(root.conversation_id),
  };
}

/** `2024.3.3` → [2024, 3, 3]; anything unparsable → [0, 0, 0]. */
function parseVersion(version: string): [number, number, number] {
  const [a, b, c] = version.split('.').map((p) => Number.parseInt(p, 10));
  return [Number.isFinite(a) ? a! : 0, Number.isFinite(b) ? b! : 0, Number.isFinite(c) ? c! : 0];
}

function atLeastVersion(version: string, major: number, minor: number): boolean {
  const [a, b] = parseVersion(version);
  return a > major || (a === major && b >= minor);
}

/** What this Home Assistant version should support; commands still fall back on `unknown_command`. */
export function featuresForVersion(version: string): HaFeatures {
  return {
    exposeEntityList: atLeastVersion(version, 2023, 5),
    floors: atLeastVersion(version, 2024, 3),
    labels: atLeastVersion(version, 2024, 3),
    entityAliases: atLeastVersion(version, 2023, 3),
    conversation: atLeastVersion(version, 2023, 1),
  };
}
