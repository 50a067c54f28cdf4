import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AREA_OF_ENTITY,
  ENTITIES_WITHOUT_AREA,
  HA_TEST_VERSIONS,
  HOME_FLOORS,
  HOME_LABELS,
  UNEXPOSED_ENTITY,
  connectHaWebSocket,
  hasFloorsAndLabels,
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

describe.each(HA_TEST_VERSIONS)('real Home Assistant %s core fixture', (version) => {
  let ha: HomeAssistantInstance;
  let ws: HaSocket;

  beforeAll(async () => {
    const t0 = Date.now();
    ha = await startHomeAssistant({ version });
    console.log(`[ha] ${ha.version} RUNNING and prepared at ${ha.url} after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    ws = await connectHaWebSocket(ha.url, ha.token);
  }, 600_000);

  afterAll(async () => {
    await ws?.close();
    await ha?.stop();
  }, 60_000);

  it('authenticates the long-lived token over the WebSocket and REST APIs', async () => {
    expect(ws.haVersion).toBe(version);
    expect(ha.version).toBe(version);
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
    if (version === '2024.3.3') {
      expect(exposed_entities[UNEXPOSED_ENTITY]?.conversation).toBe(false);
    } else {
      // 2026.11 lists exposed entities only; the decision is in the entity registry's options.
      expect(exposed_entities[UNEXPOSED_ENTITY]).toBeUndefined();
      expect(Object.values(exposed_entities).flatMap((a) => Object.values(a))).not.toContain(false);
    }
    const entries =
      await ws.command<{ entity_id: string; options: { conversation?: { should_expose?: boolean } } }[]>('config/entity_registry/list');
    expect(entries.find((e) => e.entity_id === UNEXPOSED_ENTITY)?.options.conversation?.should_expose).toBe(false);
    expect(exposed_entities['light.kitchen_lights']?.conversation).toBe(true);
    expect(exposed_entities['media_player.living_room']?.conversation).toBe(true);
  });

  it('has the floors and labels of the test home on 2026.11; none on 2024.3.3, which cannot assign them', async () => {
    const [floors, areas, labels, entries] = await Promise.all([
      ws.command<{ floor_id: string; name: string; aliases: string[]; level: number }[]>('config/floor_registry/list'),
      ws.command<{ area_id: string; name: string; floor_id?: string | null }[]>('config/area_registry/list'),
      ws.command<{ label_id: string; name: string }[]>('config/label_registry/list'),
      ws.command<{ entity_id: string; labels?: string[] }[]>('config/entity_registry/list'),
    ]);
    if (!hasFloorsAndLabels(version)) {
      // The registries answer (2024.3 has them), but nothing can be put on a floor or labelled.
      expect(floors).toEqual([]);
      expect(labels).toEqual([]);
      const area = areas.find((a) => a.name === 'Kitchen')!;
      await expect(ws.command('config/area_registry/update', { area_id: area.area_id, floor_id: 'x' })).rejects.toMatchObject({
        code: 'invalid_format',
      });
      return;
    }
    for (const floor of HOME_FLOORS) {
      const entry = floors.find((f) => f.name === floor.name);
      expect(entry).toMatchObject({ aliases: [...floor.aliases], level: floor.level });
      expect(areas.filter((a) => a.floor_id === entry!.floor_id).map((a) => a.name)).toEqual(expect.arrayContaining([...floor.areas]));
    }
    const holiday = labels.find((l) => l.name === HOME_LABELS[0].name)!;
    expect(entries.filter((e) => e.labels?.includes(holiday.label_id)).map((e) => e.entity_id)).toEqual(
      expect.arrayContaining([...HOME_LABELS[0].entities]),
    );
  });

  it('Assist understands floors on 2026.11, not on 2024.3.3', async () => {
    const kitchenBefore = (await stateOf(ws, 'light.kitchen_lights'))?.state;
    await ws.command('call_service', {
      domain: 'light',
      service: 'turn_on',
      target: { entity_id: ['light.bed_light', 'light.office_rgbw_lights'] },
    });
    const upstairs = await ws.command<ConversationResult>('conversation/process', {
      text: 'turn off the lights on the first floor',
      language: 'en',
    });
    if (version === '2024.3.3') {
      expect(upstairs.response.response_type).toBe('error');
      expect((await stateOf(ws, 'light.bed_light'))?.state).toBe('on');
    } else {
      expect(upstairs.response.response_type).toBe('action_done');
      expect((await stateOf(ws, 'light.bed_light'))?.state).toBe('off');
      expect((await stateOf(ws, 'light.office_rgbw_lights'))?.state).toBe('off');
    }
    expect((await stateOf(ws, 'light.kitchen_lights'))?.state).toBe(kitchenBefore);
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
    const entries =
      await ws.command<{ entity_id: string; options: { conversation?: { should_expose?: boolean } } }[]>('config/entity_registry/list');
    expect(entries.find((e) => e.entity_id === UNEXPOSED_ENTITY)?.options.conversation?.should_expose).toBe(false);
  }, 240_000);
});
