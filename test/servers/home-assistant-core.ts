/**
 * A real Home Assistant core (2024.3.3 or 2026.11.0, demo integration) as a test fixture.
 *
 * `startHomeAssistant({ version })` installs the venv (2024.3.3, scripts/setup-home-assistant.mjs)
 * or the Debian sid root (2026.11.0, scripts/setup-home-assistant-2026.mjs) if needed, copies
 * test/servers/ha-config to a fresh temporary directory (for 2026.11 under <root>/tmp, which hass
 * sees as /tmp: it runs chrooted, see LAUNCHER), starts `hass` on a free 127.0.0.1 port,
 * onboards an owner user (REST onboarding flow → auth code → /auth/token → WebSocket
 * `auth/long_lived_access_token`), waits for `get_config.state === "RUNNING"`, then puts the demo
 * entities into areas and sets their exposure to Assist over the WebSocket API.
 *
 * Facts about the 2024.3.3 demo that shape this module (checked against a running instance):
 * - Locks, media players, the alarm panel, humidifiers, vacuums, water heaters, sirens, cameras and
 *   calendars of the demo have no unique_id, so they have no entity-registry entry and cannot be
 *   put into an area (`config/entity_registry/update` answers not_found). They can still be
 *   exposed. See ENTITIES_WITHOUT_AREA.
 * - The demo's input_select/input_boolean/input_button/input_number helpers, `script.demo` and its
 *   two scenes do not appear: bootstrap sets those integrations up (empty) before the demo tries to.
 * - Home Assistant stores an exposure decision for every entity soon after start (default rule:
 *   climate, cover, fan, humidifier, light, lock, scene, script, switch, todo, vacuum, water_heater,
 *   plus binary sensors/sensors of a few device classes). Media players are not exposed by default
 *   in 2024.3; this fixture exposes DEFAULT_EXPOSED_ENTITIES explicitly.
 * - 2024.3.3 answers `config/floor_registry/list` and `config/label_registry/list` (empty), but
 *   cannot assign them (see HOME_FLOORS): its test home has neither.
 *
 * What differs on 2026.11.0 (checked against a running instance):
 * - Onboarding, the token flow, the three default areas and the demo entity ids are the same. The
 *   alarm panel now has a registry entry; locks and media players still have none.
 * - The fixture adds floors (with aliases) and a label (HOME_FLOORS, HOME_LABELS).
 * - `homeassistant/expose_entity/list` lists exposed entities only; an unexposed registry entity's
 *   decision is in `config/entity_registry/list` (`options.conversation.should_expose: false`).
 * - Default exposure: media_player is exposed by default, lock and script no longer are.
 * - A renamed entity with a device is named "<device name> <name>" (has_entity_name), a demo cover
 *   shows "opening" at once, `conversation.home_assistant` exists, and `conversation/process`
 *   always returns a conversation_id. Assist understands floors ("lights on the first floor").
 * - The demo loads ffmpeg, which is not installed in the root: one ERROR line at start, harmless.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import WebSocket from 'ws';
import { pidAlive } from '../helpers/pid-alive.js';
import { REPO_ROOT } from '../helpers/repo-root.js';

export type HomeAssistantInstance = {
  /** http://127.0.0.1:PORT (no trailing slash) */
  url: string;
  /** Long-lived access token of the owner user (admin). */
  token: string;
  configDir: string;
  /** Home Assistant version reported by the server, e.g. "2024.3.3". */
  version: string;
  /** SIGTERM (SIGKILL after a timeout) and remove the temporary config directory. */
  stop(): Promise<void>;
  /** Stop and start again on the same port and config; resolves once RUNNING again. */
  restart(): Promise<void>;
};

/** The Home Assistant versions the integration tests run against: the oldest supported and the newest. */
export const HA_TEST_VERSIONS = ['2024.3.3', '2026.11.0'] as const;
export type HaTestVersion = (typeof HA_TEST_VERSIONS)[number];
export const HA_OLDEST: HaTestVersion = '2024.3.3';
export const HA_NEWEST: HaTestVersion = '2026.11.0';

