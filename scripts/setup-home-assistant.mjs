#!/usr/bin/env node
// Installs a real Home Assistant core into a cached Python venv for the integration tests.
//
//   node scripts/setup-home-assistant.mjs          # idempotent; a second run is a fast no-op
//   node scripts/setup-home-assistant.mjs --force  # reinstall into the existing venv
//   node scripts/setup-home-assistant.mjs --version 2026.11.0  # only one of the two test versions
//
// Without --version it also builds Home Assistant 2026.11.0 in a Debian sid root
// (.cache/ha-2026-root, scripts/setup-home-assistant-2026.mjs): the tests run against both.
//
// Plain Node ESM without npm dependencies, so it can run before `npm ci`. Tests import
// `ensureHomeAssistantVenv()` from here. Needs Python 3.11 (Home Assistant 2024.3.3 is the newest
// release that installs on 3.11) with the venv module, and PyPI. Set HEARTH_PYTHON to pick the
// interpreter. The venv lives in .cache/ha-venv (git-ignored); the pip output of the last install is
// kept in .cache/ha-venv-install.log.

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const HA_VERSION = '2024.3.3';

/**
 * Integrations the test instance loads (test/servers/ha-config/configuration.yaml) or that Home
 * Assistant loads anyway. scripts/ha/ha_reqs.py adds bootstrap's CORE/DEFAULT integrations and,
 * for `demo`, every demo platform (light, switch, climate, cover, media_player, fan, lock, sensor,
 * tts, stt, camera, ...), then follows the manifests' dependencies.
 */
export const HA_INTEGRATIONS = [
  'demo',
  'conversation',
  'intent',
  'http',
  'api',
  'websocket_api',
  'config',
  'onboarding',
  'auth',
  'homeassistant',
  'person',
  'logger',
  'system_log',
];

/**
 * Integrations that are not set up but whose modules are imported by one that is: `analytics` (a
 * dependency of `onboarding`) imports `energy`, which imports `recorder` (SQLAlchemy, fnv-hash-fast).
 */
export const HA_IMPORTED_ONLY = ['energy', 'recorder'];

/**
 * Pins for transitive dependencies that package_constraints.txt leaves open and whose newer releases
 * break Home Assistant 2024.3.3. josepy 2 removed ComparableX509, which acme 2.8.0 (hass-nabucasa
 * 0.78.0) uses; the http integration imports hass_nabucasa on every request (forwarded middleware),
 * so with josepy 2 every HTTP request fails with 500.
 */
export const HA_EXTRA_PINS = ['josepy>=1.13,<2'];

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const HA_VENV_DIR = path.join(ROOT, '.cache', 'ha-venv');
export const HA_HASS_BIN = path.join(HA_VENV_DIR, 'bin', 'hass');
const VENV_PYTHON = path.join(HA_VENV_DIR, 'bin', 'python');
const MARKER = path.join(HA_VENV_DIR, '.hearth-ha-installed.json');
const HA_LOCK_DIR = path.join(ROOT, '.cache', 'ha-venv.lock');
const INSTALL_LOG = path.join(ROOT, '.cache', 'ha-venv-install.log');
const HA_REQS = path.join(ROOT, 'scripts', 'ha', 'ha_reqs.py');
const MARKER_FORMAT = 1;

