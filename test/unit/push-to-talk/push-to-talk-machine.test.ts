import { describe, expect, it } from 'vitest';
import { PushToTalkController } from '../../../main/push-to-talk/push-to-talk-controller.js';
import {
  INITIAL_PUSH_TO_TALK,
  pushToTalkTransition,
  type PushToTalkCommand,
  type PushToTalkConfig,
  type PushToTalkEffect,
  type PushToTalkEvent,
  type PushToTalkSnapshot,
} from '../../../main/push-to-talk/push-to-talk-machine.js';
import { ManualClock } from '../../fakes/manual-clock.js';
import { FakeKeyHook } from '../../fakes/fake-key-hook.js';

/** Runs events through the pure machine; returns every effect (with the index of its event) and the end state. */
function run(config: PushToTalkConfig, events: PushToTalkEvent[]) {
  let snapshot: PushToTalkSnapshot = INITIAL_PUSH_TO_TALK;
  const effects: { at: number; effect: PushToTalkEffect }[] = [];
  events.forEach((event, at) => {
    const t = pushToTalkTransition(snapshot, event, config);
    snapshot = t.snapshot;
    for (const effect of t.effects) effects.push({ at, effect });
  });
  return { snapshot, effects, commands: effects.map((e) => e.effect).filter((e) => !e.type.includes('timer')) };
}
const down = (atMs: number): PushToTalkEvent => ({ type: 'key_down', atMs });
const up = (atMs: number): PushToTalkEvent => ({ type: 'key_up', atMs });
const START_HOLD = { type: 'start', source: 'push-to-talk', hold: true } as const;
const START_TOGGLE = { type: 'start', source: 'push-to-talk', hold: false } as const;
const RELEASE = { type: 'release' } as const;

const HOLD: PushToTalkConfig = { mode: 'hold', keyUp: true };
const TOGGLE_HOOK: PushToTalkConfig = { mode: 'toggle', keyUp: true };
const TOGGLE_SHORTCUT: PushToTalkConfig = { mode: 'toggle', keyUp: false };

describe('push-to-talk machine: hold mode', () => {
  it('key-down starts a hold turn (turn detection off) and arms the max-hold timer; key-up commits', () => {
    const r = run(HOLD, [down(0), up(2000)]);
    expect(r.effects).toEqual([
      { at: 0, effect: START_HOLD },
      { at: 0, effect: { type: 'start-max-hold-timer', ms: 60_000 } },
      { at: 1, effect: RELEASE },
      { at: 1, effect: { type: 'cancel-max-hold-timer' } },
    ]);
    expect(r.snapshot.phase).toBe('idle');
  });

  it('ignores auto-repeat key-downs while held', () => {
    const repeats = Array.from({ length: 40 }, (_, i) => down(500 + i * 33));
    const r = run(HOLD, [down(0), ...repeats, up(2000)]);
    expect(r.commands).toEqual([START_HOLD, RELEASE]);
  });

  it('a tap shorter than tapMs latches (mic stays open, the next press commits); its key-up is ignored', () => {
    const r = run(HOLD, [down(0), up(120), down(3000), up(3100)]);
    expect(r.commands).toEqual([START_HOLD, { type: 'latch' }, RELEASE]);
    expect(r.snapshot.phase).toBe('idle');
    const boundary = run(HOLD, [down(0), up(300)]);
    expect(boundary.commands).toEqual([START_HOLD, RELEASE]); // exactly tapMs is a hold
  });

  it('tapMs 0 turns latching off: a short press commits at once', () => {
    expect(run({ ...HOLD, tapMs: 0 }, [down(0), up(50)]).commands).toEqual([START_HOLD, RELEASE]);
  });

  it('a key-up without a press is ignored', () => {
    expect(run(HOLD, [up(10), up(20)]).effects).toEqual([]);
    expect(run(HOLD, [down(0), up(2000), up(2100)]).commands).toEqual([START_HOLD, RELEASE]);
  });

  it('held past max hold: the turn is stopped at 60 s; the continuing auto-repeat does not restart it', () => {
    const before = Array.from({ length: 120 }, (_, i) => down(500 + i * 500)); // auto-repeat up to 60 s
    const after = Array.from({ length: 10 }, (_, i) => down(60_010 + i * 33));
    const r = run(HOLD, [down(0), ...before, { type: 'max_hold_elapsed' }, ...after, up(61_000)]);
    expect(r.commands).toEqual([START_HOLD, { type: 'stop', reason: 'max-hold' }]);
    expect(r.snapshot.phase).toBe('idle');
  });

  it('after a lost key-up the next real press starts a new turn', () => {
    const r = run(HOLD, [down(0), { type: 'max_hold_elapsed' }, down(90_000), up(92_000)]);
    expect(r.commands).toEqual([START_HOLD, { type: 'stop', reason: 'max-hold' }, START_HOLD, RELEASE]);
  });

  it('a lost key-up while holding: pressing and releasing again commits', () => {
    // The first key-up never arrives; 5 s later the user presses again (not a repeat: > stuckKeyMs).
    const r = run(HOLD, [down(0), down(5000), up(5200)]);
    expect(r.commands).toEqual([START_HOLD, RELEASE]);
  });

  it('a latched turn is also stopped by max hold', () => {
    const r = run(HOLD, [down(0), up(100), { type: 'max_hold_elapsed' }]);
    expect(r.commands).toEqual([START_HOLD, { type: 'latch' }, { type: 'stop', reason: 'max-hold' }]);
  });

  it('max hold outside a turn does nothing', () => {
    expect(run(HOLD, [{ type: 'max_hold_elapsed' }]).effects).toEqual([]);
    expect(run(HOLD, [down(0), up(1000), { type: 'max_hold_elapsed' }]).commands).toEqual([START_HOLD, RELEASE]);
  });

  it('turn_ended while holding returns to idle without a command; the rest of the hold is ignored', () => {
    const r = run(HOLD, [down(0), { type: 'turn_ended' }, down(40), up(1500), down(3000), up(4000)]);
    expect(r.effects).toEqual([
      { at: 0, effect: START_HOLD },
      { at: 0, effect: { type: 'start-max-hold-timer', ms: 60_000 } },
      { at: 1, effect: { type: 'cancel-max-hold-timer' } },
      { at: 4, effect: START_HOLD },
      { at: 4, effect: { type: 'start-max-hold-timer', ms: 60_000 } },
      { at: 5, effect: RELEASE },
      { at: 5, effect: { type: 'cancel-max-hold-timer' } },
    ]);
  });

  it('hold mode on a source without key-up behaves as toggle (resolvePushToTalk never asks for it)', () => {
    expect(run({ mode: 'hold', keyUp: false }, [down(0), down(2000)]).commands).toEqual([START_TOGGLE, RELEASE]);
  });
});