export type StartHomeAssistantOptions = {
  /** Which Home Assistant (default 2024.3.3, the oldest supported). */
  version?: HaTestVersion;
  /** Entity ids to expose to Assist in addition to DEFAULT_EXPOSED_ENTITIES. */
  exposeEntities?: string[];
  /** Entity ids to hide from Assist (UNEXPOSED_ENTITY always is). Wins over exposeEntities. */
  unexposeEntities?: string[];
  /** Milliseconds until RUNNING before giving up (default 180 000). */
  startTimeoutMs?: number;
};

/** Entity deliberately NOT exposed to Assist (HA would expose it by default: switch domain). */
export const UNEXPOSED_ENTITY = 'switch.ac';

/** Login of the owner user created by onboarding. */
export const HA_USER = { name: 'Hearth Test', username: 'hearth', password: 'hearth-test-password' } as const;

/**
 * Areas of the test home and the entities put into them. Living Room, Kitchen and Bedroom are created
 * by onboarding; the others by this fixture. Entities with a device get the device's area (the entity
 * inherits it, entity.area_id stays null); entities without a device (the demo fans) get their own.
 */
export const HOME_AREAS = [
  {
    name: 'Living Room',
    entities: [
      'light.living_room_rgbww_lights',
      'light.ceiling_lights',
      'cover.living_room_window',
      'fan.living_room_fan',
      'switch.decorative_lights',
      'climate.hvac',
    ],
  },
  { name: 'Kitchen', entities: ['light.kitchen_lights', 'cover.kitchen_window'] },
  { name: 'Bedroom', entities: ['light.bed_light', 'fan.ceiling_fan', 'climate.heatpump'] },
  { name: 'Hallway', entities: ['light.entrance_color_white_lights', 'cover.hall_window'] },
  { name: 'Garage', entities: ['cover.garage_door'] },
  { name: 'Office', entities: ['light.office_rgbw_lights', 'switch.ac', 'climate.ecobee'] },
] as const satisfies readonly { name: string; entities: readonly string[] }[];

export type HomeAreaName = (typeof HOME_AREAS)[number]['name'];

/**
 * Floors of the test home, created only where areas can be put on floors (2024.4+, see
 * hasFloorsAndLabels). 2024.3.3 already answers `config/floor_registry/list` and
 * `config/label_registry/list` (empty), but its `config/area_registry/update` and
 * `config/entity_registry/update` reject `floor_id` and `labels` (invalid_format) and its floors have
 * no aliases: its test home has no floors and no labels, like any 2024.3 home.
 */
export const HOME_FLOORS = [
  { name: 'Ground Floor', aliases: ['downstairs'], level: 0, areas: ['Living Room', 'Kitchen', 'Hallway', 'Garage'] },
  { name: 'First Floor', aliases: ['upstairs'], level: 1, areas: ['Bedroom', 'Office'] },
] as const satisfies readonly { name: string; aliases: readonly string[]; level: number; areas: readonly HomeAreaName[] }[];

/** Labels of the test home and the entities that carry them (created like floors). */
export const HOME_LABELS = [
  { name: 'Holiday', entities: ['switch.decorative_lights', 'light.entrance_color_white_lights'] },
] as const satisfies readonly { name: string; entities: readonly string[] }[];

/** Whether areas can be put on floors and entities labelled over the WebSocket API (2024.4+; not 2024.3.3). */
export function hasFloorsAndLabels(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map((p) => Number.parseInt(p, 10));
  return major > 2024 || (major === 2024 && minor >= 4);
}

/** entity_id → area name, from HOME_AREAS. */
export const AREA_OF_ENTITY: Readonly<Record<string, HomeAreaName>> = Object.fromEntries(
  HOME_AREAS.flatMap((a) => a.entities.map((e) => [e, a.name] as const)),
);

