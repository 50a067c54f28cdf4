// `npm test`: installs what the tests need on a fresh Debian machine (npm packages, Debian packages,
// the Home Assistant virtual environment), then type-checks, lints and runs every test suite (vitest's
// global setup, test/helpers/build-app.ts, builds the app first).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { installSystemPackages } from './system-packages.mjs';

const started = performance.now();
const env = { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip', PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1', ELECTRON_SKIP_BINARY_DOWNLOAD: '1' };

function step(name, fn) {
  const t0 = performance.now();
  process.stdout.write(`\n▶ ${name}\n`);
  fn();
  process.stdout.write(`✔ ${name} (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
}

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit', env });
  if (result.status !== 0) {
    process.stdout.write(`\n✘ ${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})\n`);
    process.exit(result.status || 1);
  }
}

function dependenciesStale() {
  const marker = 'node_modules/.package-lock.json';
  if (!existsSync(marker)) return true;
  return statSync('package-lock.json').mtimeMs > statSync(marker).mtimeMs;
}

const only = process.argv.slice(2);

step('npm packages', () => {
  if (dependenciesStale()) run('npm', ['ci', '--no-audit', '--no-fund']);
  else process.stdout.write('up to date\n');
});
step('Debian packages', () => installSystemPackages((line) => process.stdout.write(`${line}\n`)));
// Both Home Assistant test environments (the 2024.3.3 venv, ~1.5 min cold; the 2026.11 Debian sid
// root, ~3 min cold: debootstrap + pip) are built in the background, mostly waiting on the network,
// while type-check, lint and format use the cores; vitest waits for both.
function inBackground(name, args) {
  const t0 = performance.now();
  process.stdout.write(`\n▶ ${name} (in the background)\n`);
  const child = spawn('node', args, { stdio: 'inherit', env });
  const done = new Promise((resolve) => {
    child.on('error', (err) => resolve({ code: 1, message: err.message }));
    child.on('exit', (code, signal) => resolve({ code: code ?? 1, message: signal ?? `exit ${code}` }));
  });
  return { name, t0, done };
}
const environments = [];
if (existsSync('scripts/setup-home-assistant.mjs')) {
  environments.push(
    inBackground('Home Assistant 2024.3.3 test environment', ['scripts/setup-home-assistant.mjs', '--version', '2024.3.3']),
  );
  if (existsSync('scripts/setup-home-assistant-2026.mjs')) {
    environments.push(inBackground('Home Assistant 2026.11 test root', ['scripts/setup-home-assistant.mjs', '--version', '2026.11.0']));
  }
}
step('type-check', () => run('npx', ['tsc', '-b']));
step('lint', () => run('npx', ['eslint', '.']));
step('format', () => run('npx', ['prettier', '--check', '.', '--log-level', 'warn']));
for (const { name, t0, done } of environments) {
  const { code, message } = await done;
  if (code !== 0) {
    process.stdout.write(`\n✘ ${name} failed (${message}); see its log in .cache/\n`);
    process.exit(code || 1);
  }
  // Its own time is in its log lines above; this exit could only be seen once the steps above finished.
  process.stdout.write(`✔ ${name} (ready; ${((performance.now() - t0) / 1000).toFixed(1)} s since it started)\n`);
}
step('tests (unit, contract, integration, end-to-end)', () => run('npx', ['vitest', 'run', ...only]));

process.stdout.write(`\nall green in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
