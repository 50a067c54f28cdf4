import { describe, expect, it } from 'vitest';
import { PairingGuard } from '../../../main/web/pairing-guard.js';

const request = (address: string, cookie?: string) => ({ headers: cookie ? { cookie } : {}, socket: { remoteAddress: address } }) as never;
const url = (query = '') => new URL(`http://127.0.0.1/${query}`);

describe('PairingGuard', () => {
  it('is open without a token, and pairs by address token then cookie with one', () => {
    expect(new PairingGuard({}).check(request('a'), url()).kind).toBe('open');
    const guard = new PairingGuard({ token: 'a-long-pairing-token' });
    expect(guard.check(request('a'), url()).kind).toBe('denied');
    expect(guard.check(request('a'), url('?token=a-long-pairing-token')).kind).toBe('paired');
    const cookie = guard.cookie().split(';')[0]!;
    expect(guard.check(request('a', cookie), url()).kind).toBe('ok');
  });

  it('limits wrong tokens per address for a minute, without counting first visits', () => {
    let now = 0;
    const guard = new PairingGuard({ token: 'a-long-pairing-token', now: () => now });
    for (let i = 0; i < 10; i++) expect(guard.check(request('b'), url()).kind).toBe('denied');
    for (let i = 0; i < 5; i++) expect(guard.check(request('a'), url('?token=guess')).kind).toBe('denied');
    expect(guard.check(request('a'), url('?token=a-long-pairing-token'))).toEqual({ kind: 'limited', retryAfterS: 60 });
    expect(guard.check(request('b'), url('?token=a-long-pairing-token')).kind).toBe('paired');
    now = 61_000;
    expect(guard.check(request('a'), url('?token=a-long-pairing-token')).kind).toBe('paired');
  });

  it('treats a cookie with a malformed escape as a wrong value instead of throwing', () => {
    const guard = new PairingGuard({ token: 'a-long-pairing-token' });
    expect(guard.check(request('c', 'hearth_pairing=%E0%A4%A; other=%'), url()).kind).toBe('denied');
  });
});
