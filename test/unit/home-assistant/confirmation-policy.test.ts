import { describe, expect, it } from 'vitest';
import { ConfirmationPolicy, type ConfirmationSubject } from '../../../main/home-assistant/confirmation-policy.js';
import { DEFAULT_CONFIRM_NAME_WORDS, DEFAULT_CONFIRM_RULES } from '../../../preload/contract/settings-schema.js';
import { haState } from '../../fakes/fake-home-assistant-gateway.js';

const defaults = { confirm: DEFAULT_CONFIRM_RULES, confirmNameWords: DEFAULT_CONFIRM_NAME_WORDS };

function subject(id: string, patch: Partial<ConfirmationSubject> = {}): ConfirmationSubject {
  return { id, domain: id.slice(0, id.indexOf('.')), deviceClass: null, name: '', aliases: [], ...patch };
}

describe('ConfirmationPolicy: which entities ask for a yes (defaults)', () => {
  const policy = new ConfirmationPolicy(defaults);
  const gated: [string, ConfirmationSubject][] = [
    ['a lock', subject('lock.front_door', { name: 'Front Door' })],
    ['an alarm panel', subject('alarm_control_panel.security')],
    ['a siren', subject('siren.hallway', { name: 'Hallway' })],
    ['a garage door cover', subject('cover.big', { deviceClass: 'garage' })],
    ['a gate cover', subject('cover.entrance', { deviceClass: 'gate' })],
    ['a door cover', subject('cover.patio', { deviceClass: 'door' })],
    ['a cover without a device class', subject('cover.thing')],
    ['a door class in another domain', subject('switch.relay_7', { deviceClass: 'door' })],
    ['a relay whose id says garage door', subject('switch.garage_door_relay', { name: 'Relay 1' })],
    ['a relay whose name says gate', subject('switch.sonoff_4', { name: 'Driveway Gate' })],
    ['a relay whose alias is Portuguese', subject('switch.relay_2', { name: 'Relé 2', aliases: ['Portão da frente'] })],
    ['a relay named in French', subject('switch.relais', { name: 'Gâche électrique', aliases: ['Serrure du portail'] })],
    ['a script that opens the gate', subject('script.open_gate', { name: 'Open gate' })],
    ['a script that disarms', subject('script.leave', { name: 'Disarm the alarm' })],
    ['a helper an automation watches', subject('input_boolean.garage_open_request', { name: 'Garage request' })],
  ];
  it.each(gated)('asks for %s', (_what, s) => expect(policy.gates(s)).toBe(true));

  const free: [string, ConfirmationSubject][] = [
    ['a light named after the door', subject('light.front_door_light', { name: 'Front door light' })],
    ['a blind', subject('cover.kitchen', { deviceClass: 'blind' })],
    ['a window', subject('cover.hall_window', { deviceClass: 'window' })],
    ['an ordinary switch', subject('switch.decorative_lights', { name: 'Decorative Lights' })],
    ['a scene for movie night', subject('scene.movie_night', { name: 'Movie night' })],
    ['a script for the coffee', subject('script.coffee', { name: 'Make coffee' })],
    ['a word inside another word', subject('switch.doorbell_chime', { name: 'Doorbell chime' })],
    ['a door contact sensor (only read, never acted on)', subject('binary_sensor.front_door', { deviceClass: 'door' })],
  ];
  it.each(free)('does not ask for %s', (_what, s) => expect(policy.gates(s)).toBe(false));

  it('asks for a scene that sets something that asks, even an entity that is not exposed', () => {
    const states = new Map([
      ['scene.leaving', haState({ entity_id: 'scene.leaving', state: '', attributes: { entity_id: ['light.hall', 'lock.back_door'] } })],
      ['scene.evening', haState({ entity_id: 'scene.evening', state: '', attributes: { entity_id: ['light.hall', 'switch.decorative'] } })],
      ['lock.back_door', haState({ entity_id: 'lock.back_door', state: 'locked' })],
      ['switch.gate', haState({ entity_id: 'switch.gate', state: 'off', attributes: { friendly_name: 'Gate opener' } })],
      ['scene.arrive', haState({ entity_id: 'scene.arrive', state: '', attributes: { entity_id: ['switch.gate'] } })],
    ]);
    const withStates = new ConfirmationPolicy(defaults, states);
    expect(withStates.reason(subject('scene.leaving'))).toBe('scene_member');
    expect(withStates.reason(subject('scene.arrive'))).toBe('scene_member');
    expect(withStates.gates(subject('scene.evening'))).toBe(false);
  });
});

