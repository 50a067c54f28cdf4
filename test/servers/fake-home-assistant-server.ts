/**
 * A small fake of Home Assistant's WebSocket API, ONLY for faults a real Home Assistant cannot
 * produce on demand: slow replies, malformed frames, replies of the wrong shape, a connection that
 * goes silent, TLS with a self-signed certificate. Everything else is tested against the real core
 * (test/servers/home-assistant-core.ts).
 *
 * It speaks the real handshake (auth_required → auth → auth_ok | auth_invalid), answers the
 * commands HaWsGateway sends at connect (get_config, registries, exposure, subscribe_events,
 * subscribe_entities with the compressed full state, get_states, conversation/prepare), and applies
 * call_service to a few entities (on/off), sending the compressed `c` diff before the result, as
 * Home Assistant does.
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * A self-signed certificate for 127.0.0.1 (EC P-256, valid until 2126), for the TLS tests only.
 * Its private key is public on purpose: it protects nothing.
 */
export const SELF_SIGNED_TLS = {
  key: `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgSrWyWNt6UiktZJwb
JpMpltoq92QKdx+2a1iAHKnI2bChRANCAAQVDrsS03t+SdLKbfRavJO23QsZpRve
y++3sc2H1QEgzF48UG+SJqyN5NI6lZWume3KZ2PWLJjuo0qFWYM6eQBw
-----END PRIVATE KEY-----
`,
  cert: `-----BEGIN CERTIFICATE-----
MIIBmjCCAUGgAwIBAgIUUMgPu3UjVkAoq+Wa7DYMMDnM5QAwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJMTI3LjAuMC4xMCAXDTI2MTEyMTA2NTMwM1oYDzIxMjYxMDI4
MDY1MzAzWjAUMRIwEAYDVQQDDAkxMjcuMC4wLjEwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAAQVDrsS03t+SdLKbfRavJO23QsZpRvey++3sc2H1QEgzF48UG+SJqyN
5NI6lZWume3KZ2PWLJjuo0qFWYM6eQBwo28wbTAdBgNVHQ4EFgQU0QzeNnkslbiW
ljh7SCvb0CuUEA4wHwYDVR0jBBgwFoAU0QzeNnkslbiWljh7SCvb0CuUEA4wDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARhwR/AAABgglsb2NhbGhvc3QwCgYIKoZI
zj0EAwIDRwAwRAIgBxvnfZ4nC68W7/X/xRHcLdhNlbeD6nkXpE2S/dPUqMcCIDzJ
h4iZeHcXtsOeSyt4gQh3fHtidAk9Rh2odsxfR8Tl
-----END CERTIFICATE-----
`,
};

export type FakeEntity = { entity_id: string; state: string; attributes: Record<string, unknown> };

export type FakeFault =
  /** Answer this command only after `ms`. */
  | { kind: 'delay'; ms: number }
  /** Answer with a frame that is not JSON. */
  | { kind: 'not_json' }
  /** Answer success with a result of the wrong shape. */
  | { kind: 'bad_shape'; result: unknown }
  /** Never answer. */
  | { kind: 'drop' };

export type FakeHomeAssistantOptions = {
  tls?: { key: string; cert: string };
};

/** The token accepted until `setToken`. */
const FAKE_TOKEN = 'good-token';
const FAKE_VERSION = '2024.3.3';
const FAKE_ENTITIES: FakeEntity[] = [
  { entity_id: 'light.kitchen', state: 'off', attributes: { friendly_name: 'Kitchen Light', supported_color_modes: ['brightness'] } },
  { entity_id: 'switch.secret', state: 'off', attributes: { friendly_name: 'Secret Switch' } },
];
/** Exposed to Assist (conversation): entity id → bool. */
const FAKE_EXPOSURE: Record<string, boolean> = { 'light.kitchen': true, 'switch.secret': false };

export type FakeHomeAssistantServer = {
  /** http(s)://127.0.0.1:PORT */
  readonly url: string;
  readonly port: number;
  /** Every command received (type and payload), in order. */
  readonly commands: { type: string; [key: string]: unknown }[];
  readonly connections: number;
  states(): Map<string, FakeEntity>;
  /** The next (or every, with `sticky`) command of this type gets the fault. */
  fault(type: string, fault: FakeFault, options?: { sticky?: boolean }): void;
  clearFaults(): void;
  /** Stop reading and answering on every open socket, pings included (a network that died silently). */
  stall(): void;
  /** Destroy every socket without a close frame. */
  dropConnections(): void;
  /** Send a raw text frame on every open socket. */
  sendRaw(text: string): void;
  /** Accept only this token from now on (existing sockets stay). */
  setToken(token: string): void;
  close(): Promise<void>;
};

type Client = { ws: WebSocket; authed: boolean; stalled: boolean; entitySubs: number[] };

