import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppPaths } from '../../../main/app/app-paths.js';
import type { StartAssistantAppOptions } from '../../../main/shell/app-facade.js';
import { FakeBrowserWindow, FakeEvent, FakeTray, fakeElectron, resetFakeElectron } from '../../fakes/fake-electron.js';
import { FakeAppFacade, statusView } from '../../fakes/fake-app-facade.js';
import { useTempDir } from '../../helpers/temp-dir.js';

vi.mock('electron', async () => (await import('../../fakes/fake-electron.js')).fakeElectron);

const { runShell, shellLayout } = await import('../../../main/shell/shell.js');
const { spawnUtilityHookHost } = await import('../../../main/shell/utility-hook-host.js');

const dir = useTempDir('hearth-shell-');
let paths: AppPaths;

beforeEach(async () => {
  resetFakeElectron();
  paths = { config: join(dir(), 'config'), data: join(dir(), 'data'), logs: join(dir(), 'logs') };
});

/**
 * Tray clicks and quit start work the shell does not hand back (file writes, the engine's shutdown):
 * wait for its visible result instead of a fixed pause, which a loaded machine can outlast.
 */
const until = <T>(assertion: () => T | Promise<T>) => vi.waitFor(assertion, { timeout: 10_000, interval: 5 });

async function start(
  options: { argv?: string[]; facade?: FakeAppFacade; fail?: Error; shutdownTimeoutMs?: number; platform?: NodeJS.Platform } = {},
) {
  const facade = options.facade ?? new FakeAppFacade();
  const started: StartAssistantAppOptions[] = [];
  const shell = await runShell({
    startAssistantApp: async (startOptions) => {
      started.push(startOptions);
      if (options.fail) throw options.fail;
      return facade;
    },
    argv: options.argv ?? ['/opt/Hearth/hearth'],
    env: { DISPLAY: ':0', XDG_CONFIG_HOME: join(dir(), 'xdg') },
    platform: options.platform ?? 'linux',
    paths,
    outDir: join(dir(), 'out'),
    handleSignals: false,
    execPath: '/opt/Hearth/hearth',
    ...(options.shutdownTimeoutMs !== undefined ? { shutdownTimeoutMs: options.shutdownTimeoutMs } : {}),
  });
  return {
    shell,
    facade,
    started,
    app: fakeElectron.app,
    win: () => FakeBrowserWindow.instances.at(-1)!,
    tray: () => FakeTray.instances.at(-1)!,
  };
}

describe('startup', () => {
  it('prepares Electron before ready and starts engine, window, tray and IPC', async () => {
    const { facade, started, app, win, tray } = await start();
    expect(app.paths.get('userData')).toBe(join(paths.data, 'electron'));
    expect(fakeElectron.protocol.privileged.map((s) => s.scheme)).toEqual(['app']);
    expect(fakeElectron.protocol.handlers.has('app')).toBe(true);
    expect(fakeElectron.session.defaultSession.requestHandler).not.toBeNull();
    expect(fakeElectron.ipcMain.handlers.size).toBeGreaterThan(0);

    expect(started).toHaveLength(1);
    expect(started[0]).toMatchObject({ paths, kiosk: false, pushToTalkEnvironment: { platform: 'linux', globalShortcut: true } });
    // The keyboard hook's process through utilityProcess: with the RunAsNode fuse off a fork of the app would be a second Hearth.
    expect(started[0]!.pushToTalkEnvironment?.spawnHookHost).toBe(spawnUtilityHookHost);
    expect(started[0]!.secretCipher.osProtected).toBe(true);
    expect(started[0]!.globalShortcut).toBeDefined();

    expect(FakeBrowserWindow.instances).toHaveLength(1);
    expect(win().options.webPreferences).toMatchObject({ preload: shellLayout(join(dir(), 'out')).preloadPath, sandbox: true });
    expect(win().loaded).toEqual(['app://hearth/index.html']);
    expect(win().visible).toBe(true);
    expect(facade.ports).toHaveLength(1);
    expect(tray().image.path).toBe(join(dir(), 'out', 'images', 'tray', 'wake.png'));
  });

  it("Windows: the installer's app identity and a Run entry for start at login", async () => {
    const { app, tray } = await start({ platform: 'win32' });
    expect(app.appUserModelId).toBe('app.hearth.desktop');
    tray().menu!.click('toggle-start-at-login');
    await until(() => expect(tray().menu!.template.find((i) => i.id === 'toggle-start-at-login')).toMatchObject({ checked: true }));
    expect(app.loginItemCalls.at(-1)).toEqual({ openAtLogin: true, path: '/opt/Hearth/hearth', args: ['--hidden'] });
    expect(tray().menu!.template.find((i) => i.id === 'toggle-start-at-login')).toMatchObject({ checked: true });
  });

  it('a second start hands over to the running instance and quits', async () => {
    fakeElectron.app.gotLock = false;
    const { shell, started, app } = await start();
    expect(shell).toBeNull();
    expect(started).toEqual([]);
    expect(app.quits).toBe(1);
    expect(FakeBrowserWindow.instances).toEqual([]);
  });

  it('started at login (--hidden) stays in the tray; the window exists for audio', async () => {
    const { win, facade } = await start({ argv: ['/opt/Hearth/hearth', '--hidden'] });
    expect(win().visible).toBe(false);
    expect(facade.ports).toHaveLength(1);
  });

  it('--kiosk opens the kiosk window, shown even at login, and tells the engine', async () => {
    const { win, started } = await start({ argv: ['/opt/Hearth/hearth', '--hidden', '--kiosk'] });
    expect(win().options).toMatchObject({ kiosk: true, fullscreen: true });
    expect(win().loaded).toEqual(['app://hearth/index.html?kiosk=1']);
    expect(win().visible).toBe(true);
    expect(started[0]!.kiosk).toBe(true);
  });

  it('an engine that cannot start is reported in a dialog and the app exits', async () => {
    const { app } = await start({ fail: new Error('settings folder is not writable') });
    expect(fakeElectron.dialog.errors).toEqual([{ title: 'Hearth could not start', content: 'settings folder is not writable' }]);
    expect(app.exitCode).toBe(1);
    expect(FakeBrowserWindow.instances).toEqual([]);
  });
});

