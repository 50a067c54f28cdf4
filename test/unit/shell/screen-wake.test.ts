import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Command } from '../../../main/shell/screen-wake.js';
import { FakePowerSaveBlocker, resetFakeElectron } from '../../fakes/fake-electron.js';
import { statusView } from '../../fakes/fake-app-facade.js';

vi.mock('electron', async () => (await import('../../fakes/fake-electron.js')).fakeElectron);

const { ScreenKeeper, wakeDisplayCommands } = await import('../../../main/shell/screen-wake.js');

beforeEach(() => resetFakeElectron());

function setup(kiosk: boolean, platform: NodeJS.Platform = 'linux', env: Record<string, string> = { DISPLAY: ':0' }) {
  const blocker = new FakePowerSaveBlocker();
  const ran: Command[] = [];
  let fail: string | undefined;
  const keeper = new ScreenKeeper({
    powerSaveBlocker: blocker,
    platform,
    env,
    kiosk: () => kiosk,
    run: async (command) => {
      ran.push(command);
      if (fail) throw Object.assign(new Error('spawn failed'), { code: fail });
    },
  });
  return { keeper, blocker, ran, failWith: (code: string) => (fail = code) };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('ScreenKeeper', () => {
  it('keeps the display on while a conversation is active and releases it at rest', () => {
    const { keeper, blocker } = setup(false);
    keeper.onStatus(statusView({ kind: 'listening-for-wake-word' }));
    expect(blocker.active.size).toBe(0);
    keeper.onStatus(statusView({ kind: 'connecting', source: 'wake-word', reconnecting: false }));
    expect([...blocker.active.values()]).toEqual(['prevent-display-sleep']);
    keeper.onStatus(statusView({ kind: 'conversing', phase: 'assistant-speaking' }));
    keeper.onStatus(statusView({ kind: 'follow-up' }));
    expect(blocker.started).toBe(1);
    expect(keeper.blocking).toBe(true);
    keeper.onStatus(statusView({ kind: 'listening-for-wake-word' }));
    expect(blocker.active.size).toBe(0);
    keeper.onStatus(statusView({ kind: 'conversing', phase: 'listening' }));
    keeper.onStatus(
      statusView({ kind: 'error', error: { name: 'E', source: 'app', category: 'unknown', permanent: false, message: 'x' } }),
    );
    expect(blocker.active.size).toBe(0);
    expect(blocker.started).toBe(2);
  });

  it('wakes the display in kiosk mode when a conversation starts (X11: xset)', async () => {
    const { keeper, ran } = setup(true);
    keeper.onStatus(statusView({ kind: 'connecting', source: 'wake-word', reconnecting: false }));
    await settle();
    expect(ran).toEqual([
      { command: 'xset', args: ['dpms', 'force', 'on'] },
      { command: 'xset', args: ['s', 'reset'] },
    ]);
  });

  it('does not touch a desk PC display', async () => {
    const { keeper, ran } = setup(false);
    keeper.onStatus(statusView({ kind: 'connecting', source: 'wake-word', reconnecting: false }));
    await settle();
    expect(ran).toEqual([]);
  });

  it('without xset it relies on the blocker and stops trying', async () => {
    const { keeper, ran, failWith } = setup(true);
    failWith('ENOENT');
    await keeper.wakeDisplay();
    await keeper.wakeDisplay();
    expect(ran).toHaveLength(1);
  });

  it('dispose releases the blocker', () => {
    const { keeper, blocker } = setup(false);
    keeper.onStatus(statusView({ kind: 'conversing', phase: 'thinking' }));
    keeper.dispose();
    expect(blocker.active.size).toBe(0);
  });
});

describe('wakeDisplayCommands per OS', () => {
  it('Linux X11: xset; Wayland or no display: none (the blocker only)', () => {
    expect(wakeDisplayCommands('linux', { DISPLAY: ':0' }).map((c) => c.command)).toEqual(['xset', 'xset']);
    expect(wakeDisplayCommands('linux', { DISPLAY: ':0', XDG_SESSION_TYPE: 'wayland' })).toEqual([]);
    expect(wakeDisplayCommands('linux', {})).toEqual([]);
  });
  it('macOS: caffeinate -u declares user activity; Windows: the blocker alone', () => {
    expect(wakeDisplayCommands('darwin', {})).toEqual([{ command: 'caffeinate', args: ['-u', '-t', '2'] }]);
    expect(wakeDisplayCommands('win32', {})).toEqual([]);
  });
});
