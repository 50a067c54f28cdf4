import { describe, expect, it } from 'vitest';
import { HomeConnection } from '../../../main/app/home-connection.js';
import { HomeAssistantError } from '../../../main/util/errors.js';
import { originOf } from '../../../main/util/url-origin.js';
import { defaultSettings, type Settings } from '../../../preload/contract/settings-schema.js';
import { ManualClock } from '../../fakes/manual-clock.js';

const flush = () => new Promise((r) => setImmediate(r));

describe('HomeConnection: every attempt pairs the address with its own token', () => {
  it('a retry that fires after the address changed (before the app reconfigures) sends no token to the new address', async () => {
    const clock = new ManualClock();
    let settings: Settings = { ...defaultSettings(), homeAssistant: { ...defaultSettings().homeAssistant, url: 'http://ha.local:8123' } };
    const attempts: Array<{ url: string; token: string }> = [];
    const home = new HomeConnection({
      settings: () => settings,
      // The token is bound to ha.local only.
      token: (url) => (originOf(url) === 'http://ha.local:8123' ? 'ha-token' : undefined),
      clock,
      connect: async ({ url, token }) => {
        attempts.push({ url, token });
        throw new HomeAssistantError('unreachable', { category: 'connectivity', permanent: false });
      },
    });
    home.on('error', () => undefined);
    await home.reconfigure();
    expect(attempts).toEqual([{ url: 'http://ha.local:8123', token: 'ha-token' }]);
    // The settings are published; the retry timer fires before anything else happens.
    settings = { ...settings, homeAssistant: { ...settings.homeAssistant, url: 'http://evil.example:8123' } };
    clock.advance(60_000);
    await flush();
    expect(attempts).toEqual([{ url: 'http://ha.local:8123', token: 'ha-token' }]);
    expect(home.health).toBe('not-configured');
    await home.close();
  });
});
