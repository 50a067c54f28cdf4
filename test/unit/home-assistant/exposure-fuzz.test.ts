import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { connectHomeAssistant } from '../../../main/app/home-assistant-integration.js';
import { ExposedHome } from '../../../main/home-assistant/exposed-home.js';
import { ALLOWED_SERVICES } from '../../../main/home-assistant/home-control.js';
import { DefaultToolRegistry } from '../../../main/tools/tool-registry.js';
import { validateSettings, type Settings } from '../../../preload/contract/settings-schema.js';
import { FakeHomeAssistantGateway, haState } from '../../fakes/fake-home-assistant-gateway.js';
import { HA_UNEXPOSED, REGISTRIES, STATES, TOOLS_OFFERED } from './test-home.js';

/**
 * Whatever the model sends, no service call may target an entity outside the exposed set
 * (Home Assistant's exposure ∩ include − exclude). Fuzzed with fast-check through the same registry
 * path the model's calls take, against a recording fake gateway.
 */

/** What this home offers, and names the model might try that it does not. */
const TOOL_NAMES = [...TOOLS_OFFERED, 'run_script', 'ask_home_assistant', 'call_service', 'homeassistant.turn_on'];

const EXCLUDED_BY_SETTINGS = ['lock.back_door', 'cover.driveway_gate'];
const FORBIDDEN = [...HA_UNEXPOSED, ...EXCLUDED_BY_SETTINGS];
const allIds = STATES.map((s) => s.entity_id);
const names = STATES.map((s) => String(s.attributes?.friendly_name ?? ''));

const nasty = fc.constantFrom(
  'all',
  '*',
  '**',
  'light.*',
  'switch.*',
  '*.*',
  'lock.*',
  'all switches',
  'every lock',
  'everything',
  'office',
  'garage',
  'upstairs',
  'area.office',
  'office',
  'device:dev_kitchen',
  "switch.ac'; DROP TABLE states; --",
  '{{ states.switch.ac }}',
  '../switch.ac',
  'switch.ac\u0000',
  ' switch.ac ',
  'SWITCH.AC',
  'switch.AC',
  'switch_ac',
  'ac',
  'the ac',
  'vault',
  'back door',
  'driveway gate',
  'hidden light',
  'walkman',
  'diagnostic',
  'x'.repeat(10_000),
  'light.kitchen_lights,switch.ac',
  '["switch.ac"]',
  '',
);
const anyReference = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...allIds, ...names) },
  { weight: 3, arbitrary: nasty },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 2, arbitrary: fc.constantFrom(...FORBIDDEN).map((id) => id.replace('.', ' ')) },
);
/** Mostly in range (so calls get through validation), sometimes wild. */
const pct = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 100 }) },
  { weight: 1, arbitrary: fc.oneof(fc.integer({ min: -50, max: 200 }), fc.double()) },
);
const anyValue = fc.oneof(
  anyReference,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.dictionary(fc.string({ maxLength: 8 }), anyReference, { maxKeys: 3 }),
);
const ACTIONS: Record<string, readonly string[]> = {
  turn_on_off: ['turn_on', 'turn_off', 'toggle'],
  set_cover: ['open', 'close', 'stop', 'set_position'],
  control_media: ['play', 'pause', 'stop', 'next', 'set_volume', 'mute'],
  set_lock: ['lock', 'unlock', 'open'],
  set_alarm: ['arm_home', 'arm_away', 'disarm'],
};
const REQUIRED: Record<string, readonly string[]> = {
  get_states: ['entities'],
  turn_on_off: ['entities', 'action'],
  set_light: ['entities'],
  set_climate: ['entities'],
  set_cover: ['entities', 'action'],
  control_media: ['entities', 'action'],
  set_fan: ['entities'],
  set_lock: ['entities', 'action'],
  set_alarm: ['entities', 'action'],
  activate_scene: ['scene'],
  run_script: ['script'],
  ask_home_assistant: ['text'],
};
/** Arguments for one tool: mostly well-formed (so calls get past validation), with noise everywhere. */
const TOOL_DOMAINS: Record<string, readonly string[]> = {
  turn_on_off: ['light', 'switch', 'fan', 'media_player', 'climate', 'scene'],
  set_light: ['light'],
  set_climate: ['climate'],
  set_cover: ['cover'],
  control_media: ['media_player'],
  set_fan: ['fan'],
  set_lock: ['lock'],
  set_alarm: ['alarm_control_panel'],
  activate_scene: ['scene'],
};
/** The table's own entry: a random tool name can be "toString" or "__proto__" (fast-check generates them). */
function entryOf<T>(table: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

function argsFor(tool: string) {
  const actions = entryOf(ACTIONS, tool) ?? ['turn_on', 'unlock', 'open'];
  const domains = entryOf(TOOL_DOMAINS, tool);
  const own = STATES.filter((st) => !domains || domains.some((d) => st.entity_id.startsWith(`${d}.`)));
  const ownRefs = fc.constantFrom(
    ...own.map((st) => st.entity_id),
    ...own.map((st) => String(st.attributes?.friendly_name ?? st.entity_id)),
  );
  const reference = fc.oneof({ weight: 6, arbitrary: ownRefs }, { weight: 4, arbitrary: anyReference });
  return fc.record(
    {
      entities: fc.oneof(
        { weight: 6, arbitrary: fc.array(reference, { minLength: 1, maxLength: 3 }) },
        { weight: 1, arbitrary: fc.array(reference, { maxLength: 12 }) },
        { weight: 1, arbitrary: anyValue },
      ),
      scene: reference,
      script: reference,
      text: reference,
      action: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...actions) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) }),
      brightness_pct: pct,
      color: fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom('red', 'warm white', '#ff0000') },
        { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
      ),
      temperature: fc.oneof(
        { weight: 4, arbitrary: fc.integer({ min: 5, max: 40 }) },
        { weight: 1, arbitrary: fc.double({ min: -100, max: 200, noNaN: true }) },
      ),
      hvac_mode: fc.constantFrom('heat', 'cool', 'off', 'turbo'),
      position: pct,
      volume_pct: pct,
      speed_pct: pct,
      code: fc.constantFrom('1234', 'abc', ''),
      confirmed: fc.boolean(),
      domain: fc.constantFrom('switch', 'lock', 'light', 'homeassistant'),
      service: fc.constantFrom('turn_on', 'unlock', 'restart'),
      target: fc.constant({ entity_id: 'switch.ac', area_id: 'office' }),
      entity_id: reference,
      query: reference,
      area: reference,
    },
    { requiredKeys: [...(entryOf(REQUIRED, tool) ?? [])] as never[] },
  );
}
const toolCall = fc
  .oneof({ weight: 12, arbitrary: fc.constantFrom(...TOOL_NAMES) }, { weight: 1, arbitrary: fc.string({ maxLength: 20 }) })
  .chain((name) =>
    fc.record({
      name: fc.constant(name),
      args: fc.oneof(
        { weight: 12, arbitrary: argsFor(name).map((a) => JSON.stringify(a)) },
        { weight: 1, arbitrary: fc.string({ maxLength: 50 }) },
      ),
      turnStep: fc.integer({ min: 0, max: 2 }),
    }),
  );