/**
 * Demo entities without an entity-registry entry (no unique_id in 2024.3.3), so no area. They can be
 * addressed by name ("unlock the front door") but not by area.
 */
export const ENTITIES_WITHOUT_AREA = [
  'lock.front_door',
  'lock.kitchen_door',
  'lock.openable_lock',
  'lock.poorly_installed_door',
  'media_player.living_room',
  'media_player.bedroom',
  'media_player.kitchen',
  'media_player.walkman',
  'media_player.lounge_room',
  'alarm_control_panel.security',
] as const;

/** Exposed to Assist explicitly by the fixture (on top of Home Assistant's own defaults). */
export const DEFAULT_EXPOSED_ENTITIES = [
  'light.bed_light',
  'light.ceiling_lights',
  'light.kitchen_lights',
  'light.office_rgbw_lights',
  'light.living_room_rgbww_lights',
  'light.entrance_color_white_lights',
  'switch.decorative_lights',
  'cover.kitchen_window',
  'cover.hall_window',
  'cover.living_room_window',
  'cover.garage_door',
  'cover.pergola_roof',
  'climate.heatpump',
  'climate.hvac',
  'climate.ecobee',
  'fan.living_room_fan',
  'fan.ceiling_fan',
  'lock.front_door',
  'lock.kitchen_door',
  'media_player.living_room',
  'media_player.bedroom',
  'media_player.kitchen',
  'sensor.outside_temperature',
  'sensor.outside_humidity',
] as const;

const CONFIG_TEMPLATE = path.join(REPO_ROOT, 'test', 'servers', 'ha-config');
const SETUP_SCRIPT = path.join(REPO_ROOT, 'scripts', 'setup-home-assistant.mjs');
const SETUP_2026_SCRIPT = path.join(REPO_ROOT, 'scripts', 'setup-home-assistant-2026.mjs');
const STOP_TIMEOUT_MS = 30_000;
const TEMP_PREFIX = 'hearth-ha-';
const OWNER_FILE = '.hearth-owner-pid';
const LOG_TAIL_LINES = 60;

/**
 * Sets PR_SET_PDEATHSIG (the signal in argv[2] on the death of the spawning thread, kept across
 * execve), refuses to start if the parent is already gone, then execs the rest of argv. So even a
 * test worker killed with SIGKILL leaves no Home Assistant behind: 2024.3.3's hass gets SIGTERM;
 * 2026.11's `unshare` (which blocks SIGTERM) gets SIGKILL, and its --kill-child sends SIGTERM on
 * to hass (a plain process, not the init of a pid namespace, so SIGTERM works before its handler is
 * installed).
 */
const LAUNCHER = [
  'import ctypes, os, signal, sys',
  'ctypes.CDLL(None, use_errno=True).prctl(1, getattr(signal, sys.argv[2]))',
  'os.getppid() == int(sys.argv[1]) or sys.exit(70)',
  'os.execvp(sys.argv[3], sys.argv[3:])',
].join('\n');

export type SetupResult = {
  venvDir: string;
  hassBin: string;
  python: string;
  haVersion: string;
  requirements: string[];
  installed: boolean;
  seconds: number;
};
type SetupModule = {
  ensureHomeAssistantVenv(options?: { force?: boolean; log?: (msg: string) => void }): Promise<SetupResult>;
};

export type Setup2026Result = {
  rootDir: string;
  /** The venv's python, as a path inside the root. */
  python: string;
  haVersion: string;
  requirements: string[];
  installed: boolean;
  debootstrapSeconds: number | null;
  pipSeconds: number | null;
  seconds: number;
};
type Setup2026Module = {
  ensureHomeAssistant2026Root(options?: { force?: boolean; log?: (msg: string) => void }): Promise<Setup2026Result>;
  inRootArgv(args: string[], options?: { killChildSignal?: string; pidNamespace?: boolean }): [string, string[]];
  rootEnv(extra?: Record<string, string>): Record<string, string>;
  mountsBelow(dir: string): Promise<string[]>;
};