describe('lifecycle', () => {
  it('closing every window does not quit; the window only hides', async () => {
    const { app, win } = await start();
    win().close();
    app.emit('window-all-closed', new FakeEvent());
    expect(win().destroyed).toBe(false);
    expect(win().visible).toBe(false);
    expect(app.quits).toBe(0);
    expect(app.exitCode).toBeUndefined();
  });

  it('Quit in the tray shuts the engine down first, then exits', async () => {
    const { app, tray, facade, win } = await start();
    tray().menu!.click('quit');
    expect(app.quits).toBe(1);
    expect(app.exitCode).toBeUndefined();
    await until(() => expect(app.exitCode).toBe(0));
    expect(facade.shutdowns).toBe(1);
    expect(tray().destroyed).toBe(true);
    expect(fakeElectron.ipcMain.handlers.size).toBe(0);
    expect(facade.listenerCount).toBe(0);
    // Now windows close for real.
    win().close();
    expect(win().destroyed).toBe(true);
  });

  it('quits even when the engine hangs on shutdown', async () => {
    const facade = new FakeAppFacade();
    facade.shutdownDelayMs = 10_000;
    const { app } = await start({ facade, shutdownTimeoutMs: 20 });
    app.quit();
    // The engine would take 10 s; the app exits after the 20 ms limit, well within until's 10 s.
    await until(() => expect(app.exitCode).toBe(0));
    expect(facade.shutdowns).toBe(1);
  });

  it('a second start shows the window, or switches kiosk mode', async () => {
    const { app, win } = await start({ argv: ['/opt/Hearth/hearth', '--hidden'] });
    expect(win().visible).toBe(false);
    app.emit('second-instance', new FakeEvent(), ['/opt/Hearth/hearth'], '/', {});
    expect(win().visible).toBe(true);
    app.emit('second-instance', new FakeEvent(), ['/opt/Hearth/hearth', '--kiosk'], '/', {});
    expect(FakeBrowserWindow.instances).toHaveLength(2);
    expect(win().options.kiosk).toBe(true);
  });
});

