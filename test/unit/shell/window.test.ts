import { beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeBrowserWindow, FakeEvent, FakeWebContents, fakeElectron, resetFakeElectron } from '../../fakes/fake-electron.js';

vi.mock('electron', async () => (await import('../../fakes/fake-electron.js')).fakeElectron);

const { hardenWebContents, isSafeExternalUrl, mainWindowOptions, rendererUrl } = await import('../../../main/shell/window.js');
const { WindowManager } = await import('../../../main/shell/window-manager.js');

beforeEach(() => resetFakeElectron());

describe('window options', () => {
  it('set every security flag explicitly, in both modes', () => {
    for (const mode of ['normal', 'kiosk'] as const) {
      const options = mainWindowOptions({ mode, preloadPath: '/app/out/preload/index.cjs', platform: 'linux' });
      expect(options.webPreferences).toMatchObject({
        preload: '/app/out/preload/index.cjs',
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        webviewTag: false,
        experimentalFeatures: false,
        autoplayPolicy: 'no-user-gesture-required',
        backgroundThrottling: false,
      });
      expect(options.show).toBe(false);
    }
  });

  it('make the kiosk window full screen and frameless, loading ?kiosk=1', () => {
    expect(mainWindowOptions({ mode: 'kiosk', preloadPath: 'p' })).toMatchObject({ kiosk: true, fullscreen: true, frame: false });
    expect(mainWindowOptions({ mode: 'normal', preloadPath: 'p' }).kiosk).toBeUndefined();
    expect(rendererUrl('kiosk')).toBe('app://hearth/index.html?kiosk=1');
    expect(rendererUrl('normal')).toBe('app://hearth/index.html');
    expect(rendererUrl('normal', 'settings')).toBe('app://hearth/index.html#settings');
  });

  it('give Linux and Windows a window icon (macOS uses the bundle icon)', () => {
    expect(mainWindowOptions({ mode: 'normal', preloadPath: 'p', iconPath: '/i.png', platform: 'linux' }).icon).toBe('/i.png');
    expect(mainWindowOptions({ mode: 'normal', preloadPath: 'p', iconPath: '/i.png', platform: 'darwin' }).icon).toBeUndefined();
  });
});

describe('navigation and new windows', () => {
  function hardened() {
    const contents = new FakeWebContents();
    hardenWebContents(contents as unknown as Electron.WebContents);
    return contents;
  }
  const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

  it('deny new windows; web links open in the browser, other schemes nowhere', async () => {
    const contents = hardened();
    const open = (url: string) =>
      contents.windowOpenHandler!({ url, frameName: '', features: '', disposition: 'new-window' } as Electron.HandlerDetails);
    expect(open('https://www.home-assistant.io/docs/')).toEqual({ action: 'deny' });
    expect(open('file:///etc/passwd')).toEqual({ action: 'deny' });
    expect(open('javascript:alert(1)')).toEqual({ action: 'deny' });
    expect(open('app://hearth/index.html')).toEqual({ action: 'deny' });
    await flush();
    expect(fakeElectron.shell.opened).toEqual(['https://www.home-assistant.io/docs/']);
  });

  it('keep the page on app://hearth; a link to the web goes to the browser instead', async () => {
    const contents = hardened();
    expect(contents.navigate('app://hearth/index.html#settings')).toBe(false);
    expect(contents.navigate('https://platform.openai.com/api-keys')).toBe(true);
    expect(contents.navigate('file:///home/user/.ssh/id_rsa')).toBe(true);
    expect(contents.navigate('app://evil/index.html')).toBe(true);
    await flush();
    expect(fakeElectron.shell.opened).toEqual(['https://platform.openai.com/api-keys']);
  });

  it('refuse webviews, foreign frame navigations and redirects', () => {
    const contents = hardened();
    const webview = new FakeEvent();
    contents.emit('will-attach-webview', webview, {}, {});
    expect(webview.defaultPrevented).toBe(true);
    const frame = new FakeEvent('https://evil.example/');
    contents.emit('will-frame-navigate', frame);
    expect(frame.defaultPrevented).toBe(true);
    const redirect = new FakeEvent();
    contents.emit('will-redirect', redirect, 'https://evil.example/');
    expect(redirect.defaultPrevented).toBe(true);
  });

  it('only web URLs without credentials count as safe', () => {
    expect(isSafeExternalUrl('https://example.com/a?b#c')).toBe(true);
    expect(isSafeExternalUrl('http://homeassistant.local:8123/')).toBe(true);
    for (const url of [
      'https://user:pw@example.com/',
      'mailto:x@y',
      'smb://host/share',
      'file:///C:/x',
      'ms-settings:privacy',
      'nonsense',
    ]) {
      expect(isSafeExternalUrl(url), url).toBe(false);
    }
  });
});