/** ensureHomeAssistantVenv() from scripts/setup-home-assistant.mjs (plain JS, loaded dynamically). */
export async function ensureHomeAssistantVenv(options?: { log?: (msg: string) => void }): Promise<SetupResult> {
  const mod = (await import(pathToFileURL(SETUP_SCRIPT).href)) as SetupModule;
  return mod.ensureHomeAssistantVenv(options);
}

async function setup2026(): Promise<Setup2026Module> {
  return (await import(pathToFileURL(SETUP_2026_SCRIPT).href)) as Setup2026Module;
}

/** ensureHomeAssistant2026Root() from scripts/setup-home-assistant-2026.mjs: the Debian sid root with 2026.11. */
export async function ensureHomeAssistant2026Root(options?: { log?: (msg: string) => void }): Promise<Setup2026Result> {
  return (await setup2026()).ensureHomeAssistant2026Root(options);
}

/** Mount points at or below `dir` in the test process's mount namespace (the fixture never leaves any). */
export async function mountsBelow(dir: string): Promise<string[]> {
  return (await setup2026()).mountsBelow(dir);
}

/** How to start one version's hass: the command after the launcher, its environment, the config dir as hass sees it. */
type Launch = {
  version: HaTestVersion;
  /** Where fresh config directories are created on this machine. */
  tempParent: string;
  /** The config dir path as hass sees it (inside the root for 2026.11). */
  innerConfigDir(configDir: string): string;
  argv(innerConfigDir: string): string[];
  env(port: number): NodeJS.ProcessEnv;
  /** Signal for the launcher's PR_SET_PDEATHSIG. */
  deathSignal: 'SIGTERM' | 'SIGKILL';
  /** The launcher python (a host interpreter). */
  launcherPython: string;
};

async function prepareLaunch(version: HaTestVersion): Promise<Launch> {
  if (version === '2024.3.3') {
    const venv = await ensureHomeAssistantVenv({ log: () => {} });
    return {
      version,
      tempParent: os.tmpdir(),
      innerConfigDir: (dir) => dir,
      argv: (dir) => [venv.hassBin, '-c', dir, '--skip-pip'],
      env: (port) => ({ ...process.env, HEARTH_HA_PORT: String(port), PYTHONUNBUFFERED: '1' }),
      deathSignal: 'SIGTERM',
      launcherPython: venv.python,
    };
  }
  const mod = await setup2026();
  const root = await mod.ensureHomeAssistant2026Root({ log: () => {} });
  const tempParent = path.join(root.rootDir, 'tmp');
  return {
    version,
    tempParent,
    innerConfigDir: (dir) => `/tmp/${path.basename(dir)}`,
    argv: (dir) => {
      const [cmd, args] = mod.inRootArgv([root.python, '-m', 'homeassistant', '-c', dir, '--skip-pip'], {
        killChildSignal: 'SIGTERM',
        pidNamespace: false,
      });
      return [cmd, ...args];
    },
    env: (port) => mod.rootEnv({ HEARTH_HA_PORT: String(port), PYTHONUNBUFFERED: '1' }),
    deathSignal: 'SIGKILL',
    // Any host Python 3 runs the launcher; the 2024.3.3 venv's is there whenever the tests run.
    launcherPython: process.env.HEARTH_PYTHON ?? 'python3',
  };
}

// ---------------------------------------------------------------------------------------------
// Minimal WebSocket client for test setup: auth, then `{id, type, ...}` commands.

export class HaCommandError extends Error {
  constructor(
    readonly command: string,
    readonly code: string,
    message: string,
  ) {
    super(`${command}: ${code}: ${message}`);
    this.name = 'HaCommandError';
  }
}