describe('push-to-talk machine: toggle mode', () => {
  it('press starts (turn detection on), press again commits; key-ups are ignored', () => {
    const r = run(TOGGLE_HOOK, [down(0), up(100), down(4000), up(4100)]);
    expect(r.effects).toEqual([
      { at: 0, effect: START_TOGGLE },
      { at: 2, effect: RELEASE },
    ]);
  });

  it('with key-up: holding the key (auto-repeat) does not toggle back and forth', () => {
    const repeats = Array.from({ length: 60 }, (_, i) => down(600 + i * 33));
    expect(run(TOGGLE_HOOK, [down(0), ...repeats, up(3000)]).commands).toEqual([START_TOGGLE]);
  });

  it('key-down only (globalShortcut): repeats within repeatGapMs of the previous down are ignored', () => {
    const repeats = Array.from({ length: 60 }, (_, i) => down(400 + i * 33));
    const r = run(TOGGLE_SHORTCUT, [down(0), ...repeats, down(5000)]);
    expect(r.commands).toEqual([START_TOGGLE, RELEASE]);
    expect(run(TOGGLE_SHORTCUT, [down(0), down(499)]).commands).toEqual([START_TOGGLE]);
    expect(run(TOGGLE_SHORTCUT, [down(0), down(500)]).commands).toEqual([START_TOGGLE, RELEASE]);
  });

  it('turn_ended (VAD committed, stop) makes the next press start a new turn', () => {
    const r = run(TOGGLE_SHORTCUT, [down(0), { type: 'turn_ended' }, down(3000), down(6000)]);
    expect(r.commands).toEqual([START_TOGGLE, START_TOGGLE, RELEASE]);
  });

  it('toggle mode never arms the max-hold timer', () => {
    expect(run(TOGGLE_HOOK, [down(0)]).effects.map((e) => e.effect.type)).toEqual(['start']);
  });
});

describe('PushToTalkController', () => {
  function controller(config: PushToTalkConfig) {
    const clock = new ManualClock();
    const ptt = new PushToTalkController(config, clock);
    const commands: PushToTalkCommand[] = [];
    ptt.on('command', (c) => commands.push(c));
    return { clock, ptt, commands };
  }

  it('runs the max-hold timer on its clock and stops a turn whose key-up was lost', () => {
    const { clock, ptt, commands } = controller(HOLD);
    ptt.keyDown();
    expect(ptt.phase).toBe('holding');
    expect(clock.pendingTimers).toBe(1);
    clock.advance(59_999);
    expect(commands).toEqual([START_HOLD]);
    clock.advance(1);
    expect(commands).toEqual([START_HOLD, { type: 'stop', reason: 'max-hold' }]);
    expect(ptt.phase).toBe('idle');
    expect(clock.pendingTimers).toBe(0);
  });

  it('cancels the timer on release, measures taps with its clock, and honours custom timings', () => {
    const { clock, ptt, commands } = controller({ ...HOLD, tapMs: 200, maxHoldMs: 10_000 });
    ptt.keyDown();
    clock.advance(150);
    ptt.keyUp();
    expect(commands).toEqual([START_HOLD, { type: 'latch' }]);
    clock.advance(1000);
    ptt.keyDown();
    expect(commands).toEqual([START_HOLD, { type: 'latch' }, RELEASE]);
    expect(clock.pendingTimers).toBe(0);
    ptt.keyUp();
    ptt.keyDown();
    clock.advance(10_000);
    expect(commands.at(-1)).toEqual({ type: 'stop', reason: 'max-hold' });
  });

  it('follows a key hook; dispose detaches, clears the timer and emits nothing', () => {
    const { clock, ptt, commands } = controller(HOLD);
    const hook = new FakeKeyHook(clock);
    ptt.attach(hook);
    hook.down();
    clock.advance(1000);
    hook.up();
    expect(commands).toEqual([START_HOLD, RELEASE]);
    hook.down();
    ptt.dispose();
    expect(clock.pendingTimers).toBe(0);
    hook.up();
    hook.down();
    expect(commands).toEqual([START_HOLD, RELEASE, START_HOLD]);
    expect(hook.listenerCount('down')).toBe(0);
  });

  it('turnEnded() resets a toggled turn', () => {
    const { ptt, commands, clock } = controller(TOGGLE_SHORTCUT);
    ptt.keyDown();
    ptt.turnEnded();
    clock.advance(1000);
    ptt.keyDown();
    expect(commands).toEqual([START_TOGGLE, START_TOGGLE]);
  });
});
