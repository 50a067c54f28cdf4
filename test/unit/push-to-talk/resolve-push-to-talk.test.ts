import { describe, expect, it } from 'vitest';
import { ListeningSettingsSchema } from '../../../preload/contract/settings-schema.js';
import { AppError } from '../../../main/util/errors.js';
import type { GlobalShortcutLike } from '../../../main/push-to-talk/global-shortcut-key-hook.js';
import { detectKeyHookSupport, isWaylandSession } from '../../../main/push-to-talk/key-hook-support.js';
import type { PushToTalkCommand } from '../../../main/push-to-talk/push-to-talk-machine.js';
import { resolvePushToTalk, startPushToTalk, type PushToTalkEnvironment } from '../../../main/push-to-talk/push-to-talk.js';
import { ManualClock } from '../../fakes/manual-clock.js';
import { FakeKeyHook } from '../../fakes/fake-key-hook.js';

const X11: PushToTalkEnvironment = { platform: 'linux', env: { DISPLAY: ':0', XDG_SESSION_TYPE: 'x11' } };
const WAYLAND: PushToTalkEnvironment = {
  platform: 'linux',
  env: { DISPLAY: ':0', XDG_SESSION_TYPE: 'wayland', WAYLAND_DISPLAY: 'wayland-0' },
};
const NO_DISPLAY: PushToTalkEnvironment = { platform: 'linux', env: {} };
const HOLD = { hotkey: 'CommandOrControl+Shift+Space', mode: 'hold' } as const;
const TOGGLE = { hotkey: 'CommandOrControl+Shift+Space', mode: 'toggle' } as const;

describe('detectKeyHookSupport', () => {
  it('Wayland is XDG_SESSION_TYPE=wayland or WAYLAND_DISPLAY set', () => {
    expect(isWaylandSession({ XDG_SESSION_TYPE: 'wayland' })).toBe(true);
    expect(isWaylandSession({ XDG_SESSION_TYPE: 'Wayland' })).toBe(true);
    expect(isWaylandSession({ WAYLAND_DISPLAY: 'wayland-0', XDG_SESSION_TYPE: 'x11' })).toBe(true);
    expect(isWaylandSession({ XDG_SESSION_TYPE: 'x11', DISPLAY: ':0', WAYLAND_DISPLAY: '' })).toBe(false);
  });

  it('per platform', () => {
    expect(detectKeyHookSupport(X11)).toEqual({ ok: true });
    expect(detectKeyHookSupport(WAYLAND)).toMatchObject({ ok: false, code: 'ptt_wayland', reason: 'on Wayland' });
    expect(detectKeyHookSupport(NO_DISPLAY)).toMatchObject({ ok: false, code: 'ptt_no_display' });
    expect(detectKeyHookSupport({ platform: 'win32', env: {} })).toEqual({ ok: true });
    expect(detectKeyHookSupport({ platform: 'darwin', env: {} })).toEqual({ ok: true });
    expect(detectKeyHookSupport({ platform: 'darwin', env: {}, accessibilityTrusted: true })).toEqual({ ok: true });
    expect(detectKeyHookSupport({ platform: 'darwin', env: {}, accessibilityTrusted: false })).toMatchObject({
      ok: false,
      code: 'ptt_accessibility',
    });
    expect(detectKeyHookSupport({ platform: 'freebsd', env: { DISPLAY: ':0' } })).toMatchObject({
      ok: false,
      code: 'ptt_unsupported_platform',
    });
  });
});

