import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { appPaths } from '../app/app-paths.js';
import { startAssistantApp } from '../app/assistant-app.js';
import { KeyFileCipher, SECRET_KEY_FILE_NAME } from '../secrets/secret-cipher.js';
import { toAssistantError } from '../util/errors.js';
import { startWebServer } from './web-server.js';

const USAGE = `Usage: npm run web -- [options]
  --host ADDRESS     listen address (default 127.0.0.1; any other needs a pairing token)
  --port PORT        default 8765
  --token TOKEN      pairing token (at least 16 characters)
  --generate-token   make a random pairing token and print the pairing address
  --kiosk            open the kiosk layout by default`;

/** Web mode without Electron: the engine and the UI in any browser (a wall tablet, a kitchen PC). */
async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        token: { type: 'string' },
        'generate-token': { type: 'boolean' },
        kiosk: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`hearth: ${(error as Error).message} (see --help)\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const port = values.port === undefined ? 8765 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`hearth: --port must be a port number, not "${values.port}"\n`);
    return 2;
  }
  const token = values.token ?? (values['generate-token'] ? randomBytes(18).toString('base64url') : undefined);
  const paths = appPaths();
  try {
    const app = await startAssistantApp({
      paths,
      secretCipher: new KeyFileCipher(join(paths.data, SECRET_KEY_FILE_NAME)),
      kiosk: values.kiosk === true,
    });
    const staticDir = fileURLToPath(new URL('../../renderer/', import.meta.url));
    const server = await startWebServer({
      app,
      staticDir,
      port,
      ...(values.host ? { host: values.host } : {}),
      ...(token ? { token } : {}),
    });
    const address = `${server.url}${values.kiosk ? '?kiosk=1' : ''}`;
    process.stdout.write(`Hearth web mode: ${token ? `${address}${values.kiosk ? '&' : '?'}token=${token}` : address}\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await server.close();
    await app.shutdown();
    return 0;
  } catch (error) {
    process.stderr.write(`hearth: ${toAssistantError(error).message}\n`);
    return 2;
  }
}

main().then((code) => process.exit(code));
