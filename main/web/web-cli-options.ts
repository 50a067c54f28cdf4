import { parseArgs } from 'node:util';
import { ConfigError } from '../util/errors.js';
import { TOKEN_ENV } from './token-source.js';

export const USAGE = `Usage: npm run web -- [options]
  --host ADDRESS          listen address (default 127.0.0.1)
  --port PORT             default 8765
  --token-file PATH       read the pairing token from this file (0600); or set ${TOKEN_ENV}.
                          Without either, Hearth keeps its own in web-token in the config folder
                          (made on first run)
  --behind-https-proxy    a reverse proxy serves Hearth over https: Secure cookies, and the client
                          address for the wrong-token limit from its X-Forwarded-For
  --kiosk                 open the kiosk layout by default
Paired devices:
  --list-devices          list the paired devices
  --revoke-device ID      unpair one device (its open pages are closed within a ping interval)
  --revoke-all-devices    unpair every device
  --rotate-token          make a new pairing token in the config folder and unpair every device`;

export type WebCliOptions =
  | { command: 'serve'; host?: string; port: number; tokenFile?: string; behindHttpsProxy: boolean; kiosk: boolean }
  | { command: 'help' }
  | { command: 'list-devices' }
  | { command: 'revoke-device'; id: string }
  | { command: 'revoke-all-devices' }
  | { command: 'rotate-token' };

const usage = (message: string) => new ConfigError(message, { code: 'usage' });

/** Parses `npm run web` arguments; throws one ConfigError (code 'usage') for anything wrong. */
export function parseWebCliArgs(argv: string[]): WebCliOptions {
  let values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        token: { type: 'string' },
        'token-file': { type: 'string' },
        'generate-token': { type: 'boolean' },
        'behind-https-proxy': { type: 'boolean' },
        kiosk: { type: 'boolean' },
        'list-devices': { type: 'boolean' },
        'revoke-device': { type: 'string' },
        'revoke-all-devices': { type: 'boolean' },
        'rotate-token': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: true,
    }));
  } catch (error) {
    throw usage((error as Error).message.replace(/\. To specify a positional argument.*$/s, '.'));
  }
  if (positionals.length > 0) throw usage(`Unexpected argument "${positionals[0]}".`);
  // The old ways, each refused with what to do instead.
  if (values.token !== undefined)
    throw usage(`--token would show the token to every user of this computer (ps): use --token-file PATH or ${TOKEN_ENV}.`);
  if (values['generate-token'])
    throw usage('--generate-token is gone: Hearth makes a pairing token on first run (--rotate-token makes a new one).');
  if (values.help) return { command: 'help' };

  const commands = (['list-devices', 'revoke-device', 'revoke-all-devices', 'rotate-token'] as const).filter(
    (c) => values[c] !== undefined,
  );
  if (commands.length > 1) throw usage(`Give one of --${commands.join(', --')}.`);
  const command = commands[0];
  if (command !== undefined) {
    const serving = (['host', 'port', 'token-file', 'behind-https-proxy', 'kiosk'] as const).find((o) => values[o] !== undefined);
    if (serving) throw usage(`--${command} does not start web mode: leave out --${serving}.`);
    if (command === 'revoke-device') return { command, id: values['revoke-device']! };
    return { command };
  }

  const port = values.port === undefined ? 8765 : Number(values.port);
  if (!/^\d+$/.test(values.port ?? '0') || !Number.isInteger(port) || port > 65535)
    throw usage(`--port must be a port number, not "${values.port}".`);
  return {
    command: 'serve',
    ...(values.host !== undefined ? { host: values.host } : {}),
    port,
    ...(values['token-file'] !== undefined ? { tokenFile: values['token-file'] } : {}),
    behindHttpsProxy: values['behind-https-proxy'] === true,
    kiosk: values.kiosk === true,
  };
}
