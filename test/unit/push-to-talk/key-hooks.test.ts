import { spawnSync } from 'node:child_process';
import type { UiohookKey as UiohookKeyTable } from 'uiohook-napi';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../main/util/errors.js';
import { GlobalShortcutKeyHook, type GlobalShortcutLike } from '../../../main/push-to-talk/global-shortcut-key-hook.js';
import { parseHotkey } from '../../../main/push-to-talk/hotkey.js';
import { HotkeyMatcher, uiohookKeycodeOf, uiohookKeyNames, type RawKeyEvent } from '../../../main/push-to-talk/hotkey-matcher.js';
import { ManualClock } from '../../fakes/manual-clock.js';

/**
 * uiohook-napi's own key table, read in a child process: loading the native library opens the X display
 * (and starts a thread watching it) for the life of the process, and without a display the process then
 * exits with status 1 ("Couldn't find per display information", from Xt): the stdout is all we want.
 */
const UiohookKey = JSON.parse(
  spawnSync(process.execPath, ['-e', "process.stdout.write(JSON.stringify(require('uiohook-napi').UiohookKey))"], {
    env: { ...process.env, DISPLAY: '' },
    encoding: 'utf8',
  }).stdout,
) as typeof UiohookKeyTable;
const CTRL = UiohookKey.Ctrl;
const SHIFT = UiohookKey.Shift;
const flags = (m: Partial<Record<'ctrl' | 'alt' | 'shift' | 'meta', boolean>> = {}) => ({
  ctrlKey: m.ctrl ?? false,
  altKey: m.alt ?? false,
  shiftKey: m.shift ?? false,
  metaKey: m.meta ?? false,
});
const ev = (type: 'down' | 'up', keycode: number, m: Parameters<typeof flags>[0] = {}): RawKeyEvent => ({ type, keycode, ...flags(m) });

describe('uiohook key codes', () => {
  it("match uiohook-napi's own UiohookKey table", () => {
    const theirs = UiohookKey as unknown as Record<string, number>;
    const pairs: [string, string][] = [
      ['Space', 'Space'],
      ['Tab', 'Tab'],
      ['Return', 'Enter'],
      ['Escape', 'Escape'],
      ['Backspace', 'Backspace'],
      ['Capslock', 'CapsLock'],
      ['Numlock', 'NumLock'],
      ['Scrolllock', 'ScrollLock'],
      ['PrintScreen', 'PrintScreen'],
      ['Delete', 'Delete'],
      ['Insert', 'Insert'],
      ['Home', 'Home'],
      ['End', 'End'],
      ['PageUp', 'PageUp'],
      ['PageDown', 'PageDown'],
      ['Up', 'ArrowUp'],
      ['Down', 'ArrowDown'],
      ['Left', 'ArrowLeft'],
      ['Right', 'ArrowRight'],
      ['`', 'Backquote'],
      ['-', 'Minus'],
      ['=', 'Equal'],
      ['[', 'BracketLeft'],
      [']', 'BracketRight'],
      ['\\', 'Backslash'],
      [';', 'Semicolon'],
      ["'", 'Quote'],
      [',', 'Comma'],
      ['.', 'Period'],
      ['/', 'Slash'],
      ['numdec', 'NumpadDecimal'],
      ['numadd', 'NumpadAdd'],
      ['numsub', 'NumpadSubtract'],
      ['nummult', 'NumpadMultiply'],
      ['numdiv', 'NumpadDivide'],
      ['LeftControl', 'Ctrl'],
      ['RightControl', 'CtrlRight'],
      ['LeftAlt', 'Alt'],
      ['RightAlt', 'AltRight'],
      ['LeftShift', 'Shift'],
      ['RightShift', 'ShiftRight'],
      ['LeftSuper', 'Meta'],
      ['RightSuper', 'MetaRight'],
    ];
    for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789') pairs.push([c, c]);
    for (let i = 1; i <= 24; i++) pairs.push([`F${i}`, `F${i}`]);
    for (let i = 0; i <= 9; i++) pairs.push([`num${i}`, `Numpad${i}`]);
    for (const [ours, name] of pairs) expect(uiohookKeycodeOf(ours), `${ours} vs UiohookKey.${name}`).toBe(theirs[name]);
    // Every key the parser accepts has a code (media keys are libuiohook VC_MEDIA_*/VC_VOLUME_*, not in UiohookKey).
    for (const name of uiohookKeyNames()) expect(typeof uiohookKeycodeOf(name)).toBe('number');
    expect(uiohookKeycodeOf('VolumeUp')).toBe(0xe030);
  });
});

