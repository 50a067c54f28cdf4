import { ConfigError } from '../util/errors.js';
import { DeviceSessions, devicesPath } from './device-sessions.js';
import { rotateManagedToken, webTokenPath } from './token-file.js';
import { TOKEN_ENV } from './token-source.js';

export type DeviceCommand =
  { command: 'list-devices' } | { command: 'revoke-device'; id: string } | { command: 'revoke-all-devices' } | { command: 'rotate-token' };

/**
 * `npm run web -- --list-devices | --revoke-device ID | --revoke-all-devices | --rotate-token`: they
 * edit the files in the config folder, and a running web mode notices within a second (and closes
 * the sockets of unpaired devices at its next ping). Returns the lines to print; throws ConfigError.
 */
export function runDeviceCommand(command: DeviceCommand, context: { configDir: string; env: NodeJS.ProcessEnv; isTTY: boolean }): string[] {
  const file = devicesPath(context.configDir);
  switch (command.command) {
    case 'list-devices': {
      const devices = DeviceSessions.open(file).list();
      if (devices.length === 0) return ['No paired devices.'];
      return [
        'ID        PAIRED            LAST SEEN         FROM             BROWSER',
        ...devices.map((d) =>
          [d.id.padEnd(9), minute(d.pairedAt).padEnd(17), minute(d.lastSeenAt).padEnd(17), d.address.padEnd(16), d.label].join(' '),
        ),
      ];
    }
    case 'revoke-device':
      if (!DeviceSessions.open(file).revoke(command.id))
        throw new ConfigError(`No paired device has the id "${command.id}" (see --list-devices).`, { code: 'usage' });
      return [`Unpaired device ${command.id}.`];
    case 'revoke-all-devices': {
      const count = DeviceSessions.open(file).revokeAll();
      return [`Unpaired ${count} device${count === 1 ? '' : 's'}.`];
    }
    case 'rotate-token': {
      if (context.env[TOKEN_ENV] !== undefined)
        throw new ConfigError(
          `${TOKEN_ENV} is set, and web mode uses it instead of the token file: change ${TOKEN_ENV} to rotate (that unpairs every device too).`,
          { code: 'usage' },
        );
      const token = rotateManagedToken(context.configDir);
      DeviceSessions.forget(file);
      return [
        `Made a new pairing token in ${webTokenPath(context.configDir)}; every device must pair again.`,
        ...(context.isTTY ? [`New token: ${token}`] : []),
      ];
    }
  }
}

const minute = (iso: string) => iso.slice(0, 16).replace('T', ' ');