describe('resolvePushToTalk', () => {
  it('hold on X11, Windows, macOS (trusted) → hold through the hook', () => {
    for (const env of [
      X11,
      { platform: 'win32', env: {} },
      { platform: 'darwin', env: {}, accessibilityTrusted: true },
    ] as PushToTalkEnvironment[]) {
      expect(resolvePushToTalk(HOLD, env)).toMatchObject({
        mode: 'hold',
        via: 'hook',
        hotkey: { accelerator: 'CommandOrControl+Shift+Space' },
      });
      expect(resolvePushToTalk(HOLD, env).note).toBeUndefined();
    }
  });

  it('hold on Wayland → toggle through globalShortcut, with the note', () => {
    expect(resolvePushToTalk(HOLD, WAYLAND)).toMatchObject({
      mode: 'toggle',
      via: 'global-shortcut',
      reason: 'ptt_wayland',
      note: 'Hold-to-talk is not available on Wayland; the hotkey toggles instead.',
    });
  });

  it('hold without an X display, or on macOS without Accessibility → toggle, with the reason', () => {
    expect(resolvePushToTalk(HOLD, NO_DISPLAY)).toMatchObject({
      mode: 'toggle',
      via: 'global-shortcut',
      note: 'Hold-to-talk is not available without an X11 display (DISPLAY is not set); the hotkey toggles instead.',
    });
    expect(resolvePushToTalk(HOLD, { platform: 'darwin', env: {}, accessibilityTrusted: false })).toMatchObject({
      mode: 'toggle',
      note: 'Hold-to-talk is not available until Hearth has Accessibility permission; the hotkey toggles instead.',
    });
  });

  it('toggle uses globalShortcut (swallows the key, no permission needed), even where the hook works', () => {
    expect(resolvePushToTalk(TOGGLE, X11)).toEqual({
      mode: 'toggle',
      via: 'global-shortcut',
      hotkey: expect.objectContaining({ key: 'Space' }),
    });
    expect(resolvePushToTalk(TOGGLE, WAYLAND)).toMatchObject({ mode: 'toggle', via: 'global-shortcut' });
    expect(resolvePushToTalk(TOGGLE, WAYLAND).note).toBeUndefined();
  });

  it('without globalShortcut (headless): the hook, or off with a note', () => {
    expect(resolvePushToTalk(TOGGLE, { ...X11, globalShortcut: false })).toMatchObject({ mode: 'toggle', via: 'hook' });
    expect(resolvePushToTalk(HOLD, { ...X11, globalShortcut: false })).toMatchObject({ mode: 'hold', via: 'hook' });
    expect(resolvePushToTalk(HOLD, { ...WAYLAND, globalShortcut: false })).toMatchObject({
      mode: 'off',
      note: 'Push-to-talk is not available on Wayland: the keyboard hook cannot run and global shortcuts need the desktop app.',
    });
  });

  it('a modifier alone needs the hook in both modes; off with a note where there is none', () => {
    expect(resolvePushToTalk({ hotkey: 'RightAlt', mode: 'toggle' }, X11)).toMatchObject({ mode: 'toggle', via: 'hook' });
    expect(resolvePushToTalk({ hotkey: 'RightAlt', mode: 'hold' }, X11)).toMatchObject({ mode: 'hold', via: 'hook' });
    expect(resolvePushToTalk({ hotkey: 'RightAlt', mode: 'hold' }, WAYLAND)).toMatchObject({
      mode: 'off',
      reason: 'ptt_wayland',
      note: 'RightAlt on its own needs the keyboard hook, which is not available on Wayland; push-to-talk is off. Choose a hotkey such as CommandOrControl+Shift+Space.',
    });
  });

  it('empty hotkey → off silently; invalid → off with the validation message', () => {
    expect(resolvePushToTalk({ hotkey: '', mode: 'hold' }, X11)).toEqual({ mode: 'off', via: null, hotkey: null });
    expect(resolvePushToTalk({ hotkey: 'Ctrl+Foo', mode: 'hold' }, X11)).toMatchObject({
      mode: 'off',
      reason: 'hotkey_invalid',
      note: expect.stringMatching(/^Push-to-talk is off: The hotkey 'Ctrl\+Foo' has an unknown key 'Foo'/),
    });
  });

  it('accepts the settings section as is', () => {
    const listening = ListeningSettingsSchema.parse({ pushToTalk: { hotkey: 'Alt+F13', mode: 'hold' } });
    expect(resolvePushToTalk(listening.pushToTalk, X11)).toMatchObject({ mode: 'hold', via: 'hook', hotkey: { key: 'F13' } });
  });
});

