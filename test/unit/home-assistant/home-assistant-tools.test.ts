import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { connectHomeAssistant, type HomeAssistantIntegration } from '../../../main/app/home-assistant-integration.js';
import { DefaultToolRegistry } from '../../../main/tools/tool-registry.js';
import { validateSettings, type Settings } from '../../../preload/contract/settings-schema.js';
import { HomeAssistantError } from '../../../main/util/errors.js';
import { HomeControl } from '../../../main/home-assistant/home-control.js';
import { ExposedHome } from '../../../main/home-assistant/exposed-home.js';
import { FakeHomeAssistantGateway, haState } from '../../fakes/fake-home-assistant-gateway.js';
import { REGISTRIES, STATES, TOOLS_OFFERED } from './test-home.js';
import { UserReplyLog } from '../../../main/realtime/user-reply-log.js';
import { systemClock } from '../../../main/util/clock.js';

function defaultSettings(): Settings {
  const result = validateSettings({});
  if (!result.ok) throw new Error('default settings do not validate');
  return result.settings;
}

let gateway: FakeHomeAssistantGateway;
let settings: Settings;
let integration: HomeAssistantIntegration;
let registry: DefaultToolRegistry;
let callSeq = 0;
/** The conversation: user turns and what they said (as the session records them). */
let replies: UserReplyLog;
let turn = 0;

/** The user speaks (a transcribed voice turn). */
function userSays(text: string): void {
  const id = `item_${++turn}`;
  replies.spoken(turn, id, true);
  replies.transcribed(id, text);
}

async function call(
  name: string,
  args: unknown,
  userTurn = turn,
): Promise<{ ok: boolean; output: string; json: Record<string, any>; ms: number }> {
  const started = performance.now();
  const result = await registry.execute({ callId: `call_${++callSeq}`, name, argumentsJson: JSON.stringify(args) }, { userTurn, replies });
  let json: Record<string, any> = {};
  try {
    json = JSON.parse(result.output) as Record<string, any>;
  } catch {
    // not JSON
  }
  return { ok: result.ok, output: result.output, json, ms: performance.now() - started };
}

beforeEach(async () => {
  gateway = new FakeHomeAssistantGateway(STATES, REGISTRIES);
  settings = defaultSettings();
  integration = await connectHomeAssistant({
    url: 'http://ha.test:8123',
    token: 'token',
    settings: () => settings,
    gateway,
    contextDebounceMs: 10,
    controlTiming: { connectGraceMs: 300, deadlineMs: 1900, settleMs: 200 },
  });
  registry = new DefaultToolRegistry(integration.tools);
  replies = new UserReplyLog(systemClock);
  turn = 0;
  userSays('(the request)');
});

afterEach(async () => {
  await integration.close();
});

describe('the tool set', () => {
  it('offers typed tools for the domains this home exposes, never a raw service call', () => {
    const names = integration.tools().map((t) => t.name);
    expect(names).toEqual(TOOLS_OFFERED);
    expect(names).not.toContain('run_script'); // no exposed script
    // Locks are exposed: no hand-over to Assist, which would act on them without asking.
    expect(names).not.toContain('ask_home_assistant');
    for (const tool of integration.tools()) {
      const props = Object.keys((tool.definition.parameters as { properties?: object }).properties ?? {});
      expect(props, tool.name).not.toContain('domain_service');
      expect(props, tool.name).not.toContain('service');
    }
    settings.homeAssistant.include = ['light.*'];
    expect(integration.tools().map((t) => t.name)).toEqual(['find_devices', 'get_states', 'turn_on_off', 'set_light']);
  });
});

