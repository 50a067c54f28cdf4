import type { HaEntityEntry, HaRegistries } from '../../../main/home-assistant/home-assistant-gateway.js';
import { EMPTY_REGISTRIES } from '../../../main/home-assistant/home-assistant-gateway.js';
import type { StateInput } from '../../fakes/fake-home-assistant-gateway.js';

/** A small home for unit tests: two floors, aliases, and several entities that are NOT exposed. */
export const STATES: StateInput[] = [
  {
    entity_id: 'light.kitchen_lights',
    state: 'on',
    attributes: {
      friendly_name: 'Kitchen Lights',
      supported_color_modes: ['color_temp', 'hs'],
      color_mode: 'hs',
      brightness: 180,
      min_color_temp_kelvin: 2000,
      max_color_temp_kelvin: 6535,
    },
  },
  {
    entity_id: 'light.ceiling_lights',
    state: 'on',
    attributes: { friendly_name: 'Ceiling Lights', supported_color_modes: ['color_temp'], brightness: 100 },
  },
  { entity_id: 'light.reading_lamp', state: 'off', attributes: { friendly_name: 'Reading Lamp', supported_color_modes: ['onoff'] } },
  { entity_id: 'light.bed_light', state: 'off', attributes: { friendly_name: 'Bed Light', supported_color_modes: ['brightness'] } },
  { entity_id: 'switch.decorative_lights', state: 'on', attributes: { friendly_name: 'Decorative Lights' } },
  {
    entity_id: 'climate.hvac',
    state: 'cool',
    attributes: {
      friendly_name: 'Hvac',
      min_temp: 7,
      max_temp: 35,
      temperature: 21,
      hvac_modes: ['off', 'heat', 'cool'],
      supported_features: 1 | 128 | 256,
    },
  },
  {
    entity_id: 'climate.ecobee',
    state: 'heat_cool',
    attributes: {
      friendly_name: 'Ecobee',
      min_temp: 7,
      max_temp: 35,
      target_temp_low: 21,
      target_temp_high: 24,
      hvac_modes: ['off', 'heat_cool'],
      supported_features: 2,
    },
  },
  {
    entity_id: 'cover.kitchen_window',
    state: 'closed',
    attributes: { friendly_name: 'Kitchen Window', device_class: 'window', supported_features: 11 },
  },
  {
    entity_id: 'cover.garage_door',
    state: 'closed',
    attributes: { friendly_name: 'Garage Door', device_class: 'garage', supported_features: 3 },
  },
  {
    entity_id: 'cover.driveway_gate',
    state: 'closed',
    attributes: { friendly_name: 'Driveway Gate', device_class: 'gate', supported_features: 15, current_position: 0 },
  },
  {
    entity_id: 'media_player.living_room',
    state: 'playing',
    attributes: { friendly_name: 'Living Room Speaker', volume_level: 0.5, supported_features: 1 | 4 | 8 | 16384 },
  },
  {
    entity_id: 'fan.ceiling_fan',
    state: 'off',
    attributes: { friendly_name: 'Ceiling Fan', supported_features: 1 | 8, preset_modes: ['auto', 'sleep'], percentage_step: 1 },
  },
  { entity_id: 'lock.front_door', state: 'locked', attributes: { friendly_name: 'Front Door', supported_features: 0 } },
  {
    entity_id: 'alarm_control_panel.security',
    state: 'armed_away',
    attributes: { friendly_name: 'Security', code_format: 'number', code_arm_required: true, supported_features: 63 },
  },
  { entity_id: 'scene.movie_time', state: '2026-01-01T00:00:00+00:00', attributes: { friendly_name: 'Movie Time' } },
  {
    entity_id: 'sensor.outside_temperature',
    state: '15.6',
    attributes: { friendly_name: 'Outside Temperature', device_class: 'temperature', unit_of_measurement: '°C' },
  },
  // Not exposed, each for a different reason:
  { entity_id: 'switch.ac', state: 'off', attributes: { friendly_name: 'AC', device_class: 'outlet' } }, // HA says no
  { entity_id: 'lock.back_door', state: 'locked', attributes: { friendly_name: 'Back Door' } }, // excluded by settings in some tests
  { entity_id: 'light.hidden_light', state: 'on', attributes: { friendly_name: 'Hidden Light' } }, // hidden, no stored decision
  { entity_id: 'sensor.diagnostic', state: '1', attributes: { friendly_name: 'Diagnostic' } }, // entity_category
  { entity_id: 'media_player.walkman', state: 'playing', attributes: { friendly_name: 'Walkman', supported_features: 16384 } }, // no stored decision, media_player not a default domain
  { entity_id: 'switch.vault', state: 'off', attributes: { friendly_name: 'Vault' } }, // HA says no
];