describe('startPushToTalk', () => {
  function shortcut(ok = true) {
    const registered = new Map<string, () => void>();
    const gs: GlobalShortcutLike = {
      register: (accelerator, callback) => {
        if (ok) registered.set(accelerator, callback);
        return ok;
      },
      unregister: (accelerator) => void registered.delete(accelerator),
    };
    return { gs, registered };
  }

  it('hold with a working hook: hold turns from key-down to key-up', async () => {
    const clock = new ManualClock();
    const hook = new FakeKeyHook(clock);
    const ptt = await startPushToTalk(HOLD, { environment: X11, createHook: () => hook, clock, globalShortcut: shortcut().gs });
    expect(ptt.plan).toMatchObject({ mode: 'hold', via: 'hook' });
    expect(ptt.notice).toBeUndefined();
    expect(hook.started.map((h) => h.accelerator)).toEqual(['CommandOrControl+Shift+Space']);
    const commands: PushToTalkCommand[] = [];
    ptt.controller!.on('command', (c) => commands.push(c));
    hook.down();
    clock.advance(1500);
    hook.up();
    expect(commands).toEqual([{ type: 'start', source: 'push-to-talk', hold: true }, { type: 'release' }]);
    await ptt.stop();
    expect(hook.stops).toBe(1);
  });

  it('the hook failing at run time (X display cannot be opened) → toggle through globalShortcut, with the reason', async () => {
    const clock = new ManualClock();
    const failure = new AppError(
      'The keyboard hook cannot open the X display ":55" (no X server there, or no permission: check DISPLAY and XAUTHORITY).',
      {
        category: 'configuration',
        code: 'ptt_x_unreachable',
      },
    );
    const hook = new FakeKeyHook(clock, { failWith: failure });
    const { gs, registered } = shortcut();
    const ptt = await startPushToTalk(HOLD, { environment: X11, createHook: () => hook, clock, globalShortcut: gs });
    expect(ptt.plan).toMatchObject({ mode: 'toggle', via: 'global-shortcut', reason: 'ptt_x_unreachable' });
    expect(ptt.plan.note).toBe(
      'Hold-to-talk is not available (The keyboard hook cannot open the X display ":55" (no X server there, or no permission: check DISPLAY and XAUTHORITY)); the hotkey toggles instead.',
    );
    expect(ptt.notice).toBeInstanceOf(AppError);
    expect(ptt.notice).toMatchObject({ code: 'ptt_x_unreachable', message: ptt.plan.note });
    const commands: PushToTalkCommand[] = [];
    ptt.controller!.on('command', (c) => commands.push(c));
    registered.get('CommandOrControl+Shift+Space')!();
    clock.advance(3000);
    registered.get('CommandOrControl+Shift+Space')!();
    expect(commands).toEqual([{ type: 'start', source: 'push-to-talk', hold: false }, { type: 'release' }]);
    await ptt.stop();
    expect(registered.size).toBe(0);
  });

  it('Wayland: never tries the hook; toggles through globalShortcut with the note', async () => {
    const clock = new ManualClock();
    let created = 0;
    const ptt = await startPushToTalk(HOLD, {
      environment: WAYLAND,
      clock,
      globalShortcut: shortcut().gs,
      createHook: () => {
        created++;
        return new FakeKeyHook(clock);
      },
    });
    expect(created).toBe(0);
    expect(ptt.plan).toMatchObject({ mode: 'toggle', via: 'global-shortcut' });
    expect(ptt.notice?.message).toBe('Hold-to-talk is not available on Wayland; the hotkey toggles instead.');
    expect(ptt.controller!.config).toMatchObject({ mode: 'toggle', keyUp: false });
    await ptt.stop();
  });

  it('nothing can watch the hotkey → off with a note, never a throw', async () => {
    const clock = new ManualClock();
    const failing = () =>
      new FakeKeyHook(clock, {
        failWith: new AppError('The keyboard hook could not start.', { category: 'configuration', code: 'ptt_hook_failed' }),
      });
    const headless = await startPushToTalk(HOLD, { environment: X11, createHook: failing, clock });
    expect(headless).toMatchObject({
      controller: null,
      plan: { mode: 'off' },
      notice: { message: 'Push-to-talk is off: The keyboard hook could not start.' },
    });
    const taken = await startPushToTalk(TOGGLE, { environment: X11, clock, globalShortcut: shortcut(false).gs });
    expect(taken.plan).toMatchObject({ mode: 'off', reason: 'ptt_shortcut_taken' });
    expect(taken.notice?.message).toMatch(/is taken by another application; choose another hotkey in Settings\.$/);
    const empty = await startPushToTalk({ hotkey: '', mode: 'hold' }, { environment: X11, clock });
    expect(empty).toMatchObject({ controller: null, plan: { mode: 'off' } });
    expect(empty.notice).toBeUndefined();
  });

  describe('the hook stopping at run time', () => {
    const stopped = () =>
      new AppError('The keyboard hook stopped because the X display :0 cannot be opened.', {
        category: 'configuration',
        code: 'ptt_x_unreachable',
      });
    const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

    it('hold → toggle through globalShortcut on the same controller; a held turn is latched and the next press sends it', async () => {
      const clock = new ManualClock();
      const hook = new FakeKeyHook(clock);
      const { gs, registered } = shortcut();
      const notices: string[] = [];
      const ptt = await startPushToTalk(HOLD, {
        environment: X11,
        createHook: () => hook,
        clock,
        globalShortcut: gs,
        onFallback: (notice) => notices.push(notice.message),
      });
      const controller = ptt.controller!;
      const commands: PushToTalkCommand[] = [];
      controller.on('command', (c) => commands.push(c));
      hook.down();
      clock.advance(1000);
      hook.fail(stopped());
      await flush();

      const note =
        'Hold-to-talk stopped working (The keyboard hook stopped because the X display :0 cannot be opened); the hotkey toggles instead.';
      expect(ptt.plan).toMatchObject({ mode: 'toggle', via: 'global-shortcut', reason: 'ptt_x_unreachable', note });
      expect(ptt.notice).toMatchObject({ code: 'ptt_x_unreachable', message: note });
      expect(notices).toEqual([note]);
      expect(ptt.controller).toBe(controller);
      expect(ptt.hook?.name).toBe('globalShortcut');
      expect(controller.config).toMatchObject({ mode: 'toggle', keyUp: false });
      expect(commands).toEqual([{ type: 'start', source: 'push-to-talk', hold: true }, { type: 'latch' }]);

      hook.up(); // the dead hook's events no longer count
      clock.advance(1000);
      registered.get('CommandOrControl+Shift+Space')!();
      expect(commands.slice(2)).toEqual([{ type: 'release' }]);
      clock.advance(1000);
      registered.get('CommandOrControl+Shift+Space')!();
      expect(commands.slice(3)).toEqual([{ type: 'start', source: 'push-to-talk', hold: false }]);
      await ptt.stop();
      expect(registered.size).toBe(0);
    });

    it('a turn latched by the fallback still ends at the max-hold limit if no press comes', async () => {
      const clock = new ManualClock();
      const hook = new FakeKeyHook(clock);
      const ptt = await startPushToTalk(HOLD, { environment: X11, createHook: () => hook, clock, globalShortcut: shortcut().gs });
      const commands: PushToTalkCommand[] = [];
      ptt.controller!.on('command', (c) => commands.push(c));
      hook.down();
      hook.fail(stopped());
      await flush();
      clock.advance(60_000);
      expect(commands.at(-1)).toEqual({ type: 'stop', reason: 'max-hold' });
      await ptt.stop();
    });

    it('without globalShortcut (headless): off with a note; a held turn still ends at the max-hold limit', async () => {
      const clock = new ManualClock();
      const hook = new FakeKeyHook(clock);
      const notices: string[] = [];
      const ptt = await startPushToTalk(HOLD, {
        environment: X11,
        createHook: () => hook,
        clock,
        onFallback: (notice) => notices.push(notice.message),
      });
      const commands: PushToTalkCommand[] = [];
      ptt.controller!.on('command', (c) => commands.push(c));
      hook.down();
      hook.fail(stopped());
      await flush();
      expect(ptt.plan).toMatchObject({ mode: 'off', via: null, reason: 'ptt_x_unreachable' });
      expect(notices).toEqual(['Push-to-talk stopped: The keyboard hook stopped because the X display :0 cannot be opened.']);
      hook.up();
      expect(commands).toEqual([{ type: 'start', source: 'push-to-talk', hold: true }]);
      clock.advance(60_000);
      expect(commands.at(-1)).toEqual({ type: 'stop', reason: 'max-hold' });
      await ptt.stop();
    });

    it('a hotkey another application took meanwhile: off, saying so', async () => {
      const clock = new ManualClock();
      const hook = new FakeKeyHook(clock);
      const ptt = await startPushToTalk(HOLD, { environment: X11, createHook: () => hook, clock, globalShortcut: shortcut(false).gs });
      hook.fail(stopped());
      await flush();
      expect(ptt.plan.mode).toBe('off');
      expect(ptt.notice?.message).toBe(
        'Push-to-talk stopped (The keyboard hook stopped because the X display :0 cannot be opened), and Ctrl+Shift+Space is taken by another application; choose another hotkey in Settings.',
      );
    });

    it('an error after stop() changes nothing', async () => {
      const clock = new ManualClock();
      const hook = new FakeKeyHook(clock);
      const { gs, registered } = shortcut();
      let fallbacks = 0;
      const ptt = await startPushToTalk(HOLD, {
        environment: X11,
        createHook: () => hook,
        clock,
        globalShortcut: gs,
        onFallback: () => fallbacks++,
      });
      await ptt.stop();
      hook.fail(stopped());
      await flush();
      expect(registered.size).toBe(0);
      expect(fallbacks).toBe(0);
      expect(ptt.plan).toMatchObject({ mode: 'hold', via: 'hook' });
    });
  });
});