describe('control through the registry', () => {
  it('sets brightness and answers with what actually changed', async () => {
    const r = await call('set_light', { entities: ['kitchen lights'], brightness_pct: 50 });
    expect(gateway.calls).toEqual([
      { domain: 'light', service: 'turn_on', data: { brightness_pct: 50 }, target: { entity_id: ['light.kitchen_lights'] } },
    ]);
    expect(r.json).toEqual({
      results: [{ id: 'light.kitchen_lights', name: 'Kitchen Lights', state: 'on', brightness_pct: 50, changed: true }],
    });
    expect(r.output.length).toBeLessThan(200);
  });

  it('makes one call for a group and reports each entity', async () => {
    const r = await call('turn_on_off', { entities: ['living room lights'], action: 'turn_off' });
    expect(gateway.calls).toHaveLength(1);
    expect([...gateway.calls[0]!.target.entity_id].sort()).toEqual(['light.ceiling_lights', 'light.reading_lamp']);
    expect(r.json.results.map((x: { id: string; state: string }) => `${x.id}=${x.state}`).sort()).toEqual([
      'light.ceiling_lights=off',
      'light.reading_lamp=off',
    ]);
  });

  it('gives the same refusal for an unexposed entity as for one that does not exist, and calls nothing', async () => {
    const unexposed = await call('turn_on_off', { entities: ['switch.ac'], action: 'turn_on' });
    const missing = await call('turn_on_off', { entities: ['switch.zz'], action: 'turn_on' });
    expect(unexposed.json).toEqual({ error: 'There is no exposed device called "switch.ac".' });
    expect(missing.output.replace('switch.zz', 'switch.ac')).toBe(unexposed.output);
    expect((await call('get_states', { entities: ['Vault'] })).json).toEqual({
      states: [{ error: 'There is no exposed device called "Vault".' }],
    });
    expect(gateway.calls).toEqual([]);
  });

  it('refuses arguments the live entity cannot take, in words the model can say', async () => {
    expect((await call('set_light', { entities: ['light.kitchen_lights'], brightness_pct: 120 })).output).toBe(
      '{"error":"Invalid arguments for set_light: brightness_pct: Brightness must be between 0 and 100 %"}',
    );
    expect((await call('set_climate', { entities: ['hvac'], temperature: 60 })).json.error).toBe(
      'The temperature for Hvac must be between 7 and 35 degrees.',
    );
    expect((await call('set_light', { entities: ['front door'], brightness_pct: 20 })).json.error).toBe(
      'Front Door (lock.front_door) is a lock; use set_lock for it.',
    );
    expect((await call('turn_on_off', { entities: ['front door'], action: 'turn_off' })).json.error).toMatch(/is a lock; use set_lock/);
    expect(gateway.calls).toEqual([]);
  });

  it('the last line of defence refuses a forged plan: a foreign service, a foreign domain, an entity no longer exposed', async () => {
    const settingsNone = { include: [], exclude: [] };
    const home = ExposedHome.build({ states: gateway.getEntities(), registries: REGISTRIES, settings: settingsNone });
    let current = home;
    const control = new HomeControl({ gateway, home: () => current });
    const light = home.get('light.bed_light')!;
    const plan = { entity: light, domain: 'light', service: 'turn_on', data: {}, action: 'turn_on', sensitive: false, done: () => true };
    const refused = { error: 'That action is not available for Bed Light.' };
    expect(await control.execute([{ ...plan, domain: 'homeassistant', service: 'restart' }])).toEqual(refused);
    expect(await control.execute([{ ...plan, service: 'delete_everything' }])).toEqual(refused);
    const forged = { ...light, id: 'switch.ac', domain: 'switch', name: 'AC' };
    expect(await control.execute([{ ...plan, entity: forged, domain: 'switch' }])).toEqual({
      error: 'There is no exposed device called "AC".',
    });
    const onlyAc = new Map([['switch.ac', haState({ entity_id: 'switch.ac', state: 'off' })]]);
    current = ExposedHome.build({ states: onlyAc, registries: REGISTRIES, settings: settingsNone });
    expect(await control.execute([plan])).toEqual({ error: 'There is no exposed device called "Bed Light".' });
    expect(gateway.calls).toEqual([]);
  });

  it('reports Home Assistant refusing a call', async () => {
    gateway.onCall = () => {
      throw new HomeAssistantError('Entity is jammed', { category: 'invalid_request', code: 'home_assistant_error' });
    };
    const r = await call('turn_on_off', { entities: ['switch.decorative_lights'], action: 'turn_off' });
    expect(r.json.results[0]).toEqual({
      id: 'switch.decorative_lights',
      name: 'Decorative Lights',
      error: 'Home Assistant refused: Entity is jammed',
    });
  });

  it('applies settings live: an excluded entity disappears at once', async () => {
    settings.homeAssistant.exclude = ['light.kitchen_lights'];
    expect((await call('set_light', { entities: ['light.kitchen_lights'], brightness_pct: 5 })).json.error).toMatch(/no exposed device/);
    expect(integration.instructions()).not.toContain('light.kitchen_lights');
    expect(gateway.calls).toEqual([]);
  });
});