describe('HotkeyMatcher', () => {
  it('Ctrl+Shift+Space: down with exactly Ctrl+Shift; up on the key or on either modifier', () => {
    const m = new HotkeyMatcher(parseHotkey('CommandOrControl+Shift+Space'), 'linux');
    expect(m.handle(ev('down', CTRL, { ctrl: true }))).toBeNull();
    expect(m.handle(ev('down', SHIFT, { ctrl: true, shift: true }))).toBeNull();
    expect(m.handle(ev('down', UiohookKey.Space, { ctrl: true, shift: true }))).toBe('down');
    expect(m.handle(ev('down', UiohookKey.Space, { ctrl: true, shift: true }))).toBe('down'); // auto-repeat, for the machine to drop
    expect(m.handle(ev('down', UiohookKey.A, { ctrl: true, shift: true }))).toBeNull();
    expect(m.handle(ev('up', CTRL, { shift: true }))).toBe('up'); // releasing a modifier first releases the hotkey
    expect(m.handle(ev('up', SHIFT))).toBeNull();
    expect(m.handle(ev('up', UiohookKey.Space))).toBeNull();

    expect(m.handle(ev('down', UiohookKey.Space, { ctrl: true, shift: true }))).toBe('down');
    expect(m.handle(ev('up', UiohookKey.Space, { ctrl: true, shift: true }))).toBe('up');
    expect(m.handle(ev('down', UiohookKey.CtrlRight, { ctrl: true }))).toBeNull();
    expect(m.handle(ev('down', UiohookKey.Space, { ctrl: true, shift: true }))).toBe('down'); // right Ctrl counts too
    expect(m.handle(ev('up', UiohookKey.CtrlRight, { shift: true }))).toBe('up');
  });

  it('does not match with missing or extra modifiers, nor on macOS without Command', () => {
    const m = new HotkeyMatcher(parseHotkey('CommandOrControl+Shift+Space'), 'linux');
    expect(m.handle(ev('down', UiohookKey.Space, { ctrl: true }))).toBeNull();
    expect(m.handle(ev('down', UiohookKey.Space, { ctrl: true, shift: true, alt: true }))).toBeNull();
    expect(m.handle(ev('down', UiohookKey.Space))).toBeNull();
    expect(m.handle(ev('up', UiohookKey.Space))).toBeNull(); // an up without a matching down
    const mac = new HotkeyMatcher(parseHotkey('CommandOrControl+Shift+Space'), 'darwin');
    expect(mac.handle(ev('down', UiohookKey.Space, { ctrl: true, shift: true }))).toBeNull();
    expect(mac.handle(ev('down', UiohookKey.Space, { meta: true, shift: true }))).toBe('down');
    expect(mac.handle(ev('up', UiohookKey.Meta, { shift: true }))).toBe('up');
  });

  it('Alt+F13 and Ctrl+` map to the right codes', () => {
    const f13 = new HotkeyMatcher(parseHotkey('Alt+F13'), 'linux');
    expect(f13.keycode).toBe(UiohookKey.F13);
    expect(f13.handle(ev('down', UiohookKey.F13, { alt: true }))).toBe('down');
    expect(f13.handle(ev('up', UiohookKey.F13, { alt: true }))).toBe('up');
    const backquote = new HotkeyMatcher(parseHotkey('Ctrl+`'), 'linux');
    expect(backquote.handle(ev('down', UiohookKey.Backquote, { ctrl: true }))).toBe('down');
    const bang = new HotkeyMatcher(parseHotkey('Ctrl+!'), 'linux');
    expect(bang.handle(ev('down', UiohookKey[1], { ctrl: true }))).toBeNull();
    expect(bang.handle(ev('down', UiohookKey[1], { ctrl: true, shift: true }))).toBe('down');
  });

  it('watches only the key codes that matter: the key and both keys of each required modifier', () => {
    const chord = new HotkeyMatcher(parseHotkey('CommandOrControl+Shift+Space'), 'linux');
    expect(new Set(chord.watchedKeycodes)).toEqual(
      new Set([UiohookKey.Space, UiohookKey.Ctrl, UiohookKey.CtrlRight, UiohookKey.Shift, UiohookKey.ShiftRight]),
    );
    expect(new HotkeyMatcher(parseHotkey('RightAlt'), 'linux').watchedKeycodes).toEqual([UiohookKey.AltRight]);
    expect(new HotkeyMatcher(parseHotkey('F13'), 'linux').watchedKeycodes).toEqual([UiohookKey.F13]);
  });

  it('RightAlt alone: its own flag may be set or not; other modifiers held, or the left key, do not match', () => {
    const m = new HotkeyMatcher(parseHotkey('RightAlt'), 'linux');
    expect(m.handle(ev('down', UiohookKey.Alt, { alt: true }))).toBeNull();
    expect(m.handle(ev('down', UiohookKey.AltRight, { alt: true, ctrl: true }))).toBeNull();
    expect(m.handle(ev('down', UiohookKey.AltRight, { alt: true }))).toBe('down');
    expect(m.handle(ev('up', UiohookKey.Alt))).toBeNull();
    expect(m.handle(ev('up', UiohookKey.AltRight))).toBe('up');
    expect(m.handle(ev('down', UiohookKey.AltRight))).toBe('down');
    m.reset();
    expect(m.handle(ev('up', UiohookKey.AltRight))).toBeNull();
  });
});

