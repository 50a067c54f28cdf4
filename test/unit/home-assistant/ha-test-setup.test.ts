import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/repo-root.js';

type Setup2026 = {
  inRootArgv(args: string[], options?: { killChildSignal?: string; pidNamespace?: boolean }): [string, string[]];
  rootEnv(extra?: Record<string, string>): Record<string, string>;
  mountsBelow(dir: string): Promise<string[]>;
  HA_2026_ROOT: string;
};

const HA_REQS = path.join(REPO_ROOT, 'scripts', 'ha', 'ha_reqs.py');

/** A fake `homeassistant` package shaped like 2026.11's: DEFAULT_INTEGRATIONS with `*(BASE_PLATFORMS - {...})`. */
async function fakeHomeAssistant2026(dir: string): Promise<void> {
  const ha = path.join(dir, 'homeassistant');
  await mkdir(path.join(ha, 'generated'), { recursive: true });
  await writeFile(path.join(ha, '__init__.py'), '');
  await writeFile(
    path.join(ha, 'bootstrap.py'),
    [
      'from .const import BASE_PLATFORMS',
      'CORE_INTEGRATIONS = {"homeassistant"}',
      'DEFAULT_INTEGRATIONS = {',
      '    "frontend",',
      '    *(BASE_PLATFORMS - {"calendar", "todo"}),',
      '}',
    ].join('\n'),
  );
  await writeFile(
    path.join(ha, 'const.py'),
    'from .generated.entity_platforms import EntityPlatforms\nPlatform = EntityPlatforms\nBASE_PLATFORMS = {p.value for p in Platform}\n',
  );
  await writeFile(
    path.join(ha, 'generated', 'entity_platforms.py'),
    'from enum import StrEnum\nclass EntityPlatforms(StrEnum):\n    LIGHT = "light"\n    CALENDAR = "calendar"\n    TODO = "todo"\n',
  );
  const manifests: Record<string, { requirements?: string[]; dependencies?: string[] }> = {
    homeassistant: {},
    frontend: { requirements: ['home-assistant-frontend==1'], dependencies: ['http'] },
    http: { requirements: ['aiohttp==2'] },
    light: {},
    calendar: { requirements: ['never-loaded==3'] },
    todo: {},
  };
  for (const [domain, manifest] of Object.entries(manifests)) {
    await mkdir(path.join(ha, 'components', domain), { recursive: true });
    await writeFile(path.join(ha, 'components', domain, 'manifest.json'), JSON.stringify({ domain, ...manifest }));
  }
}

describe('Home Assistant test setup scripts', () => {
  let dir: string;
  let setup: Setup2026;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'hearth-ha-reqs-'));
    await fakeHomeAssistant2026(dir);
    setup = (await import(pathToFileURL(path.join(REPO_ROOT, 'scripts', 'setup-home-assistant-2026.mjs')).href)) as Setup2026;
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('ha_reqs.py reads a 2026-style bootstrap (BASE_PLATFORMS from the generated enum, minus calendar and todo)', () => {
    const run = (...args: string[]) =>
      execFileSync('python3', [HA_REQS, ...args], { env: { ...process.env, PYTHONPATH: dir }, encoding: 'utf8' })
        .trim()
        .split('\n');
    expect(run('--integrations')).toEqual(['frontend', 'homeassistant', 'http', 'light']);
    expect(run()).toEqual(['aiohttp==2', 'home-assistant-frontend==1']);
  });

  it('runs commands in the root in their own mount namespace; Home Assistant without a pid namespace', () => {
    const [cmd, build] = setup.inRootArgv(['pip', 'install', 'x']);
    expect(cmd).toBe('unshare');
    expect(build.slice(0, 4)).toEqual(['--mount', '--pid', '--fork', '--kill-child=SIGKILL']);
    expect(build).toContain(`--mount-proc=${path.join(setup.HA_2026_ROOT, 'proc')}`);
    expect(build.slice(-5)).toEqual(['chroot', setup.HA_2026_ROOT, 'pip', 'install', 'x']);
    const [, hass] = setup.inRootArgv(['hass'], { killChildSignal: 'SIGTERM', pidNamespace: false });
    expect(hass).not.toContain('--pid');
    expect(hass).toContain('--kill-child=SIGTERM');
  });

  it('passes only proxies and pip index settings into the root', () => {
    const saved = { ...process.env };
    try {
      process.env.HTTPS_PROXY = 'http://proxy:3128';
      process.env.PIP_INDEX_URL = 'https://mirror/simple';
      process.env.HEARTH_SECRET_SOMETHING = 'no';
      const env = setup.rootEnv({ HEARTH_HA_PORT: '8123' });
      expect(env).toMatchObject({
        HTTPS_PROXY: 'http://proxy:3128',
        PIP_INDEX_URL: 'https://mirror/simple',
        HEARTH_HA_PORT: '8123',
        HOME: '/root',
      });
      expect(env).not.toHaveProperty('HEARTH_SECRET_SOMETHING');
      expect(env.PATH).toContain('/usr/sbin');
    } finally {
      process.env = saved;
    }
  });

  it('finds mount points below a directory (none below a fresh one; "/" itself is one)', async () => {
    expect(await setup.mountsBelow(dir)).toEqual([]);
    expect(await setup.mountsBelow('/')).toContain('/');
  });
});
