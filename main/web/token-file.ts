import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../util/errors.js';
import { makePrivate, modeText, othersAccess, writePrivateFileSync } from './private-file.js';
import { MIN_TOKEN_BITS, tokenStrength } from './token-strength.js';

/**
 * The pairing token on disk. Hearth keeps its own in `web-token` in the config folder (0600), where
 * both web mode and the desktop app find it, and makes a random one there on first run; a token file
 * of the user's own (`--token-file`) is read but never changed.
 */

export const WEB_TOKEN_FILE_NAME = 'web-token';

export function webTokenPath(configDir: string): string {
  return join(configDir, WEB_TOKEN_FILE_NAME);
}

/** 256 random bits, URL-safe (it travels once in the pairing address). */
export function generatePairingToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Throws one ConfigError naming where the token came from when it is too easy to guess. */
export function assertStrongToken(token: string, where: string): void {
  const { bits, weakness } = tokenStrength(token);
  if (bits >= MIN_TOKEN_BITS) return;
  throw new ConfigError(
    `The pairing token ${where} is too easy to guess (about ${bits} bits${weakness ? `: ${weakness}` : ''}; web mode needs ${MIN_TOKEN_BITS}). ` +
      'Use a random one (e.g. `openssl rand -base64 32`), or give none and let Hearth make one.',
    { code: 'weak_token' },
  );
}

export type TokenFileRead = { token: string; tightened: boolean };

/**
 * Reads a token file. One that other users can read is fixed when it is Hearth's own file (`own`)
 * and refused otherwise (Hearth does not change the permissions of the user's files).
 */
export function readTokenFile(path: string, options: { own: boolean }): TokenFileRead {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch (error) {
    throw fileError(path, error);
  }
  if (!isFile) throw new ConfigError(`The pairing token file ${path} is not a file.`, { code: 'token_file' });
  let tightened = false;
  if (othersAccess(path) !== 0) {
    if (!options.own)
      throw new ConfigError(`The pairing token file ${path} can be read by other users (mode ${modeText(path)}): run chmod 600 on it.`, {
        code: 'token_file_permissions',
      });
    makePrivate(path);
    tightened = true;
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw fileError(path, error);
  }
  const token = text.trim();
  if (token === '') throw new ConfigError(`The pairing token file ${path} is empty.`, { code: 'token_file' });
  assertStrongToken(token, `in ${path}`);
  return { token, tightened };
}

export type ManagedToken = TokenFileRead & { path: string; created: boolean };

/** Hearth's own token: read from the config folder, or made there when there is none yet. */
export function loadOrCreateManagedToken(configDir: string): ManagedToken {
  const path = webTokenPath(configDir);
  try {
    statSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw fileError(path, error);
    const token = generatePairingToken();
    writePrivateFileSync(path, `${token}\n`);
    return { token, tightened: false, path, created: true };
  }
  return { ...readTokenFile(path, { own: true }), path, created: false };
}

/** A new random token in place of Hearth's own (the caller revokes the paired devices). */
export function rotateManagedToken(configDir: string): string {
  const token = generatePairingToken();
  writePrivateFileSync(webTokenPath(configDir), `${token}\n`);
  return token;
}

function fileError(path: string, error: unknown): ConfigError {
  const code = (error as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'cannot be read (permission denied)' : `cannot be read (${code ?? error})`;
  return new ConfigError(`The pairing token file ${path} ${why}.`, { code: 'token_file', cause: error });
}