/** Run a command; resolve with its output, reject with a message holding the output's tail. */
export function run(cmd, args, { onLine, logStream, env } = {}) {
  return new Promise((resolve, reject) => {
    let child;
    try {
      child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: env ?? process.env });
    } catch (err) {
      reject(err);
      return;
    }
    let stdout = '';
    let stderr = '';
    let partial = '';
    const feed = (chunk, isErr) => {
      const text = chunk.toString();
      if (isErr) stderr += text;
      else stdout += text;
      logStream?.write(text);
      if (onLine) {
        partial += text;
        const lines = partial.split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) onLine(line);
      }
    };
    child.stdout.on('data', (c) => feed(c, false));
    child.stderr.on('data', (c) => feed(c, true));
    child.on('error', (err) => reject(new Error(`cannot run ${cmd}: ${err.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) resolve({ stdout, stderr });
      else {
        const tail = (stdout + stderr).trim().split('\n').slice(-25).join('\n');
        const err = new Error(`${path.basename(cmd)} ${args.join(' ')} failed (${signal ?? `exit ${code}`})\n${tail}`);
        err.stdout = stdout;
        err.stderr = stderr;
        reject(err);
      }
    });
  });
}

async function findPython(log) {
  const candidates = [process.env.HEARTH_PYTHON, 'python3.11', 'python3', '/usr/bin/python3.11'].filter(Boolean);
  const tried = [];
  for (const cmd of candidates) {
    try {
      const { stdout } = await run(cmd, [
        '-c',
        'import sys, venv, ensurepip; print("%d.%d" % sys.version_info[:2]); print(sys.executable)',
      ]);
      const [version, exe] = stdout.trim().split('\n');
      if (version === '3.11') {
        log(`Python 3.11: ${exe}`);
        return cmd;
      }
      tried.push(`${cmd} is Python ${version}`);
    } catch (err) {
      tried.push(`${cmd}: ${String(err.message).split('\n').slice(-1)[0]}`);
    }
  }
  throw new Error(
    `Home Assistant ${HA_VERSION} needs Python 3.11 with the venv module (Debian: apt-get install python3.11-venv); ` +
      `set HEARTH_PYTHON to its path. Tried: ${tried.join('; ')}`,
  );
}

export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/** A lock directory so two test processes do not install into the same venv (or root) at once. */
export async function withLock(log, fn, lockDir = HA_LOCK_DIR) {
  await mkdir(path.dirname(lockDir), { recursive: true });
  const deadline = Date.now() + 30 * 60_000;
  let announced = false;
  for (;;) {
    try {
      await mkdir(lockDir);
      await writeFile(path.join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      const pid = Number(await readFile(path.join(lockDir, 'pid'), 'utf8').catch(() => 'NaN'));
      let age = 0;
      try {
        age = Date.now() - (await stat(lockDir)).mtimeMs;
      } catch {
        continue; // released meanwhile
      }
      // A lock without a pid file is younger than a few seconds unless its owner died mid-write.
      if ((Number.isInteger(pid) && !pidAlive(pid)) || (!Number.isInteger(pid) && age > 10_000)) {
        await rm(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lockDir} (held by pid ${pid})`);
      if (!announced) {
        log(`waiting for another Home Assistant install (pid ${pid}) to finish...`);
        announced = true;
      }
      await sleep(500);
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lockDir, { recursive: true, force: true });
  }
}

async function venvPythonWorks() {
  if (!existsSync(VENV_PYTHON)) return false;
  try {
    const { stdout } = await run(VENV_PYTHON, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])']);
    return stdout.trim() === '3.11';
  } catch {
    return false;
  }
}

async function installedHaVersion() {
  try {
    const { stdout } = await run(VENV_PYTHON, ['-c', 'import importlib.metadata as m; print(m.version("homeassistant"))']);
    return stdout.trim();
  } catch {
    return null;
  }
}

