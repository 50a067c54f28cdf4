/**
 * `npm run web` as a person or a service manager starts it: the built CLI as a child process. Where
 * the pairing token comes from (never the command line), what it prints to a terminal and to a pipe,
 * one clear message for each bad token, and the device commands against a running server.
 */
import { readFile, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generatePairingToken } from '../../../main/web/token-file.js';
import { expectOneClearLine } from '../../helpers/headless-cli.js';
import { eventually } from '../../helpers/wait.js';
import { prepareWebCliFolders, startWebCli, type WebCliRun } from '../../helpers/web-cli.js';

let dir: string;
let env: NodeJS.ProcessEnv;
const running: WebCliRun[] = [];

const start = (args: string[], extraEnv: NodeJS.ProcessEnv = {}, options: { terminal?: boolean } = {}) => {
  const run = startWebCli(['--port', '0', ...args], { ...env, ...extraEnv }, options);
  running.push(run);
  return run;
};
const command = async (args: string[], options: { terminal?: boolean } = {}) => startWebCli(args, env, options).done;
const tokenFile = () => join(dir, 'config', 'web-token');
const readToken = async () => (await readFile(tokenFile(), 'utf8')).trim();

async function pair(url: string, token: string): Promise<string> {
  const response = await fetch(`${url}?token=${encodeURIComponent(token)}`, { redirect: 'manual' });
  expect(response.status).toBe(303);
  return response.headers
    .getSetCookie()
    .find((c) => c.startsWith('hearth_session='))!
    .split(';')[0]!;
}
const health = async (url: string, cookie: string) => (await fetch(`${url}health`, { headers: { Cookie: cookie } })).status;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-web-cli-'));
  env = { ...(await prepareWebCliFolders(dir)), HEARTH_WEB_TOKEN: undefined };
});
afterEach(async () => {
  for (const run of running.splice(0)) await run.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('npm run web: the pairing token', () => {
  it('makes a 0600 token file on first run and, to a pipe, says where it is without printing it', async () => {
    const run = start([]);
    const url = await run.listening();
    const token = await readToken();
    expect((await stat(tokenFile())).mode & 0o777).toBe(0o600);
    expect(run.stdout()).not.toContain(token);
    expect(run.stdout()).toContain(`Made a pairing token in ${tokenFile()}`);
    expect(run.stdout()).toContain(`To pair a device, open it with ?token= and the pairing token in ${tokenFile()}.`);
    expect((await fetch(url)).status).toBe(401); // loopback needs pairing too
    expect(await health(url, await pair(url, token))).toBe(200);
  });

  it('prints the pairing address with the token to a terminal', async () => {
    const run = start([], {}, { terminal: true });
    const url = await run.listening();
    const token = await readToken();
    await eventually(run.stdout, (text) => text.includes('token='), 5000, 20);
    expect(run.stdout()).toContain(`Hearth web mode: ${url}?token=${token}`);
  });

  it('takes HEARTH_WEB_TOKEN or --token-file instead, and never writes its own file then', async () => {
    const token = generatePairingToken();
    const run = start([], { HEARTH_WEB_TOKEN: token });
    const url = await run.listening();
    expect(run.stdout()).toContain('the pairing token in HEARTH_WEB_TOKEN');
    expect(await health(url, await pair(url, token))).toBe(200);
    await run.stop();
    const file = join(dir, 'my-token');
    await writeFile(file, `${token}\n`, { mode: 0o600 });
    const fromFile = start(['--token-file', file]);
    const url2 = await fromFile.listening();
    expect(await health(url2, await pair(url2, token))).toBe(200);
    await expect(stat(tokenFile())).rejects.toThrow(/ENOENT/);
  });

  it.each([
    [['--token', 'x'.repeat(40)], {}, '--token would show the token to every user of this computer (ps)'],
    [[], { HEARTH_WEB_TOKEN: 'my-home-assistant-password' }, 'The pairing token in HEARTH_WEB_TOKEN is too easy to guess'],
    [['--token-file', '/nonexistent/token'], {}, 'The pairing token file /nonexistent/token does not exist.'],
  ])('refuses %j %j with one clear line', async (args, extraEnv, message) => {
    const result = await startWebCli(['--port', '0', ...args], { ...env, ...extraEnv }).done;
    expect(result.code).toBe(2);
    expectOneClearLine(result.stderr);
    expect(result.stderr).toContain(message);
  });

  it('refuses a token file others can read, without changing it', async () => {
    const file = join(dir, 'shared-token');
    await writeFile(file, generatePairingToken(), { mode: 0o644 });
    const result = await startWebCli(['--port', '0', '--token-file', file], env).done;
    expect(result.code).toBe(2);
    expectOneClearLine(result.stderr);
    expect(result.stderr).toContain(`${file} can be read by other users (mode 0644): run chmod 600 on it.`);
    expect((await stat(file)).mode & 0o777).toBe(0o644);
  });
});

describe('npm run web: paired devices', () => {
  it('lists and revokes devices, and rotates the token, while web mode runs', async () => {
    const run = start([]);
    const url = await run.listening();
    const token = await readToken();
    const kitchen = await pair(url, token);
    const hall = await pair(url, token);
    const listed = await command(['--list-devices']);
    expect(listed.code).toBe(0);
    const ids = [...listed.stdout.matchAll(/^([0-9a-f]{8}) /gm)].map((m) => m[1]!);
    expect(ids).toHaveLength(2);
    expect(listed.stdout).not.toContain(kitchen.split('=')[1]);
    expect((await command(['--revoke-device', ids[0]!])).stdout).toBe(`Unpaired device ${ids[0]}.\n`);
    await eventually(
      () => health(url, kitchen),
      (status) => status === 401,
      5000,
      100,
    );
    expect(await health(url, hall)).toBe(200);
    const rotated = await command(['--rotate-token']);
    expect(rotated.stdout).toContain('every device must pair again');
    const newToken = await readToken();
    expect(newToken).not.toBe(token);
    expect(rotated.stdout).not.toContain(newToken); // not a terminal
    await eventually(
      () => health(url, hall),
      (status) => status === 401,
      5000,
      100,
    );
    expect((await fetch(`${url}?token=${token}`, { redirect: 'manual' })).status).toBe(401);
    expect(await health(url, await pair(url, newToken))).toBe(200);
  });
});