describe('WindowManager', () => {
  function manager(quitting = { value: false }) {
    const created: Electron.WebContents[] = [];
    const windows = new WindowManager({
      preloadPath: '/out/preload/index.cjs',
      platform: 'linux',
      isQuitting: () => quitting.value,
      onCreated: (contents) => created.push(contents),
      reloadDelayMs: 0,
    });
    return { windows, created, quitting };
  }
  const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

  it('creates the window hidden with the secure options and loads app://hearth', async () => {
    const { windows, created } = manager();
    windows.open('normal', false);
    const [win] = FakeBrowserWindow.instances;
    expect(win!.options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false });
    expect(win!.loaded).toEqual(['app://hearth/index.html']);
    expect(created).toHaveLength(1);
    await settle();
    expect(win!.visible).toBe(false);
  });

  it('closing hides the window (the tray app keeps running); quitting closes it for real', async () => {
    const { windows, quitting } = manager();
    windows.open('normal', true);
    await settle();
    const [win] = FakeBrowserWindow.instances;
    expect(win!.visible).toBe(true);
    win!.close();
    expect(win!.destroyed).toBe(false);
    expect(win!.visible).toBe(false);
    quitting.value = true;
    win!.close();
    expect(win!.destroyed).toBe(true);
    expect(windows.window).toBeUndefined();
  });

  it('a kiosk window is not hidden by closing it', async () => {
    const { windows } = manager();
    windows.open('kiosk', true);
    await settle();
    const [win] = FakeBrowserWindow.instances;
    expect(win!.loaded).toEqual(['app://hearth/index.html?kiosk=1']);
    win!.close();
    expect(win!.destroyed).toBe(false);
    expect(win!.visible).toBe(true);
  });

  it('switching to kiosk mode replaces the window', async () => {
    const { windows, created } = manager();
    windows.open('normal', true);
    windows.setMode('kiosk');
    expect(FakeBrowserWindow.instances).toHaveLength(2);
    expect(FakeBrowserWindow.instances[0]!.destroyed).toBe(true);
    expect(FakeBrowserWindow.instances[1]!.options).toMatchObject({ kiosk: true });
    expect(created).toHaveLength(2);
    expect(windows.mode).toBe('kiosk');
  });

  it('show() reveals the existing window; show("settings") only changes the fragment', async () => {
    const { windows } = manager();
    windows.open('normal', false);
    await settle();
    const [win] = FakeBrowserWindow.instances;
    win!.minimized = true;
    windows.show('settings');
    expect(win!.visible).toBe(true);
    expect(win!.minimized).toBe(false);
    expect(win!.loaded).toEqual(['app://hearth/index.html', 'app://hearth/index.html#settings']);
    expect(FakeBrowserWindow.instances).toHaveLength(1);
  });

  it('reloads a crashed page', async () => {
    const { windows } = manager();
    windows.open('normal', false);
    const [win] = FakeBrowserWindow.instances;
    win!.webContents.crash('oom');
    await settle();
    expect(win!.webContents.reloads).toBe(1);
    win!.webContents.crash('clean-exit');
    await settle();
    expect(win!.webContents.reloads).toBe(1);
  });
});