async function requirementList() {
  const { stdout } = await run(VENV_PYTHON, [HA_REQS, ...HA_INTEGRATIONS, ...HA_IMPORTED_ONLY]);
  return stdout
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

function requirementsHash(requirements) {
  return createHash('sha256')
    .update(
      JSON.stringify({
        format: MARKER_FORMAT,
        ha: HA_VERSION,
        integrations: HA_INTEGRATIONS,
        importedOnly: HA_IMPORTED_ONLY,
        pins: HA_EXTRA_PINS,
        requirements,
      }),
    )
    .digest('hex');
}

async function readMarker() {
  try {
    return JSON.parse(await readFile(MARKER, 'utf8'));
  } catch {
    return null;
  }
}

/** pip output → a few progress lines. */
export function pipProgress(log) {
  return (line) => {
    const l = line.trim();
    if (/^(Collecting|Building wheel for|Successfully installed|ERROR)/.test(l) && !l.includes('(from ')) {
      log(`  pip: ${l.length > 160 ? `${l.slice(0, 157)}...` : l}`);
    }
  };
}

/**
 * Make sure .cache/ha-venv holds homeassistant==2024.3.3 plus exactly the packages the loaded
 * integrations need. Returns quickly when the marker matches. Throws with a clear message on failure.
 */
export async function ensureHomeAssistantVenv({ force = false, log = (msg) => console.log(`[ha-setup] ${msg}`) } = {}) {
  const started = Date.now();
  const result = (installed, requirements) => ({
    venvDir: HA_VENV_DIR,
    hassBin: HA_HASS_BIN,
    python: VENV_PYTHON,
    haVersion: HA_VERSION,
    requirements,
    installed,
    seconds: (Date.now() - started) / 1000,
  });

  // Fast path, without the lock: the marker matches the requirement list computed from the
  // installed manifests (ha_reqs.py does not import Home Assistant, ~50 ms).
  if (!force && existsSync(MARKER) && existsSync(HA_HASS_BIN)) {
    const marker = await readMarker();
    try {
      const requirements = await requirementList();
      if (marker?.hash === requirementsHash(requirements)) {
        log(`Home Assistant ${HA_VERSION} venv is up to date (${HA_VENV_DIR})`);
        return result(false, requirements);
      }
    } catch {
      // fall through to the full check
    }
  }

  return withLock(log, async () => {
    // Another process may have finished the install while we waited for the lock.
    if (!force && existsSync(MARKER) && (await venvPythonWorks())) {
      const marker = await readMarker();
      const requirements = await requirementList().catch(() => null);
      if (requirements && marker?.hash === requirementsHash(requirements)) {
        log(`Home Assistant ${HA_VERSION} venv is up to date (${HA_VENV_DIR})`);
        return result(false, requirements);
      }
    }

    await rm(MARKER, { force: true });
    await mkdir(path.dirname(INSTALL_LOG), { recursive: true });
    const logStream = createWriteStream(INSTALL_LOG);
    const step = async (title, cmd, args, progress) => {
      log(title);
      logStream.write(`\n$ ${cmd} ${args.join(' ')}\n`);
      try {
        return await run(cmd, args, { logStream, onLine: progress });
      } catch (err) {
        throw new Error(`Home Assistant setup failed at "${title}" (full log: ${INSTALL_LOG}):\n${err.message}`);
      }
    };
    try {
      if (!(await venvPythonWorks())) {
        const python = await findPython(log);
        await rm(HA_VENV_DIR, { recursive: true, force: true });
        await step(`creating venv ${HA_VENV_DIR}`, python, ['-m', 'venv', HA_VENV_DIR]);
      }
      const pip = ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--progress-bar', 'off'];
      if ((await installedHaVersion()) !== HA_VERSION) {
        // First without dependencies: its package_constraints.txt and manifests decide the rest.
        await step(
          `pip install homeassistant==${HA_VERSION} (package only)`,
          VENV_PYTHON,
          [...pip, '--no-deps', `homeassistant==${HA_VERSION}`],
          pipProgress(log),
        );
      }
      const requirements = await requirementList();
      const constraints = (await run(VENV_PYTHON, [HA_REQS, '--constraints'])).stdout.trim();
      log(`extra packages for ${HA_INTEGRATIONS.length} configured integrations: ${requirements.join(' ')}`);
      // One resolve of Home Assistant's own dependencies plus the integrations' requirements, pinned
      // by Home Assistant's package_constraints.txt (unconstrained, pip picks bleak 3 / habluetooth 6
      // and other releases far newer than 2024.3 was tested with).
      await step(
        `pip install homeassistant==${HA_VERSION} + ${requirements.length} integration requirements (-c package_constraints.txt)`,
        VENV_PYTHON,
        [...pip, '-c', constraints, `homeassistant==${HA_VERSION}`, ...requirements, ...HA_EXTRA_PINS],
        pipProgress(log),
      );
      await step('checking requirements', VENV_PYTHON, [HA_REQS, '--check', ...HA_INTEGRATIONS, ...HA_IMPORTED_ONLY]);
      const { stdout: hassVersion } = await step('hass --version', HA_HASS_BIN, ['--version']);
      if (hassVersion.trim() !== HA_VERSION) {
        throw new Error(`hass --version printed ${JSON.stringify(hassVersion.trim())}, expected ${HA_VERSION}`);
      }
      const seconds = (Date.now() - started) / 1000;
      await writeFile(
        MARKER,
        `${JSON.stringify(
          {
            hash: requirementsHash(requirements),
            haVersion: HA_VERSION,
            integrations: HA_INTEGRATIONS,
            importedOnly: HA_IMPORTED_ONLY,
            pins: HA_EXTRA_PINS,
            requirements,
            installedAt: new Date().toISOString(),
            installSeconds: seconds,
          },
          null,
          2,
        )}\n`,
      );
      log(`Home Assistant ${HA_VERSION} installed in ${seconds.toFixed(1)} s (${HA_VENV_DIR})`);
      return result(true, requirements);
    } finally {
      await new Promise((r) => logStream.end(r));
    }
  });
}

/** Both test versions: this venv, and the 2026.11 root of setup-home-assistant-2026.mjs. `version` limits it to one. */
export async function ensureHomeAssistantTestVersions({ force = false, version } = {}) {
  const known = [HA_VERSION, '2026.11.0'];
  if (version !== undefined && !known.includes(version)) {
    throw new Error(`unknown Home Assistant test version ${JSON.stringify(version)}; known: ${known.join(', ')}`);
  }
  if (version === undefined || version === HA_VERSION) await ensureHomeAssistantVenv({ force });
  if (version === undefined || version === '2026.11.0') {
    const { ensureHomeAssistant2026Root } = await import('./setup-home-assistant-2026.mjs');
    await ensureHomeAssistant2026Root({ force });
  }
}

const isMain = process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href;
if (isMain) {
  // node scripts/setup-home-assistant.mjs [--force] [--version 2024.3.3|2026.11.0]
  const at = process.argv.indexOf('--version');
  const version = at > 0 ? process.argv[at + 1] : undefined;
  ensureHomeAssistantTestVersions({ force: process.argv.includes('--force'), version }).then(
    () => process.exit(0),
    (err) => {
      console.error(`[ha-setup] ERROR: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
