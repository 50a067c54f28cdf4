import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { HookHostExit } from '../../../main/push-to-talk/hook-host-process.js';
import { parseHotkey } from '../../../main/push-to-talk/hotkey.js';
import { uiohookKeycodeOf } from '../../../main/push-to-talk/hotkey-matcher.js';
import { UiohookKeyHook } from '../../../main/push-to-talk/uiohook-key-hook.js';
import { ManualClock } from '../../fakes/manual-clock.js';
import { FakeUtilityProcess, resetFakeElectron } from '../../fakes/fake-electron.js';

vi.mock('electron', async () => (await import('../../fakes/fake-electron.js')).fakeElectron);

const { spawnUtilityHookHost } = await import('../../../main/shell/utility-hook-host.js');

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));
const F13 = uiohookKeycodeOf('F13')!;

beforeEach(() => resetFakeElectron());

describe('spawnUtilityHookHost (Electron utilityProcess)', () => {
  it('forks the script in a utility process with the arguments, the environment and piped output', async () => {
    const host = spawnUtilityHookHost({ scriptPath: '/app/uiohook-host.cjs', args: ['--keycodes', '57'], env: { DISPLAY: ':0' } });
    const child = FakeUtilityProcess.instances.at(-1)!;
    expect(child.modulePath).toBe('/app/uiohook-host.cjs');
    expect(child.args).toEqual(['--keycodes', '57']);
    expect(child.options).toMatchObject({ env: { DISPLAY: ':0' }, stdio: 'pipe', serviceName: 'Hearth keyboard hook' });
    expect(host.pid).toBe(child.pid);

    const messages: unknown[] = [];
    let output = '';
    const exits: HookHostExit[] = [];
    host.onMessage((m) => messages.push(m));
    host.onOutput((text) => (output += text));
    host.onExit((exit) => exits.push(exit));
    child.post({ type: 'ready' });
    child.write('stderr', 'X connection to :0 broken\n');
    child.write('stdout', 'hook log\n');
    child.emit('error', 'FatalError', 'v8::Something', '{}');
    await settle();
    expect(messages).toEqual([{ type: 'ready' }]);
    expect(output).toContain('X connection to :0 broken');
    expect(output).toContain('hook log');
    expect(output).toContain('FatalError at v8::Something');

    host.send({ type: 'stop' });
    expect(child.posted).toEqual([{ type: 'stop' }]);
    host.kill();
    expect(child.kills).toBe(1);
    child.exit(1);
    child.exit(1);
    expect(exits).toEqual([{ code: 1, signal: null }]);
    expect(host.pid).toBeUndefined();
    host.send({ type: 'stop' });
    host.kill();
    expect(child.posted).toHaveLength(1);
    expect(child.kills).toBe(1);
  });

  it('runs UiohookKeyHook: ready, keys, and a restart after the utility process died', async () => {
    const clock = new ManualClock();
    const hook = new UiohookKeyHook({
      platform: 'linux',
      env: { DISPLAY: ':0' },
      clock,
      spawnHost: spawnUtilityHookHost,
      hostScript: '/app/uiohook-host.cjs',
      restartDelaysMs: [250],
    });
    const events: string[] = [];
    hook.on('down', () => events.push('down'));
    const started = hook.start(parseHotkey('F13'));
    FakeUtilityProcess.instances.at(-1)!.post({ type: 'ready' });
    await started;
    const first = FakeUtilityProcess.instances.at(-1)!;
    first.post({ type: 'key', event: 'down', keycode: F13, ctrlKey: false, altKey: false, shiftKey: false, metaKey: false });
    expect(events).toEqual(['down']);

    first.exit(1);
    await settle();
    clock.advance(250);
    await settle();
    expect(FakeUtilityProcess.instances).toHaveLength(2);
    FakeUtilityProcess.instances.at(-1)!.post({ type: 'ready' });
    await settle();
    expect(hook.hostPid).toBe(FakeUtilityProcess.instances.at(-1)!.pid);

    const stopped = hook.stop();
    expect(FakeUtilityProcess.instances.at(-1)!.posted).toEqual([{ type: 'stop' }]);
    FakeUtilityProcess.instances.at(-1)!.exit(0);
    await stopped;
    expect(hook.running).toBe(false);
  });
});