describe('ConfirmationPolicy: only the risky direction asks', () => {
  const policy = new ConfirmationPolicy(defaults);
  const lock = subject('lock.front_door');
  const garage = subject('cover.garage', { deviceClass: 'garage' });
  const alarm = subject('alarm_control_panel.security');
  const relay = subject('switch.garage_door_relay');
  const script = subject('script.open_gate');

  it('unlocking, opening, disarming, turning on and running ask; locking, closing, stopping, turning off and arming never do', () => {
    expect(policy.needsConfirmation(lock, 'unlock')).toBe(true);
    expect(policy.needsConfirmation(lock, 'open')).toBe(true);
    expect(policy.needsConfirmation(lock, 'lock')).toBe(false);
    expect(policy.needsConfirmation(garage, 'open')).toBe(true);
    expect(policy.needsConfirmation(garage, 'close')).toBe(false);
    expect(policy.needsConfirmation(garage, 'stop')).toBe(false);
    expect(policy.needsConfirmation(garage, 'set_position', { current: 50, target: 80 })).toBe(true);
    expect(policy.needsConfirmation(garage, 'set_position', { current: 50, target: 10 })).toBe(false);
    expect(policy.needsConfirmation(garage, 'set_position', { current: null, target: 10 })).toBe(true);
    expect(policy.needsConfirmation(alarm, 'disarm')).toBe(true);
    for (const arm of ['arm_home', 'arm_away', 'arm_night', 'arm_vacation']) expect(policy.needsConfirmation(alarm, arm)).toBe(false);
    expect(policy.needsConfirmation(relay, 'turn_on')).toBe(true);
    expect(policy.needsConfirmation(relay, 'turn_off')).toBe(false);
    expect(policy.needsConfirmation(script, 'run')).toBe(true);
    expect(policy.needsConfirmation(subject('light.kitchen'), 'turn_on')).toBe(false);
  });
});

describe('ConfirmationPolicy: the rules are the settings', () => {
  it('adds a domain, an entity or a class; an exception removes what it matches', () => {
    const policy = new ConfirmationPolicy({
      confirm: [...DEFAULT_CONFIRM_RULES, 'light', 'fan.attic', 'switch:outlet', '!lock.shed', '!scene'],
      confirmNameWords: DEFAULT_CONFIRM_NAME_WORDS,
    });
    expect(policy.needsConfirmation(subject('light.kitchen'), 'turn_on')).toBe(true);
    expect(policy.needsConfirmation(subject('light.kitchen'), 'turn_off')).toBe(false);
    expect(policy.gates(subject('fan.attic'))).toBe(true);
    expect(policy.gates(subject('fan.bedroom'))).toBe(false);
    expect(policy.gates(subject('switch.kettle', { deviceClass: 'outlet' }))).toBe(true);
    expect(policy.gates(subject('lock.shed'))).toBe(false);
    expect(policy.gates(subject('lock.front'))).toBe(true);
    expect(policy.gates(subject('scene.open_the_gate'))).toBe(false);
  });

  it('an empty list of name words stops reading names', () => {
    const policy = new ConfirmationPolicy({ confirm: DEFAULT_CONFIRM_RULES, confirmNameWords: [] });
    expect(policy.gates(subject('switch.garage_door_relay'))).toBe(false);
    expect(policy.gates(subject('lock.front'))).toBe(true);
  });

  it("Home Assistant's own secure-device mark always asks, whatever Hearth's exceptions say", () => {
    const policy = new ConfirmationPolicy({ confirm: ['!switch.vault'], confirmNameWords: [] });
    expect(policy.reason(subject('switch.vault', { secureInHomeAssistant: true }))).toBe('home_assistant');
    expect(policy.gates(subject('switch.vault'))).toBe(false);
  });
});
