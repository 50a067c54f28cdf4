import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { isMainThread } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHotkey } from '../../main/push-to-talk/hotkey.js';
import type { PushToTalkCommand } from '../../main/push-to-talk/push-to-talk-machine.js';
import { startPushToTalk } from '../../main/push-to-talk/push-to-talk.js';
import { UiohookKeyHook } from '../../main/push-to-talk/uiohook-key-hook.js';

/**
 * The real uiohook-napi hook on a virtual X server (Xvfb), driven by synthetic key presses from xdotool
 * (XTEST). uiohook's own keyTap/keyToggle are not used: under a bare Xvfb (no window manager, focus
 * PointerRoot) they make Xlib report BadWindow (X_ChangeWindowAttributes on window 0x1), and Xlib's
 * default error handler exits the process.
 *
 * Needs the Debian packages xvfb and xdotool; fails (never skips) without them.
 */

const PACKAGES = ['xvfb', 'xdotool'];

function requireXTools(): void {
  const missing = [
    ['Xvfb', 'xvfb'],
    ['xdotool', 'xdotool'],
  ].filter(([bin]) => spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status !== 0);
  if (missing.length > 0) {
    throw new Error(
      `The push-to-talk integration test needs ${missing.map(([bin]) => bin).join(' and ')}: ` +
        `apt-get install -y --no-install-recommends ${PACKAGES.join(' ')}`,
    );
  }
}

/**
 * Starts Xvfb on a free display number (-displayfd) and returns ":N". Xvfb must outlive this test process:
 * loading uiohook-napi opens X connections that stay open for the life of the process (libuiohook's
 * library constructor and its XRandR thread), and Xlib exits the process when their server goes away. So
 * a detached watchdog shell ends Xvfb once this process has exited, instead of afterAll.
 */
function startXvfb(): Promise<{ display: string; watchdog: ChildProcess }> {
  const script = [
    'Xvfb -displayfd 3 -screen 0 640x480x24 -nolisten tcp 2>/dev/null & x=$!',
    `while kill -0 ${process.pid} 2>/dev/null && kill -0 $x 2>/dev/null; do sleep 0.2; done`,
    'kill $x 2>/dev/null; wait $x 2>/dev/null',
  ].join('\n');
  const watchdog = spawn('sh', ['-c', script], { stdio: ['ignore', 'ignore', 'ignore', 'pipe'], detached: true });
  const fd3 = watchdog.stdio[3] as Socket;
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('Xvfb did not report a display within 10 s')), 10_000);
    fd3.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /^(\d+)\n/.exec(out);
      if (match) {
        clearTimeout(timer);
        fd3.destroy();
        watchdog.unref();
        resolve({ display: `:${match[1]}`, watchdog });
      }
    });
    fd3.on('close', () => {
      clearTimeout(timer);
      if (!/^\d+\n/.test(out)) reject(new Error('Xvfb exited before reporting a display'));
    });
  });
}

