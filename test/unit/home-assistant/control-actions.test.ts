import { describe, expect, it } from 'vitest';
import { planAlarm, planCover, planLock, planMedia, planOnOff } from '../../../main/home-assistant/control-actions.js';
import { planClimate, planFan, planLight } from '../../../main/home-assistant/adjust-actions.js';
import type { Planned } from '../../../main/home-assistant/control-plan.js';
import { parseColor } from '../../../main/home-assistant/light-colors.js';
import { ExposedHome } from '../../../main/home-assistant/exposed-home.js';
import { ConfirmationPolicy } from '../../../main/home-assistant/confirmation-policy.js';
import { DEFAULT_CONFIRM_NAME_WORDS, DEFAULT_CONFIRM_RULES } from '../../../preload/contract/settings-schema.js';
import { haState } from '../../fakes/fake-home-assistant-gateway.js';
import { REGISTRIES, STATES } from './test-home.js';

const states = new Map(STATES.map((s) => [s.entity_id, haState(s)]));
const home = ExposedHome.build({ states, registries: REGISTRIES, settings: { include: [], exclude: [] } });
const policy = new ConfirmationPolicy({ confirm: DEFAULT_CONFIRM_RULES, confirmNameWords: DEFAULT_CONFIRM_NAME_WORDS }, states);
const ctx = (id: string, attributes?: Record<string, unknown>) => {
  const state = states.get(id)!;
  return {
    entity: home.get(id)!,
    state: attributes ? { ...state, attributes: { ...state.attributes, ...attributes } } : state,
    policy,
  };
};
const call = (p: Planned) => {
  if (!p.ok) throw new Error(`refused: ${p.message}`);
  return { domain: p.plan.domain, service: p.plan.service, data: p.plan.data, sensitive: p.plan.sensitive };
};
const refusal = (p: Planned) => (p.ok ? `planned ${p.plan.domain}.${p.plan.service}` : p.message);

describe('lights', () => {
  it('builds turn_on with brightness, colour and colour temperature', () => {
    expect(call(planLight(ctx('light.kitchen_lights'), { brightness_pct: 50 }))).toEqual({
      domain: 'light',
      service: 'turn_on',
      data: { brightness_pct: 50 },
      sensitive: false,
    });
    expect(call(planLight(ctx('light.kitchen_lights'), { color: 'warm white' })).data).toEqual({ rgb_color: [255, 214, 170] });
    expect(call(planLight(ctx('light.kitchen_lights'), { color_temp_kelvin: 3000, brightness_pct: 20 })).data).toEqual({
      brightness_pct: 20,
      color_temp_kelvin: 3000,
    });
    expect(call(planLight(ctx('light.kitchen_lights'), { brightness_pct: 0 })).service).toBe('turn_off');
  });

  it('refuses what the light cannot do, with a sentence', () => {
    expect(refusal(planLight(ctx('light.kitchen_lights'), { brightness_pct: 150 }))).toBe('Brightness must be between 0 and 100 %.');
    expect(refusal(planLight(ctx('light.reading_lamp'), { brightness_pct: 40 }))).toBe(
      'Reading Lamp cannot be dimmed; it can only be turned on or off.',
    );
    expect(refusal(planLight(ctx('light.ceiling_lights'), { color: 'red' }))).toBe('Ceiling Lights cannot change colour.');
    expect(refusal(planLight(ctx('light.bed_light'), { color_temp_kelvin: 3000 }))).toBe('Bed Light has no adjustable white temperature.');
    expect(refusal(planLight(ctx('light.kitchen_lights'), { color_temp_kelvin: 9000 }))).toBe(
      'Kitchen Lights supports colour temperatures from 2000 to 6535 K.',
    );
    expect(refusal(planLight(ctx('light.kitchen_lights'), { color: 'blurple' }))).toMatch(/do not know the colour "blurple"/);
    expect(refusal(planLight(ctx('light.kitchen_lights'), {}))).toMatch(/Say what to change/);
    expect(refusal(planLight(ctx('light.kitchen_lights'), { color: 'red', color_temp_kelvin: 3000 }))).toMatch(/either/);
  });

  it('recognises the new state: brightness within rounding, on', () => {
    const planned = planLight(ctx('light.kitchen_lights'), { brightness_pct: 50 });
    if (!planned.ok) throw new Error('refused');
    expect(planned.plan.done(haState({ entity_id: 'light.kitchen_lights', state: 'on', attributes: { brightness: 128 } }))).toBe(true);
    expect(planned.plan.done(haState({ entity_id: 'light.kitchen_lights', state: 'on', attributes: { brightness: 180 } }))).toBe(false);
    expect(planned.plan.done(haState({ entity_id: 'light.kitchen_lights', state: 'off', attributes: { brightness: 128 } }))).toBe(false);
  });

  it('parses colour names and hex', () => {
    expect(parseColor('#00ff80')).toEqual([0, 255, 128]);
    expect(parseColor('Sky-Blue')).toEqual([135, 206, 235]);
    expect(parseColor('url(javascript:alert(1))')).toBeNull();
  });
});