describe('GlobalShortcutKeyHook (Electron globalShortcut, injected)', () => {
  function fakeShortcut(result = true) {
    const callbacks = new Map<string, () => void>();
    const shortcut: GlobalShortcutLike & { callbacks: typeof callbacks; unregistered: string[] } = {
      callbacks,
      unregistered: [],
      register: (accelerator, callback) => {
        if (result) callbacks.set(accelerator, callback);
        return result;
      },
      unregister(accelerator) {
        this.unregistered.push(accelerator);
        callbacks.delete(accelerator);
      },
    };
    return shortcut;
  }

  it('registers the normalised accelerator and emits key-down only', async () => {
    const clock = new ManualClock();
    const shortcut = fakeShortcut();
    const hook = new GlobalShortcutKeyHook(shortcut, { clock });
    const downs: number[] = [];
    hook.on('down', ({ atMs }) => downs.push(atMs));
    await hook.start(parseHotkey('cmdorctrl+shift+space'));
    expect([...shortcut.callbacks.keys()]).toEqual(['CommandOrControl+Shift+Space']);
    expect(hook.reportsKeyUp).toBe(false);
    clock.advance(10);
    shortcut.callbacks.get('CommandOrControl+Shift+Space')!();
    expect(downs).toEqual([10]);
    await hook.stop();
    expect(shortcut.unregistered).toEqual(['CommandOrControl+Shift+Space']);
    expect(hook.running).toBe(false);
  });

  it('a taken shortcut, an invalid one and a bare modifier give clear errors', async () => {
    await expect(new GlobalShortcutKeyHook(fakeShortcut(false)).start(parseHotkey('Alt+F13'))).rejects.toMatchObject({
      code: 'ptt_shortcut_taken',
      message: expect.stringMatching(/Alt\+F13 could not be registered: another application already uses it/),
    });
    const throwing: GlobalShortcutLike = {
      register: () => {
        throw new Error('conversion failure');
      },
      unregister: () => undefined,
    };
    const invalid = await new GlobalShortcutKeyHook(throwing).start(parseHotkey('Alt+F13')).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(ConfigError);
    await expect(new GlobalShortcutKeyHook(fakeShortcut()).start(parseHotkey('RightAlt'))).rejects.toMatchObject({
      code: 'ptt_shortcut_unsupported_key',
    });
  });
});