describe('UiohookKeyHook under Xvfb with xdotool', { timeout: 60_000 }, () => {
  let display = '';
  const previousDisplay = process.env.DISPLAY;
  const xdotool = (...args: string[]) => execFileSync('xdotool', args, { env: { ...process.env, DISPLAY: display } });

  /** Runs `act`, then waits until `events` has `count` entries (or `settleMs` passes), then a little more. */
  async function expectEvents(events: string[], act: () => void, expected: string[], settleMs = 1500): Promise<void> {
    const before = events.length;
    act();
    const deadline = Date.now() + settleMs;
    while (events.length - before < expected.length && Date.now() < deadline) await sleep(10);
    await sleep(150); // nothing extra arrives
    expect(events.slice(before)).toEqual(expected);
  }

  beforeAll(async () => {
    requireXTools();
    // The native hook reads DISPLAY from the real process environment: that needs a forked test process
    // (vitest's default pool), not a worker thread whose process.env is a copy.
    if (!isMainThread) throw new Error('This test must run in a forked process (vitest pool "forks"), not a worker thread');
    display = (await startXvfb()).display;
    process.env.DISPLAY = display;
    delete process.env.WAYLAND_DISPLAY;
    process.env.XDG_SESSION_TYPE = 'x11';
  });

  afterAll(() => {
    // Xvfb itself is ended by its watchdog after this process exits (see startXvfb).
    if (previousDisplay === undefined) delete process.env.DISPLAY;
    else process.env.DISPLAY = previousDisplay;
  });

  it("the hook's process starts on the Xvfb display and refuses a missing one", async () => {
    const hook = new UiohookKeyHook();
    await hook.start(parseHotkey('F12'));
    expect(hook.hostPid).toEqual(expect.any(Number));
    await hook.stop();
    const missing = new UiohookKeyHook({ env: { ...process.env, DISPLAY: ':1999' } });
    await expect(missing.start(parseHotkey('F12'))).rejects.toMatchObject({
      code: 'ptt_x_unreachable',
      message: expect.stringMatching(/cannot open the X display ":1999"/),
    });
  });

  it('reports key-down and key-up of Ctrl+Shift+Space; unrelated keys and near misses are ignored', async () => {
    const hook = new UiohookKeyHook();
    const events: string[] = [];
    hook.on('down', () => events.push('down'));
    hook.on('up', () => events.push('up'));
    await hook.start(parseHotkey('CommandOrControl+Shift+Space'));
    try {
      expect(hook.running).toBe(true);
      await expectEvents(
        events,
        () => xdotool('key', 'a', 'space', 'shift+space', 'ctrl+space', 'ctrl+alt+shift+space', 'ctrl+shift+a'),
        [],
        600,
      );
      await expectEvents(events, () => xdotool('keydown', 'ctrl+shift+space'), ['down']);
      await expectEvents(events, () => xdotool('keyup', 'ctrl+shift+space'), ['up']);
      // Releasing a modifier first also releases the hotkey.
      await expectEvents(events, () => xdotool('keydown', 'ctrl+shift+space'), ['down']);
      await expectEvents(events, () => xdotool('keyup', 'ctrl'), ['up']);
      await expectEvents(events, () => xdotool('keyup', 'shift+space'), []);
    } finally {
      await hook.stop();
    }
    await expectEvents(events, () => xdotool('key', 'ctrl+shift+space'), [], 400); // stopped: nothing more
  });

  it.each([
    { hotkey: 'Alt+F12', press: 'alt+F12', misses: ['F12', 'ctrl+alt+F12', 'alt+F11'] },
    { hotkey: 'Ctrl+`', press: 'ctrl+grave', misses: ['grave', 'ctrl+1'] },
    { hotkey: 'Super+X', press: 'super+x', misses: ['x', 'ctrl+x'] },
    { hotkey: 'RightAlt', press: 'Alt_R', misses: ['Alt_L', 'ctrl+Alt_R'] },
    { hotkey: 'RightCtrl', press: 'Control_R', misses: ['Control_L'] },
    { hotkey: 'VolumeMute', press: 'XF86AudioMute', misses: ['XF86AudioRaiseVolume'] },
  ])('$hotkey', async ({ hotkey, press, misses }) => {
    const hook = new UiohookKeyHook();
    const events: string[] = [];
    hook.on('down', () => events.push('down'));
    hook.on('up', () => events.push('up'));
    await hook.start(parseHotkey(hotkey));
    try {
      await expectEvents(events, () => xdotool('key', ...misses), [], 500);
      await expectEvents(events, () => xdotool('key', press), ['down', 'up']);
    } finally {
      await hook.stop();
    }
  });

  it('hold-to-talk end to end: one start and one release for a 1.2 s hold, auto-repeat included; a tap latches', async () => {
    const ptt = await startPushToTalk({ hotkey: 'CommandOrControl+Shift+Space', mode: 'hold' });
    try {
      expect(ptt.plan).toMatchObject({ mode: 'hold', via: 'hook' });
      expect(ptt.notice).toBeUndefined();
      const commands: PushToTalkCommand[] = [];
      const downs: number[] = [];
      ptt.controller!.on('command', (c) => commands.push(c));
      ptt.hook!.on('down', ({ atMs }) => downs.push(atMs));

      xdotool('keydown', 'ctrl+shift+space');
      await sleep(1200); // longer than the X server's auto-repeat delay (660 ms)
      xdotool('keyup', 'ctrl+shift+space');
      const deadline = Date.now() + 2000;
      while (commands.length < 2 && Date.now() < deadline) await sleep(10);
      await sleep(150);
      expect(downs.length).toBeGreaterThan(1); // auto-repeat reached the hook ...
      expect(commands).toEqual([{ type: 'start', source: 'push-to-talk', hold: true }, { type: 'release' }]); // ... and was ignored

      commands.length = 0;
      xdotool('key', 'ctrl+shift+space'); // a tap
      await sleep(300);
      expect(commands).toEqual([{ type: 'start', source: 'push-to-talk', hold: true }, { type: 'latch' }]);
      xdotool('key', 'ctrl+shift+space'); // the next press sends
      await sleep(300);
      expect(commands.at(-1)).toEqual({ type: 'release' });
      expect(ptt.controller!.phase).toBe('idle');
    } finally {
      await ptt.stop();
    }
  });

  it('an X display that cannot be opened: the hook refuses (this process survives) and hold falls back to toggle', async () => {
    const env = { ...process.env, DISPLAY: ':1999' };
    const hook = new UiohookKeyHook({ env });
    await expect(hook.start(parseHotkey('F12'))).rejects.toMatchObject({ code: 'ptt_x_unreachable' });

    const registered: string[] = [];
    const ptt = await startPushToTalk(
      { hotkey: 'CommandOrControl+Shift+Space', mode: 'hold' },
      {
        environment: { platform: 'linux', env },
        globalShortcut: { register: (accelerator) => registered.push(accelerator) > 0, unregister: () => undefined },
      },
    );
    expect(ptt.plan).toMatchObject({ mode: 'toggle', via: 'global-shortcut', reason: 'ptt_x_unreachable' });
    expect(ptt.plan.note).toMatch(
      /^Hold-to-talk is not available \(The keyboard hook cannot open the X display ":1999".*\); the hotkey toggles instead\.$/,
    );
    expect(registered).toEqual(['CommandOrControl+Shift+Space']);
    await ptt.stop();
  });
});