function settingsWith(patch: Partial<Settings['homeAssistant']>): Settings {
  const result = validateSettings({});
  if (!result.ok) throw new Error('settings');
  return { ...result.settings, homeAssistant: { ...result.settings.homeAssistant, ...patch } };
}

describe('fuzzing tool calls: nothing outside the exposed set is ever called', () => {
  it('no call_service targets an unexposed or excluded entity, whatever the tool name and arguments', async () => {
    const gateway = new FakeHomeAssistantGateway(STATES, REGISTRIES);
    const settings = settingsWith({ exclude: EXCLUDED_BY_SETTINGS });
    const integration = await connectHomeAssistant({
      url: 'http://ha.test',
      token: 't',
      settings: () => settings,
      gateway,
      controlTiming: { connectGraceMs: 10, deadlineMs: 300, settleMs: 5 },
    });
    const registry = new DefaultToolRegistry(integration.tools);
    const exposed = ExposedHome.build({
      states: new Map(STATES.map((s) => [s.entity_id, haState(s)])),
      registries: REGISTRIES,
      settings: settings.homeAssistant,
    });
    let userTurn = 0;
    let calls = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(toolCall, { minLength: 1, maxLength: 6 }), async (sequence) => {
        for (const step of sequence) {
          userTurn += step.turnStep;
          const result = await registry.execute({ callId: `c${calls++}`, name: step.name, argumentsJson: step.args }, { userTurn });
          expect(typeof result.output).toBe('string');
          if (process.env.FUZZ_DEBUG) process.stdout.write(`${step.name} ${step.args.slice(0, 150)} → ${result.output.slice(0, 150)}\n`);
        }
        for (const recorded of gateway.calls) {
          for (const id of recorded.target.entity_id) {
            expect(FORBIDDEN).not.toContain(id);
            expect(exposed.has(id)).toBe(true);
            expect(id.startsWith(`${recorded.domain}.`)).toBe(true);
          }
          expect(ALLOWED_SERVICES[recorded.domain]).toContain(recorded.service);
        }
        for (const conversation of gateway.conversations)
          throw new Error(`hand-over must be off with an exclude list: ${conversation.text}`);
      }),
      { numRuns: 400 },
    );
    // The property is not vacuous: the fuzzer did reach Home Assistant many times.
    expect(gateway.calls.length).toBeGreaterThan(50);
    await integration.close();
  }, 60_000);

  it('an unexposed id gets exactly the answer a non-existent id gets (its existence does not leak)', async () => {
    const gateway = new FakeHomeAssistantGateway(STATES, REGISTRIES);
    const settings = settingsWith({});
    const integration = await connectHomeAssistant({ url: 'http://ha.test', token: 't', settings: () => settings, gateway });
    const registry = new DefaultToolRegistry(integration.tools);
    const objectId = fc.stringMatching(/^[a-z][a-z0-9_]{2,12}$/);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...HA_UNEXPOSED),
        objectId,
        fc.constantFrom('get_states', 'turn_on_off', 'set_light', 'set_lock', 'set_cover', 'control_media', 'find_devices'),
        async (unexposed, fresh, tool) => {
          const domain = unexposed.slice(0, unexposed.indexOf('.'));
          const missing = `${domain}.zz_${fresh}`;
          const argsFor = (id: string) =>
            JSON.stringify(
              tool === 'find_devices'
                ? { query: id }
                : { entities: [id], action: tool === 'set_lock' ? 'unlock' : 'turn_on', brightness_pct: 10 },
            );
          const a = await registry.execute({ callId: 'a', name: tool, argumentsJson: argsFor(unexposed) }, { userTurn: 1 });
          const b = await registry.execute({ callId: 'b', name: tool, argumentsJson: argsFor(missing) }, { userTurn: 1 });
          expect(a.output.split(unexposed).join('<id>')).toBe(b.output.split(missing).join('<id>'));
        },
      ),
      { numRuns: 200 },
    );
    expect(gateway.calls).toEqual([]);
    await integration.close();
  });
});
