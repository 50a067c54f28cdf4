import { spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { UiohookKey as UiohookKeyTable } from 'uiohook-napi';
import { describe, expect, it, vi } from 'vitest';
import { AppError, ConfigError } from '../../../main/util/errors.js';
import { GlobalShortcutKeyHook, type GlobalShortcutLike } from '../../../main/push-to-talk/global-shortcut-key-hook.js';
import { parseHotkey } from '../../../main/push-to-talk/hotkey.js';
import { HotkeyMatcher, uiohookKeycodeOf, uiohookKeyNames, type RawKeyEvent } from '../../../main/push-to-talk/hotkey-matcher.js';
import { UiohookKeyHook, type UiohookKeyboardEventLike, type UiohookLike } from '../../../main/push-to-talk/uiohook-key-hook.js';
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

/** A stand-in for uiohook-napi's `uIOhook` singleton. */
class FakeUiohook extends EventEmitter implements UiohookLike {
  starts = 0;
  stops = 0;
  startError: Error | undefined;
  override on(event: 'keydown' | 'keyup', listener: (e: UiohookKeyboardEventLike) => void): this {
    return super.on(event, listener);
  }
  override off(event: 'keydown' | 'keyup', listener: (e: UiohookKeyboardEventLike) => void): this {
    return super.off(event, listener);
  }
  start(): void {
    if (this.startError) throw this.startError;
    this.starts++;
  }
  stop(): void {
    this.stops++;
  }
  key(type: 'keydown' | 'keyup', keycode: number, m: Parameters<typeof flags>[0] = {}): void {
    this.emit(type, { keycode, ...flags(m) });
  }
}

describe('UiohookKeyHook (fake native module)', () => {
  const X11 = { DISPLAY: ':0', XDG_SESSION_TYPE: 'x11' };

  it('emits down/up of the configured hotkey only, with the clock time; stop releases the native hook', async () => {
    const clock = new ManualClock();
    const native = new FakeUiohook();
    const probe = vi.fn(async () => ({ ok: true as const }));
    const hook = new UiohookKeyHook({ platform: 'linux', env: X11, clock, load: () => native, probe });
    const events: string[] = [];
    hook.on('down', ({ atMs }) => events.push(`down@${atMs}`));
    hook.on('up', ({ atMs }) => events.push(`up@${atMs}`));
    await hook.start(parseHotkey('Ctrl+Shift+Space'));
    expect(probe).toHaveBeenCalledWith(X11);
    expect(hook.running).toBe(true);
    expect(native.starts).toBe(1);
    native.key('keydown', UiohookKey.A);
    native.key('keydown', CTRL, { ctrl: true });
    native.key('keydown', SHIFT, { ctrl: true, shift: true });
    clock.advance(5);
    native.key('keydown', UiohookKey.Space, { ctrl: true, shift: true });
    clock.advance(700);
    native.key('keyup', UiohookKey.Space, { ctrl: true, shift: true });
    native.key('keyup', SHIFT, { ctrl: true });
    native.key('keyup', CTRL);
    native.key('keydown', UiohookKey.B);
    expect(events).toEqual(['down@5', 'up@705']);
    await hook.stop();
    expect(native.stops).toBe(1);
    expect(native.listenerCount('keydown')).toBe(0);
    expect(hook.running).toBe(false);
  });

  it('two hooks share the native singleton (started once, stopped after the last)', async () => {
    const native = new FakeUiohook();
    const a = new UiohookKeyHook({ platform: 'linux', env: X11, load: () => native, probe: false });
    const b = new UiohookKeyHook({ platform: 'linux', env: X11, load: () => native, probe: false });
    await a.start(parseHotkey('F13'));
    await b.start(parseHotkey('RightAlt'));
    expect(native.starts).toBe(1);
    await a.stop();
    expect(native.stops).toBe(0);
    await b.stop();
    expect(native.stops).toBe(1);
  });

  it.each([
    [
      { DISPLAY: ':0', XDG_SESSION_TYPE: 'wayland', WAYLAND_DISPLAY: 'wayland-0' },
      'ptt_wayland',
      /Wayland does not let applications watch the keyboard/,
    ],
    [{ DISPLAY: ':0', WAYLAND_DISPLAY: 'wayland-0' }, 'ptt_wayland', /Wayland/],
    [{ XDG_SESSION_TYPE: 'x11' }, 'ptt_no_display', /needs an X11 display, and DISPLAY is not set/],
  ])('refuses before loading anything native: %o', async (env, code, message) => {
    const load = vi.fn(() => new FakeUiohook());
    const probe = vi.fn(async () => ({ ok: true as const }));
    const hook = new UiohookKeyHook({ platform: 'linux', env, load, probe });
    const error = await hook.start(parseHotkey('Ctrl+Shift+Space')).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code, category: 'configuration', permanent: true });
    expect((error as AppError).message).toMatch(message);
    expect(load).not.toHaveBeenCalled();
    expect(probe).not.toHaveBeenCalled();
  });

  it('a failed probe (unreachable X server) stops it before the native hook can abort the process', async () => {
    const load = vi.fn(() => new FakeUiohook());
    const probe = vi.fn(async () => ({
      ok: false as const,
      code: 'ptt_x_unreachable' as const,
      reason: 'because the X display :55 cannot be opened',
      message: 'The keyboard hook cannot open the X display ":55".',
    }));
    const hook = new UiohookKeyHook({ platform: 'linux', env: { DISPLAY: ':55' }, load, probe });
    await expect(hook.start(parseHotkey('F13'))).rejects.toMatchObject({
      code: 'ptt_x_unreachable',
      message: 'The keyboard hook cannot open the X display ":55".',
    });
    expect(load).not.toHaveBeenCalled();
  });

  it('macOS: no Accessibility permission is reported clearly (known up front, or from the native error)', async () => {
    const untrusted = new UiohookKeyHook({ platform: 'darwin', env: {}, accessibilityTrusted: false, load: () => new FakeUiohook() });
    await expect(untrusted.start(parseHotkey('F13'))).rejects.toMatchObject({
      code: 'ptt_accessibility',
      message: expect.stringMatching(/Accessibility permission: System Settings → Privacy & Security → Accessibility/),
    });
    const native = new FakeUiohook();
    native.startError = Object.assign(new Error('Failed to enable access for assistive devices.'), {
      code: 'UIOHOOK_ERROR_AXAPI_DISABLED',
    });
    const hook = new UiohookKeyHook({ platform: 'darwin', env: {}, load: () => native });
    await expect(hook.start(parseHotkey('F13'))).rejects.toMatchObject({ code: 'ptt_accessibility' });
    expect(native.listenerCount('keydown')).toBe(0);
    expect(hook.running).toBe(false);
  });

  it('media track keys are refused on Linux (libuiohook reports them as keycode 0 there)', async () => {
    const load = vi.fn(() => new FakeUiohook());
    const hook = new UiohookKeyHook({ platform: 'linux', env: X11, load, probe: false });
    await expect(hook.start(parseHotkey('MediaPlayPause'))).rejects.toMatchObject({ code: 'ptt_key_unsupported' });
    expect(load).not.toHaveBeenCalled();
    await hook.start(parseHotkey('VolumeMute'));
    await hook.stop();
  });

  it('other native failures and a missing library are reported, not thrown raw', async () => {
    const native = new FakeUiohook();
    native.startError = Object.assign(new Error('Unable to locate XRecord extension.'), { code: 'UIOHOOK_ERROR_X_RECORD_NOT_FOUND' });
    await expect(new UiohookKeyHook({ platform: 'win32', env: {}, load: () => native }).start(parseHotkey('F13'))).rejects.toMatchObject({
      code: 'ptt_no_xrecord',
    });
    const missing = new UiohookKeyHook({
      platform: 'win32',
      env: {},
      load: () => {
        throw new Error('libXtst.so.6: cannot open shared object file');
      },
    });
    await expect(missing.start(parseHotkey('F13'))).rejects.toMatchObject({
      code: 'ptt_hook_failed',
      message: expect.stringContaining('could not be loaded: libXtst.so.6'),
    });
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
