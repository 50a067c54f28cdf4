/**
 * The real host script (main/push-to-talk/uiohook-host.cjs) in a real forked process, with a stand-in for
 * uiohook-napi (fake-uiohook.cjs) so no X server is needed: its messages, its filtering, its exits, and
 * that it never outlives its parent. The real native hook under Xvfb is test/integration/push-to-talk-uiohook.test.ts.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ForkedHookHostProcess, forkHookHost } from '../../../main/push-to-talk/forked-hook-host-process.js';
import type { HookHostExit } from '../../../main/push-to-talk/hook-host-process.js';
import { hostArguments } from '../../../main/push-to-talk/hook-host-protocol.js';
import { parseHotkey } from '../../../main/push-to-talk/hotkey.js';
import { uiohookKeycodeOf } from '../../../main/push-to-talk/hotkey-matcher.js';
import { resolveHookHostPath, UiohookKeyHook } from '../../../main/push-to-talk/uiohook-key-hook.js';
import { eventually } from '../../helpers/wait.js';

const HOST = resolveHookHostPath();
const FAKE = join(import.meta.dirname, '../../fakes/fake-uiohook.cjs');
const SPACE = uiohookKeycodeOf('Space')!;
const CTRL = uiohookKeycodeOf('LeftControl')!;

const env = (mode: string): Record<string, string> => ({ PATH: process.env.PATH ?? '', FAKE_UIOHOOK: mode, DISPLAY: ':0' });

function run(mode: string, keycodes: number[] = [SPACE, CTRL]) {
  const host = new ForkedHookHostProcess({ scriptPath: HOST, args: hostArguments(keycodes, FAKE), env: env(mode) });
  const messages: unknown[] = [];
  let output = '';
  host.onMessage((m) => messages.push(m));
  host.onOutput((text) => (output += text));
  const exited = new Promise<HookHostExit>((resolve) => host.onExit(resolve));
  return { host, messages, exited, output: () => output };
}

/** Alive and not a zombie (in a container nobody may reap an orphan). */
function running(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return false;
  try {
    return readFileSync(stat, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

const leftovers: number[] = [];
afterEach(() => {
  for (const pid of leftovers.splice(0)) if (running(pid)) process.kill(pid, 'SIGKILL');
});

describe('uiohook-host.cjs', () => {
  it('reports ready, forwards only the watched keys with its own time stamp, and exits 0 on stop', async () => {
    const { host, messages, exited, output } = run('ok');
    const before = Date.now();
    await eventually(
      () => messages.length,
      (n) => n >= 5,
      10_000,
      10,
    );
    expect(messages[0]).toEqual({ type: 'ready' });
    const keys = messages.slice(1) as Array<{ event: string; keycode: number; ctrlKey: boolean; at: number }>;
    expect(keys.map((k) => `${k.event}:${k.keycode}:${k.ctrlKey}`)).toEqual([
      `down:${CTRL}:true`,
      `down:${SPACE}:true`,
      `up:${SPACE}:true`,
      `up:${CTRL}:false`,
    ]); // the A in between never left the host
    for (const key of keys) expect(key.at).toBeGreaterThanOrEqual(before - 1000);
    host.send({ type: 'stop' });
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(output()).toContain('fake hook stopped');
    expect(host.pid).toBeUndefined();
  });

  it('a failed start is reported, then it exits with code 3; a module that does not load, code 4', async () => {
    const start = run('start-error');
    expect(await start.exited).toEqual({ code: 3, signal: null });
    expect(start.messages).toEqual([
      { type: 'failed', code: 'UIOHOOK_ERROR_X_RECORD_NOT_FOUND', message: 'Unable to locate XRecord extension.' },
    ]);
    expect(start.output()).toContain('HEARTH_UIOHOOK_HOST UIOHOOK_ERROR_X_RECORD_NOT_FOUND');
    const load = run('load-error');
    expect(await load.exited).toEqual({ code: 4, signal: null });
    expect(load.messages).toEqual([{ type: 'failed', code: 'LOAD', message: 'libXtst.so.6: cannot open shared object file' }]);
  });

  it('exits when its parent dies (SIGKILL), so it never outlives the app', async () => {
    const parent = spawn(
      process.execPath,
      [
        '-e',
        `const { fork } = require('node:child_process');
         const child = fork(${JSON.stringify(HOST)}, ${JSON.stringify(hostArguments([SPACE], FAKE))},
           { stdio: ['ignore', 'ignore', 'ignore', 'ipc'], env: { ...process.env, FAKE_UIOHOOK: 'ok' } });
         child.on('message', (m) => { if (m.type === 'ready') process.stdout.write(child.pid + '\\n'); });`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    parent.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const hostPid = Number(
      await eventually(
        () => out,
        (text) => /^\d+\n/.test(text),
        10_000,
        10,
      ),
    );
    leftovers.push(hostPid, parent.pid!);
    expect(running(hostPid)).toBe(true);
    parent.kill('SIGKILL');
    await eventually(
      () => running(hostPid),
      (alive) => !alive,
      10_000,
      20,
    );
  });

  it('drives UiohookKeyHook through the default spawner (child_process.fork)', async () => {
    const hook = new UiohookKeyHook({ platform: 'linux', env: env('ok'), hostModule: FAKE });
    const events: string[] = [];
    hook.on('down', () => events.push('down'));
    hook.on('up', () => events.push('up'));
    await hook.start(parseHotkey('Ctrl+Space'));
    const pid = hook.hostPid!;
    leftovers.push(pid);
    expect(running(pid)).toBe(true);
    await eventually(
      () => events.length,
      (n) => n >= 2,
      10_000,
      10,
    );
    expect(events).toEqual(['down', 'up']);
    await hook.stop();
    expect(running(pid)).toBe(false);

    const failing = new UiohookKeyHook({ platform: 'linux', env: env('start-error'), hostModule: FAKE });
    await expect(failing.start(parseHotkey('Ctrl+Space'))).rejects.toMatchObject({ code: 'ptt_no_xrecord' });
  });
});

describe('forkHookHost', () => {
  it('refuses inside Electron, where process.execPath is the app and a fork would start a second Hearth', () => {
    Object.defineProperty(process.versions, 'electron', { value: '45.4.1', configurable: true, enumerable: true });
    try {
      expect(() => forkHookHost({ scriptPath: HOST, args: [], env: {} })).toThrow(/must be started with utilityProcess/);
    } finally {
      delete (process.versions as Record<string, string | undefined>).electron;
    }
    expect(process.versions.electron).toBeUndefined();
  });
});
