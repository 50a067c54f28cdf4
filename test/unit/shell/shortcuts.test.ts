import { beforeEach, describe, expect, it, vi } from 'vitest';
import { startPushToTalk } from '../../../main/push-to-talk/push-to-talk.js';
import { FakeGlobalShortcut, resetFakeElectron } from '../../fakes/fake-electron.js';

vi.mock('electron', async () => (await import('../../fakes/fake-electron.js')).fakeElectron);

const { ShortcutRegistry, shortcutTakenNote } = await import('../../../main/shell/shortcuts.js');

const X11 = { platform: 'linux' as const, env: { DISPLAY: ':0' } };

beforeEach(() => resetFakeElectron());

describe('shortcutTakenNote', () => {
  it('names the key the way the user sees it', () => {
    expect(shortcutTakenNote('CommandOrControl+Shift+Space', X11)).toBe(
      'Ctrl+Shift+Space is taken by another application; choose another hotkey in Settings.',
    );
    expect(shortcutTakenNote('CommandOrControl+Shift+Space', { platform: 'darwin', env: {} })).toBe(
      'Cmd+Shift+Space is taken by another application; choose another hotkey in Settings.',
    );
    expect(shortcutTakenNote('Alt+F13', { platform: 'linux', env: { WAYLAND_DISPLAY: 'wayland-0' } })).toBe(
      'Alt+F13 is taken by another application; choose another hotkey in Settings. (On Wayland the desktop must also allow Hearth to use global shortcuts.)',
    );
  });
});

describe('ShortcutRegistry', () => {
  it('registers through Electron and releases exactly what it registered', () => {
    const electron = new FakeGlobalShortcut();
    electron.register('Ctrl+Alt+X', () => undefined); // someone else's, in this process
    const registry = new ShortcutRegistry(electron, X11);
    let presses = 0;
    expect(registry.register('CommandOrControl+Shift+Space', () => presses++)).toBe(true);
    electron.press('CommandOrControl+Shift+Space');
    expect(presses).toBe(1);
    expect(registry.registered).toEqual(['CommandOrControl+Shift+Space']);
    registry.unregister('CommandOrControl+Shift+Space');
    registry.unregister('Ctrl+Alt+X');
    expect(electron.isRegistered('CommandOrControl+Shift+Space')).toBe(false);
    expect(electron.isRegistered('Ctrl+Alt+X')).toBe(true);
  });

  it('remembers a hotkey another application holds, until it registers', () => {
    const electron = new FakeGlobalShortcut();
    electron.taken.add('CommandOrControl+Shift+Space');
    const registry = new ShortcutRegistry(electron, X11);
    const changes: number[] = [];
    registry.onChange(() => changes.push(1));
    expect(registry.register('CommandOrControl+Shift+Space', () => undefined)).toBe(false);
    expect(registry.takenNote('CmdOrCtrl+shift+space')).toBe(
      'Ctrl+Shift+Space is taken by another application; choose another hotkey in Settings.',
    );
    expect(registry.takenNote('Alt+F13')).toBeUndefined();
    expect(registry.takenNote('')).toBeUndefined();
    electron.taken.clear();
    expect(registry.register('CommandOrControl+Shift+Space', () => undefined)).toBe(true);
    expect(registry.takenNote('CommandOrControl+Shift+Space')).toBeUndefined();
    expect(changes).toHaveLength(2);
  });

  it('is what the engine registers push-to-talk with: a conflict turns push-to-talk off with a notice', async () => {
    const electron = new FakeGlobalShortcut();
    electron.taken.add('CommandOrControl+Shift+Space');
    const registry = new ShortcutRegistry(electron, X11);
    const ptt = await startPushToTalk(
      { hotkey: 'CommandOrControl+Shift+Space', mode: 'toggle' },
      { globalShortcut: registry, environment: { ...X11, globalShortcut: true } },
    );
    expect(ptt.plan.mode).toBe('off');
    expect(ptt.plan.reason).toBe('ptt_shortcut_taken');
    expect(ptt.notice?.message).toBe('Ctrl+Shift+Space is taken by another application; choose another hotkey in Settings.');
    expect(registry.takenNote('CommandOrControl+Shift+Space')).toMatch(/^Ctrl\+Shift\+Space is taken by another application/);
    await ptt.stop();
  });

  it('a free hotkey toggles through it, and stopping push-to-talk releases it', async () => {
    const electron = new FakeGlobalShortcut();
    const registry = new ShortcutRegistry(electron, X11);
    const ptt = await startPushToTalk(
      { hotkey: 'CommandOrControl+Shift+Space', mode: 'toggle' },
      { globalShortcut: registry, environment: { ...X11, globalShortcut: true } },
    );
    const commands: string[] = [];
    ptt.controller!.on('command', (command) => commands.push(command.type));
    electron.press('CommandOrControl+Shift+Space');
    expect(commands).toEqual(['start']);
    await ptt.stop();
    expect(electron.isRegistered('CommandOrControl+Shift+Space')).toBe(false);
    expect(registry.registered).toEqual([]);
  });

  it('hold on Wayland falls back to toggle through the registry, with the note', async () => {
    const electron = new FakeGlobalShortcut();
    const environment = { platform: 'linux' as const, env: { WAYLAND_DISPLAY: 'wayland-0' } };
    const registry = new ShortcutRegistry(electron, environment);
    const ptt = await startPushToTalk(
      { hotkey: 'CommandOrControl+Shift+Space', mode: 'hold' },
      { globalShortcut: registry, environment: { ...environment, globalShortcut: true } },
    );
    expect(ptt.plan).toMatchObject({ mode: 'toggle', via: 'global-shortcut' });
    expect(ptt.notice?.message).toBe('Hold-to-talk is not available on Wayland; the hotkey toggles instead.');
    expect(electron.isRegistered('CommandOrControl+Shift+Space')).toBe(true);
    await ptt.stop();
  });
});