describe('confirmation for sensitive actions, enforced by the app', () => {
  it('unlock: asks, refuses a confirmation without a user turn, accepts it after a spoken yes', async () => {
    const first = await call('set_lock', { entities: ['front door'], action: 'unlock' });
    expect(first.json).toMatchObject({
      confirmation_required: true,
      message: expect.stringMatching(/Do you want me to unlock Front Door\?/),
    });
    const selfConfirmed = await call('set_lock', { entities: ['front door'], action: 'unlock', confirmed: true });
    expect(selfConfirmed.json).toMatchObject({ confirmation_required: true, error: expect.stringMatching(/user has not answered yet/) });
    expect(gateway.calls).toEqual([]);
    userSays('Yes, go ahead.');
    const confirmedCall = await call('set_lock', { entities: ['lock.front_door'], action: 'unlock', confirmed: true });
    expect(gateway.calls).toEqual([{ domain: 'lock', service: 'unlock', data: {}, target: { entity_id: ['lock.front_door'] } }]);
    expect(confirmedCall.json.results[0]).toMatchObject({ id: 'lock.front_door', state: 'unlocked', changed: true });
  });

  it('a no, or any answer that is not a yes, leaves it locked and cancels the question', async () => {
    for (const answer of ['No.', 'What is the weather tomorrow?', 'Oui… non, attends.']) {
      await call('set_lock', { entities: ['front door'], action: 'unlock' });
      userSays(answer);
      const refused = await call('set_lock', { entities: ['front door'], action: 'unlock', confirmed: true });
      expect(refused.json, answer).toMatchObject({ confirmed: false, error: expect.stringMatching(/^Not done: the user/) });
      userSays('Yes.');
      // The question was answered: a later yes needs a new question.
      expect((await call('set_lock', { entities: ['front door'], action: 'unlock', confirmed: true })).json.confirmation_required).toBe(
        true,
      );
    }
    expect(gateway.calls).toEqual([]);
  });

  it('cannot be confirmed without the conversation (a card press, a benchmark)', async () => {
    await call('set_lock', { entities: ['front door'], action: 'unlock' });
    userSays('yes');
    const result = await registry.execute(
      { callId: 'card', name: 'set_lock', argumentsJson: JSON.stringify({ entities: ['front door'], action: 'unlock', confirmed: true }) },
      { userTurn: turn },
    );
    expect(JSON.parse(result.output)).toMatchObject({ confirmed: false, error: expect.stringMatching(/ask Hearth by voice/) });
    expect(gateway.calls).toEqual([]);
  });

  it('a confirmation for one action does not unlock another', async () => {
    await call('set_lock', { entities: ['front door'], action: 'unlock' });
    userSays('yes');
    expect((await call('set_lock', { entities: ['back door'], action: 'unlock', confirmed: true })).json.confirmation_required).toBe(true);
    expect(gateway.calls).toEqual([]);
  });

  it('garage doors and gates need it to open, never to close; alarms to disarm', async () => {
    expect((await call('set_cover', { entities: ['garage door'], action: 'open' })).json.confirmation_required).toBe(true);
    expect((await call('set_cover', { entities: ['garage door'], action: 'close' })).json.results[0].state).toBe('closed');
    expect((await call('set_cover', { entities: ['kitchen window'], action: 'open' })).json.results[0].state).toBe('open');
    expect((await call('set_alarm', { entities: ['security'], action: 'disarm', code: '1234' })).json.confirmation_required).toBe(true);
    userSays('Sim.');
    expect(
      (await call('set_alarm', { entities: ['security'], action: 'disarm', code: '1234', confirmed: true })).json.results[0].state,
    ).toBe('disarmed');
    expect(gateway.calls.map((c) => `${c.domain}.${c.service}`)).toEqual([
      'cover.close_cover',
      'cover.open_cover',
      'alarm_control_panel.alarm_disarm',
    ]);
  });

  it('asks for a door relay switch and a scene that unlocks a door, in the risky direction only', async () => {
    gateway.setState({ entity_id: 'switch.decorative_lights', state: 'off', attributes: { friendly_name: 'Garage door relay' } });
    expect((await call('turn_on_off', { entities: ['switch.decorative_lights'], action: 'turn_on' })).json.confirmation_required).toBe(
      true,
    );
    expect((await call('turn_on_off', { entities: ['switch.decorative_lights'], action: 'turn_off' })).json.results[0].state).toBe('off');
    gateway.setState({
      entity_id: 'scene.movie_time',
      state: '2026-01-01',
      attributes: { friendly_name: 'Movie Time', entity_id: ['lock.back_door'] },
    });
    expect((await call('activate_scene', { scene: 'movie time' })).json.confirmation_required).toBe(true);
    expect(gateway.calls.map((c) => `${c.domain}.${c.service}`)).toEqual(['switch.turn_off']);
  });

  it("reads the user's yes in the configured transcription language too", async () => {
    await call('set_lock', { entities: ['front door'], action: 'unlock' });
    userSays('Ja, bitte.');
    expect((await call('set_lock', { entities: ['front door'], action: 'unlock', confirmed: true })).json.error).toMatch(/not a clear yes/);
    settings.openai.transcription.language = 'de';
    await call('set_lock', { entities: ['front door'], action: 'unlock' });
    userSays('Ja, bitte.');
    expect((await call('set_lock', { entities: ['front door'], action: 'unlock', confirmed: true })).json.results[0].state).toBe(
      'unlocked',
    );
  });

  it('tells the model to ask again, or to have transcription turned on, when the answer cannot be read', async () => {
    await call('set_lock', { entities: ['front door'], action: 'unlock' });
    replies.spoken(++turn, 'item_off', false);
    expect((await call('set_lock', { entities: ['front door'], action: 'unlock', confirmed: true })).json.error).toMatch(
      /transcription is off.*type yes/,
    );
    await call('set_lock', { entities: ['front door'], action: 'unlock' });
    replies.spoken(++turn, 'item_failed', true);
    replies.failed('item_failed');
    expect((await call('set_lock', { entities: ['front door'], action: 'unlock', confirmed: true })).json.error).toMatch(
      /could not be transcribed.*Ask them again/,
    );
    expect(gateway.calls).toEqual([]);
  });

  it('follows the confirmation rules from the settings', async () => {
    settings.homeAssistant.confirm = ['cover', 'light', '!lock.front_door'];
    expect((await call('set_lock', { entities: ['front door'], action: 'unlock' })).json.results[0].state).toBe('unlocked');
    expect((await call('set_light', { entities: ['bed light'], brightness_pct: 30 })).json.confirmation_required).toBe(true);
    expect(gateway.calls.map((c) => c.service)).toEqual(['unlock']);
  });
});