export type HaSocket = {
  haVersion: string;
  /** Send a command and resolve with its `result` (rejects with HaCommandError on success:false). */
  command<T = unknown>(type: string, payload?: Record<string, unknown>, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
};

type Pending = { type: string; resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout };

/** Connect to `${url}/api/websocket` and authenticate; rejects on auth_invalid or connection errors. */
export function connectHaWebSocket(url: string, token: string, timeoutMs = 10_000): Promise<HaSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/api/websocket`, { handshakeTimeout: timeoutMs });
    let nextId = 1;
    let authed = false;
    const pending = new Map<number, Pending>();
    const failAll = (err: Error) => {
      for (const p of pending.values()) {
        clearTimeout(p.timer);
        p.reject(err);
      }
      pending.clear();
    };
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`WebSocket auth to ${url} timed out`));
    }, timeoutMs);
    ws.on('error', (err) => {
      if (!authed) {
        clearTimeout(timer);
        reject(err);
      }
    });
    ws.on('close', () => {
      clearTimeout(timer);
      if (!authed) reject(new Error(`WebSocket to ${url} closed during auth`));
      failAll(new Error(`WebSocket to ${url} closed`));
    });
    ws.on('message', (data) => {
      const parsed = JSON.parse(String(data)) as unknown;
      for (const msg of (Array.isArray(parsed) ? parsed : [parsed]) as Record<string, unknown>[]) {
        if (msg.type === 'auth_required') {
          ws.send(JSON.stringify({ type: 'auth', access_token: token }));
        } else if (msg.type === 'auth_invalid') {
          clearTimeout(timer);
          reject(new Error(`auth_invalid: ${String(msg.message)}`));
          ws.close();
        } else if (msg.type === 'auth_ok') {
          authed = true;
          clearTimeout(timer);
          resolve({
            haVersion: String(msg.ha_version),
            command<T>(type: string, payload: Record<string, unknown> = {}, cmdTimeoutMs = 30_000): Promise<T> {
              return new Promise<T>((res, rej) => {
                if (ws.readyState !== WebSocket.OPEN) {
                  rej(new Error(`${type}: WebSocket is not open`));
                  return;
                }
                const id = nextId++;
                const t = setTimeout(() => {
                  pending.delete(id);
                  rej(new Error(`${type}: no answer within ${cmdTimeoutMs} ms`));
                }, cmdTimeoutMs);
                pending.set(id, { type, resolve: res as (v: unknown) => void, reject: rej, timer: t });
                ws.send(JSON.stringify({ ...payload, id, type }));
              });
            },
            close: () =>
              new Promise<void>((res) => {
                if (ws.readyState === WebSocket.CLOSED) return res();
                ws.once('close', () => res());
                ws.close();
              }),
          });
        } else if (typeof msg.id === 'number') {
          const p = pending.get(msg.id);
          if (!p) continue;
          if (msg.type === 'result' || msg.type === 'pong') {
            pending.delete(msg.id);
            clearTimeout(p.timer);
            if (msg.type === 'pong' || msg.success) p.resolve(msg.result);
            else {
              const e = (msg.error ?? {}) as { code?: string; message?: string };
              p.reject(new HaCommandError(p.type, String(e.code), String(e.message)));
            }
          }
        }
      }
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Process management

const running = new Set<ChildProcess>();
const tempDirs = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Last resort for a crashed or aborted run (normal teardown calls stop()); the launcher's
  // PR_SET_PDEATHSIG covers a worker killed with SIGKILL.
  process.on('exit', () => {
    for (const child of running) {
      try {
        // Each hass runs in its own process group (see HassProcess.start).
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  });
}

/** Remove config dirs left by runs that were killed with SIGKILL (their owner pid is gone). */
async function removeStaleConfigDirs(tmp: string): Promise<void> {
  for (const name of await readdir(tmp).catch(() => [] as string[])) {
    if (!name.startsWith(TEMP_PREFIX)) continue;
    const dir = path.join(tmp, name);
    try {
      const owner = Number(await readFile(path.join(dir, OWNER_FILE), 'utf8'));
      const age = Date.now() - (await stat(dir)).mtimeMs;
      if (Number.isInteger(owner) && owner !== process.pid && !pidAlive(owner) && age > 60_000) {
        await rm(dir, { recursive: true, force: true });
      }
    } catch {
      // not ours, or being created/removed right now
    }
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

class HassProcess {
  private child: ChildProcess | null = null;
  private logTail: string[] = [];
  private exited: Promise<void> = Promise.resolve();
  exitInfo: string | null = null;

  constructor(
    readonly configDir: string,
    readonly port: number,
    private readonly launch: Launch,
  ) {}

  start(): void {
    this.logTail = [];
    this.exitInfo = null;
    const { launch } = this;
    const argv = launch.argv(launch.innerConfigDir(this.configDir));
    // detached: its own process group, so stop() reaches hass behind `unshare` (which ignores SIGTERM).
    const child = spawn(launch.launcherPython, ['-c', LAUNCHER, String(process.pid), launch.deathSignal, ...argv], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: launch.env(this.port),
      detached: true,
    });
    this.child = child;
    running.add(child);
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (line.trim() === '') continue;
        this.logTail.push(line);
        if (this.logTail.length > 400) this.logTail.splice(0, this.logTail.length - 400);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitInfo = signal ? `killed by ${signal}` : `exit code ${code}`;
        running.delete(child);
        resolve();
      });
      child.once('error', (err) => {
        this.exitInfo = `spawn error: ${err.message}`;
        running.delete(child);
        resolve();
      });
    });
  }

  get alive(): boolean {
    return this.child !== null && this.exitInfo === null;
  }

  /** The last lines of Home Assistant's console output (its log at level warning and above). */
  tail(lines = LOG_TAIL_LINES): string {
    const out = this.logTail.slice(-lines).join('\n');
    return out === '' ? '(no output)' : out;
  }

  #signal(signal: NodeJS.Signals): void {
    const pid = this.child?.pid;
    if (!pid) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // the group is gone already
    }
  }

  async stop(): Promise<{ graceful: boolean }> {
    const child = this.child;
    if (!child || this.exitInfo !== null) return { graceful: true };
    this.#signal('SIGTERM');
    const graceful = await Promise.race([this.exited.then(() => true), sleep(STOP_TIMEOUT_MS).then(() => false)]);
    if (!graceful) {
      this.#signal('SIGKILL');
      await this.exited;
    }
    return { graceful };
  }
}

// ---------------------------------------------------------------------------------------------
// Startup, onboarding, home preparation

async function fetchJson(url: string, init?: RequestInit): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // keep text
  }
  return { status: res.status, body };
}

function startupError(hass: HassProcess, what: string, cause?: unknown): Error {
  const reason = cause instanceof Error ? cause.message : cause ? String(cause) : '';
  const state = hass.alive ? 'still running' : `exited (${hass.exitInfo})`;
  return new Error(
    `Home Assistant ${what}${reason ? `: ${reason}` : ''} [process ${state}; config ${hass.configDir}]\n` +
      `--- last lines of Home Assistant's output ---\n${hass.tail()}`,
  );
}

