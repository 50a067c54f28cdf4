import { chmod, mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configureLogging, createLogger } from '../../../main/util/logger.js';
import { eventually } from '../../helpers/wait.js';
import { useTempDir } from '../../helpers/temp-dir.js';

const dir = useTempDir('hearth-log-modes-');
const mode = async (path: string) => (await stat(path)).mode & 0o777;

afterEach(async () => {
  configureLogging({ level: 'silent' });
});

describe.skipIf(process.platform === 'win32')('log file permissions', () => {
  it('makes the folder 0700 and the log 0600, rotated files included', async () => {
    const logs = join(dir(), 'state', 'logs');
    configureLogging({ dir: logs, level: 'info', fileSize: '1K' });
    const log = createLogger('web');
    for (let i = 0; i < 40; i++) log.info({ line: i, padding: 'x'.repeat(60) }, 'filling the log to rotate it');
    const modes = async () => Object.fromEntries(await Promise.all((await readdir(logs)).map(async (n) => [n, await mode(join(logs, n))])));
    // Rotation runs in the background: wait for rotated files and the history file, then every mode.
    const files = await eventually(
      modes,
      (m) =>
        Object.keys(m).some((n) => /^\d{8}-\d{4}-\d{2}-hearth\.log$/.test(n)) &&
        'hearth.log.txt' in m &&
        Object.values(m).every((v) => v === 0o600),
      5000,
      50,
    );
    expect(Object.keys(files).length).toBeGreaterThan(2);
    expect(await mode(logs)).toBe(0o700);
    expect(await mode(join(dir(), 'state'))).toBe(0o700); // made by Hearth, so private too
  });

  it('tightens a folder and files left world-readable by an earlier version', async () => {
    const logs = join(dir(), 'logs');
    await mkdir(logs, { mode: 0o755 });
    await chmod(logs, 0o755);
    await writeFile(join(logs, 'hearth.log'), '{}\n', { mode: 0o644 });
    await writeFile(join(logs, '20240101-0000-01-hearth.log'), '{}\n', { mode: 0o644 });
    configureLogging({ dir: logs, level: 'info' });
    expect(await mode(logs)).toBe(0o700);
    expect(await mode(join(logs, 'hearth.log'))).toBe(0o600);
    expect(await mode(join(logs, '20240101-0000-01-hearth.log'))).toBe(0o600);
  });
});