describe('when Home Assistant is not reachable', () => {
  it('answers within 2 s with a sentence, while reconnecting or disconnected', async () => {
    gateway.setStatus('connecting');
    const reconnecting = await call('turn_on_off', { entities: ['bed light'], action: 'turn_on' });
    expect(reconnecting.json).toEqual({ error: 'Home Assistant is not reachable right now.' });
    expect(reconnecting.ms).toBeLessThan(2000);
    gateway.setStatus('disconnected');
    settings.homeAssistant.handOverWithSensitiveDevices = true;
    const down = await call('ask_home_assistant', { text: 'add milk to the shopping list' });
    expect(down.json).toEqual({ error: 'Home Assistant is not reachable right now.' });
    expect(down.ms).toBeLessThan(100);
    const read = await call('get_states', { entities: ['bed light'] });
    expect(read.json.note).toMatch(/not reachable right now\. These are the last known states/);
    expect(gateway.calls).toEqual([]);
  });

  it('succeeds when the connection comes back within the grace period', async () => {
    gateway.setStatus('connecting');
    setTimeout(() => gateway.setStatus('connected'), 100);
    const r = await call('turn_on_off', { entities: ['bed light'], action: 'turn_on' });
    expect(r.json.results[0]).toMatchObject({ id: 'light.bed_light', state: 'on' });
  });
});

