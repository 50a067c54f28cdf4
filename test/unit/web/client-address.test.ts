import { describe, expect, it } from 'vitest';
import { clientAddress } from '../../../main/web/client-address.js';

const request = (forwarded?: string | string[]) =>
  ({ headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded }, socket: { remoteAddress: '10.0.0.1' } }) as never;

describe('clientAddress', () => {
  it('ignores X-Forwarded-For unless told there is a proxy', () => {
    expect(clientAddress(request('203.0.113.9'), false)).toBe('10.0.0.1');
  });

  it('behind a proxy takes the last entry (the one the proxy added), never a spoofed earlier one', () => {
    expect(clientAddress(request('1.2.3.4, 203.0.113.9'), true)).toBe('203.0.113.9');
    expect(clientAddress(request(['1.2.3.4', '2001:db8::7']), true)).toBe('2001:db8::7');
    expect(clientAddress(request('not-an-address'), true)).toBe('10.0.0.1');
    expect(clientAddress(request(), true)).toBe('10.0.0.1');
  });
});
