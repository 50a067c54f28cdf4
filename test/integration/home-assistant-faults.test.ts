import { afterEach, describe, expect, it } from 'vitest';
import { connectHomeAssistant, type HomeAssistantIntegration } from '../../main/app/home-assistant-integration.js';
import { HaWsGateway } from '../../main/home-assistant/ha-ws-gateway.js';
import { DefaultToolRegistry } from '../../main/tools/tool-registry.js';
import { validateSettings } from '../../preload/contract/settings-schema.js';
import type { HaConnectionStatus } from '../../main/home-assistant/home-assistant-gateway.js';
import type { AssistantError } from '../../main/util/errors.js';
import { createFakeHomeAssistantServer, type FakeHomeAssistantServer } from '../servers/fake-home-assistant-server.js';
import { eventually } from '../helpers/wait.js';

/**
 * Faults a real Home Assistant cannot produce on demand: slow and malformed replies, a connection
 * that dies without closing, Home Assistant going away. Everything else runs against the real core.
 */

let server: FakeHomeAssistantServer | undefined;
let integration: HomeAssistantIntegration | undefined;

afterEach(async () => {
  await integration?.close();
  integration = undefined;
  await server?.close();
  server = undefined;
});

function settings() {
  const result = validateSettings({});
  if (!result.ok) throw new Error('settings');
  return result.settings;
}

async function setup(gatewayOptions: ConstructorParameters<typeof HaWsGateway>[0] = {}) {
  server = await createFakeHomeAssistantServer();
  const gateway = new HaWsGateway(gatewayOptions);
  const errors: AssistantError[] = [];
  const statuses: HaConnectionStatus[] = [];
  gateway.on('error', (e) => errors.push(e));
  gateway.on('connection_change', (s) => statuses.push(s));
  const s = settings();
  integration = await connectHomeAssistant({ url: server.url, token: 'good-token', settings: () => s, gateway });
  statuses.length = 0; // only what happens after the first connection
  const registry = new DefaultToolRegistry(integration.tools);
  const turnOn = async () => {
    const started = performance.now();
    const result = await registry.execute(
      { callId: 'c', name: 'turn_on_off', argumentsJson: '{"entities":["kitchen light"],"action":"turn_on"}' },
      { userTurn: 1 },
    );
    return { json: JSON.parse(result.output) as Record<string, any>, ms: performance.now() - started };
  };
  return { gateway, errors, statuses, turnOn, server };
}

const waitUntil = (predicate: () => boolean, timeoutMs: number) => eventually(predicate, (met) => met, timeoutMs, 20);

