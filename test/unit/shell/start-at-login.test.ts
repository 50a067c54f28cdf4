import { readFile, stat, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeElectron, resetFakeElectron } from '../../fakes/fake-electron.js';
import { useTempDir } from '../../helpers/temp-dir.js';

vi.mock('electron', async () => (await import('../../fakes/fake-electron.js')).fakeElectron);

const {
  XdgAutostart,
  autostartPath,
  createStartAtLogin,
  desktopEntry,
  isAutostartEntryEnabled,
  launchCommand,
  quoteExecArg,
  ElectronLoginItem,
  UnavailableStartAtLogin,
} = await import('../../../main/shell/start-at-login.js');

const home = useTempDir('hearth-autostart-');
beforeEach(async () => {
  resetFakeElectron();
});

describe('Linux: XDG autostart', () => {
  it('lives in $XDG_CONFIG_HOME/autostart, or ~/.config/autostart', () => {
    expect(autostartPath({ XDG_CONFIG_HOME: '/custom/config' }, '/home/ana')).toBe('/custom/config/autostart/hearth.desktop');
    expect(autostartPath({}, '/home/ana')).toBe('/home/ana/.config/autostart/hearth.desktop');
    expect(autostartPath({ XDG_CONFIG_HOME: '' }, '/home/ana')).toBe('/home/ana/.config/autostart/hearth.desktop');
    expect(autostartPath({ XDG_CONFIG_HOME: 'relative/dir' }, '/home/ana')).toBe('/home/ana/.config/autostart/hearth.desktop');
  });

  it('starts the AppImage itself (not its temporary mount), the installed binary, or electron with the app folder', () => {
    expect(launchCommand({ execPath: '/tmp/.mount_HearthX/hearth', appImage: '/home/ana/Apps/Hearth-0.1.0.AppImage' })).toEqual([
      '/home/ana/Apps/Hearth-0.1.0.AppImage',
    ]);
    expect(launchCommand({ execPath: '/opt/Hearth/hearth' })).toEqual(['/opt/Hearth/hearth']);
    expect(launchCommand({ execPath: '/repo/node_modules/electron/dist/electron', defaultApp: true, appPath: '/repo' })).toEqual([
      '/repo/node_modules/electron/dist/electron',
      '/repo',
    ]);
  });

  it('quotes Exec arguments by the Desktop Entry rules', () => {
    for (const [arg, quoted] of [
      ['/opt/Hearth/hearth', '/opt/Hearth/hearth'],
      ['--kiosk', '--kiosk'],
      ['/home/ana/My Apps/Hearth.AppImage', '"/home/ana/My Apps/Hearth.AppImage"'],
      ['/x/a"b$c`d', '"/x/a\\\\"b\\\\$c\\\\`d"'],
      ['/x/back\\slash', '"/x/back\\\\\\\\slash"'],
      ['/x/100%', '/x/100%%'],
      ['', '""'],
    ] as const)
      expect(quoteExecArg(arg), arg).toBe(quoted);
    expect(() => quoteExecArg('/x\n/y')).toThrow(/line break/);
  });

  it('writes an entry that starts Hearth hidden (and in kiosk mode when it is on), and removes it', async () => {
    const env = { XDG_CONFIG_HOME: join(home(), 'config'), APPIMAGE: join(home(), 'My Apps', 'Hearth.AppImage') };
    const login = createStartAtLogin({ app: fakeElectron.app, platform: 'linux', env, execPath: '/tmp/.mount/hearth', home: home() });
    expect(login).toBeInstanceOf(XdgAutostart);
    const file = join(home(), 'config', 'autostart', 'hearth.desktop');
    expect(await login.read()).toEqual({ enabled: false, available: true });

    expect(await login.write(true, { kiosk: false })).toEqual({ enabled: true, available: true });
    const text = await readFile(file, 'utf8');
    expect(text).toBe(desktopEntry([env.APPIMAGE, '--hidden']));
    expect(text).toContain(`Exec="${env.APPIMAGE}" --hidden\n`);
    expect(text).toMatch(/^\[Desktop Entry\]\nType=Application\n/);
    expect(text).toContain('X-GNOME-Autostart-enabled=true');
    expect((await stat(file)).mode & 0o777).toBe(0o644);
    expect(await login.read()).toEqual({ enabled: true, available: true });

    await login.write(true, { kiosk: true });
    expect(await readFile(file, 'utf8')).toContain(`Exec="${env.APPIMAGE}" --hidden --kiosk\n`);

    expect(await login.write(false, { kiosk: true })).toEqual({ enabled: false, available: true });
    await expect(stat(file)).rejects.toThrow();
    expect(await login.write(false, { kiosk: false })).toEqual({ enabled: false, available: true });
  });

  it('reads an entry the desktop switched off as disabled', async () => {
    const file = join(home(), 'autostart', 'hearth.desktop');
    await mkdir(join(home(), 'autostart'), { recursive: true });
    const login = new XdgAutostart(file, { execPath: '/opt/Hearth/hearth' });
    await writeFile(file, `${desktopEntry(['/opt/Hearth/hearth'])}Hidden=true\n`);
    expect(await login.read()).toEqual({ enabled: false, available: true });
    expect(isAutostartEntryEnabled('[Desktop Entry]\nX-GNOME-Autostart-enabled=false\n')).toBe(false);
    expect(isAutostartEntryEnabled('garbage')).toBe(false);
  });
});

describe('Windows and macOS: login items', () => {
  it('Windows: a Run entry with --hidden (and --kiosk), replaced, never doubled, and read back by either variant', async () => {
    const app = fakeElectron.app;
    const login = createStartAtLogin({ app, platform: 'win32', env: {}, execPath: 'C:\\Hearth\\Hearth.exe' });
    expect(login).toBeInstanceOf(ElectronLoginItem);
    expect(await login.write(true, { kiosk: false })).toEqual({ enabled: true, available: true });
    expect(app.loginItemCalls.at(-1)).toEqual({ openAtLogin: true, path: 'C:\\Hearth\\Hearth.exe', args: ['--hidden'] });
    expect(await login.write(true, { kiosk: true })).toEqual({ enabled: true, available: true });
    expect(app.loginItemCalls.at(-1)).toEqual({ openAtLogin: true, path: 'C:\\Hearth\\Hearth.exe', args: ['--hidden', '--kiosk'] });
    expect([...app.loginItems.values()].filter(Boolean)).toHaveLength(1);
    expect(await login.write(false, { kiosk: true })).toEqual({ enabled: false, available: true });
    expect([...app.loginItems.values()].filter(Boolean)).toHaveLength(0);
  });

  it('macOS: openAtLogin, and a note when the user must approve it', async () => {
    const app = fakeElectron.app;
    const login = createStartAtLogin({ app, platform: 'darwin', env: {}, execPath: '/Applications/Hearth.app/Contents/MacOS/Hearth' });
    expect(await login.write(true, { kiosk: true })).toEqual({ enabled: true, available: true });
    expect(app.loginItemCalls.at(-1)).toEqual({ openAtLogin: true });
    app.loginStatus = 'requires-approval';
    expect((await login.read()).note).toMatch(/System Settings → General → Login Items/);
  });

  it('elsewhere: not available', async () => {
    const login = createStartAtLogin({ app: fakeElectron.app, platform: 'freebsd', env: {}, execPath: '/x' });
    expect(login).toBeInstanceOf(UnavailableStartAtLogin);
    expect(await login.write(true, { kiosk: false })).toEqual({ enabled: false, available: false });
  });
});
