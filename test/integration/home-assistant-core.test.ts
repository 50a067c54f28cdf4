import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, readlink, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/wait.js';
import { pidAlive } from '../helpers/pid-alive.js';
import { REPO_ROOT } from '../helpers/repo-root.js';
import {
  AREA_OF_ENTITY,
  ENTITIES_WITHOUT_AREA,
  HA_TEST_VERSIONS,
  HOME_FLOORS,
  HOME_LABELS,
  UNEXPOSED_ENTITY,
  connectHaWebSocket,
  ensureHomeAssistant2026Root,
  hasFloorsAndLabels,
  mountsBelow,
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

/** Descendants of `ancestor` whose command line mentions `needle` (from /proc: ppid chains). */
async function descendantsRunning(ancestor: number, needle: string): Promise<number[]> {
  const parents = new Map<number, number>();
  const commands = new Map<number, string>();
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => '');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (!Number.isInteger(ppid)) continue;
    parents.set(Number(name), ppid);
    commands.set(Number(name), (await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '')).replace(/\0/g, ' '));
  }
  const below = (pid: number): boolean => {
    for (let p = parents.get(pid), hops = 0; p !== undefined && hops < 20; p = parents.get(p), hops++) if (p === ancestor) return true;
    return false;
  };
  return [...commands].filter(([pid, cmd]) => cmd.includes(needle) && !cmd.includes('unshare') && below(pid)).map(([pid]) => pid);
}

/** Pids whose command line has this argument (e.g. the basename of a config dir). */
async function processesWithArgument(needle: string): Promise<number[]> {
  const pids: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const cmdline = await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.split('\0').some((arg) => arg.includes(needle))) pids.push(Number(name));
  }
  return pids;
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

  it('runs 2026.11 chrooted with its own /proc (nothing mounted in the test’s namespace), and stop() leaves nothing', async () => {
    // 2024.3.3 runs from the machine's venv; 2026.11 from the sid root, with its config dir inside.
    const root = version === '2024.3.3' ? '/' : (await ensureHomeAssistant2026Root({ log: () => {} })).rootDir;
    const pids = await processesWithArgument(path.basename(ha.configDir));
    expect(pids.length).toBeGreaterThan(0);
    expect(await Promise.all(pids.map((pid) => readlink(`/proc/${pid}/root`).catch(() => null)))).toContain(root);
    if (root !== '/') expect(await mountsBelow(root)).toEqual([]);
    const extra = await startHomeAssistant({ version });
    const extraDir = extra.configDir;
    expect(path.dirname(extraDir)).toBe(root === '/' ? os.tmpdir() : path.join(root, 'tmp'));
    expect(await processesWithArgument(path.basename(extraDir))).not.toEqual([]);
    await extra.stop();
    expect(existsSync(extraDir)).toBe(false);
    expect(await processesWithArgument(path.basename(extraDir))).toEqual([]);
    if (root !== '/') expect(await mountsBelow(root)).toEqual([]);
  }, 240_000);

  it('a test worker killed with SIGKILL while Home Assistant starts, or once it runs, leaves no Home Assistant behind', async () => {
    for (const when of ['starting', 'running'] as const) {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', path.join(REPO_ROOT, 'test', 'servers', 'start-home-assistant-child.ts'), version],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      // hass (2024.3.3) or the root's python (2026.11) below the child: its command line names the config dir.
      const hassPids = await eventually(
        async () =>
          when === 'starting'
            ? await descendantsRunning(child.pid!, 'hearth-ha-')
            : output.includes('RUNNING')
              ? await descendantsRunning(child.pid!, 'hearth-ha-')
              : [],
        (pids) => pids.length > 0,
        180_000,
        20,
      );
      child.kill('SIGKILL');
      await exited;
      await eventually(
        async () => (await Promise.all(hassPids.map((pid) => pidAlive(pid)))).some(Boolean),
        (alive) => !alive,
        60_000,
      );
      // Its config dir stays (no exit hook runs on SIGKILL) until a later run's stale-dir sweep: remove it now.
      const parent = path.dirname(ha.configDir);
      for (const name of await readdir(parent)) {
        const owner = await readFile(path.join(parent, name, '.hearth-owner-pid'), 'utf8').catch(() => '');
        if (name.startsWith('hearth-ha-') && owner === String(child.pid))
          await rm(path.join(parent, name), { recursive: true, force: true });
      }
    }
  }, 400_000);

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
