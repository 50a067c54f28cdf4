import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HaWsGateway } from '../../main/home-assistant/ha-ws-gateway.js';
import type { HaConnectionStatus, HaEntity, HaRegistries } from '../../main/home-assistant/home-assistant-gateway.js';
import { HomeAssistantError } from '../../main/util/errors.js';
import {
  AREA_OF_ENTITY,
  HA_TEST_VERSIONS,
  HOME_FLOORS,
  HOME_LABELS,
  UNEXPOSED_ENTITY,
  hasFloorsAndLabels,
} from '../servers/home-assistant-core.js';
import { useHomeAssistant } from '../helpers/home-assistant-fixture.js';
import { SELF_SIGNED_TLS, createFakeHomeAssistantServer } from '../servers/fake-home-assistant-server.js';
import { nextEvent } from '../helpers/wait.js';

const gateways: HaWsGateway[] = [];

function newGateway(options: ConstructorParameters<typeof HaWsGateway>[0] = {}): HaWsGateway {
  const gateway = new HaWsGateway(options);
  gateways.push(gateway);
  return gateway;
}

async function connectError(
  baseUrl: string,
  token: string,
  options: ConstructorParameters<typeof HaWsGateway>[0] = {},
): Promise<HomeAssistantError> {
  const gateway = newGateway(options);
  const error = await gateway.connect({ baseUrl, token }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HomeAssistantError);
  return error as HomeAssistantError;
}