describe('tray', () => {
  it('follows the status and drives the engine', async () => {
    const { facade, tray } = await start();
    facade.setStatus(statusView({ kind: 'conversing', phase: 'assistant-speaking' }));
    expect(tray().image.path).toMatch(/speaking\.png$/);
    expect(tray().tooltip).toBe('Hearth: speaking');
    expect([...fakeElectron.powerSaveBlocker.active.values()]).toEqual(['prevent-display-sleep']);
    tray().menu!.click('stop');
    facade.setStatus(statusView({ kind: 'listening-for-wake-word' }));
    expect(fakeElectron.powerSaveBlocker.active.size).toBe(0);
    tray().menu!.click('talk');
    tray().menu!.click('toggle-mute');
    expect(facade.calls).toEqual(['stop', 'start:menu', 'muted:true']);
  });

  it('Settings… opens the window on its settings section', async () => {
    const { tray, win } = await start({ argv: ['/opt/Hearth/hearth', '--hidden'] });
    tray().menu!.click('settings');
    expect(win().visible).toBe(true);
    expect(win().loaded.at(-1)).toBe('app://hearth/index.html#settings');
  });

  it('Kiosk mode switches the window, is saved, and start at login follows it', async () => {
    const { tray, win } = await start();
    tray().menu!.click('toggle-start-at-login');
    // The tray shows it checked once the autostart entry is written.
    await until(() => expect(tray().menu!.template.find((i) => i.id === 'toggle-start-at-login')).toMatchObject({ checked: true }));
    const autostart = join(dir(), 'xdg', 'autostart', 'hearth.desktop');
    expect(await readFile(autostart, 'utf8')).toContain('Exec=/opt/Hearth/hearth --hidden\n');

    tray().menu!.click('toggle-kiosk');
    expect(win().options.kiosk).toBe(true);
    // Both files are written atomically (rename), so a read sees the old or the new content, never half.
    await until(async () => expect(await readFile(autostart, 'utf8')).toContain('Exec=/opt/Hearth/hearth --hidden --kiosk\n'));
    expect(JSON.parse(await readFile(join(paths.config, 'shell.json'), 'utf8'))).toEqual({ kiosk: true });
    expect(tray().menu!.template.find((i) => i.id === 'toggle-kiosk')).toMatchObject({ checked: true });

    tray().menu!.click('toggle-kiosk');
    expect(win().options.kiosk).toBeUndefined();
    await until(async () => expect(await readFile(autostart, 'utf8')).toContain('Exec=/opt/Hearth/hearth --hidden\n'));
    expect(JSON.parse(await readFile(join(paths.config, 'shell.json'), 'utf8'))).toEqual({ kiosk: false });
  });

  it('a hotkey another application holds shows as a plain sentence', async () => {
    fakeElectron.globalShortcut.taken.add('CommandOrControl+Shift+Space');
    const { tray, facade, started } = await start();
    // What the engine's push-to-talk does: register through the shell's registry, then report itself off.
    expect(started[0]!.globalShortcut!.register('CommandOrControl+Shift+Space', () => undefined)).toBe(false);
    facade.setStatus(
      statusView(
        { kind: 'idle' },
        { pushToTalk: { hotkey: 'CommandOrControl+Shift+Space', mode: 'toggle', note: 'Push-to-talk is off: …' } },
      ),
    );
    expect(tray().tooltip).toBe('Hearth: ready\nCtrl+Shift+Space is taken by another application; choose another hotkey in Settings.');
  });

  it('releases every global shortcut at quit', async () => {
    const { app, started } = await start();
    started[0]!.globalShortcut!.register('CommandOrControl+Shift+Space', () => undefined);
    expect(fakeElectron.globalShortcut.isRegistered('CommandOrControl+Shift+Space')).toBe(true);
    app.quit();
    await until(() => expect(fakeElectron.globalShortcut.callbacks.size).toBe(0));
  });
});

describe('while the engine starts', () => {
  it('the tray is already there ("starting…"), and Open Hearth is honoured once the window exists', async () => {
    let release: (() => void) | undefined;
    const facade = new FakeAppFacade();
    const running = runShell({
      startAssistantApp: () =>
        new Promise((resolve) => {
          release = () => resolve(facade);
        }),
      argv: ['/opt/Hearth/hearth', '--hidden'],
      env: {},
      platform: 'linux',
      paths,
      outDir: join(dir(), 'out'),
      handleSignals: false,
    });
    // The tray appears once the preferences and the start-at-login entry are read.
    const tray = await until(() => FakeTray.instances[0] ?? expect.fail('no tray yet'));
    expect(tray.tooltip).toBe('Hearth: starting…');
    expect(tray.menu!.template[0]).toMatchObject({ label: 'Talk', enabled: false });
    tray.menu!.click('open');
    release!();
    await running;
    expect(FakeBrowserWindow.instances[0]!.visible).toBe(true);
    expect(tray.tooltip).toBe('Hearth: listening for “hey jarvis”');
  });
});
