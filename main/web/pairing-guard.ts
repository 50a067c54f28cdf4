import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const COOKIE = 'hearth_pairing';
const WINDOW_MS = 60_000;
const MAX_FAILURES = 5;

export type Access = { kind: 'open' } | { kind: 'ok' } | { kind: 'paired' } | { kind: 'denied' } | { kind: 'limited'; retryAfterS: number };

/**
 * The pairing token check for web mode: a request passes with the token in the address (once: it
 * is then kept in an HttpOnly cookie) or in the cookie. Each client address gets a few wrong tokens
 * per minute, then 429 until the minute is over (a request with no token at all is refused but not
 * counted: that is just a first visit).
 */
export class PairingGuard {
  readonly #token: Buffer | undefined;
  #failures = new Map<string, { count: number; since: number }>();
  readonly #now: () => number;

  constructor(options: { token?: string; now?: () => number }) {
    this.#token = options.token ? Buffer.from(options.token) : undefined;
    this.#now = options.now ?? Date.now;
  }

  check(req: Pick<IncomingMessage, 'headers' | 'socket'>, url: URL): Access {
    if (!this.#token) return { kind: 'open' };
    const address = req.socket.remoteAddress ?? 'unknown';
    // The limit comes first: a correct guess must look the same as a wrong one while limited.
    const limited = this.#limited(address);
    if (limited) return limited;
    const fromUrl = url.searchParams.get('token');
    if (fromUrl !== null) {
      if (this.#matches(fromUrl)) return { kind: 'paired' };
      return this.#fail(address);
    }
    const fromCookie = parseCookies(req.headers.cookie)[COOKIE];
    if (fromCookie === undefined) return { kind: 'denied' }; // no credentials: not an attempt
    if (this.#matches(fromCookie)) return { kind: 'ok' };
    return this.#fail(address);
  }

  cookie(): string {
    return `${COOKIE}=${encodeURIComponent(this.#token!.toString())}; HttpOnly; SameSite=Strict; Path=/; Max-Age=31536000`;
  }

  #matches(candidate: string): boolean {
    const given = Buffer.from(candidate);
    return given.length === this.#token!.length && timingSafeEqual(given, this.#token!);
  }

  /** Forgets addresses whose minute is over (the map never grows without bound). */
  #sweep(): void {
    const now = this.#now();
    for (const [address, entry] of this.#failures) if (now - entry.since > WINDOW_MS) this.#failures.delete(address);
  }

  #limited(address: string): Access | null {
    const entry = this.#failures.get(address);
    if (!entry) return null;
    const age = this.#now() - entry.since;
    if (age > WINDOW_MS) {
      this.#failures.delete(address);
      return null;
    }
    return entry.count >= MAX_FAILURES ? { kind: 'limited', retryAfterS: Math.ceil((WINDOW_MS - age) / 1000) } : null;
  }

  #fail(address: string): Access {
    if (this.#failures.size > 10_000) this.#sweep();
    const entry = this.#failures.get(address);
    if (entry) entry.count++;
    else this.#failures.set(address, { count: 1, since: this.#now() });
    return { kind: 'denied' };
  }
}

function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of header?.split(';') ?? []) {
    const index = part.indexOf('=');
    if (index <= 0) continue;
    const raw = part.slice(index + 1).trim();
    try {
      out[part.slice(0, index).trim()] = decodeURIComponent(raw);
    } catch {
      out[part.slice(0, index).trim()] = raw; // a malformed escape is just a wrong value
    }
  }
  return out;
}