describe('on/off', () => {
  it('uses the domain of the entity and refuses unsupported media and climate actions', () => {
    expect(call(planOnOff(ctx('switch.decorative_lights'), 'toggle'))).toMatchObject({ domain: 'switch', service: 'toggle' });
    expect(call(planOnOff(ctx('climate.hvac'), 'turn_off'))).toMatchObject({ domain: 'climate', service: 'turn_off' });
    expect(call(planOnOff(ctx('climate.ecobee'), 'turn_off'))).toMatchObject({ service: 'set_hvac_mode', data: { hvac_mode: 'off' } });
    expect(refusal(planOnOff(ctx('climate.ecobee'), 'turn_on'))).toMatch(/set an HVAC mode/);
    expect(refusal(planOnOff(ctx('media_player.living_room'), 'turn_off'))).toMatch(/cannot be turned off/);
    expect(refusal(planOnOff(ctx('scene.movie_time'), 'turn_off'))).toMatch(/can only be activated/);
  });
});

describe('climate', () => {
  it('validates against min/max, features and modes', () => {
    expect(call(planClimate(ctx('climate.hvac'), { temperature: 22.5 }))).toMatchObject({
      service: 'set_temperature',
      data: { temperature: 22.5 },
    });
    expect(call(planClimate(ctx('climate.hvac'), { hvac_mode: 'heat' }))).toMatchObject({
      service: 'set_hvac_mode',
      data: { hvac_mode: 'heat' },
    });
    expect(refusal(planClimate(ctx('climate.hvac'), { temperature: 40 }))).toBe(
      'The temperature for Hvac must be between 7 and 35 degrees.',
    );
    expect(refusal(planClimate(ctx('climate.hvac'), { hvac_mode: 'turbo' }))).toBe(
      'Hvac has no "turbo" mode; its modes are off, heat, cool.',
    );
    expect(refusal(planClimate(ctx('climate.ecobee'), { temperature: 22 }))).toMatch(/works with a range/);
    expect(call(planClimate(ctx('climate.ecobee'), { target_temp_low: 19, target_temp_high: 23 })).data).toEqual({
      target_temp_low: 19,
      target_temp_high: 23,
    });
    expect(refusal(planClimate(ctx('climate.ecobee'), { target_temp_low: 23, target_temp_high: 19 }))).toMatch(/lower than/);
    expect(refusal(planClimate(ctx('climate.hvac'), { target_temp_low: 19, target_temp_high: 23 }))).toMatch(/single target temperature/);
  });
});

describe('covers', () => {
  it('checks supported features and marks only opening garage doors and gates as sensitive', () => {
    expect(call(planCover(ctx('cover.kitchen_window'), 'open'))).toMatchObject({ service: 'open_cover', sensitive: false });
    expect(refusal(planCover(ctx('cover.kitchen_window'), 'set_position', 40))).toMatch(/cannot move to a position/);
    expect(call(planCover(ctx('cover.garage_door'), 'open'))).toMatchObject({ service: 'open_cover', sensitive: true });
    expect(call(planCover(ctx('cover.garage_door'), 'close'))).toMatchObject({ service: 'close_cover', sensitive: false });
    expect(refusal(planCover(ctx('cover.garage_door'), 'stop'))).toMatch(/cannot be stopped/);
    expect(call(planCover(ctx('cover.driveway_gate'), 'set_position', 30))).toMatchObject({ data: { position: 30 }, sensitive: true });
    expect(call(planCover(ctx('cover.driveway_gate', { current_position: 60 }), 'set_position', 30)).sensitive).toBe(false);
    expect(refusal(planCover(ctx('cover.driveway_gate'), 'set_position', 130))).toBe(
      'The position must be between 0 (closed) and 100 % (open).',
    );
  });
});