/** Poll until the HTTP server answers GET /api/onboarding (available before RUNNING). */
async function waitForHttp(hass: HassProcess, url: string, deadline: number): Promise<void> {
  let last: unknown = 'no answer';
  while (Date.now() < deadline) {
    if (!hass.alive) throw startupError(hass, 'exited before its HTTP server came up');
    try {
      const { status } = await fetchJson(`${url}/api/onboarding`);
      if (status === 200) return;
      last = `GET /api/onboarding → ${status}`;
    } catch (err) {
      last = err;
    }
    await sleep(250);
  }
  throw startupError(hass, 'HTTP server did not come up in time', last);
}

/** Onboarding: owner user → auth code → access token → long-lived token. */
async function onboard(url: string): Promise<string> {
  const clientId = `${url}/`;
  const user = await fetchJson(`${url}/api/onboarding/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: clientId, ...HA_USER, language: 'en' }),
  });
  const authCode = (user.body as { auth_code?: string } | null)?.auth_code;
  if (user.status !== 200 || !authCode) {
    throw new Error(`POST /api/onboarding/users → ${user.status} ${JSON.stringify(user.body)}`);
  }
  const tokenRes = await fetchJson(`${url}/auth/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'authorization_code', code: authCode, client_id: clientId }),
  });
  const accessToken = (tokenRes.body as { access_token?: string } | null)?.access_token;
  if (tokenRes.status !== 200 || !accessToken) {
    throw new Error(`POST /auth/token → ${tokenRes.status} ${JSON.stringify(tokenRes.body)}`);
  }
  const ws = await connectHaWebSocket(url, accessToken);
  try {
    return await ws.command<string>('auth/long_lived_access_token', { client_name: 'hearth-tests', lifespan: 3650 });
  } finally {
    await ws.close();
  }
}

