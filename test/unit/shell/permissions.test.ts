import { beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeWebContents, fakeElectron, resetFakeElectron } from '../../fakes/fake-electron.js';

vi.mock('electron', async () => (await import('../../fakes/fake-electron.js')).fakeElectron);

const { installPermissionHandlers } = await import('../../../main/shell/permissions.js');

const OURS = 'app://hearth/index.html';

beforeEach(() => resetFakeElectron());

describe('installPermissionHandlers', () => {
  it('refuses every request and check, the microphone of our own page included (main owns capture)', () => {
    const session = fakeElectron.session.defaultSession;
    installPermissionHandlers(session as unknown as Electron.Session);
    const contents = new FakeWebContents() as unknown as Electron.WebContents;
    const answers: boolean[] = [];
    const ask = (permission: string, details: Record<string, unknown>) =>
      session.requestHandler!(contents, permission as never, (granted) => answers.push(granted), details as never);
    ask('media', { requestingUrl: OURS, isMainFrame: true, mediaTypes: ['audio'] });
    ask('media', { requestingUrl: 'https://x.example/', isMainFrame: true, mediaTypes: ['audio'] });
    for (const permission of ['geolocation', 'notifications', 'display-capture', 'clipboard-read', 'hid', 'openExternal'])
      ask(permission, { requestingUrl: OURS, isMainFrame: true });
    expect(answers).toEqual(new Array(8).fill(false));
    expect(session.checkHandler!(contents, 'media', 'app://hearth', { isMainFrame: true, mediaType: 'audio' })).toBe(false);
    expect(session.checkHandler!(contents, 'clipboard-read', 'app://hearth', { isMainFrame: true })).toBe(false);
    expect(session.deviceHandler!({ deviceType: 'usb', origin: 'app://hearth', device: {} } as never)).toBe(false);
  });
});
