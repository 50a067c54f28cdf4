import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { appPaths } from '../app/app-paths.js';
import { startAssistantApp } from '../app/assistant-app.js';
import { KeyFileCipher, SECRET_KEY_FILE_NAME } from '../secrets/secret-cipher.js';
import { toAssistantError } from '../util/errors.js';
import { runDeviceCommand } from './device-commands.js';
import { DeviceSessions, devicesPath } from './device-sessions.js';
import { startupLines } from './pairing-message.js';
import { resolvePairingToken, TOKEN_ENV } from './token-source.js';
import { parseWebCliArgs, USAGE, type WebCliOptions } from './web-cli-options.js';
import { startWebServer } from './web-server.js';

const print = (lines: string[]) => process.stdout.write(lines.map((l) => `${l}\n`).join(''));
const fail = (message: string) => process.stderr.write(`hearth: ${message}\n`);

/** Web mode without Electron: the engine and the UI in any browser (a wall tablet, a kitchen PC). */
async function main(): Promise<number> {
  let options: WebCliOptions;
  try {
    options = parseWebCliArgs(process.argv.slice(2));
  } catch (error) {
    fail(`${toAssistantError(error).message} (see --help)`);
    return 2;
  }
  if (options.command === 'help') {
    print([USAGE]);
    return 0;
  }
  const paths = appPaths();
  const isTTY = process.stdout.isTTY === true;
  if (options.command !== 'serve') {
    try {
      print(runDeviceCommand(options, { configDir: paths.config, env: process.env, isTTY }));
      return 0;
    } catch (error) {
      fail(toAssistantError(error).message);
      return 2;
    }
  }
  try {
    // The token first: a weak or exposed one stops web mode before anything else starts.
    const token = resolvePairingToken({
      ...(options.tokenFile ? { tokenFile: options.tokenFile } : {}),
      env: process.env,
      configDir: paths.config,
    });
    delete process.env[TOKEN_ENV]; // the workers the engine starts inherit the environment; they have no use for it
    const app = await startAssistantApp({
      paths,
      secretCipher: new KeyFileCipher(join(paths.data, SECRET_KEY_FILE_NAME)),
      kiosk: options.kiosk,
    });
    const staticDir = fileURLToPath(new URL('../../renderer/', import.meta.url));
    const server = await startWebServer({
      app,
      staticDir,
      port: options.port,
      ...(options.host ? { host: options.host } : {}),
      token: () => token.current(),
      devices: DeviceSessions.open(devicesPath(paths.config)),
      behindHttpsProxy: options.behindHttpsProxy,
    });
    print(
      startupLines({
        url: server.url,
        kiosk: options.kiosk,
        token: token.current(),
        where: token.where,
        isTTY,
        created: token.created,
        tightened: token.tightened,
      }),
    );
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await server.close();
    await app.shutdown();
    return 0;
  } catch (error) {
    fail(toAssistantError(error).message);
    return 2;
  }
}

main().then((code) => process.exit(code));
