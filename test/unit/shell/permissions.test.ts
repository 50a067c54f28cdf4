import { beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeWebContents, fakeElectron, resetFakeElectron } from '../../fakes/fake-electron.js';

vi.mock('electron', async () => (await import('../../fakes/fake-electron.js')).fakeElectron);

const { decidePermissionCheck, decidePermissionRequest, installPermissionHandlers } = await import('../../../main/shell/permissions.js');

const OURS = 'app://hearth/index.html';

beforeEach(() => resetFakeElectron());

describe('permission requests', () => {
  it('grant the microphone to our own page only', () => {
    expect(decidePermissionRequest('media', { requestingUrl: OURS, isMainFrame: true, mediaTypes: ['audio'] })).toBe(true);
    expect(decidePermissionRequest('media', { requestingUrl: 'https://evil.example/', isMainFrame: true, mediaTypes: ['audio'] })).toBe(
      false,
    );
    expect(decidePermissionRequest('media', { requestingUrl: 'app://other/', isMainFrame: true, mediaTypes: ['audio'] })).toBe(false);
    expect(decidePermissionRequest('media', { requestingUrl: 'file:///x.html', isMainFrame: true, mediaTypes: ['audio'] })).toBe(false);
    expect(decidePermissionRequest('media', { requestingUrl: OURS, isMainFrame: false, mediaTypes: ['audio'] })).toBe(false);
  });

  it('never grant the camera, or media without saying which', () => {
    expect(decidePermissionRequest('media', { requestingUrl: OURS, isMainFrame: true, mediaTypes: ['video'] })).toBe(false);
    expect(decidePermissionRequest('media', { requestingUrl: OURS, isMainFrame: true, mediaTypes: ['audio', 'video'] })).toBe(false);
    expect(decidePermissionRequest('media', { requestingUrl: OURS, isMainFrame: true, mediaTypes: [] })).toBe(false);
    expect(decidePermissionRequest('media', { requestingUrl: OURS, isMainFrame: true })).toBe(false);
  });

  it('deny everything else, even to our page', () => {
    for (const permission of [
      'notifications',
      'geolocation',
      'display-capture',
      'clipboard-read',
      'openExternal',
      'hid',
      'usb',
      'fullscreen',
      'midi',
    ]) {
      expect(decidePermissionRequest(permission, { requestingUrl: OURS, isMainFrame: true, mediaTypes: ['audio'] }), permission).toBe(
        false,
      );
    }
  });
});

describe('permission checks', () => {
  it('answer yes only for audio media from our origin', () => {
    expect(decidePermissionCheck('media', 'app://hearth', { isMainFrame: true, mediaType: 'audio', securityOrigin: 'app://hearth/' })).toBe(
      true,
    );
    expect(decidePermissionCheck('media', 'app://hearth', { isMainFrame: true, mediaType: 'video' })).toBe(false);
    expect(decidePermissionCheck('media', 'app://hearth', { isMainFrame: true, mediaType: 'unknown' })).toBe(false);
    expect(decidePermissionCheck('media', 'https://evil.example', { isMainFrame: true, mediaType: 'audio' })).toBe(false);
    expect(
      decidePermissionCheck('media', 'app://hearth', { isMainFrame: false, mediaType: 'audio', securityOrigin: 'https://evil.example' }),
    ).toBe(false);
    expect(decidePermissionCheck('notifications', 'app://hearth', { isMainFrame: true })).toBe(false);
  });
});

describe('installPermissionHandlers', () => {
  it('installs request, check and device handlers on the session', () => {
    const session = fakeElectron.session.defaultSession;
    installPermissionHandlers(session as unknown as Electron.Session);
    const contents = new FakeWebContents() as unknown as Electron.WebContents;
    const answers: boolean[] = [];
    session.requestHandler!(contents, 'media', (granted) => answers.push(granted), {
      requestingUrl: OURS,
      isMainFrame: true,
      mediaTypes: ['audio'],
    });
    session.requestHandler!(contents, 'media', (granted) => answers.push(granted), {
      requestingUrl: 'https://x.example/',
      isMainFrame: true,
      mediaTypes: ['audio'],
    });
    session.requestHandler!(contents, 'geolocation', (granted) => answers.push(granted), { requestingUrl: OURS, isMainFrame: true });
    expect(answers).toEqual([true, false, false]);
    expect(session.checkHandler!(contents, 'media', 'app://hearth', { isMainFrame: true, mediaType: 'audio' })).toBe(true);
    expect(session.checkHandler!(contents, 'clipboard-read', 'app://hearth', { isMainFrame: true })).toBe(false);
    expect(session.deviceHandler!({ deviceType: 'usb', origin: 'app://hearth', device: {} } as never)).toBe(false);
  });
});
