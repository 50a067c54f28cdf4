import { describe, expect, it } from 'vitest';
import { runDeviceCommand } from '../../../main/web/device-commands.js';
import { DeviceSessions, devicesPath } from '../../../main/web/device-sessions.js';
import { loadOrCreateManagedToken } from '../../../main/web/token-file.js';
import { useTempDir } from '../../helpers/temp-dir.js';

const configDir = useTempDir('hearth-cli-devices-');
const run = (command: Parameters<typeof runDeviceCommand>[0], env: NodeJS.ProcessEnv = {}, isTTY = false) =>
  runDeviceCommand(command, { configDir: configDir(), env, isTTY });

function pairTwo() {
  const sessions = DeviceSessions.open(devicesPath(configDir()));
  sessions.useToken(loadOrCreateManagedToken(configDir()).token);
  return [
    sessions.issue({ label: 'Kitchen tablet', address: '192.168.1.20' }),
    sessions.issue({ label: 'Hall PC', address: '192.168.1.21' }),
  ];
}

describe('web mode device commands', () => {
  it('lists, revokes one and revokes all', () => {
    expect(run({ command: 'list-devices' })).toEqual(['No paired devices.']);
    const [kitchen, hall] = pairTwo();
    const listed = run({ command: 'list-devices' });
    expect(listed).toHaveLength(3);
    expect(listed[1]).toMatch(new RegExp(`^${kitchen!.id} .*192\\.168\\.1\\.20 +Kitchen tablet$`));
    expect(listed.join('\n')).not.toContain(kitchen!.secret);
    expect(run({ command: 'revoke-device', id: kitchen!.id })).toEqual([`Unpaired device ${kitchen!.id}.`]);
    expect(() => run({ command: 'revoke-device', id: kitchen!.id })).toThrow(
      `No paired device has the id "${kitchen!.id}" (see --list-devices).`,
    );
    expect(DeviceSessions.open(devicesPath(configDir())).verify(hall!.secret)).toBe(hall!.id);
    expect(run({ command: 'revoke-all-devices' })).toEqual(['Unpaired 1 device.']);
  });

  it('rotates the token, unpairing everyone, and shows the new token only to a terminal', () => {
    const before = loadOrCreateManagedToken(configDir()).token;
    pairTwo();
    const piped = run({ command: 'rotate-token' });
    const after = loadOrCreateManagedToken(configDir()).token;
    expect(after).not.toBe(before);
    expect(piped.join('\n')).not.toContain(after);
    expect(run({ command: 'list-devices' })).toEqual(['No paired devices.']);
    expect(run({ command: 'rotate-token' }, {}, true).at(-1)).toBe(`New token: ${loadOrCreateManagedToken(configDir()).token}`);
    expect(() => run({ command: 'rotate-token' }, { HEARTH_WEB_TOKEN: 'x' })).toThrow(/HEARTH_WEB_TOKEN is set/);
  });
});
