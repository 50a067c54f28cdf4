import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AREA_OF_ENTITY,
  ENTITIES_WITHOUT_AREA,
  UNEXPOSED_ENTITY,
  connectHaWebSocket,
  ensureHomeAssistantVenv,
  startHomeAssistant,
  type HaSocket,
  type HomeAssistantInstance,
} from '../servers/home-assistant-core.js';

type State = { entity_id: string; state: string; attributes: Record<string, unknown> };
type EntityEntry = { entity_id: string; device_id: string | null; area_id: string | null };
type DeviceEntry = { id: string; area_id: string | null };
type AreaEntry = { area_id: string; name: string };
type ConversationResult = {
  response: {
    response_type: string;
    language: string;
    speech: { plain: { speech: string } };
    data: { targets: unknown[]; success: { name: string; type: string; id: string }[]; failed: unknown[] };
  };
  conversation_id: string | null;
};

async function areaNameOf(ws: HaSocket, entityId: string): Promise<string | null> {
  const [entities, devices, areas] = await Promise.all([
    ws.command<EntityEntry[]>('config/entity_registry/list'),
    ws.command<DeviceEntry[]>('config/device_registry/list'),
    ws.command<AreaEntry[]>('config/area_registry/list'),
  ]);
  const entity = entities.find((e) => e.entity_id === entityId);
  if (!entity) return null;
  const areaId = entity.area_id ?? devices.find((d) => d.id === entity.device_id)?.area_id ?? null;
  return areas.find((a) => a.area_id === areaId)?.name ?? null;
}

async function stateOf(ws: HaSocket, entityId: string): Promise<State | undefined> {
  return (await ws.command<State[]>('get_states')).find((s) => s.entity_id === entityId);
}

describe('real Home Assistant core fixture', () => {
  let ha: HomeAssistantInstance;
  let ws: HaSocket;

  beforeAll(async () => {
    await ensureHomeAssistantVenv({ log: (m) => console.log(`[ha-setup] ${m}`) });
    const t0 = Date.now();
    ha = await startHomeAssistant();
    console.log(`[ha] ${ha.version} RUNNING and prepared at ${ha.url} after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    ws = await connectHaWebSocket(ha.url, ha.token);
  }, 600_000);

  afterAll(async () => {
    await ws?.close();
    await ha?.stop();
  }, 60_000);

  it('authenticates the long-lived token over the WebSocket and REST APIs', async () => {
    expect(ws.haVersion).toBe('2024.3.3');
    expect(ha.version).toBe('2024.3.3');
    expect(ha.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const user = await ws.command<{ is_owner: boolean; is_admin: boolean }>('auth/current_user');
    expect(user).toMatchObject({ is_owner: true, is_admin: true });
    const res = await fetch(`${ha.url}/api/`, { headers: { authorization: `Bearer ${ha.token}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ message: 'API running.' });
    await expect(connectHaWebSocket(ha.url, 'not-a-token')).rejects.toThrow(/auth_invalid/);
  });

  it('has the demo entities and puts light.kitchen_lights into the Kitchen area', async () => {
    const states = await ws.command<State[]>('get_states');
    const ids = new Set(states.map((s) => s.entity_id));
    for (const id of [...Object.keys(AREA_OF_ENTITY), ...ENTITIES_WITHOUT_AREA, UNEXPOSED_ENTITY]) {
      expect(ids, id).toContain(id);
    }
    expect(await areaNameOf(ws, 'light.kitchen_lights')).toBe('Kitchen');
    expect(await areaNameOf(ws, 'cover.garage_door')).toBe('Garage');
    expect(await areaNameOf(ws, 'fan.living_room_fan')).toBe('Living Room');
  });

  it('changes state through call_service', async () => {
    expect((await stateOf(ws, 'light.kitchen_lights'))?.state).toBe('on');
    const result = await ws.command<{ context: { id: string } }>('call_service', {
      domain: 'light',
      service: 'turn_off',
      target: { entity_id: 'light.kitchen_lights' },
    });
    expect(result.context.id).toEqual(expect.any(String));
    expect((await stateOf(ws, 'light.kitchen_lights'))?.state).toBe('off');
  });

  it('reports the deliberately unexposed entity as not exposed', async () => {
    const { exposed_entities } = await ws.command<{ exposed_entities: Record<string, { conversation?: boolean }> }>(
      'homeassistant/expose_entity/list',
    );
    expect(exposed_entities[UNEXPOSED_ENTITY]?.conversation).toBe(false);
    expect(exposed_entities['light.kitchen_lights']?.conversation).toBe(true);
    expect(exposed_entities['media_player.living_room']?.conversation).toBe(true);
  });

  it('handles "turn on the kitchen lights" with conversation/process', async () => {
    const result = await ws.command<ConversationResult>('conversation/process', {
      text: 'turn on the kitchen lights',
      language: 'en',
    });
    expect(result.response.response_type).toBe('action_done');
    expect(result.response.data.success).toContainEqual({ name: 'Kitchen Lights', type: 'entity', id: 'light.kitchen_lights' });
    expect(result.response.speech.plain.speech).toEqual(expect.any(String));
    expect((await stateOf(ws, 'light.kitchen_lights'))?.state).toBe('on');

    const refused = await ws.command<ConversationResult>('conversation/process', { text: 'turn on the AC', language: 'en' });
    expect(refused.response.response_type).toBe('error');
    expect((await stateOf(ws, UNEXPOSED_ENTITY))?.state).toBe('off');
  });

  it('restarts on the same port with the same token and keeps areas and exposure', async () => {
    await ws.close();
    const { url, token } = ha;
    await ha.restart();
    expect(ha.url).toBe(url);
    ws = await connectHaWebSocket(ha.url, token);
    expect((await ws.command<{ state: string }>('get_config')).state).toBe('RUNNING');
    expect(await areaNameOf(ws, 'light.kitchen_lights')).toBe('Kitchen');
    const { exposed_entities } = await ws.command<{ exposed_entities: Record<string, { conversation?: boolean }> }>(
      'homeassistant/expose_entity/list',
    );
    expect(exposed_entities[UNEXPOSED_ENTITY]?.conversation).toBe(false);
  }, 240_000);
});
