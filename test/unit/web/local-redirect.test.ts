import { describe, expect, it } from 'vitest';
import { localAddressWithoutToken } from '../../../main/web/local-redirect.js';

const after = (target: string) => localAddressWithoutToken(new URL(target, 'http://127.0.0.1:8765'));

describe('localAddressWithoutToken', () => {
  it('keeps the path and the rest of the query, without the token', () => {
    expect(after('/?token=t&kiosk=1')).toBe('/?kiosk=1');
    expect(after('/settings?token=t')).toBe('/settings');
    expect(after('/?token=t')).toBe('/');
  });

  it('never names another host: leading slashes and backslashes become one', () => {
    expect(after('/.//evil.example/?token=t')).toBe('/evil.example/');
    expect(after('/./\\/evil.example/x?token=t')).toBe('/evil.example/x');
    expect(after('/..//evil.example?token=t')).toBe('/evil.example');
    for (const target of ['/.//evil.example/?token=t', '/.///evil.example', '//evil.example/?token=t', '/\\evil.example/?token=t']) {
      const location = after(target);
      expect(location).toMatch(/^\/(?![/\\])/);
      expect(new URL(location, 'http://127.0.0.1:8765').host).toBe('127.0.0.1:8765');
    }
  });
});