/** The tools this home is offered, in order (no exposed script; its locks keep the hand-over to Assist away). */
export const TOOLS_OFFERED = [
  'find_devices',
  'get_states',
  'turn_on_off',
  'set_light',
  'set_climate',
  'set_cover',
  'control_media',
  'set_fan',
  'set_lock',
  'set_alarm',
  'activate_scene',
];

/** Ids Home Assistant itself does not expose in this home. */
export const HA_UNEXPOSED = ['switch.ac', 'light.hidden_light', 'sensor.diagnostic', 'media_player.walkman', 'switch.vault'];

/** An entity registry entry with nothing set but what `patch` sets. */
export const entry = (entity_id: string, patch: Partial<HaEntityEntry> = {}): HaEntityEntry => ({
  entity_id,
  name: null,
  original_name: null,
  aliases: [],
  area_id: null,
  device_id: null,
  hidden_by: null,
  disabled_by: null,
  entity_category: null,
  should_expose: null,
  secure_device: null,
  ...patch,
});

export const REGISTRIES: HaRegistries = {
  ...EMPTY_REGISTRIES,
  floors: [
    { floor_id: 'ground', name: 'Ground Floor', aliases: ['downstairs'], level: 0 },
    { floor_id: 'first', name: 'First Floor', aliases: ['upstairs'], level: 1 },
  ],
  areas: [
    { area_id: 'kitchen', name: 'Kitchen', aliases: ['cookhouse'], floor_id: 'ground' },
    { area_id: 'living_room', name: 'Living Room', aliases: ['lounge'], floor_id: 'ground' },
    { area_id: 'bedroom', name: 'Bedroom', aliases: [], floor_id: 'first' },
    { area_id: 'garage', name: 'Garage', aliases: [], floor_id: null },
    { area_id: 'office', name: 'Office', aliases: [], floor_id: 'first' },
  ],
  devices: [{ id: 'dev_kitchen', name: 'Kitchen Hub', name_by_user: null, area_id: 'kitchen' }],
  entities: [
    entry('light.kitchen_lights', { device_id: 'dev_kitchen', aliases: ['fridge light'] }),
    entry('cover.kitchen_window', { device_id: 'dev_kitchen' }),
    entry('light.ceiling_lights', { area_id: 'living_room' }),
    entry('light.reading_lamp', { area_id: 'living_room' }),
    entry('switch.decorative_lights', { area_id: 'living_room' }),
    entry('climate.hvac', { area_id: 'living_room' }),
    entry('media_player.living_room', { area_id: 'living_room' }),
    entry('light.bed_light', { area_id: 'bedroom' }),
    entry('fan.ceiling_fan', { area_id: 'bedroom' }),
    entry('cover.garage_door', { area_id: 'garage' }),
    entry('cover.driveway_gate', { area_id: 'garage' }),
    entry('climate.ecobee', { area_id: 'office' }),
    entry('switch.ac', { area_id: 'office' }),
    entry('switch.vault', { area_id: 'office' }),
    entry('light.hidden_light', { area_id: 'office', hidden_by: 'user' }),
    entry('sensor.diagnostic', { entity_category: 'diagnostic' }),
  ],
  exposedToAssist: new Map([
    ['light.kitchen_lights', true],
    ['light.ceiling_lights', true],
    ['light.reading_lamp', true],
    ['light.bed_light', true],
    ['switch.decorative_lights', true],
    ['climate.hvac', true],
    ['climate.ecobee', true],
    ['cover.kitchen_window', true],
    ['cover.garage_door', true],
    ['cover.driveway_gate', true],
    ['media_player.living_room', true],
    ['fan.ceiling_fan', true],
    ['lock.front_door', true],
    ['lock.back_door', true],
    ['alarm_control_panel.security', true],
    ['scene.movie_time', true],
    ['sensor.outside_temperature', true],
    ['switch.ac', false],
    ['switch.vault', false],
  ]),
  exposeNew: true,
  exposureSource: 'expose_entity_list',
};
