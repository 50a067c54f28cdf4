import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { createLogger } from '../util/logger.js';
import type { DeviceSessions } from './device-sessions.js';
import type { FailureLimiter } from './failure-limiter.js';
import { clearedLegacyCookie, clearedSessionCookie, parseCookies, SESSION_COOKIE, sessionCookie } from './session-cookie.js';

const log = createLogger('web');

export type Access =
  /** A paired device's session cookie; `dropToken`: the address also carries a token to take out of it. */
  | { kind: 'ok'; deviceId: string; dropToken: boolean }
  /** The right pairing token and no session yet: pair this device. */
  | { kind: 'pair' }
  /** No valid credentials. `staleCookie`: a session cookie that is no longer valid (revoked, rotated). */
  | { kind: 'denied'; staleCookie: boolean }
  /** A wrong token while this address (or everyone) has used up its wrong attempts. */
  | { kind: 'limited'; retryAfterS: number };

type Request = Pick<IncomingMessage, 'headers' | 'socket'>;

export type PairingGuardOptions = {
  /** The pairing token now (read again when its file changes). */
  token: () => string;
  devices: DeviceSessions;
  limiter: FailureLimiter;
  /** The page is served over https (behind a proxy): cookies get `Secure`. */
  secure: boolean;
  clientAddress: (req: Request) => string;
};

/**
 * Web mode's authentication. A request passes with a paired device's session cookie; the pairing
 * token (in the address, once) pairs a new device, which gets its own session cookie.
 *
 * Valid credentials always pass, even from an address that has used up its wrong attempts, or while
 * the global limit holds: behind a reverse proxy the whole household shares one address, and one
 * mistyped link (or an attacker's guessing) must not lock everyone out. That lets a correct guess
 * through a limit, which does not matter: the token has at least 96 bits by estimate (256 when Hearth
 * makes it), so even at a million guesses a second, unlimited, finding it would take over 10^15 years.
 * The limits only bound the work and the log noise that wrong attempts cause, and tell a person with
 * a stale link to stop retrying. Session ids (256 random bits) cannot be guessed either, so a stale or
 * made-up cookie is refused without counting as an attempt (a revoked tablet retrying every few
 * seconds must not use up everyone's budget).
 */
export class PairingGuard {
  readonly #options: PairingGuardOptions;
  #token = '';
  #tokenDigest: Buffer = Buffer.alloc(0);
  readonly stats = { wrongAttempts: 0, limitedAttempts: 0, paired: 0 };

  constructor(options: PairingGuardOptions) {
    this.#options = options;
    this.#syncToken();
  }

  check(req: Request, url: URL): Access {
    this.#syncToken();
    const fromUrl = url.searchParams.get('token');
    const session = parseCookies(req.headers.cookie)[SESSION_COOKIE];
    const deviceId = session === undefined ? null : this.#options.devices.verify(session);
    if (deviceId !== null) return { kind: 'ok', deviceId, dropToken: fromUrl !== null };
    if (fromUrl !== null) {
      if (this.#matches(fromUrl)) return { kind: 'pair' };
      return this.#wrongAttempt(req);
    }
    return { kind: 'denied', staleCookie: session !== undefined };
  }

  /** Pairs the device that sent `req` (after `check` said 'pair'): the Set-Cookie values to send. */
  pair(req: Request): string[] {
    const address = this.#options.clientAddress(req);
    const issued = this.#options.devices.issue({ label: String(req.headers['user-agent'] ?? ''), address });
    this.stats.paired++;
    log.info({ device: issued.id, address }, 'a device paired');
    return [clearedLegacyCookie(this.#options.secure), sessionCookie(issued.secret, this.#options.secure)];
  }

  /** Whether a device is still paired (for open sockets: revoked and rotated-away devices are closed). */
  isPaired(deviceId: string): boolean {
    this.#syncToken();
    return this.#options.devices.isPaired(deviceId);
  }

  /** The Set-Cookie value that deletes a stale session cookie. */
  clearCookie(): string {
    return clearedSessionCookie(this.#options.secure);
  }

  #wrongAttempt(req: Request): Access {
    const address = this.#options.clientAddress(req);
    const retryAfterS = this.#options.limiter.retryAfterS(address);
    if (retryAfterS !== null) {
      this.stats.limitedAttempts++;
      return { kind: 'limited', retryAfterS };
    }
    this.#options.limiter.fail(address);
    this.stats.wrongAttempts++;
    log.warn({ address }, 'wrong pairing token');
    return { kind: 'denied', staleCookie: false };
  }

  /** Compares digests, so neither the token's length nor its content shows in the timing. */
  #matches(candidate: string): boolean {
    return timingSafeEqual(digest(candidate), this.#tokenDigest);
  }

  /** A new token (rotated while running) revokes every device paired under the old one. */
  #syncToken(): void {
    const token = this.#options.token();
    if (token === this.#token) return;
    this.#token = token;
    this.#tokenDigest = digest(token);
    this.#options.devices.useToken(token);
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
