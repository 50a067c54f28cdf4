import type { HaFeatures, HaRegistries } from './home-assistant-gateway.js';
import { isHaCode } from './ha-errors.js';
import { parseAliases, parseAreas, parseDevices, parseEntityEntries, parseExposure, parseFloors, parseLabels } from './ha-messages.js';

/** Sends one Home Assistant command by type (with extra fields) and resolves with its result. */
export type HaCommand = <T>(type: string, extra?: Record<string, unknown>) => Promise<T>;

/**
 * Reads the registries the assistant needs (areas, floors, labels, devices, entities with aliases)
 * and the Assist exposure, asking only for what this Home Assistant version supports.
 */
export async function loadRegistries(command: HaCommand, features: HaFeatures): Promise<HaRegistries> {
  const optional = async <T>(type: string, extra?: Record<string, unknown>): Promise<T | null> => {
    try {
      return await command<T>(type, extra);
    } catch (error) {
      if (isHaCode(error, 'unknown_command') || isHaCode(error, 'unauthorized')) return null;
      throw error;
    }
  };
  // Floors and labels (2024.3+): asked for by version, and still optional (`unknown_command` = none).
  const [areas, floors, labels, devices, entries, exposure, exposeNew] = await Promise.all([
    command<unknown>('config/area_registry/list'),
    features.floors ? optional<unknown>('config/floor_registry/list') : Promise.resolve(null),
    features.labels ? optional<unknown>('config/label_registry/list') : Promise.resolve(null),
    command<unknown>('config/device_registry/list'),
    command<unknown>('config/entity_registry/list'),
    features.exposeEntityList ? optional<unknown>('homeassistant/expose_entity/list') : Promise.resolve(null),
    features.exposeEntityList
      ? optional<{ expose_new?: unknown }>('homeassistant/expose_new_entities/get', { assistant: 'conversation' })
      : Promise.resolve(null),
  ]);
  let entities = parseEntityEntries(entries);
  const listed = exposure === null ? null : parseExposure(exposure);
  const exposedToAssist = new Map(listed ?? []);
  const exposureSource =
    listed !== null ? 'expose_entity_list' : entities.some((e) => e.should_expose !== null) ? 'entity_registry_options' : 'default_rule';
  // The entity registry's stored decision (options.conversation.should_expose) is Home Assistant's
  // own and wins. It matters on 2026.x, whose list leaves out the entities set to "not exposed":
  // without this, an unexposed switch would fall through to the default rule and count as exposed.
  for (const entry of entities) if (entry.should_expose !== null) exposedToAssist.set(entry.entity_id, entry.should_expose);
  // Feature detection from the data: a list without a single false is a list of exposed entities only.
  const exposureListOmitsUnexposed = listed !== null && ![...listed.values()].includes(false);
  // Aliases are only in the extended entries; fetch them for the entities that may be exposed.
  if (features.entityAliases) {
    const ids = entities.filter((e) => exposedToAssist.get(e.entity_id) !== false).map((e) => e.entity_id);
    if (ids.length > 0) {
      const extended = await optional<unknown>('config/entity_registry/get_entries', { entity_ids: ids });
      if (extended !== null) entities = parseEntityEntries(entries, parseAliases(extended));
    }
  }
  return {
    areas: parseAreas(areas),
    floors: floors === null ? [] : parseFloors(floors),
    labels: labels === null ? [] : parseLabels(labels),
    devices: parseDevices(devices),
    entities,
    exposedToAssist,
    exposeNew: exposeNew?.expose_new !== false,
    exposureListOmitsUnexposed,
    exposureSource,
  };
}