/** Connect with the token (retrying while the WebSocket API is not up) and wait for RUNNING. */
async function waitForRunning(hass: HassProcess, url: string, token: string, deadline: number): Promise<string> {
  let last: unknown = 'never connected';
  while (Date.now() < deadline) {
    if (!hass.alive) throw startupError(hass, 'exited before reaching RUNNING', last);
    let ws: HaSocket | null = null;
    try {
      ws = await connectHaWebSocket(url, token, 5_000);
      while (Date.now() < deadline) {
        const config = await ws.command<{ state: string; version: string }>('get_config');
        if (config.state === 'RUNNING') return config.version;
        last = `state ${config.state}`;
        await sleep(250);
      }
    } catch (err) {
      if (err instanceof Error && err.message.startsWith('auth_invalid')) throw startupError(hass, 'rejected the token', err);
      last = err;
      await sleep(250);
    } finally {
      await ws?.close();
    }
  }
  throw startupError(hass, 'did not reach RUNNING in time', last);
}

type AreaEntry = { area_id: string; name: string };
type EntityEntry = { entity_id: string; device_id: string | null; area_id: string | null };

async function prepareHome(ws: HaSocket, options: StartHomeAssistantOptions, version: string): Promise<void> {
  const states = await ws.command<{ entity_id: string }[]>('get_states');
  const known = new Set(states.map((s) => s.entity_id));
  const unknown = [
    ...DEFAULT_EXPOSED_ENTITIES,
    UNEXPOSED_ENTITY,
    ...HOME_AREAS.flatMap((a) => a.entities),
    ...(options.exposeEntities ?? []),
    ...(options.unexposeEntities ?? []),
  ].filter((e) => !known.has(e));
  if (unknown.length > 0) throw new Error(`unknown entity ids (not in get_states): ${[...new Set(unknown)].join(', ')}`);

  // Areas: onboarding created Living Room, Kitchen, Bedroom; create the rest.
  const areas = await ws.command<AreaEntry[]>('config/area_registry/list');
  const areaId = new Map(areas.map((a) => [a.name, a.area_id]));
  for (const { name } of HOME_AREAS) {
    if (!areaId.has(name)) {
      const created = await ws.command<AreaEntry>('config/area_registry/create', { name });
      areaId.set(name, created.area_id);
    }
  }

  const entities = await ws.command<EntityEntry[]>('config/entity_registry/list');
  const byId = new Map(entities.map((e) => [e.entity_id, e]));
  for (const area of HOME_AREAS) {
    const id = areaId.get(area.name);
    for (const entityId of area.entities) {
      const entry = byId.get(entityId);
      if (!entry) throw new Error(`${entityId} has no entity-registry entry, so it cannot be put into ${area.name}`);
      if (entry.device_id) {
        await ws.command('config/device_registry/update', { device_id: entry.device_id, area_id: id });
      } else {
        await ws.command('config/entity_registry/update', { entity_id: entityId, area_id: id });
      }
    }
  }

  // Floors and labels where areas and entities can carry them (2024.4+).
  if (hasFloorsAndLabels(version)) {
    const floors = await ws.command<{ floor_id: string; name: string }[]>('config/floor_registry/list');
    for (const floor of HOME_FLOORS) {
      const floorId =
        floors.find((f) => f.name === floor.name)?.floor_id ??
        (
          await ws.command<{ floor_id: string }>('config/floor_registry/create', {
            name: floor.name,
            aliases: [...floor.aliases],
            level: floor.level,
          })
        ).floor_id;
      for (const area of floor.areas) await ws.command('config/area_registry/update', { area_id: areaId.get(area), floor_id: floorId });
    }
    const labels = await ws.command<{ label_id: string; name: string }[]>('config/label_registry/list');
    for (const label of HOME_LABELS) {
      const labelId =
        labels.find((l) => l.name === label.name)?.label_id ??
        (await ws.command<{ label_id: string }>('config/label_registry/create', { name: label.name })).label_id;
      for (const entityId of label.entities) await ws.command('config/entity_registry/update', { entity_id: entityId, labels: [labelId] });
    }
  }

  const unexpose = new Set([UNEXPOSED_ENTITY, ...(options.unexposeEntities ?? [])]);
  const expose = [...new Set([...DEFAULT_EXPOSED_ENTITIES, ...(options.exposeEntities ?? [])])].filter((e) => !unexpose.has(e));
  await ws.command('homeassistant/expose_entity', { assistants: ['conversation'], entity_ids: expose, should_expose: true });
  await ws.command('homeassistant/expose_entity', {
    assistants: ['conversation'],
    entity_ids: [...unexpose],
    should_expose: false,
  });
}

