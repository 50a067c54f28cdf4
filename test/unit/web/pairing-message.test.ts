import { describe, expect, it } from 'vitest';
import { startupLines } from '../../../main/web/pairing-message.js';

const base = {
  url: 'http://127.0.0.1:8765/',
  kiosk: false,
  token: 'SeCrEt+/x',
  where: '/home/u/.config/Hearth/web-token',
  created: false,
  tightened: false,
};

describe('startupLines', () => {
  it('shows the pairing address with the token only to a terminal', () => {
    expect(startupLines({ ...base, isTTY: true })).toEqual([
      'Hearth web mode: http://127.0.0.1:8765/?token=SeCrEt%2B%2Fx',
      'Open that address once on each device to pair it (the token is in /home/u/.config/Hearth/web-token).',
    ]);
    const piped = startupLines({ ...base, isTTY: false, kiosk: true });
    expect(piped.join('\n')).not.toContain('SeCrEt');
    expect(piped).toEqual([
      'Hearth web mode: http://127.0.0.1:8765/?kiosk=1',
      'To pair a device, open it with ?token= and the pairing token in /home/u/.config/Hearth/web-token.',
    ]);
    expect(startupLines({ ...base, isTTY: true, kiosk: true })[0]).toBe(
      'Hearth web mode: http://127.0.0.1:8765/?kiosk=1&token=SeCrEt%2B%2Fx',
    );
  });

  it('says when it made the token, or had to tighten its file', () => {
    const lines = startupLines({ ...base, isTTY: false, created: true, tightened: true });
    expect(lines[0]).toBe('Made a pairing token in /home/u/.config/Hearth/web-token (only you can read it).');
    expect(lines[1]).toMatch(/could be read by other users; it is now 0600/);
  });
});