describe('hand-over to Assist', () => {
  it('is offered only while nothing that asks for a yes is exposed, unless the user opts in', () => {
    const offered = () => integration.tools().some((t) => t.name === 'ask_home_assistant');
    expect(offered()).toBe(false);
    settings.homeAssistant.handOverWithSensitiveDevices = true;
    expect(offered()).toBe(true);
    settings.homeAssistant.handOverWithSensitiveDevices = false;
    settings.homeAssistant.confirm = [];
    settings.homeAssistant.confirmNameWords = [];
    expect(offered()).toBe(true);
  });

  it("returns Home Assistant's spoken answer, with no question when nothing sensitive is exposed", async () => {
    settings.homeAssistant.confirm = [];
    settings.homeAssistant.confirmNameWords = [];
    gateway.conversationResult = { ...gateway.conversationResult, speech: 'Added milk', successIds: [] };
    expect((await call('ask_home_assistant', { text: 'add milk to the shopping list' })).json).toEqual({
      speech: 'Added milk',
      response_type: 'action_done',
    });
    expect(gateway.conversations).toEqual([{ text: 'add milk to the shopping list' }]);
  });

  it('opted in while sensitive devices are exposed: every hand-over asks, keyed on its text, with the same real-yes rule', async () => {
    settings.homeAssistant.handOverWithSensitiveDevices = true;
    gateway.conversationResult = { ...gateway.conversationResult, speech: 'Added milk', successIds: [] };
    const text = 'add milk to the shopping list';
    expect((await call('ask_home_assistant', { text })).json).toMatchObject({
      confirmation_required: true,
      message: expect.stringMatching(/pass this on to Home Assistant: "add milk to the shopping list"/),
    });
    userSays('Yes please.');
    // Another text is another question.
    expect((await call('ask_home_assistant', { text: 'start a timer', confirmed: true })).json.confirmation_required).toBe(true);
    expect(gateway.conversations).toEqual([]);
    await call('ask_home_assistant', { text });
    userSays('Nope.');
    expect((await call('ask_home_assistant', { text, confirmed: true })).json.error).toMatch(/the user said no/);
    await call('ask_home_assistant', { text });
    userSays('Yes please.');
    expect((await call('ask_home_assistant', { text: 'Add milk to the shopping list!', confirmed: true })).json).toEqual({
      speech: 'Added milk',
      response_type: 'action_done',
    });
    // Whole words only: a cake on a French shopping list is not a gate.
    await call('ask_home_assistant', { text: 'ajoute un gâteau à la liste de courses' });
    userSays('oui');
    await call('ask_home_assistant', { text: 'ajoute un gâteau à la liste de courses', confirmed: true });
    expect(gateway.conversations).toHaveLength(2);
  });

  it('what word lists miss (other languages and scripts, floors) never reaches Assist without a yes', async () => {
    const texts = [
      'schließ die Eingangstür auf',
      'abre la puerta del garaje',
      'открой входную дверь',
      '打开车库门',
      'disarms the system',
      'open everything upstairs',
    ];
    for (const text of texts) {
      expect((await call('ask_home_assistant', { text })).json.error, text).toMatch(/^There is no tool named "ask_home_assistant"/);
    }
    settings.homeAssistant.handOverWithSensitiveDevices = true;
    for (const text of texts) {
      const result = (await call('ask_home_assistant', { text, confirmed: true })).json;
      expect(result.confirmation_required || /^Not handed over/.test(result.error), text).toBe(true);
    }
    expect(gateway.conversations).toEqual([]);
  });

  it('refuses outright what its word filter recognises (a hint on top of the confirmation)', async () => {
    settings.homeAssistant.handOverWithSensitiveDevices = true;
    for (const text of [
      'unlock the front door',
      'open the garage',
      'déverrouille la porte d’entrée',
      'abre o portão da garagem',
      'destranca a fechadura',
      'disarm the alarm',
      'open Driveway Gate',
      'let me in the Front Door please',
    ]) {
      expect((await call('ask_home_assistant', { text })).json.error, text).toMatch(/^Not handed over/);
    }
    expect(gateway.conversations).toEqual([]);
  });

  it('is not offered when the app narrows exposure itself (Assist would not apply include/exclude)', async () => {
    settings.homeAssistant.handOverWithSensitiveDevices = true;
    settings.homeAssistant.exclude = ['light.bed_light'];
    expect(integration.tools().map((t) => t.name)).not.toContain('ask_home_assistant');
    expect((await call('ask_home_assistant', { text: 'turn on the bed light' })).json.error).toMatch(
      /^There is no tool named "ask_home_assistant"/,
    );
    expect(gateway.conversations).toEqual([]);
  });
});

