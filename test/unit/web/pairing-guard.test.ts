import { describe, expect, it } from 'vitest';
import { DeviceSessions } from '../../../main/web/device-sessions.js';
import { FailureLimiter } from '../../../main/web/failure-limiter.js';
import { PairingGuard } from '../../../main/web/pairing-guard.js';
import { generatePairingToken } from '../../../main/web/token-file.js';

const request = (address: string, cookie?: string) =>
  ({
    headers: cookie ? { cookie, 'user-agent': 'Test browser' } : { 'user-agent': 'Test browser' },
    socket: { remoteAddress: address },
  }) as never;
const url = (query = '') => new URL(`http://127.0.0.1/${query}`);

function makeGuard(options: { perAddress?: number; global?: number; secure?: boolean } = {}) {
  let now = 0;
  let token = generatePairingToken();
  const devices = DeviceSessions.inMemory({ now: () => now });
  const guard = new PairingGuard({
    token: () => token,
    devices,
    limiter: new FailureLimiter({ perAddress: options.perAddress ?? 5, global: options.global ?? 100, windowMs: 60_000 }, () => now),
    secure: options.secure ?? false,
    clientAddress: (req) => (req as { socket: { remoteAddress: string } }).socket.remoteAddress,
  });
  const cookieOf = (setCookies: string[]) =>
    setCookies.find((c) => c.startsWith('hearth_session=') && !c.includes('Max-Age=0'))!.split(';')[0]!;
  return {
    guard,
    devices,
    token: () => token,
    rotate: () => (token = generatePairingToken()),
    advance: (ms: number) => (now += ms),
    pairFrom: (address: string) => {
      expect(guard.check(request(address), url(`?token=${token}`)).kind).toBe('pair');
      return cookieOf(guard.pair(request(address)));
    },
  };
}

describe('PairingGuard', () => {
  it('pairs with the token, then lets the device in with its own session cookie (never the token)', () => {
    const g = makeGuard();
    expect(g.guard.check(request('a'), url())).toEqual({ kind: 'denied', staleCookie: false });
    const cookie = g.pairFrom('a');
    expect(cookie).not.toContain(g.token());
    const access = g.guard.check(request('a', cookie), url());
    expect(access).toMatchObject({ kind: 'ok', dropToken: false });
    expect(g.devices.list()).toEqual([expect.objectContaining({ label: 'Test browser', address: 'a' })]);
    // With a valid cookie, a token (even a wrong one) in the address is just taken out of it.
    expect(g.guard.check(request('a', cookie), url('?token=old-link'))).toMatchObject({ kind: 'ok', dropToken: true });
  });

  it('cookies are HttpOnly and SameSite=Strict, Secure behind https, and the legacy token cookie is cleared', () => {
    const plain = makeGuard();
    plain.guard.check(request('a'), url(`?token=${plain.token()}`));
    const [legacy, session] = plain.guard.pair(request('a'));
    expect(session).toMatch(/^hearth_session=[\w-]{43}; HttpOnly; SameSite=Strict; Path=\/; Max-Age=\d+$/);
    expect(legacy).toBe('hearth_pairing=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0');
    const secure = makeGuard({ secure: true });
    expect(secure.guard.pair(request('a'))[1]).toMatch(/; Secure; Max-Age=/);
  });

  it('never refuses valid credentials, even from an address that used up its wrong attempts', () => {
    const g = makeGuard();
    const cookie = g.pairFrom('shared-proxy');
    for (let i = 0; i < 5; i++) expect(g.guard.check(request('shared-proxy'), url('?token=guess')).kind).toBe('denied');
    expect(g.guard.check(request('shared-proxy'), url('?token=guess'))).toEqual({ kind: 'limited', retryAfterS: 60 });
    expect(g.guard.check(request('shared-proxy'), url(`?token=${g.token()}`)).kind).toBe('pair');
    expect(g.guard.check(request('shared-proxy', cookie), url()).kind).toBe('ok');
    g.advance(61_000);
    expect(g.guard.check(request('shared-proxy'), url('?token=guess')).kind).toBe('denied');
  });

  it('limits wrong attempts for everyone together, still letting the right token in', () => {
    const g = makeGuard({ perAddress: 5, global: 3 });
    for (const address of ['a', 'b', 'c']) expect(g.guard.check(request(address), url('?token=guess')).kind).toBe('denied');
    expect(g.guard.check(request('d'), url('?token=guess')).kind).toBe('limited');
    expect(g.guard.check(request('d'), url(`?token=${g.token()}`)).kind).toBe('pair');
    expect(g.guard.stats).toMatchObject({ wrongAttempts: 3, limitedAttempts: 1 });
  });

  it('does not count first visits or stale cookies as attempts', () => {
    const g = makeGuard({ perAddress: 1, global: 1 });
    for (let i = 0; i < 10; i++) expect(g.guard.check(request('a'), url()).kind).toBe('denied');
    for (let i = 0; i < 10; i++)
      expect(g.guard.check(request('a', 'hearth_session=revoked-long-ago'), url())).toEqual({ kind: 'denied', staleCookie: true });
    expect(g.guard.check(request('a'), url('?token=guess')).kind).toBe('denied'); // the first wrong token: not limited yet
  });

  it('a revoked device is out at once; a rotated token unpairs every device and stops pairing with the old one', () => {
    const g = makeGuard();
    const kept = g.pairFrom('a');
    const revoked = g.pairFrom('b');
    const id = (g.guard.check(request('b', revoked), url()) as { deviceId: string }).deviceId;
    expect(g.guard.isPaired(id)).toBe(true);
    expect(g.devices.revoke(id)).toBe(true);
    expect(g.guard.isPaired(id)).toBe(false);
    expect(g.guard.check(request('b', revoked), url()).kind).toBe('denied');
    expect(g.guard.check(request('a', kept), url()).kind).toBe('ok');
    const old = g.token();
    g.rotate();
    expect(g.guard.check(request('a', kept), url()).kind).toBe('denied');
    expect(g.guard.check(request('a'), url(`?token=${old}`)).kind).toBe('denied');
    expect(g.guard.check(request('a'), url(`?token=${g.token()}`)).kind).toBe('pair');
  });

  it('treats a cookie with a malformed escape as a wrong value instead of throwing', () => {
    const g = makeGuard();
    expect(g.guard.check(request('c', 'hearth_session=%E0%A4%A; other=%'), url()).kind).toBe('denied');
  });
});
