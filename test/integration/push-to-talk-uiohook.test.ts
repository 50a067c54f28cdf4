import { execFile, execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHotkey } from '../../main/push-to-talk/hotkey.js';
import type { KeyHook } from '../../main/push-to-talk/key-hook.js';
import type { PushToTalkCommand } from '../../main/push-to-talk/push-to-talk-machine.js';
import { startPushToTalk, type PushToTalk } from '../../main/push-to-talk/push-to-talk.js';
import { UiohookKeyHook } from '../../main/push-to-talk/uiohook-key-hook.js';
import type { AssistantError } from '../../main/util/errors.js';
import { eventually } from '../helpers/wait.js';

/**
 * The real uiohook-napi hook, in its own process (uiohook-host.cjs), on a virtual X server (Xvfb), driven by
 * synthetic key presses from xdotool (XTEST). This test process never loads uiohook-napi itself, so when
 * Xlib ends a process on an X error it is the hook's process, never the Vitest worker: the tests below
 * kill the hook's process and an X server under a running hook and check that this process goes on.
 *
 * uiohook's own keyTap/keyToggle are not used: under a bare Xvfb (no window manager, focus PointerRoot)
 * they make Xlib report BadWindow (X_ChangeWindowAttributes on window 0x1) and exit.
 *
 * Every wait is for a condition (with a generous deadline), never a fixed time, so a loaded machine only
 * makes it slower. Needs the Debian packages xvfb, xdotool and x11-xkb-utils (xkbcomp); fails (never skips)
 * without them.
 */

const TOOLS = [
  ['Xvfb', 'xvfb'],
  ['xdotool', 'xdotool'],
  ['xkbcomp', 'x11-xkb-utils'],
] as const;

function requireXTools(): void {
  const missing = TOOLS.filter(([bin]) => spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status !== 0);
  if (missing.length > 0) {
    throw new Error(
      `The push-to-talk integration test needs ${missing.map(([bin]) => bin).join(', ')}: ` +
        `apt-get install -y --no-install-recommends ${missing.map(([, pkg]) => pkg).join(' ')}`,
    );
  }
}

type Xvfb = { display: string; server: ChildProcess; stop(): void };

/**
 * Starts Xvfb on a free display number (-displayfd) and returns ":N" once it accepts connections.
 * -noreset: without it the server resets (and rebuilds its keyboard) each time its last client leaves,
 * so a client arriving just then can find no keyboard. A detached watchdog ends the server should this
 * process die without afterAll.
 */
function startXvfb(): Promise<Xvfb> {
  const server = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '640x480x24', '-nolisten', 'tcp', '-noreset'], {
    stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
  });
  const watchdog = spawn(
    'sh',
    [
      '-c',
      `while kill -0 ${process.pid} 2>/dev/null && kill -0 ${server.pid} 2>/dev/null; do sleep 0.5; done; kill ${server.pid} 2>/dev/null`,
    ],
    { stdio: 'ignore', detached: true },
  );
  watchdog.unref();
  const fd3 = server.stdio[3] as Socket;
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('Xvfb did not report a display within 20 s')), 20_000);
    fd3.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /^(\d+)\n/.exec(out);
      if (match) {
        clearTimeout(timer);
        fd3.destroy();
        resolve({ display: `:${match[1]}`, server, stop: () => server.kill('SIGKILL') });
      }
    });
    server.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (!/^\d+\n/.test(out)) reject(new Error(`Xvfb exited (${code ?? signal}) before reporting a display`));
    });
  });
}

/**
 * Waits until the display has a usable keyboard: its XKB keymap can be read (xkbcomp reads it from the server
 * the way libuiohook's XkbGetKeyboard does) and names keycodes and symbols. Starting the hook before that is
 * what once gave "XkbGetKeyboard failed to locate a valid keyboard!" on a busy fresh machine.
 */
async function waitForKeyboard(display: string): Promise<void> {
  const readKeymap = () =>
    new Promise<string>((resolve) => {
      execFile('xkbcomp', ['-xkb', display, '-'], { timeout: 5000, maxBuffer: 4 << 20 }, (error, stdout) => resolve(error ? '' : stdout));
    });
  await eventually(
    readKeymap,
    (keymap) => /xkb_keycodes\s+"[^"]+"/.test(keymap) && /xkb_symbols/.test(keymap) && /<SPCE>/.test(keymap),
    30_000,
    100,
  );
}

/** Auto-repeat sends more key-downs while a key is held (after 660 ms): one "down" stands for them all. */
/** Waits (polling every 20 ms) until push-to-talk has given up its hook and toggles through the global shortcut. */
async function fallenBackToShortcut(ptt: PushToTalk, timeoutMs: number): Promise<void> {
  await eventually(
    () => ptt.plan.via,
    (via) => via === 'global-shortcut',
    timeoutMs,
    20,
  );
}

function collapseRepeats(events: readonly string[]): string[] {
  return events.filter((event, i) => !(event === 'down' && events[i - 1] === 'down'));
}

