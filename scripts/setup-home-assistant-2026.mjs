#!/usr/bin/env node
// Builds the second Home Assistant of the integration tests: 2026.11.0, which needs Python >= 3.14.2.
//
//   node scripts/setup-home-assistant-2026.mjs          # idempotent; a second run is a fast no-op
//   node scripts/setup-home-assistant-2026.mjs --force  # redo the pip steps in the existing root
//
// The machine's Python is 3.11, so this builds a Debian sid root filesystem in .cache/ha-2026-root
// with `debootstrap --variant=minbase` (python3.14 from sid), then a venv /opt/ha inside it with
// homeassistant==2026.11.0 plus the packages the test configuration loads (scripts/ha/ha_reqs.py,
// as for 2024.3.3). Needs root (debootstrap, unshare, chroot), Debian's archive and PyPI.
//
// Mounts: every command that runs inside the root runs as
//   unshare --mount --pid --fork --kill-child --mount-proc=<root>/proc chroot <root> ...
// (Home Assistant itself without --pid, see inRootArgv)
// so /proc is mounted in a private mount namespace that disappears with the command: nothing is
// ever mounted in the machine's own namespace, a killed build or test leaves no mount behind, and
// `rm -rf` of the worktree always works. /dev needs no mount: debootstrap creates the device nodes
// (null, zero, random, urandom, tty, ...). debootstrap itself (which mounts /proc and /sys in the
// target while it configures packages) runs inside `unshare --mount` for the same reason. For pip,
// the machine's /etc/resolv.conf and its extra CA certificates (/usr/local/share/ca-certificates)
// are copied into the root.
//
// Cache: <root>/.hearth-debootstrap.json marks a complete debootstrap, <root>/.hearth-ha-installed.json
// a complete install (hash of version, integrations and requirement list, like ha-setup). A root
// without the first marker is a failed, half-built debootstrap and is deleted and rebuilt; a root
// with it but without the second gets its pip steps redone. A lock directory (.cache/ha-2026-root.lock)
// keeps parallel test processes from building twice. Logs: .cache/ha-2026-root-install.log.

import { createHash } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { HA_IMPORTED_ONLY, HA_INTEGRATIONS, pipProgress, run, withLock } from './setup-home-assistant.mjs';

export const HA_2026_VERSION = '2026.11.0';
/** Debian suite and the packages the root needs besides minbase. */
export const HA_2026_SUITE = 'sid';
// g++ and python3.14-dev: pymicro-vad and pyspeex-noise (assist_pipeline) have no cp314 wheels and
// are compiled by pip; libturbojpeg0: the camera integration loads it (an ERROR in the log without).
export const HA_2026_DEBIAN_PACKAGES = ['python3.14', 'python3.14-venv', 'python3.14-dev', 'g++', 'ca-certificates', 'libturbojpeg0'];
/**
 * HA_IMPORTED_ONLY plus `hassio`: in 2026 `analytics` (set up for onboarding) imports
 * homeassistant.components.hassio, which imports aiohasupervisor.
 */
export const HA_2026_IMPORTED_ONLY = [...HA_IMPORTED_ONLY, 'hassio'];
const MIRROR = process.env.HEARTH_DEBIAN_MIRROR || 'http://deb.debian.org/debian';
const PYTHON = 'python3.14';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const HA_2026_ROOT = path.join(REPO, '.cache', 'ha-2026-root');
/** Paths inside the root (as the chrooted processes see them). */
export const HA_2026_VENV = '/opt/ha';
export const HA_2026_PYTHON = `${HA_2026_VENV}/bin/python`;
const INNER_HA_REQS = '/opt/hearth/ha_reqs.py';
const HA_REQS = path.join(REPO, 'scripts', 'ha', 'ha_reqs.py');
const DEBOOTSTRAP_MARKER = path.join(HA_2026_ROOT, '.hearth-debootstrap.json');
const MARKER = path.join(HA_2026_ROOT, '.hearth-ha-installed.json');
const LOCK_DIR = path.join(REPO, '.cache', 'ha-2026-root.lock');
const INSTALL_LOG = path.join(REPO, '.cache', 'ha-2026-root-install.log');
const MARKER_FORMAT = 1;

