import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MIN_TOKEN_BITS, tokenStrength } from '../../../main/web/token-strength.js';

describe('tokenStrength', () => {
  it('rates random tokens by length and alphabet', () => {
    for (let i = 0; i < 50; i++) {
      expect(tokenStrength(randomBytes(32).toString('base64url')).bits).toBeGreaterThan(200); // what Hearth makes
      expect(tokenStrength(randomBytes(16).toString('hex')).bits).toBeGreaterThanOrEqual(MIN_TOKEN_BITS); // openssl rand -hex 16
      expect(tokenStrength(randomBytes(24).toString('base64')).bits).toBeGreaterThanOrEqual(MIN_TOKEN_BITS); // openssl rand -base64 24
    }
    expect(tokenStrength(randomBytes(8).toString('hex')).bits).toBeLessThan(MIN_TOKEN_BITS); // 64 random bits are not enough
  });

  it.each([
    ['aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'it repeats a short pattern'],
    ['abababababababababababababababab', 'it repeats a short pattern'],
    ['passwordpasswordpasswordpassword', 'it repeats a short pattern'],
    ['abcdefghijklmnopqrstuvwxyz0123456789', 'it contains a run like "aaa" or "abc"'],
    ['qwertyuiopasdfghjklzxcvbnm', 'it contains a common word'],
    ['pairing-token-for-tests-0123456789', 'it contains a common word'],
    ['e2e-pairing-token-0123456789abcdef', 'it contains a common word'],
  ])('refuses the patterned %s, saying why', (token, weakness) => {
    const strength = tokenStrength(token);
    expect(strength.bits).toBeLessThan(MIN_TOKEN_BITS);
    expect(strength.weakness).toBe(weakness);
  });

  it('an ordinary 16-character minimum would have passed these; the estimate does not', () => {
    expect(tokenStrength('a-long-pairing-token').bits).toBeLessThan(60);
    expect(tokenStrength('1111222233334444').bits).toBeLessThan(60);
    expect(tokenStrength('').weakness).toBe('it is empty');
  });
});
