import { describe, expect, it } from 'vitest';
import { KeyHookError } from '../../../main/push-to-talk/hook-host-failure.js';
import { parseHotkey } from '../../../main/push-to-talk/hotkey.js';
import { uiohookKeycodeOf } from '../../../main/push-to-talk/hotkey-matcher.js';
import { resolveHookHostPath, UiohookKeyHook, type UiohookKeyHookOptions } from '../../../main/push-to-talk/uiohook-key-hook.js';
import type { AssistantError } from '../../../main/util/errors.js';
import { ManualClock } from '../../fakes/manual-clock.js';
import { FakeHookHostSpawner, type FakeHookHostProcess } from '../../fakes/fake-hook-host.js';

const X11 = { DISPLAY: ':5', XDG_SESSION_TYPE: 'x11', PATH: '/usr/bin' };
const SPACE = uiohookKeycodeOf('Space')!;
const CTRL = uiohookKeycodeOf('LeftControl')!;
const SHIFT = uiohookKeycodeOf('LeftShift')!;
const F13 = uiohookKeycodeOf('F13')!;
const CHORD = { ctrlKey: true, shiftKey: true };

/** Lets the host's answers (promises, microtasks) reach the hook. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function setup(options: Partial<UiohookKeyHookOptions> = {}, onSpawn: (host: FakeHookHostProcess) => void = (host) => host.ready()) {
  const clock = new ManualClock();
  const spawner = new FakeHookHostSpawner(onSpawn);
  const hook = new UiohookKeyHook({
    platform: 'linux',
    env: X11,
    clock,
    spawnHost: spawner.spawn,
    hostScript: '/app/uiohook-host.cjs',
    ...options,
  });
  const events: string[] = [];
  const errors: AssistantError[] = [];
  hook.on('down', ({ atMs }) => events.push(`down@${atMs}`));
  hook.on('up', ({ atMs }) => events.push(`up@${atMs}`));
  hook.on('error', (error) => errors.push(error));
  return { clock, spawner, hook, events, errors };
}

async function startFailure(onSpawn: (host: FakeHookHostProcess) => void, options: Partial<UiohookKeyHookOptions> = {}) {
  const { hook, spawner } = setup(options, onSpawn);
  const error = await hook.start(parseHotkey('F13')).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KeyHookError);
  expect(hook.running).toBe(false);
  return { error: error as KeyHookError, spawner };
}

describe('UiohookKeyHook: the hook in its own process', () => {
  it('starts the host with the watched keys and the environment, emits the hotkey only, and stops the host', async () => {
    const { clock, spawner, hook, events } = setup();
    await hook.start(parseHotkey('Ctrl+Shift+Space'));
    expect(hook.running).toBe(true);
    const host = spawner.last;
    expect(host.request.scriptPath).toBe('/app/uiohook-host.cjs');
    expect(host.request.env).toEqual(X11);
    const keycodes = host.request.args[host.request.args.indexOf('--keycodes') + 1]!.split(',').map(Number);
    expect(keycodes).toEqual(expect.arrayContaining([SPACE, CTRL, SHIFT]));
    expect(hook.hostPid).toBe(host.pid);

    host.key('down', CTRL, { ctrlKey: true });
    host.key('down', SHIFT, CHORD);
    clock.advance(5);
    host.key('down', SPACE, CHORD);
    clock.advance(700);
    host.key('up', SPACE, CHORD);
    host.key('up', SHIFT, { ctrlKey: true });
    expect(events).toEqual(['down@5', 'up@705']);

    await hook.stop();
    expect(host.sent).toEqual([{ type: 'stop' }]);
    expect(host.exited).toEqual({ code: 0, signal: null });
    expect(hook.running).toBe(false);
    expect(hook.hostPid).toBeUndefined();
  });

  it("dates a key by the host's stamp, so a slow hop between processes does not stretch a tap into a hold", async () => {
    let wall = 1_000_000;
    const { clock, spawner, hook, events } = setup({ wallClock: () => wall });
    await hook.start(parseHotkey('F13'));
    clock.advance(1000);
    wall += 1000;
    spawner.last.key('down', F13, {}, wall - 40); // seen 40 ms ago by the host
    spawner.last.key('up', F13, {}, wall - 10);
    spawner.last.key('down', F13, {}, wall + 50_000); // a clock that disagrees: taken as just arrived
    expect(events).toEqual(['down@960', 'up@990', 'down@1000']);
    await hook.stop();
  });

  it('a host that does not exit when asked is killed after the stop timeout', async () => {
    const { clock, spawner, hook } = setup();
    await hook.start(parseHotkey('F13'));
    spawner.last.exitsOnStop = false;
    const stopped = hook.stop();
    await settle();
    expect(spawner.last.killed).toBe(false);
    clock.advance(2000);
    await stopped;
    expect(spawner.last.killed).toBe(true);
  });

  it('malformed messages from the host are dropped', async () => {
    const { spawner, hook, events } = setup();
    await hook.start(parseHotkey('F13'));
    for (const junk of [null, 'ready', { type: 'key', event: 'sideways', keycode: F13 }, { type: 'key', event: 'down' }, { type: 42 }]) {
      spawner.last.message(junk);
    }
    spawner.last.key('down', F13);
    expect(events).toEqual(['down@0']);
    await hook.stop();
  });

  it.each([
    [
      { DISPLAY: ':0', XDG_SESSION_TYPE: 'wayland', WAYLAND_DISPLAY: 'wayland-0' },
      'ptt_wayland',
      /Wayland does not let applications watch the keyboard/,
    ],
    [{ XDG_SESSION_TYPE: 'x11' }, 'ptt_no_display', /needs an X11 display, and DISPLAY is not set/],
  ])('refuses before starting any process: %o', async (env, code, message) => {
    const { hook, spawner } = setup({ env });
    await expect(hook.start(parseHotkey('Ctrl+Shift+Space'))).rejects.toMatchObject({
      code,
      category: 'configuration',
      permanent: true,
      message,
    });
    expect(spawner.hosts).toHaveLength(0);
  });

  it('media track keys are refused on Linux before starting anything (libuiohook reports them as keycode 0 there)', async () => {
    const { hook, spawner } = setup();
    await expect(hook.start(parseHotkey('MediaPlayPause'))).rejects.toMatchObject({ code: 'ptt_key_unsupported' });
    expect(spawner.hosts).toHaveLength(0);
    await hook.start(parseHotkey('VolumeMute'));
    await hook.stop();
  });

  it('macOS without Accessibility permission: known up front, or from the native error', async () => {
    const untrusted = setup({ platform: 'darwin', env: {}, accessibilityTrusted: false });
    await expect(untrusted.hook.start(parseHotkey('F13'))).rejects.toMatchObject({
      code: 'ptt_accessibility',
      message: expect.stringMatching(/Accessibility permission: System Settings → Privacy & Security → Accessibility/),
    });
    expect(untrusted.spawner.hosts).toHaveLength(0);
    const { error } = await startFailure(
      (host) => host.failStart('UIOHOOK_ERROR_AXAPI_DISABLED', 'Failed to enable access for assistive devices.'),
      {
        platform: 'darwin',
        env: {},
      },
    );
    expect(error).toMatchObject({ code: 'ptt_accessibility' });
  });
});

describe('UiohookKeyHook: why the host could not start', () => {
  it('an unreachable X display aborts the host (SIGABRT): ptt_x_unreachable, naming the display', async () => {
    const { error } = await startFailure((host) => {
      host.output('xrecord_start [1024]: XOpenDisplay failure!\n');
      host.exit({ code: null, signal: 'SIGABRT' });
    });
    expect(error).toMatchObject({
      code: 'ptt_x_unreachable',
      reason: 'because the X display :5 cannot be opened',
      message: 'The keyboard hook cannot open the X display ":5" (no X server there, or no permission: check DISPLAY and XAUTHORITY).',
    });
  });

  it("libuiohook's own start failure ends the wait at once, even if the host then hangs (uiohook-napi can)", async () => {
    const clock = new ManualClock();
    const spawner = new FakeHookHostSpawner((host) => {
      host.exitsOnStop = false;
      host.output('xrecord_start [1024]: XOpenDisplay failure!\n'); // and no exit: start() hangs in there
    });
    const hook = new UiohookKeyHook({ platform: 'linux', env: X11, clock, spawnHost: spawner.spawn, hostScript: '/h.cjs' });
    await expect(hook.start(parseHotkey('F13'))).rejects.toMatchObject({ code: 'ptt_x_unreachable' });
    expect(spawner.last.killed).toBe(true);
    expect(clock.now()).toBe(0);

    const record = new FakeHookHostSpawner((host) => host.output('xrecord_query [952]: XRecord is not currently available!\n'));
    const noRecord = new UiohookKeyHook({ platform: 'linux', env: X11, clock, spawnHost: record.spawn, hostScript: '/h.cjs' });
    await expect(noRecord.start(parseHotkey('F13'))).rejects.toMatchObject({ code: 'ptt_no_xrecord' });
    // Not every complaint is fatal: libuiohook goes on after this one.
    const keyboard = new FakeHookHostSpawner((host) => {
      host.output('load_input_helper [1826]: XkbGetKeyboard failed to locate a valid keyboard!\n');
      host.ready();
    });
    const survives = new UiohookKeyHook({ platform: 'linux', env: X11, clock, spawnHost: keyboard.spawn, hostScript: '/h.cjs' });
    await survives.start(parseHotkey('F13'));
    expect(survives.running).toBe(true);
    await survives.stop();
  });

  it('no RECORD extension, a library that does not load, and a crash each get their own message', async () => {
    const record = await startFailure((host) => host.failStart('UIOHOOK_ERROR_X_RECORD_NOT_FOUND', 'Unable to locate XRecord extension.'));
    expect(record.error).toMatchObject({ code: 'ptt_no_xrecord', message: expect.stringContaining('RECORD extension') });
    const load = await startFailure((host) => host.failStart('LOAD', 'libXtst.so.6: cannot open shared object file', 4));
    expect(load.error).toMatchObject({
      code: 'ptt_hook_failed',
      message: 'The keyboard hook (uiohook-napi) could not be loaded: libXtst.so.6: cannot open shared object file',
    });
    const crash = await startFailure((host) => {
      host.output('X Error of failed request:  BadWindow\n');
      host.exit({ code: 1, signal: null });
    });
    expect(crash.error).toMatchObject({
      code: 'ptt_hook_failed',
      message: 'The keyboard hook could not start (its process exited with code 1: X Error of failed request: BadWindow).',
    });
  });

  it('a host that never reports ready is killed after the start timeout', async () => {
    const clock = new ManualClock();
    const spawner = new FakeHookHostSpawner(() => undefined);
    const hook = new UiohookKeyHook({
      platform: 'linux',
      env: X11,
      clock,
      spawnHost: spawner.spawn,
      hostScript: '/h.cjs',
      startTimeoutMs: 3000,
    });
    const started = hook.start(parseHotkey('F13')).catch((e: unknown) => e);
    await settle();
    clock.advance(3000);
    expect(await started).toMatchObject({
      code: 'ptt_hook_failed',
      message: 'The keyboard hook could not start (its process did not start in time).',
    });
    expect(spawner.last.killed).toBe(true);
  });

  it('a spawner that throws (Electron without utilityProcess) is reported, not thrown raw', async () => {
    const hook = new UiohookKeyHook({
      platform: 'linux',
      env: X11,
      hostScript: '/h.cjs',
      spawnHost: () => {
        throw new Error('spawn EAGAIN');
      },
    });
    await expect(hook.start(parseHotkey('F13'))).rejects.toMatchObject({
      code: 'ptt_hook_failed',
      message: "The keyboard hook's process could not be started: spawn EAGAIN",
    });
  });

  it('stop() while the host is still starting: the late host is stopped, nothing runs', async () => {
    const { spawner, hook, events } = setup({}, () => undefined);
    const started = hook.start(parseHotkey('F13'));
    await settle();
    await hook.stop();
    spawner.last.ready();
    await started;
    expect(hook.running).toBe(false);
    expect(spawner.last.sent).toEqual([{ type: 'stop' }]);
    spawner.last.key('down', F13);
    expect(events).toEqual([]);
  });
});

describe('UiohookKeyHook: a host that dies while running', () => {
  it('is restarted after a short wait; the hold goes on and its key-up after the restart still ends it', async () => {
    const { clock, spawner, hook, events, errors } = setup({ restartDelaysMs: [250, 1000] });
    await hook.start(parseHotkey('F13'));
    const first = spawner.last;
    first.key('down', F13);
    first.output('X Error of failed request:  BadAccess\n');
    first.exit({ code: 1, signal: null });
    await settle();
    expect(hook.running).toBe(true);
    expect(hook.hostPid).toBeUndefined();
    expect(spawner.hosts).toHaveLength(1);
    clock.advance(249);
    expect(spawner.hosts).toHaveLength(1);
    clock.advance(1);
    await settle();
    expect(spawner.hosts).toHaveLength(2);
    expect(hook.hostPid).toBe(spawner.last.pid);
    expect(spawner.last.request).toEqual(first.request);
    clock.advance(100);
    spawner.last.key('up', F13);
    expect(events).toEqual(['down@0', 'up@350']);
    expect(errors).toEqual([]);
    first.key('down', F13); // a stale host's late message
    expect(events).toHaveLength(2);
    await hook.stop();
  });

  it('one death more than there are delays: stops and emits one error', async () => {
    const { clock, spawner, hook, errors } = setup({ restartDelaysMs: [250, 1000] });
    await hook.start(parseHotkey('F13'));
    for (const delay of [250, 1000]) {
      spawner.last.exit({ code: null, signal: 'SIGKILL' });
      await settle();
      clock.advance(delay);
      await settle();
    }
    expect(spawner.hosts).toHaveLength(3);
    expect(errors).toEqual([]);
    spawner.last.exit({ code: null, signal: 'SIGSEGV' });
    await settle();
    clock.advance(60_000);
    await settle();
    expect(spawner.hosts).toHaveLength(3);
    expect(hook.running).toBe(false);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      code: 'ptt_hook_crashed',
      category: 'application',
      message: 'The keyboard hook stopped because its process kept ending (3 times in a row; the last time it was killed by SIGSEGV).',
    });
  });

  it('a host that ran stably before dying starts the count afresh', async () => {
    const { clock, spawner, hook, errors } = setup({ restartDelaysMs: [250], stableAfterMs: 10_000 });
    await hook.start(parseHotkey('F13'));
    for (let i = 0; i < 3; i++) {
      clock.advance(10_000);
      spawner.last.exit({ code: null, signal: 'SIGKILL' });
      await settle();
      clock.advance(250);
      await settle();
    }
    expect(spawner.hosts).toHaveLength(4);
    expect(errors).toEqual([]);
    expect(hook.running).toBe(true);
    await hook.stop();
  });

  it('a restart refused for good (the X server went away) stops it at once, with the reason', async () => {
    let spawned = 0;
    const { clock, spawner, hook, errors } = setup({ restartDelaysMs: [250, 1000, 4000] }, (host) => {
      if (++spawned === 1) return host.ready();
      host.output('xrecord_start [1024]: XOpenDisplay failure!\n');
      host.exit({ code: null, signal: 'SIGABRT' });
    });
    await hook.start(parseHotkey('F13'));
    spawner.last.output('X connection to :5 broken (explicit kill or server shutdown).\n');
    spawner.last.exit({ code: 1, signal: null });
    await settle();
    clock.advance(250);
    await settle();
    expect(spawner.hosts).toHaveLength(2);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      code: 'ptt_x_unreachable',
      category: 'configuration',
      message: 'The keyboard hook stopped because the X display :5 cannot be opened.',
    });
    expect(hook.running).toBe(false);
    clock.advance(10_000);
    await settle();
    expect(spawner.hosts).toHaveLength(2);
  });

  it('a restart that crashes again counts as another death and is retried', async () => {
    let spawned = 0;
    const { clock, spawner, hook, errors } = setup({ restartDelaysMs: [250, 1000] }, (host) => {
      if (++spawned === 2) return host.exit({ code: 1, signal: null });
      host.ready();
    });
    await hook.start(parseHotkey('F13'));
    spawner.last.exit({ code: null, signal: 'SIGKILL' });
    await settle();
    clock.advance(250);
    await settle();
    clock.advance(1000);
    await settle();
    expect(spawner.hosts).toHaveLength(3);
    expect(errors).toEqual([]);
    expect(hook.hostPid).toBe(spawner.last.pid);
    await hook.stop();
  });

  it('stop() during the wait before a restart: no restart', async () => {
    const { clock, spawner, hook, errors } = setup();
    await hook.start(parseHotkey('F13'));
    spawner.last.exit({ code: null, signal: 'SIGKILL' });
    await settle();
    await hook.stop();
    clock.advance(10_000);
    await settle();
    expect(spawner.hosts).toHaveLength(1);
    expect(errors).toEqual([]);
  });
});

describe('resolveHookHostPath', () => {
  it('finds the host script next to the sources', () => {
    expect(resolveHookHostPath()).toMatch(/main\/push-to-talk\/uiohook-host\.cjs$/);
  });
});