/** The environment of processes in the root: nothing of the machine's but proxies and pip's index. */
export function rootEnv(extra = {}) {
  const env = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root', LANG: 'C.UTF-8' };
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(https?_proxy|no_proxy|all_proxy)$/i.test(key) || /^PIP_(INDEX_URL|EXTRA_INDEX_URL|DEFAULT_TIMEOUT)$/.test(key)) env[key] = value;
  }
  return { ...env, ...extra };
}

/**
 * argv that runs `args` chrooted in the root, with its own /proc in a private mount namespace (and,
 * by default, a pid namespace, whose end kills every process of a build step). `unshare` blocks
 * SIGTERM itself; --kill-child sends `killChildSignal` to its child when it dies.
 *
 * Home Assistant runs with `pidNamespace: false`: as the init of a pid namespace it would ignore
 * SIGTERM until it has installed its handler, so a test worker killed during startup would leave
 * it running. As a plain process, SIGTERM ends it at any time.
 */
export function inRootArgv(args, { killChildSignal = 'SIGKILL', pidNamespace = true } = {}) {
  return [
    'unshare',
    [
      '--mount',
      ...(pidNamespace ? ['--pid'] : []),
      '--fork',
      `--kill-child=${killChildSignal}`,
      `--mount-proc=${path.join(HA_2026_ROOT, 'proc')}`,
      'chroot',
      HA_2026_ROOT,
      ...args,
    ],
  ];
}

function inRoot(args, options = {}) {
  const [cmd, argv] = inRootArgv(args);
  return run(cmd, argv, { ...options, env: rootEnv() });
}

/** Mount points at or below `dir` in this process's mount namespace (there should never be any). */
export async function mountsBelow(dir) {
  const info = await readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
  const prefix = path.resolve(dir);
  return info
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((mountPoint) => mountPoint && (mountPoint === prefix || mountPoint.startsWith(`${prefix}/`)))
    .map((mountPoint) => mountPoint.replace(/\\040/g, ' '));
}

/** Delete the root, but never through a mount point (a bound /dev would take the machine's devices). */
async function removeRoot(log) {
  if (!existsSync(HA_2026_ROOT)) return;
  for (const mountPoint of (await mountsBelow(HA_2026_ROOT)).reverse()) {
    log(`unmounting ${mountPoint} left by an earlier run`);
    await run('umount', ['--lazy', mountPoint]);
  }
  const left = await mountsBelow(HA_2026_ROOT);
  if (left.length > 0) throw new Error(`refusing to delete ${HA_2026_ROOT}: still mounted: ${left.join(', ')}`);
  await rm(HA_2026_ROOT, { recursive: true, force: true });
}

async function readJson(file) {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return null;
  }
}

/** Copy ha_reqs.py into the root when it changed (the root's python runs it). */
async function syncHaReqs() {
  const target = path.join(HA_2026_ROOT, INNER_HA_REQS);
  const wanted = await readFile(HA_REQS, 'utf8');
  if ((await readFile(target, 'utf8').catch(() => null)) === wanted) return;
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, wanted);
}

async function requirementList() {
  await syncHaReqs();
  const { stdout } = await inRoot([HA_2026_PYTHON, INNER_HA_REQS, ...HA_INTEGRATIONS, ...HA_2026_IMPORTED_ONLY]);
  return stdout
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

/** Pins for transitive dependencies that package_constraints.txt leaves open (none needed so far). */
export const HA_2026_EXTRA_PINS = [];

function pins() {
  return HA_2026_EXTRA_PINS;
}

/** Everything the root is built from: the marker records it, and its hash tells a stale root. */
function rootInputs(requirements) {
  return {
    format: MARKER_FORMAT,
    haVersion: HA_2026_VERSION,
    suite: HA_2026_SUITE,
    debian: HA_2026_DEBIAN_PACKAGES,
    integrations: HA_INTEGRATIONS,
    importedOnly: HA_2026_IMPORTED_ONLY,
    pins: pins(),
    requirements,
  };
}

function requirementsHash(requirements) {
  return createHash('sha256')
    .update(JSON.stringify(rootInputs(requirements)))
    .digest('hex');
}

async function upToDate() {
  if (!existsSync(MARKER) || !existsSync(DEBOOTSTRAP_MARKER) || !existsSync(path.join(HA_2026_ROOT, 'opt/ha/bin/hass'))) return null;
  const marker = await readJson(MARKER);
  try {
    const requirements = await requirementList();
    return marker?.hash === requirementsHash(requirements) ? { marker, requirements } : null;
  } catch {
    return null;
  }
}

function hostCheck() {
  if (process.platform !== 'linux')
    throw new Error(`Home Assistant ${HA_2026_VERSION} for the tests is built with debootstrap and chroot: Linux only.`);
  if (process.getuid?.() !== 0) {
    throw new Error(
      `Building the Home Assistant ${HA_2026_VERSION} test root needs root (debootstrap, unshare, chroot); run the tests as root, as CI does.`,
    );
  }
}

async function ensureDebootstrap(log, env) {
  const found = await run('sh', ['-c', 'command -v debootstrap || ls /usr/sbin/debootstrap'], { env }).catch(() => null);
  if (found) return;
  log('installing the Debian package debootstrap');
  await run('apt-get', ['update', '-qq'], { env });
  await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'debootstrap'], { env });
}