describe('media, fans, locks, alarms', () => {
  it('media: features gate each action; volume is a fraction', () => {
    expect(call(planMedia(ctx('media_player.living_room'), 'set_volume', 30)).data).toEqual({ volume_level: 0.3 });
    expect(refusal(planMedia(ctx('media_player.living_room'), 'next'))).toBe(
      'Living Room Speaker does not support skipping to the next track.',
    );
    expect(refusal(planMedia(ctx('media_player.living_room'), 'stop'))).toMatch(/does not support stop/);
    expect(refusal(planMedia(ctx('media_player.living_room'), 'set_volume', -5))).toMatch(/between 0 and 100/);
  });

  it('fans: speed or preset from the list', () => {
    expect(call(planFan(ctx('fan.ceiling_fan'), { speed_pct: 40 }))).toMatchObject({ service: 'set_percentage', data: { percentage: 40 } });
    expect(call(planFan(ctx('fan.ceiling_fan'), { preset_mode: 'sleep' }))).toMatchObject({ service: 'set_preset_mode' });
    expect(refusal(planFan(ctx('fan.ceiling_fan'), { preset_mode: 'hurricane' }))).toBe(
      'Ceiling Fan has no "hurricane" preset; its presets are auto, sleep.',
    );
  });

  it('locks: unlock and open are sensitive, lock is not; open needs the feature', () => {
    expect(call(planLock(ctx('lock.front_door'), 'unlock'))).toMatchObject({ domain: 'lock', service: 'unlock', sensitive: true });
    expect(call(planLock(ctx('lock.front_door'), 'lock')).sensitive).toBe(false);
    expect(refusal(planLock(ctx('lock.front_door'), 'open'))).toMatch(/cannot open the door itself/);
  });

  it('alarms: a code is asked for when needed and checked against its format', () => {
    expect(refusal(planAlarm(ctx('alarm_control_panel.security'), 'disarm'))).toBe(
      'Security needs its code for this; ask the user for it.',
    );
    expect(refusal(planAlarm(ctx('alarm_control_panel.security'), 'disarm', '12ab'))).toMatch(/not a valid code/);
    expect(call(planAlarm(ctx('alarm_control_panel.security'), 'disarm', '1234'))).toMatchObject({
      service: 'alarm_disarm',
      data: { code: '1234' },
      sensitive: true,
    });
    expect(call(planAlarm(ctx('alarm_control_panel.security'), 'arm_home', '1234')).sensitive).toBe(false);
  });
});

describe('confirmation follows the policy, in the direction the action goes', () => {
  const relayStates = new Map(
    [
      haState({ entity_id: 'switch.garage_door_relay', state: 'off', attributes: { friendly_name: 'Relay' } }),
      haState({ entity_id: 'cover.shed', state: 'closed', attributes: { friendly_name: 'Shed', supported_features: 3 } }),
    ].map((s) => [s.entity_id, s]),
  );
  const relayHome = ExposedHome.build({ states: relayStates, registries: REGISTRIES, settings: { include: [], exclude: [] } });
  const relayPolicy = new ConfirmationPolicy({ confirm: DEFAULT_CONFIRM_RULES, confirmNameWords: DEFAULT_CONFIRM_NAME_WORDS });
  const relay = (state: string) => ({
    entity: relayHome.get('switch.garage_door_relay')!,
    state: { ...relayStates.get('switch.garage_door_relay')!, state },
    policy: relayPolicy,
  });

  it('a door relay asks to turn on or toggle on, not to turn off or toggle off', () => {
    expect(call(planOnOff(relay('off'), 'turn_on')).sensitive).toBe(true);
    expect(call(planOnOff(relay('off'), 'toggle')).sensitive).toBe(true);
    expect(call(planOnOff(relay('on'), 'toggle')).sensitive).toBe(false);
    expect(call(planOnOff(relay('on'), 'turn_off')).sensitive).toBe(false);
  });

  it('a cover without a device class asks to open (it may be a garage door)', () => {
    const shed = { entity: relayHome.get('cover.shed')!, state: relayStates.get('cover.shed')!, policy: relayPolicy };
    expect(call(planCover(shed, 'open')).sensitive).toBe(true);
    expect(call(planCover(shed, 'close')).sensitive).toBe(false);
  });
});