export async function createFakeHomeAssistantServer(options: FakeHomeAssistantOptions = {}): Promise<FakeHomeAssistantServer> {
  let token = FAKE_TOKEN;
  const states = new Map<string, FakeEntity>(FAKE_ENTITIES.map((e) => [e.entity_id, structuredClone(e)]));
  const commands: { type: string; [key: string]: unknown }[] = [];
  const faults = new Map<string, { fault: FakeFault; sticky: boolean }>();
  const clients = new Set<Client>();
  let connections = 0;
  let contextSeq = 0;

  const http: HttpServer = options.tls ? createHttpsServer({ key: options.tls.key, cert: options.tls.cert }) : createHttpServer();
  http.on('request', (_req, res) => {
    res.writeHead(404).end('not found');
  });
  const wss = new WebSocketServer({ noServer: true });
  http.on('upgrade', (req, socket, head) => {
    if (req.url !== '/api/websocket') {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws));
  });

  const compressed = (e: FakeEntity) => ({ s: e.state, a: e.attributes, c: `ctx${contextSeq}`, lc: Date.now() / 1000 });

  wss.on('connection', (ws: WebSocket) => {
    connections++;
    const client: Client = { ws, authed: false, stalled: false, entitySubs: [] };
    clients.add(client);
    ws.on('close', () => clients.delete(client));
    ws.on('error', () => undefined);
    const send = (message: unknown) => {
      if (!client.stalled && ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    };
    send({ type: 'auth_required', ha_version: FAKE_VERSION });
    ws.on('message', (data) => {
      if (client.stalled) return;
      let message: { id?: number; type?: string; [key: string]: unknown };
      try {
        message = JSON.parse(String(data)) as typeof message;
      } catch {
        return;
      }
      if (!client.authed) {
        if (message.type === 'auth' && message.access_token === token) {
          client.authed = true;
          send({ type: 'auth_ok', ha_version: FAKE_VERSION });
        } else {
          send({ type: 'auth_invalid', message: 'Invalid access token or password' });
          ws.close();
        }
        return;
      }
      const type = String(message.type);
      const id = Number(message.id);
      commands.push({ ...message, type });
      const result = (value: unknown) => send({ id, type: 'result', success: true, result: value });
      const error = (code: string, text: string) => send({ id, type: 'result', success: false, error: { code, message: text } });
      const answer = (fn: () => void) => {
        const entry = faults.get(type);
        if (entry && !entry.sticky) faults.delete(type);
        const fault = entry?.fault;
        if (!fault) return fn();
        switch (fault.kind) {
          case 'delay':
            setTimeout(fn, fault.ms);
            return;
          case 'not_json':
            if (ws.readyState === ws.OPEN) ws.send(`{"id":${id},"type":"result","success":tr`);
            return;
          case 'bad_shape':
            return result(fault.result);
          case 'drop':
            return;
        }
      };
      switch (type) {
        case 'supported_features':
        case 'subscribe_events':
        case 'unsubscribe_events':
        case 'conversation/prepare':
          return answer(() => result(null));
        case 'ping':
          return answer(() => send({ id, type: 'pong' }));
        case 'get_config':
          return answer(() => result({ state: 'RUNNING', version: FAKE_VERSION }));
        case 'config/floor_registry/list':
          return answer(() => error('unknown_command', 'Unknown command.'));
        case 'config/area_registry/list':
        case 'config/device_registry/list':
        case 'config/entity_registry/list':
          return answer(() => result([]));
        case 'config/entity_registry/get_entries':
          return answer(() => result({}));
        case 'homeassistant/expose_entity/list':
          return answer(() =>
            result({ exposed_entities: Object.fromEntries(Object.entries(FAKE_EXPOSURE).map(([k, v]) => [k, { conversation: v }])) }),
          );
        case 'homeassistant/expose_new_entities/get':
          return answer(() => result({ expose_new: false }));
        case 'get_states':
          return answer(() =>
            result(
              [...states.values()].map((e) => ({
                ...e,
                last_changed: '',
                last_updated: '',
                context: { id: 'x', parent_id: null, user_id: null },
              })),
            ),
          );
        case 'subscribe_entities':
          return answer(() => {
            result(null);
            client.entitySubs.push(id);
            send({ id, type: 'event', event: { a: Object.fromEntries([...states.values()].map((e) => [e.entity_id, compressed(e)])) } });
          });
        case 'call_service':
          return answer(() => {
            const target = (message.target as { entity_id?: string[] } | undefined)?.entity_id ?? [];
            const service = String(message.service);
            contextSeq++;
            for (const entityId of target) {
              const entity = states.get(entityId);
              if (!entity) continue;
              if (service === 'turn_on' || service === 'turn_off') entity.state = service === 'turn_on' ? 'on' : 'off';
              if (service === 'toggle') entity.state = entity.state === 'on' ? 'off' : 'on';
              for (const other of clients) {
                for (const sub of other.entitySubs) {
                  if (!other.stalled && other.ws.readyState === other.ws.OPEN) {
                    other.ws.send(
                      JSON.stringify({
                        id: sub,
                        type: 'event',
                        event: { c: { [entityId]: { '+': { s: entity.state, c: `ctx${contextSeq}`, lc: Date.now() / 1000 } } } },
                      }),
                    );
                  }
                }
              }
            }
            result({ context: { id: `ctx${contextSeq}`, parent_id: null, user_id: null } });
          });
        case 'conversation/process':
          return answer(() =>
            result({
              response: {
                speech: { plain: { speech: 'Done', extra_data: null } },
                response_type: 'action_done',
                language: 'en',
                data: { targets: [], success: [], failed: [] },
              },
              conversation_id: null,
            }),
          );
        default:
          return answer(() => error('unknown_command', 'Unknown command.'));
      }
    });
  });

  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const port = (http.address() as AddressInfo).port;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    commands,
    get connections() {
      return connections;
    },
    states: () => states,
    fault(type, fault, opts = {}) {
      faults.set(type, { fault, sticky: opts.sticky ?? false });
    },
    clearFaults() {
      faults.clear();
    },
    stall() {
      for (const client of clients) {
        client.stalled = true;
        // No pong either: pause the socket so ws's automatic ping answers stop too.
        (client.ws as unknown as { _socket?: { pause(): void } })._socket?.pause();
      }
    },
    dropConnections() {
      for (const client of clients) client.ws.terminate();
    },
    setToken(next) {
      token = next;
    },
    sendRaw(text) {
      for (const client of clients) if (client.ws.readyState === client.ws.OPEN) client.ws.send(text);
    },
    async close() {
      for (const client of clients) client.ws.terminate();
      wss.close();
      http.closeAllConnections?.();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
