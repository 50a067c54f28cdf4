import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import {
  generatePairingToken,
  loadOrCreateManagedToken,
  readTokenFile,
  rotateManagedToken,
  webTokenPath,
} from '../../../main/web/token-file.js';
import { resolvePairingToken, TOKEN_ENV } from '../../../main/web/token-source.js';
import { useTempDir } from '../../helpers/temp-dir.js';

const dir = useTempDir('hearth-token-');
const mode = async (path: string) => (await stat(path)).mode & 0o777;

describe("Hearth's own token file", () => {
  it('is made on first run, random and 0600 in a 0700 folder, and read back afterwards', async () => {
    const config = join(dir(), 'config');
    const first = loadOrCreateManagedToken(config);
    expect(first).toMatchObject({ created: true, path: webTokenPath(config) });
    expect(first.token).toMatch(/^[\w-]{43}$/);
    expect(await mode(first.path)).toBe(0o600);
    expect(await mode(config)).toBe(0o700);
    const again = loadOrCreateManagedToken(config);
    expect(again).toMatchObject({ created: false, token: first.token, tightened: false });
    expect(rotateManagedToken(config)).not.toBe(first.token);
    expect(await mode(first.path)).toBe(0o600);
  });

  it('is tightened to 0600 when others can read it', async () => {
    const config = join(dir(), 'config');
    const { path } = loadOrCreateManagedToken(config);
    await chmod(path, 0o644);
    expect(loadOrCreateManagedToken(config).tightened).toBe(true);
    expect(await mode(path)).toBe(0o600);
  });
});

describe('a token file of the user', () => {
  it('is refused, not changed, when others can read it; one message each for missing, empty and weak', async () => {
    const path = join(dir(), 'token');
    await writeFile(path, `${generatePairingToken()}\n`, { mode: 0o644 });
    expect(() => readTokenFile(path, { own: false })).toThrow(
      `The pairing token file ${path} can be read by other users (mode 0644): run chmod 600 on it.`,
    );
    expect(await mode(path)).toBe(0o644);
    await chmod(path, 0o600);
    expect(readTokenFile(path, { own: false }).token).toMatch(/^[\w-]{43}$/);
    expect(() => readTokenFile(join(dir(), 'missing'), { own: false })).toThrow(
      `The pairing token file ${join(dir(), 'missing')} does not exist.`,
    );
    expect(() => readTokenFile(dir(), { own: false })).toThrow(/is not a file/);
    await writeFile(path, '\n');
    expect(() => readTokenFile(path, { own: false })).toThrow(`The pairing token file ${path} is empty.`);
    await writeFile(path, 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n');
    expect(() => readTokenFile(path, { own: false })).toThrow(
      `The pairing token in ${path} is too easy to guess (about 6 bits: it repeats a short pattern; web mode needs 96). ` +
        'Use a random one (e.g. `openssl rand -base64 32`), or give none and let Hearth make one.',
    );
  });
});

describe('resolvePairingToken', () => {
  const configDir = () => join(dir(), 'config');

  it('takes HEARTH_WEB_TOKEN, checks its strength, and refuses it together with --token-file', async () => {
    const token = generatePairingToken();
    expect(resolvePairingToken({ env: { [TOKEN_ENV]: ` ${token}\n` }, configDir: configDir() })).toMatchObject({
      where: TOKEN_ENV,
      file: null,
    });
    expect(resolvePairingToken({ env: { [TOKEN_ENV]: token }, configDir: configDir() }).current()).toBe(token);
    expect(() => resolvePairingToken({ env: { [TOKEN_ENV]: 'hunter2hunter2hunter2' }, configDir: configDir() })).toThrow(
      /The pairing token in HEARTH_WEB_TOKEN is too easy to guess/,
    );
    expect(() => resolvePairingToken({ env: { [TOKEN_ENV]: token }, tokenFile: join(dir(), 'f'), configDir: configDir() })).toThrow(
      'Give the pairing token one way: --token-file or HEARTH_WEB_TOKEN, not both.',
    );
  });

  it("falls back to Hearth's own file, and follows a rotation while running (keeping the old token if the file turns bad)", async () => {
    const source = resolvePairingToken({ env: {}, configDir: configDir() });
    expect(source).toMatchObject({ created: true, where: webTokenPath(configDir()) });
    const first = source.current();
    const second = rotateManagedToken(configDir());
    await sleep(1100);
    expect(source.current()).toBe(second);
    expect(second).not.toBe(first);
    await writeFile(webTokenPath(configDir()), 'weak\n');
    await sleep(1100);
    expect(source.current()).toBe(second);
  });

  it('reads --token-file without ever writing the config folder', async () => {
    await mkdir(join(dir(), 'elsewhere'));
    const path = join(dir(), 'elsewhere', 'token');
    const token = generatePairingToken();
    await writeFile(path, token, { mode: 0o600 });
    expect(resolvePairingToken({ env: {}, tokenFile: path, configDir: configDir() })).toMatchObject({ where: path, created: false });
    await expect(readFile(webTokenPath(configDir()))).rejects.toThrow(/ENOENT/);
  });
});
