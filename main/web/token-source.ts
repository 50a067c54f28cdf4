import { ConfigError } from '../util/errors.js';
import { createLogger } from '../util/logger.js';
import { fileStamp } from './private-file.js';
import { assertStrongToken, loadOrCreateManagedToken, readTokenFile } from './token-file.js';

const log = createLogger('web');

/** The environment variable that gives web mode its pairing token (never on the command line: `ps` shows it). */
export const TOKEN_ENV = 'HEARTH_WEB_TOKEN';

/** How often a token file is looked at again for a rotation while web mode runs. */
const RECHECK_MS = 1000;

export type TokenSource = {
  /** The token now: a file is read again when it changed, so a rotation takes effect without a restart. */
  current(): string;
  /** Where the token is, for messages: a file path, or the environment variable. */
  readonly where: string;
  /** The file the token is in, if any. */
  readonly file: string | null;
  /** Hearth made the token on this start (first run). */
  readonly created: boolean;
  /** Hearth had to take other users' access to its token file away. */
  readonly tightened: boolean;
};

/**
 * Where the pairing token comes from, in this order: `--token-file`, `HEARTH_WEB_TOKEN`, or Hearth's
 * own file in the config folder (made on first run). Each way is checked for strength; a file also
 * for who can read it.
 */
export function resolvePairingToken(options: { tokenFile?: string; env: NodeJS.ProcessEnv; configDir: string }): TokenSource {
  const fromEnv = options.env[TOKEN_ENV];
  if (options.tokenFile !== undefined && fromEnv !== undefined)
    throw new ConfigError(`Give the pairing token one way: --token-file or ${TOKEN_ENV}, not both.`, { code: 'token_source' });
  if (fromEnv !== undefined) {
    const token = fromEnv.trim();
    assertStrongToken(token, `in ${TOKEN_ENV}`);
    return { current: () => token, where: TOKEN_ENV, file: null, created: false, tightened: false };
  }
  if (options.tokenFile !== undefined) {
    const path = options.tokenFile;
    const first = readTokenFile(path, { own: false });
    return { ...watchedFile(path, first.token, () => readTokenFile(path, { own: false }).token), created: false, tightened: false };
  }
  const managed = loadOrCreateManagedToken(options.configDir);
  return {
    ...watchedFile(managed.path, managed.token, () => readTokenFile(managed.path, { own: true }).token),
    created: managed.created,
    tightened: managed.tightened,
  };
}

/**
 * A token file read again when its modification time or size changes (at most once a second). A file
 * that became unusable (deleted, weak, readable by others) keeps the last good token and is logged:
 * refusing every device because of a half-written edit would lock the household out.
 */
function watchedFile(path: string, first: string, read: () => string): Pick<TokenSource, 'current' | 'where' | 'file'> {
  let token = first;
  let stamp = fileStamp(path);
  let checkedAt = Date.now();
  return {
    where: path,
    file: path,
    current() {
      const now = Date.now();
      if (now - checkedAt < RECHECK_MS) return token;
      checkedAt = now;
      const next = fileStamp(path);
      if (next === stamp) return token;
      stamp = next;
      try {
        token = read();
        log.info({ file: path }, 'the pairing token changed');
      } catch (error) {
        log.warn({ err: error, file: path }, 'the pairing token file changed but cannot be used; keeping the previous token');
      }
      return token;
    },
  };
}