async function freeClosedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe.each(HA_TEST_VERSIONS)('Home Assistant %s', (version) => {
  const home = useHomeAssistant({ version });

  afterEach(async () => {
    for (const gateway of gateways.splice(0)) await gateway.close();
  });

  describe(`HaWsGateway against a real Home Assistant ${version}`, () => {
    it('connects, waits for RUNNING, and loads states, areas, devices, entity registry and exposure', async () => {
      const gateway = newGateway();
      const statuses: HaConnectionStatus[] = [];
      gateway.on('connection_change', (s) => statuses.push(s));
      await gateway.connect({ baseUrl: `${home.ha.url}/`, token: `${home.ha.token}\n` });
      expect(statuses).toEqual(['connecting', 'connected']);
      expect(gateway.haVersion).toBe(version);
      expect(gateway.features).toMatchObject({ exposeEntityList: true, conversation: true });
      const registries = gateway.getRegistries();
      expect(registries.exposureSource).toBe('expose_entity_list');
      // 2026.11's list leaves out unexposed entities; the registry's stored false still counts.
      expect(registries.exposureListOmitsUnexposed).toBe(version !== '2024.3.3');
      expect(registries.exposedToAssist.get(UNEXPOSED_ENTITY)).toBe(false);
      expect(registries.exposedToAssist.get('light.kitchen_lights')).toBe(true);
      expect(registries.areas.map((a) => a.name)).toEqual(expect.arrayContaining(['Kitchen', 'Living Room', 'Garage', 'Office']));
      const kitchenLights = registries.entities.find((e) => e.entity_id === 'light.kitchen_lights')!;
      const device = registries.devices.find((d) => d.id === kitchenLights.device_id)!;
      expect(registries.areas.find((a) => a.area_id === device.area_id)?.name).toBe(AREA_OF_ENTITY['light.kitchen_lights']);
      expect(gateway.getEntities().get('light.kitchen_lights')).toMatchObject({
        entity_id: 'light.kitchen_lights',
        attributes: { friendly_name: 'Kitchen Lights' },
      });
      expect(gateway.getEntities().size).toBeGreaterThan(50);
    });

    it('follows live states through the subscription after call_service, with the call’s context', async () => {
      const gateway = newGateway();
      await gateway.connect({ baseUrl: home.ha.url, token: home.ha.token });
      const before = gateway.getEntities().get('light.bed_light')!.state;
      const target = before === 'on' ? 'off' : 'on';
      const seen = nextEvent<HaEntity>('the new state', 5000, (resolve) =>
        gateway.on(
          'entities',
          (entities) => entities.get('light.bed_light')?.state === target && resolve(entities.get('light.bed_light')!),
        ),
      );
      const result = await gateway.callService({ domain: 'light', service: `turn_${target}`, target: { entity_id: ['light.bed_light'] } });
      const state = await seen;
      expect(result.contextId).toEqual(expect.any(String));
      expect(state.context.id).toBe(result.contextId);
    });

    it('hands text to conversation/process, naming conversation.home_assistant where it exists, and reads its answer', async () => {
      const gateway = newGateway();
      await gateway.connect({ baseUrl: home.ha.url, token: home.ha.token });
      // What goes over the wire to the real server.
      const sent: Record<string, unknown>[] = [];
      const realSend = WebSocket.prototype.send;
      const spy = vi.spyOn(WebSocket.prototype, 'send').mockImplementation(function (
        this: WebSocket,
        ...args: Parameters<WebSocket['send']>
      ) {
        const frame = JSON.parse(String(args[0])) as unknown;
        for (const message of Array.isArray(frame) ? frame : [frame]) sent.push(message as Record<string, unknown>);
        realSend.apply(this, args);
      });
      try {
        const result = await gateway.processConversation({ text: 'turn on the kitchen lights', language: 'en' });
        expect(result).toMatchObject({ responseType: 'action_done', successIds: ['light.kitchen_lights'] });
        expect(result.speech).toEqual(expect.any(String));
      } finally {
        spy.mockRestore();
      }
      const processed = sent.filter((m) => m.type === 'conversation/process');
      expect(processed).toHaveLength(1);
      if (version === '2024.3.3') {
        // No conversation entity on 2024.3: its default agent is its own.
        expect(gateway.getEntities().has('conversation.home_assistant')).toBe(false);
        expect(processed[0]).not.toHaveProperty('agent_id');
      } else {
        expect(processed[0]).toMatchObject({ agent_id: 'conversation.home_assistant', text: 'turn on the kitchen lights' });
      }
    });

    it('loads floors and labels: the test home’s on 2026.11, none on 2024.3.3', async () => {
      const gateway = newGateway();
      await gateway.connect({ baseUrl: home.ha.url, token: home.ha.token });
      const registries = gateway.getRegistries();
      expect(gateway.features).toMatchObject({ floors: true, labels: true });
      if (!hasFloorsAndLabels(version)) {
        expect(registries.floors).toEqual([]);
        expect(registries.labels).toEqual([]);
        expect(registries.areas.every((a) => a.floor_id === null)).toBe(true);
        return;
      }
      expect(registries.floors.map((f) => ({ name: f.name, aliases: f.aliases, level: f.level }))).toEqual(
        expect.arrayContaining(HOME_FLOORS.map((f) => ({ name: f.name, aliases: [...f.aliases], level: f.level }))),
      );
      const firstFloor = registries.floors.find((f) => f.name === 'First Floor')!;
      expect(registries.areas.find((a) => a.name === 'Bedroom')?.floor_id).toBe(firstFloor.floor_id);
      const holiday = registries.labels.find((l) => l.name === HOME_LABELS[0].name)!;
      expect(holiday).toBeDefined();
      for (const entityId of HOME_LABELS[0].entities) {
        expect(registries.entities.find((e) => e.entity_id === entityId)?.labels).toEqual([holiday.label_id]);
      }
    });

    it('refreshes the labels when the label registry changes', async () => {
      const gateway = newGateway({ registryDebounceMs: 50 });
      await gateway.connect({ baseUrl: home.ha.url, token: home.ha.token });
      const created = nextEvent<HaRegistries>('the new label', 10_000, (resolve) =>
        gateway.on('registries', (r) => r.labels.some((l) => l.name === 'Night') && resolve(r)),
      );
      const label = await home.admin.command<{ label_id: string }>('config/label_registry/create', { name: 'Night' });
      try {
        expect((await created).labels.find((l) => l.name === 'Night')?.label_id).toBe(label.label_id);
      } finally {
        await home.admin.command('config/label_registry/delete', { label_id: label.label_id });
      }
    });

    it('maps Home Assistant command errors to HomeAssistantError with the code', async () => {
      const gateway = newGateway();
      await gateway.connect({ baseUrl: home.ha.url, token: home.ha.token });
      const error = await gateway
        .callService({ domain: 'light', service: 'no_such_service', target: { entity_id: ['light.bed_light'] } })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HomeAssistantError);
      expect(error).toMatchObject({ code: 'not_found', category: 'invalid_request' });
    });

    it('refreshes the registries when an area or an entity changes', async () => {
      const gateway = newGateway({ registryDebounceMs: 50 });
      await gateway.connect({ baseUrl: home.ha.url, token: home.ha.token });
      const renamed = nextEvent<HaRegistries>('the renamed entity', 10_000, (resolve) =>
        gateway.on('registries', (r) => r.entities.find((e) => e.entity_id === 'fan.ceiling_fan')?.name === 'Bedroom Breeze' && resolve(r)),
      );
      await home.admin.command('config/entity_registry/update', {
        entity_id: 'fan.ceiling_fan',
        name: 'Bedroom Breeze',
        aliases: ['breeze'],
      });
      const registries = await renamed;
      expect(registries.entities.find((e) => e.entity_id === 'fan.ceiling_fan')?.aliases).toEqual(['breeze']);
      const created = nextEvent<HaRegistries>('the new area', 10_000, (resolve) =>
        gateway.on('registries', (r) => r.areas.some((a) => a.name === 'Attic') && resolve(r)),
      );
      await home.admin.command('config/area_registry/create', { name: 'Attic', aliases: ['loft'] });
      expect((await created).areas.find((a) => a.name === 'Attic')?.aliases).toEqual(['loft']);
      await home.admin.command('config/entity_registry/update', { entity_id: 'fan.ceiling_fan', name: null, aliases: [] });
    });
  });

  describe('up-front validation: one clear message each', () => {
    it('a wrong token → authentication, permanent, auth_failed', async () => {
      const gateway = newGateway();
      const error = (await gateway
        .connect({ baseUrl: home.ha.url, token: 'not-a-valid-token' })
        .catch((e: unknown) => e)) as HomeAssistantError;
      expect(error).toMatchObject({ category: 'authentication', permanent: true, code: 'auth_invalid' });
      expect(error.message).toBe(
        `Home Assistant at ${new URL(home.ha.url).host} refused the access token (auth_invalid): create a new long-lived access token in your Home Assistant profile.`,
      );
      expect(gateway.status).toBe('auth_failed');
    });

    it('a wrong scheme, a path, an empty token → configuration, before any connection', async () => {
      expect(await connectError('ftp://127.0.0.1:8123', home.ha.token)).toMatchObject({
        category: 'configuration',
        message: expect.stringMatching(/http:\/\/ or https:\/\//),
      });
      expect(await connectError(`${home.ha.url}/lovelace`, home.ha.token)).toMatchObject({
        category: 'configuration',
        message: expect.stringMatching(/without a path/),
      });
      expect(await connectError(home.ha.url, '  ')).toMatchObject({
        category: 'configuration',
        message: expect.stringMatching(/token is empty/),
      });
    });

    it('an unreachable host → connectivity, quickly', async () => {
      const port = await freeClosedPort();
      const started = performance.now();
      const refused = await connectError(`http://127.0.0.1:${port}`, home.ha.token);
      expect(refused).toMatchObject({ category: 'connectivity', permanent: false, code: 'connection_refused' });
      expect(refused.message).toBe(
        `Cannot reach Home Assistant at http://127.0.0.1:${port}: nothing is listening there (connection refused).`,
      );
      expect(performance.now() - started).toBeLessThan(2000);
      const unknownHost = await connectError('http://no-such-host.invalid:8123', home.ha.token);
      expect(unknownHost).toMatchObject({ category: 'connectivity', code: 'host_not_found' });
    });

    it('a server that is not Home Assistant → configuration', async () => {
      const server: Server = createServer((_req, res) => res.writeHead(404).end());
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const port = (server.address() as AddressInfo).port;
      try {
        const error = await connectError(`http://127.0.0.1:${port}`, home.ha.token);
        expect(error).toMatchObject({ category: 'configuration', code: 'not_home_assistant' });
        expect(error.message).toMatch(/no Home Assistant WebSocket API \(HTTP 404\)/);
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });

    it('https:// to a plain-HTTP Home Assistant → "use http://"', async () => {
      const host = new URL(home.ha.url).host;
      const error = await connectError(`https://${host}`, home.ha.token);
      expect(error).toMatchObject({ category: 'configuration', code: 'https_to_http' });
      expect(error.message).toBe(`Home Assistant at ${host} does not speak HTTPS: use http://${host} instead.`);
    });

    it('a self-signed certificate: refused with a clear message, accepted only with the opt-in', async () => {
      const server = await createFakeHomeAssistantServer({ tls: SELF_SIGNED_TLS });
      try {
        const refused = await connectError(server.url, 'good-token');
        expect(refused).toMatchObject({ category: 'configuration', code: 'self_signed_certificate' });
        expect(refused.message).toMatch(/uses a self-signed certificate; if you trust it, turn on "allow self-signed certificate"/);
        const plain = await connectError(server.url.replace('https:', 'http:'), 'good-token');
        expect(plain).toMatchObject({
          category: 'configuration',
          code: 'http_to_https',
          message: expect.stringMatching(/only speaks HTTPS: use https:\/\//),
        });
        const gateway = newGateway({ allowSelfSignedCertificate: true });
        await gateway.connect({ baseUrl: server.url, token: 'good-token' });
        expect(gateway.status).toBe('connected');
        // The opt-in is per gateway, never process-wide: another gateway still refuses.
        expect(await connectError(server.url, 'good-token')).toMatchObject({ code: 'self_signed_certificate' });
      } finally {
        await server.close();
      }
    });
  });

  describe('reconnection', () => {
    it('survives a Home Assistant restart: reconnects, waits for RUNNING, and calls work again', async () => {
      const gateway = newGateway();
      await gateway.connect({ baseUrl: home.ha.url, token: home.ha.token });
      const statuses: HaConnectionStatus[] = [];
      gateway.on('connection_change', (s) => statuses.push(s));
      await home.restart();
      expect(await gateway.waitUntilConnected(30_000)).toBe(true);
      expect(statuses).toEqual(['connecting', 'connected']);
      const result = await gateway.callService({ domain: 'light', service: 'turn_off', target: { entity_id: ['light.ceiling_lights'] } });
      expect(result.contextId).toEqual(expect.any(String));
      await nextEvent('the state after reconnect', 5000, (resolve) => {
        const check = () => gateway.getEntities().get('light.ceiling_lights')?.state === 'off' && resolve();
        check();
        return gateway.on('entities', check);
      });
      expect(gateway.getRegistries().exposedToAssist.get(UNEXPOSED_ENTITY)).toBe(false);
    }, 120_000);
  });
});