describe('context for the session', () => {
  const changes = () => {
    let count = 0;
    integration.onContextChanged(() => count++);
    return () => count;
  };
  // The check runs 10 ms (contextDebounceMs) after a change: a change is waited for, and "no change" is
  // checked after 40 ms, by which the check has run (its timer is due first; load only delays both).
  const settle = () => new Promise((r) => setTimeout(r, 40));
  const until = (assertion: () => void) => vi.waitFor(assertion, { timeout: 10_000, interval: 5 });

  it('changes on renames and exposure, not on state changes', async () => {
    const count = changes();
    gateway.setState({ entity_id: 'light.bed_light', state: 'on' });
    await settle();
    expect(count()).toBe(0);
    gateway.setState({
      entity_id: 'light.bed_light',
      state: 'on',
      attributes: { friendly_name: 'Bedside Lamp', supported_color_modes: ['brightness'] },
    });
    await until(() => expect(count()).toBe(1));
    expect(integration.instructions()).toContain('light.bed_light "Bedside Lamp"');
    gateway.setRegistries({ exposedToAssist: new Map([...REGISTRIES.exposedToAssist, ['light.bed_light', false]]) });
    await until(() => expect(count()).toBe(2));
    expect(integration.instructions()).not.toContain('light.bed_light');
    expect((await call('turn_on_off', { entities: ['light.bed_light'], action: 'turn_off' })).json.error).toMatch(/no exposed device/);
  });

  it('projects entity cards for exposed entities only', () => {
    const cards = integration.entityCards();
    expect(cards.map((c) => c.id)).not.toContain('switch.ac');
    expect(cards.find((c) => c.id === 'light.kitchen_lights')).toMatchObject({
      area: 'Kitchen',
      detail: 'On · 71 %',
      controllable: true,
      sensitive: false,
    });
    expect(cards.find((c) => c.id === 'cover.garage_door')).toMatchObject({ sensitive: true });
    expect(cards.find((c) => c.id === 'sensor.outside_temperature')).toMatchObject({ detail: '15.6 °C', controllable: false });
  });
});