/** Start a fresh Home Assistant (see the module comment). Call `stop()` when done. */
export async function startHomeAssistant(options: StartHomeAssistantOptions = {}): Promise<HomeAssistantInstance> {
  const timeoutMs = options.startTimeoutMs ?? 180_000;
  const launch = await prepareLaunch(options.version ?? HA_OLDEST);
  installExitHook();

  await removeStaleConfigDirs(launch.tempParent);
  const configDir = await mkdtemp(path.join(launch.tempParent, TEMP_PREFIX));
  tempDirs.add(configDir);
  await writeFile(path.join(configDir, OWNER_FILE), String(process.pid));
  await cp(CONFIG_TEMPLATE, configDir, { recursive: true });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const hass = new HassProcess(configDir, port, launch);

  const cleanup = async () => {
    await hass.stop();
    await rm(configDir, { recursive: true, force: true });
    tempDirs.delete(configDir);
  };

  let token: string;
  let version: string;
  try {
    const deadline = Date.now() + timeoutMs;
    hass.start();
    await waitForHttp(hass, url, deadline);
    try {
      token = await onboard(url);
    } catch (err) {
      throw startupError(hass, 'onboarding failed', err);
    }
    version = await waitForRunning(hass, url, token, deadline);
    const ws = await connectHaWebSocket(url, token);
    try {
      await prepareHome(ws, options, version);
    } catch (err) {
      throw startupError(hass, 'test-home preparation failed', err);
    } finally {
      await ws.close();
    }
  } catch (err) {
    await cleanup();
    throw err;
  }

  let stopped = false;
  const instance: HomeAssistantInstance = {
    url,
    token,
    configDir,
    version,
    async stop() {
      if (stopped) return;
      stopped = true;
      await cleanup();
    },
    async restart() {
      if (stopped) throw new Error('restart() after stop()');
      const { graceful } = await hass.stop();
      if (!graceful) {
        throw startupError(hass, `did not stop within ${STOP_TIMEOUT_MS / 1000} s on SIGTERM (killed; storage may be lost)`);
      }
      hass.start();
      try {
        const deadline = Date.now() + timeoutMs;
        await waitForHttp(hass, url, deadline);
        instance.version = await waitForRunning(hass, url, token, deadline);
      } catch (err) {
        await hass.stop();
        throw err;
      }
    },
  };
  return instance;
}