describe('faults a real Home Assistant cannot easily produce', () => {
  it('a core without floor and label registries (unknown_command, as before 2024.3): connects, none of either, find_devices says so', async () => {
    const { gateway } = await setup();
    expect(server!.commands.filter((m) => m.type === 'config/floor_registry/list' || m.type === 'config/label_registry/list')).toHaveLength(
      2,
    );
    expect(gateway.getRegistries()).toMatchObject({ floors: [], labels: [] });
    const registry = new DefaultToolRegistry(integration!.tools);
    const find = async (args: Record<string, unknown>) =>
      JSON.parse(
        (await registry.execute({ callId: 'f', name: 'find_devices', argumentsJson: JSON.stringify(args) }, { userTurn: 1 })).output,
      ) as unknown;
    expect(await find({ floor: 'upstairs' })).toEqual({
      total: 0,
      message: 'There is no floor called "upstairs". This home has no floors in Home Assistant.',
    });
    expect(await find({ label: 'holiday' })).toEqual({
      total: 0,
      message: 'No exposed device has the label "holiday". No exposed device has a label.',
    });
    expect(integration!.instructions()).not.toContain('Labels');
  });

  it('works normally against the fake (sanity), and never exposes what the fake does not expose', async () => {
    const { turnOn } = await setup();
    expect((await turnOn()).json.results[0]).toMatchObject({ id: 'light.kitchen', state: 'on', changed: true });
    expect(integration!.instructions()).not.toContain('switch.secret');
  });

  it('a slow call_service: the tool still answers within 2 s, saying it is not confirmed yet', async () => {
    const { turnOn, server } = await setup();
    server.fault('call_service', { kind: 'delay', ms: 5000 });
    const r = await turnOn();
    expect(r.ms).toBeLessThan(2000);
    expect(r.json).toEqual({
      results: [{ id: 'light.kitchen', name: 'Kitchen Light', state: 'off', changed: false, pending: true }],
      note: 'Home Assistant has not confirmed yet; the state shown is the state right now and may still change.',
    });
  });

  it('a reply that is not JSON: ignored and reported once, the tool answers within 2 s, the connection keeps working', async () => {
    const { turnOn, errors, server, gateway } = await setup();
    server.fault('call_service', { kind: 'not_json' });
    const r = await turnOn();
    expect(r.ms).toBeLessThan(2000);
    expect(r.json.results[0]).toMatchObject({ pending: true });
    expect(errors.map((e) => e.code)).toEqual(['malformed_message']);
    expect(gateway.status).toBe('connected');
    expect((await turnOn()).json.results[0]).toMatchObject({ state: 'on', changed: true });
  });

  it('replies of the wrong shape: at connect (registries) and for a call', async () => {
    server = await createFakeHomeAssistantServer();
    server.fault('config/area_registry/list', { kind: 'bad_shape', result: 'not a list' });
    server.fault('homeassistant/expose_entity/list', { kind: 'bad_shape', result: { exposed_entities: [1, 2, 3] } });
    const gateway = new HaWsGateway();
    const s = settings();
    integration = await connectHomeAssistant({ url: server.url, token: 'good-token', settings: () => s, gateway });
    expect(gateway.getRegistries().areas).toEqual([]);
    // Nothing stored and expose_new off (the fake): nothing is exposed rather than everything.
    expect(integration.instructions()).toMatch(/No devices are exposed/);
    await gateway.close();
  });

  it('a garbage frame pushed unasked does not break anything', async () => {
    const { turnOn, server } = await setup();
    server.sendRaw('}{ not json');
    server.sendRaw('[{"id": 999, "type": "event", "event": {"c": {"light.nope": {"+": {"s": "on"}}}}}]');
    server.sendRaw('{"type":"result","id":"x","success":true}');
    expect((await turnOn()).json.results[0]).toMatchObject({ state: 'on' });
  });

  it('Home Assistant down: "not reachable" within 2 s, and back to work when it returns', async () => {
    const { turnOn, server, gateway, statuses } = await setup();
    // Back at once, but never RUNNING again until the fault is lifted.
    server.fault('get_config', { kind: 'drop' }, { sticky: true });
    server.dropConnections();
    await waitUntil(() => statuses.includes('connecting'), 2000);
    const r = await turnOn();
    expect(r.json).toEqual({ error: 'Home Assistant is not reachable right now.' });
    expect(r.ms).toBeLessThan(2000);
    expect(gateway.status).toBe('connecting');
    server.clearFaults();
    server.dropConnections();
    await waitUntil(() => gateway.status === 'connected', 10_000);
    expect((await turnOn()).json.results[0]).toMatchObject({ state: 'on' });
    expect(statuses.at(-1)).toBe('connected');
    expect(statuses.filter((st) => st === 'connected')).toHaveLength(1);
  }, 20_000);

  it('connection refused at start: a clear connectivity error, quickly', async () => {
    server = await createFakeHomeAssistantServer();
    const url = server.url;
    await server.close();
    server = undefined;
    const started = performance.now();
    const s = settings();
    const error = await connectHomeAssistant({ url, token: 'good-token', settings: () => s }).catch((e: unknown) => e as AssistantError);
    expect(error).toMatchObject({ category: 'connectivity', code: 'connection_refused', source: 'home-assistant' });
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('connect() can be cancelled while Home Assistant hangs at startup', async () => {
    server = await createFakeHomeAssistantServer();
    server.fault('get_config', { kind: 'drop' }, { sticky: true });
    const gateway = new HaWsGateway();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const started = performance.now();
    const error = await gateway.connect({ baseUrl: server.url, token: 'good-token', signal: controller.signal }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'aborted', source: 'home-assistant' });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(gateway.status).toBe('disconnected');
  });

  it('a network that dies silently: the ping watchdog notices and reconnects', async () => {
    const { turnOn, server, gateway, statuses } = await setup({ pingIntervalMs: 200, pingTimeoutMs: 300 });
    server.stall();
    await waitUntil(() => statuses.includes('connecting'), 3000);
    await waitUntil(() => gateway.status === 'connected', 10_000);
    expect(server.connections).toBeGreaterThanOrEqual(2);
    expect((await turnOn()).json.results[0]).toMatchObject({ state: 'on' });
  }, 20_000);

  it('entities deleted while offline disappear after the reconnect', async () => {
    const { server, gateway, statuses } = await setup();
    expect(gateway.getEntities().has('switch.secret')).toBe(true);
    server.states().delete('switch.secret');
    server.dropConnections();
    await waitUntil(() => statuses.includes('connected'), 10_000);
    expect(gateway.getEntities().has('switch.secret')).toBe(false);
    expect(gateway.getEntities().has('light.kitchen')).toBe(true);
  }, 20_000);

  it('a token revoked while running: auth_failed and one permanent authentication error', async () => {
    const { server, gateway, errors, turnOn } = await setup();
    server.setToken('another-token');
    server.dropConnections();
    await waitUntil(() => gateway.status === 'auth_failed', 5000);
    expect(errors.map((e) => [e.category, e.permanent])).toEqual([['authentication', true]]);
    const r = await turnOn();
    expect(r.json).toEqual({ error: 'Home Assistant is not reachable right now.' });
    expect(r.ms).toBeLessThan(100);
  });
});
