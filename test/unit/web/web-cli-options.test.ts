import { describe, expect, it } from 'vitest';
import { parseWebCliArgs } from '../../../main/web/web-cli-options.js';

describe('parseWebCliArgs', () => {
  it('parses serving options', () => {
    expect(parseWebCliArgs([])).toEqual({ command: 'serve', port: 8765, behindHttpsProxy: false, kiosk: false });
    expect(
      parseWebCliArgs(['--host', '0.0.0.0', '--port', '0', '--token-file', '/run/secrets/hearth', '--behind-https-proxy', '--kiosk']),
    ).toEqual({
      command: 'serve',
      host: '0.0.0.0',
      port: 0,
      tokenFile: '/run/secrets/hearth',
      behindHttpsProxy: true,
      kiosk: true,
    });
  });

  it('parses the device commands', () => {
    expect(parseWebCliArgs(['--list-devices'])).toEqual({ command: 'list-devices' });
    expect(parseWebCliArgs(['--revoke-device', 'a1b2c3d4'])).toEqual({ command: 'revoke-device', id: 'a1b2c3d4' });
    expect(parseWebCliArgs(['--revoke-all-devices'])).toEqual({ command: 'revoke-all-devices' });
    expect(parseWebCliArgs(['--rotate-token'])).toEqual({ command: 'rotate-token' });
  });

  it.each([
    [
      ['--token', 'secret-on-the-command-line'],
      '--token would show the token to every user of this computer (ps): use --token-file PATH or HEARTH_WEB_TOKEN.',
    ],
    [['--generate-token'], '--generate-token is gone: Hearth makes a pairing token on first run (--rotate-token makes a new one).'],
    [['--port', '99999'], '--port must be a port number, not "99999".'],
    [['--port', '80x'], '--port must be a port number, not "80x".'],
    [['--list-devices', '--rotate-token'], 'Give one of --list-devices, --rotate-token.'],
    [['--revoke-all-devices', '--port', '1'], '--revoke-all-devices does not start web mode: leave out --port.'],
    [['serve'], 'Unexpected argument "serve".'],
    [['--tokn', 'x'], "Unknown option '--tokn'."],
  ])('refuses %j with one message', (argv, message) => {
    expect(() => parseWebCliArgs(argv)).toThrow(message);
  });
});