/**
 * Make sure .cache/ha-2026-root holds a Debian sid root with Home Assistant 2026.11.0 in /opt/ha.
 * Returns quickly when the markers match. Throws with a clear message on failure.
 */
export async function ensureHomeAssistant2026Root({ force = false, log = (msg) => console.log(`[ha-2026-setup] ${msg}`) } = {}) {
  const started = Date.now();
  const result = (installed, marker, requirements) => ({
    rootDir: HA_2026_ROOT,
    python: HA_2026_PYTHON,
    haVersion: HA_2026_VERSION,
    requirements,
    installed,
    debootstrapSeconds: marker?.debootstrapSeconds ?? null,
    pipSeconds: marker?.pipSeconds ?? null,
    seconds: (Date.now() - started) / 1000,
  });
  hostCheck();
  if (!force) {
    const ok = await upToDate();
    if (ok) {
      log(`Home Assistant ${HA_2026_VERSION} root is up to date (${HA_2026_ROOT})`);
      return result(false, ok.marker, ok.requirements);
    }
  }

  return withLock(
    log,
    async () => {
      if (!force) {
        const ok = await upToDate();
        if (ok) {
          log(`Home Assistant ${HA_2026_VERSION} root is up to date (${HA_2026_ROOT})`);
          return result(false, ok.marker, ok.requirements);
        }
      }
      await rm(MARKER, { force: true });
      await mkdir(path.dirname(INSTALL_LOG), { recursive: true });
      const logStream = createWriteStream(INSTALL_LOG);
      const hostEnv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
      const step = async (title, fn) => {
        log(title);
        logStream.write(`\n### ${title}\n`);
        try {
          return await fn();
        } catch (err) {
          throw new Error(`Home Assistant ${HA_2026_VERSION} setup failed at "${title}" (full log: ${INSTALL_LOG}):\n${err.message}`);
        }
      };
      const hostRun = (cmd, args, progress) => run(cmd, args, { env: hostEnv, logStream, onLine: progress });
      const rootRun = (args, progress) => {
        const [cmd, argv] = inRootArgv(args);
        logStream.write(`$ chroot ${args.join(' ')}\n`);
        return run(cmd, argv, { env: rootEnv(), logStream, onLine: progress });
      };
      try {
        // 1. The Debian sid root. Without its marker, a root is a failed debootstrap: start over.
        let debootstrapSeconds = (await readJson(DEBOOTSTRAP_MARKER))?.seconds ?? null;
        if (debootstrapSeconds === null || !existsSync(path.join(HA_2026_ROOT, 'usr/bin', PYTHON))) {
          await step('checking for debootstrap', () => ensureDebootstrap(log, hostEnv));
          if (existsSync(HA_2026_ROOT)) await step(`removing the half-built root ${HA_2026_ROOT}`, () => removeRoot(log));
          const t0 = Date.now();
          await step(`debootstrap --variant=minbase ${HA_2026_SUITE} (${HA_2026_DEBIAN_PACKAGES.join(', ')})`, () =>
            hostRun(
              'unshare',
              [
                '--mount',
                'debootstrap',
                '--variant=minbase',
                `--include=${HA_2026_DEBIAN_PACKAGES.join(',')}`,
                HA_2026_SUITE,
                HA_2026_ROOT,
                MIRROR,
              ],
              (line) => /^(E:|W:|I: (Retrieving Packages|Base system installed))/.test(line) && log(`  debootstrap: ${line}`),
            ),
          );
          debootstrapSeconds = (Date.now() - t0) / 1000;
          await writeFile(
            DEBOOTSTRAP_MARKER,
            `${JSON.stringify({ suite: HA_2026_SUITE, packages: HA_2026_DEBIAN_PACKAGES, mirror: MIRROR, seconds: debootstrapSeconds, at: new Date().toISOString() }, null, 2)}\n`,
          );
          log(`debootstrap done in ${debootstrapSeconds.toFixed(1)} s`);
        }

        // 2. Network for pip: DNS and the machine's extra CA certificates (a TLS-inspecting proxy's).
        await step('copying resolv.conf and CA certificates into the root', async () => {
          await copyFile('/etc/resolv.conf', path.join(HA_2026_ROOT, 'etc/resolv.conf')).catch(() => undefined);
          const extraCas = await readdir('/usr/local/share/ca-certificates').catch(() => []);
          const target = path.join(HA_2026_ROOT, 'usr/local/share/ca-certificates');
          await mkdir(target, { recursive: true });
          for (const name of extraCas.filter((n) => n.endsWith('.crt'))) {
            await copyFile(path.join('/usr/local/share/ca-certificates', name), path.join(target, name));
          }
          await rootRun(['update-ca-certificates']);
        });

        // 3. The venv and Home Assistant.
        const t1 = Date.now();
        const venvOk = await rootRun([HA_2026_PYTHON, '-c', 'import sys; assert sys.version_info[:2] == (3, 14)']).then(
          () => true,
          () => false,
        );
        if (!venvOk) {
          await rm(path.join(HA_2026_ROOT, HA_2026_VENV), { recursive: true, force: true });
          await step(`creating venv ${HA_2026_VENV} in the root`, () => rootRun([PYTHON, '-m', 'venv', HA_2026_VENV]));
        }
        const pip = [HA_2026_PYTHON, '-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--progress-bar', 'off'];
        const installed = await rootRun([HA_2026_PYTHON, '-c', 'import importlib.metadata as m; print(m.version("homeassistant"))']).then(
          (r) => r.stdout.trim(),
          () => null,
        );
        if (installed !== HA_2026_VERSION) {
          await step(`pip install homeassistant==${HA_2026_VERSION} (package only)`, () =>
            rootRun([...pip, '--no-deps', `homeassistant==${HA_2026_VERSION}`], pipProgress(log)),
          );
        }
        const requirements = await step('listing the integrations’ requirements', () => requirementList());
        const constraints = (await rootRun([HA_2026_PYTHON, INNER_HA_REQS, '--constraints'])).stdout.trim();
        log(`extra packages for ${HA_INTEGRATIONS.length} configured integrations: ${requirements.join(' ')}`);
        await step(
          `pip install homeassistant==${HA_2026_VERSION} + ${requirements.length} integration requirements (-c package_constraints.txt)`,
          () => rootRun([...pip, '-c', constraints, `homeassistant==${HA_2026_VERSION}`, ...requirements, ...pins()], pipProgress(log)),
        );
        await step('checking requirements', () =>
          rootRun([HA_2026_PYTHON, INNER_HA_REQS, '--check', ...HA_INTEGRATIONS, ...HA_2026_IMPORTED_ONLY]),
        );
        const { stdout: hassVersion } = await step('hass --version', () => rootRun([`${HA_2026_VENV}/bin/hass`, '--version']));
        if (hassVersion.trim() !== HA_2026_VERSION) {
          throw new Error(`hass --version printed ${JSON.stringify(hassVersion.trim())}, expected ${HA_2026_VERSION}`);
        }
        const pipSeconds = (Date.now() - t1) / 1000;
        const marker = {
          hash: requirementsHash(requirements),
          ...rootInputs(requirements),
          installedAt: new Date().toISOString(),
          debootstrapSeconds,
          pipSeconds,
        };
        await writeFile(MARKER, `${JSON.stringify(marker, null, 2)}\n`);
        log(
          `Home Assistant ${HA_2026_VERSION} installed in ${((Date.now() - started) / 1000).toFixed(1)} s (pip steps ${pipSeconds.toFixed(1)} s)`,
        );
        return result(true, marker, requirements);
      } finally {
        await new Promise((r) => logStream.end(r));
      }
    },
    LOCK_DIR,
  );
}

const isMain = process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (isMain) {
  ensureHomeAssistant2026Root({ force: process.argv.includes('--force') }).then(
    () => process.exit(0),
    (err) => {
      console.error(`[ha-2026-setup] ERROR: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