function record(hook: KeyHook): string[] {
  const events: string[] = [];
  hook.on('down', () => events.push('down'));
  hook.on('up', () => events.push('up'));
  return events;
}

describe('the keyboard hook under Xvfb with xdotool', { timeout: 120_000 }, () => {
  let x: Xvfb;
  let env: Record<string, string | undefined> = {};
  const xdotool = (...args: string[]) => execFileSync('xdotool', args, { env: { ...process.env, DISPLAY: x.display } });

  /**
   * Runs `act`, waits until `expected.length` new events arrived (or `settleMs` passed), then a little
   * more so an extra event would show, and compares (auto-repeat collapsed). `settleMs` bounds the wait
   * for expected events (generous: a loaded machine delivers X events late); with none expected the
   * 150 ms are a negative check only.
   */
  async function expectEvents(events: string[], act: () => void, expected: string[], settleMs = 10_000): Promise<void> {
    const before = events.length;
    act();
    const deadline = Date.now() + settleMs;
    while (collapseRepeats(events.slice(before)).length < expected.length && Date.now() < deadline) await sleep(10);
    await sleep(150);
    expect(collapseRepeats(events.slice(before))).toEqual(expected);
  }

  beforeAll(async () => {
    requireXTools();
    x = await startXvfb();
    await waitForKeyboard(x.display);
    env = { ...process.env, DISPLAY: x.display, XDG_SESSION_TYPE: 'x11', WAYLAND_DISPLAY: undefined };
  });

  afterAll(() => x?.stop());

  it("the hook's process starts on the Xvfb display and refuses a missing one", async () => {
    const hook = new UiohookKeyHook({ env });
    await hook.start(parseHotkey('F12'));
    expect(hook.hostPid).toEqual(expect.any(Number));
    expect(hook.hostPid).not.toBe(process.pid);
    await hook.stop();
    const missing = new UiohookKeyHook({ env: { ...env, DISPLAY: ':1999' } });
    await expect(missing.start(parseHotkey('F12'))).rejects.toMatchObject({
      code: 'ptt_x_unreachable',
      message: expect.stringMatching(/cannot open the X display ":1999"/),
    });
  });

  it('reports key-down and key-up of Ctrl+Shift+Space; unrelated keys and near misses are ignored', async () => {
    const hook = new UiohookKeyHook({ env });
    const events = record(hook);
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
    const hook = new UiohookKeyHook({ env });
    const events = record(hook);
    await hook.start(parseHotkey(hotkey));
    try {
      await expectEvents(events, () => xdotool('key', ...misses), [], 500);
      await expectEvents(events, () => xdotool('key', press), ['down', 'up']);
    } finally {
      await hook.stop();
    }
  });

  it('hold-to-talk end to end: one start and one release for a hold with auto-repeat; a tap latches', async () => {
    const ptt = await startPushToTalk(
      { hotkey: 'CommandOrControl+Shift+Space', mode: 'hold' },
      { environment: { platform: 'linux', env } },
    );
    try {
      expect(ptt.plan).toMatchObject({ mode: 'hold', via: 'hook' });
      expect(ptt.notice).toBeUndefined();
      const commands: PushToTalkCommand[] = [];
      const downs: number[] = [];
      ptt.controller!.on('command', (c) => commands.push(c));
      ptt.hook!.on('down', ({ atMs }) => downs.push(atMs));

      xdotool('keydown', 'ctrl+shift+space');
      // Held until the X server's auto-repeat (after 660 ms) has sent more key-downs ...
      await eventually(
        () => downs.length,
        (n) => n > 1,
        20_000,
        20,
      );
      xdotool('keyup', 'ctrl+shift+space');
      await eventually(
        () => commands.length,
        (n) => n >= 2,
        10_000,
        10,
      );
      await sleep(150);
      // ... which the machine ignored.
      expect(commands).toEqual([{ type: 'start', source: 'push-to-talk', hold: true }, { type: 'release' }]);

      commands.length = 0;
      xdotool('key', 'ctrl+shift+space'); // a tap
      await eventually(
        () => commands.length,
        (n) => n >= 2,
        10_000,
        10,
      );
      expect(commands).toEqual([{ type: 'start', source: 'push-to-talk', hold: true }, { type: 'latch' }]);
      xdotool('key', 'ctrl+shift+space'); // the next press sends
      await eventually(
        () => commands.length,
        (n) => n >= 3,
        10_000,
        10,
      );
      expect(commands.at(-1)).toEqual({ type: 'release' });
      expect(ptt.controller!.phase).toBe('idle');
    } finally {
      await ptt.stop();
    }
  });

  it('an X display that cannot be opened: the hook refuses (this process survives) and hold falls back to toggle', async () => {
    const unreachable = { ...env, DISPLAY: ':1999' };
    const hook = new UiohookKeyHook({ env: unreachable });
    await expect(hook.start(parseHotkey('F12'))).rejects.toMatchObject({ code: 'ptt_x_unreachable' });

    const registered: string[] = [];
    const ptt = await startPushToTalk(
      { hotkey: 'CommandOrControl+Shift+Space', mode: 'hold' },
      {
        environment: { platform: 'linux', env: unreachable },
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

  it("SIGKILL of the hook's process: this process goes on, the hook restarts it and keys arrive again", async () => {
    const hook = new UiohookKeyHook({ env });
    const events = record(hook);
    const errors: AssistantError[] = [];
    hook.on('error', (error) => errors.push(error));
    await hook.start(parseHotkey('F12'));
    try {
      const first = hook.hostPid!;
      process.kill(first, 'SIGKILL');
      const second = await eventually(
        () => hook.hostPid,
        (pid) => pid !== undefined && pid !== first,
        20_000,
        20,
      );
      expect(second).not.toBe(process.pid);
      expect(hook.running).toBe(true);
      await expectEvents(events, () => xdotool('key', 'F12'), ['down', 'up']);
      expect(errors).toEqual([]);
    } finally {
      await hook.stop();
    }
  });

  it('a hook process that keeps dying: after the restarts it stops with one error, and hold falls back to toggle', async () => {
    const registered = new Map<string, () => void>();
    const errors: AssistantError[] = [];
    const notices: string[] = [];
    const ptt = await startPushToTalk(
      { hotkey: 'F12', mode: 'hold' },
      {
        environment: { platform: 'linux', env },
        globalShortcut: { register: (a, callback) => registered.set(a, callback).size > 0, unregister: (a) => void registered.delete(a) },
        createHook: () => new UiohookKeyHook({ env, restartDelaysMs: [100, 100] }),
        onFallback: (notice) => notices.push(notice.message),
      },
    );
    try {
      const hook = ptt.hook as UiohookKeyHook;
      hook.on('error', (error) => errors.push(error));
      let victim = hook.hostPid!;
      for (let kill = 1; kill <= 3; kill++) {
        process.kill(victim, 'SIGKILL');
        if (kill === 3) break;
        const previous = victim;
        victim = (await eventually(
          () => hook.hostPid,
          (pid) => pid !== undefined && pid !== previous,
          20_000,
          20,
        ))!;
      }
      await fallenBackToShortcut(ptt, 20_000);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ code: 'ptt_hook_crashed' });
      expect(errors[0]!.message).toMatch(
        /^The keyboard hook stopped because its process kept ending \(3 times in a row; the last time it was killed by SIGKILL\)\.$/,
      );
      expect(ptt.plan).toMatchObject({ mode: 'toggle', reason: 'ptt_hook_crashed' });
      expect(notices).toEqual([
        expect.stringMatching(/^Hold-to-talk stopped working \(The keyboard hook stopped because its process kept ending/),
      ]);
      expect(hook.running).toBe(false);
    } finally {
      await ptt.stop();
    }
  });

  it('this test process never loaded the native hook (only the hook processes did), so Xlib cannot end it', () => {
    const report = process.report.getReport() as unknown as { sharedObjects: string[] };
    expect(report.sharedObjects.length).toBeGreaterThan(0);
    expect(report.sharedObjects.filter((path) => /uiohook/i.test(path))).toEqual([]);
  });

  it('the X server killed under a running hook: this process goes on, the hook reports one error, hold falls back to toggle', async () => {
    const doomed = await startXvfb();
    try {
      await waitForKeyboard(doomed.display);
      const doomedEnv = { ...env, DISPLAY: doomed.display };
      const registered = new Map<string, () => void>();
      const notices: string[] = [];
      const ptt = await startPushToTalk(
        { hotkey: 'CommandOrControl+Shift+Space', mode: 'hold' },
        {
          environment: { platform: 'linux', env: doomedEnv },
          globalShortcut: { register: (a, callback) => registered.set(a, callback).size > 0, unregister: (a) => void registered.delete(a) },
          onFallback: (notice) => notices.push(notice.message),
        },
      );
      try {
        expect(ptt.plan).toMatchObject({ mode: 'hold', via: 'hook' });
        const hook = ptt.hook!;
        const errors: AssistantError[] = [];
        hook.on('error', (error) => errors.push(error));
        const commands: PushToTalkCommand[] = [];
        ptt.controller!.on('command', (c) => commands.push(c));

        doomed.stop();
        await fallenBackToShortcut(ptt, 30_000);
        expect(errors).toHaveLength(1);
        expect(errors[0]).toMatchObject({
          code: 'ptt_x_unreachable',
          message: `The keyboard hook stopped because the X display ${doomed.display} cannot be opened.`,
        });
        expect(notices).toEqual([
          `Hold-to-talk stopped working (The keyboard hook stopped because the X display ${doomed.display} cannot be opened); the hotkey toggles instead.`,
        ]);
        expect(ptt.notice?.message).toBe(notices[0]);

        // The fallback works: the shortcut toggles a turn on the same controller.
        registered.get('CommandOrControl+Shift+Space')!();
        expect(commands).toEqual([{ type: 'start', source: 'push-to-talk', hold: false }]);
      } finally {
        await ptt.stop();
      }
      expect(registered.size).toBe(0);
    } finally {
      doomed.stop();
    }
  });
});
