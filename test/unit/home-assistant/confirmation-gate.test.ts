import { describe, expect, it } from 'vitest';
import { ConfirmationGate, needsConfirmation } from '../../../main/home-assistant/confirmation-gate.js';
import { ManualClock } from '../../fakes/manual-clock.js';

const unlock = [{ entityId: 'lock.front_door', action: 'unlock' }];

describe('ConfirmationGate: the app, not the model, enforces a user turn between ask and confirm', () => {
  it('asks first, refuses a confirmation in the same turn, accepts it after a user turn, and uses it up', () => {
    const gate = new ConfirmationGate({ clock: new ManualClock() });
    expect(gate.check(unlock, { confirmed: false, userTurn: 3 })).toEqual({ kind: 'ask', reason: 'first_request' });
    expect(gate.check(unlock, { confirmed: true, userTurn: 3 })).toEqual({ kind: 'wait_for_user' });
    expect(gate.check(unlock, { confirmed: true, userTurn: 4 })).toEqual({ kind: 'allowed' });
    expect(gate.pendingCount).toBe(0);
    // Used up: confirming again asks again.
    expect(gate.check(unlock, { confirmed: true, userTurn: 5 })).toEqual({ kind: 'ask', reason: 'different_request' });
  });

  it('treats a confirmed first call as a first request (the model cannot skip the question)', () => {
    const gate = new ConfirmationGate({ clock: new ManualClock() });
    expect(gate.check(unlock, { confirmed: true, userTurn: 9 }).kind).toBe('ask');
    expect(gate.check(unlock, { confirmed: true, userTurn: 9 }).kind).toBe('wait_for_user');
    expect(gate.check(unlock, { confirmed: true, userTurn: 10 }).kind).toBe('allowed');
  });

  it('only accepts the same entity, action and detail', () => {
    const gate = new ConfirmationGate({ clock: new ManualClock() });
    gate.check(unlock, { confirmed: false, userTurn: 1 });
    expect(gate.check([{ entityId: 'lock.back_door', action: 'unlock' }], { confirmed: true, userTurn: 2 }).kind).toBe('ask');
    expect(gate.check([{ entityId: 'lock.front_door', action: 'open' }], { confirmed: true, userTurn: 2 }).kind).toBe('ask');
    gate.check([{ entityId: 'cover.gate', action: 'set_position', detail: '20' }], { confirmed: false, userTurn: 2 });
    expect(gate.check([{ entityId: 'cover.gate', action: 'set_position', detail: '100' }], { confirmed: true, userTurn: 3 }).kind).toBe(
      'ask',
    );
    expect(gate.check(unlock, { confirmed: true, userTurn: 2 }).kind).toBe('allowed');
  });

  it('needs every pair of a multi-entity call to be pending and answered', () => {
    const gate = new ConfirmationGate({ clock: new ManualClock() });
    const both = [...unlock, { entityId: 'lock.back_door', action: 'unlock' }];
    gate.check(unlock, { confirmed: false, userTurn: 1 });
    expect(gate.check(both, { confirmed: true, userTurn: 2 }).kind).toBe('ask');
    expect(gate.check(both, { confirmed: true, userTurn: 3 }).kind).toBe('allowed');
  });

  it('expires after the time limit', () => {
    const clock = new ManualClock();
    const gate = new ConfirmationGate({ clock, ttlMs: 60_000 });
    gate.check(unlock, { confirmed: false, userTurn: 1 });
    clock.advance(60_001);
    expect(gate.check(unlock, { confirmed: true, userTurn: 2 })).toEqual({ kind: 'ask', reason: 'expired' });
    clock.advance(59_000);
    expect(gate.check(unlock, { confirmed: true, userTurn: 3 }).kind).toBe('allowed');
  });
});

describe('which actions are sensitive', () => {
  const all = ['lock', 'cover', 'alarm_control_panel'];
  const lock = { domain: 'lock', deviceClass: null };
  const garage = { domain: 'cover', deviceClass: 'garage' };
  const blind = { domain: 'cover', deviceClass: 'blind' };
  const alarm = { domain: 'alarm_control_panel', deviceClass: null };

  it('unlocking, opening garage doors and gates, and disarming; never closing, locking or arming', () => {
    expect(needsConfirmation(lock, 'unlock', all)).toBe(true);
    expect(needsConfirmation(lock, 'open', all)).toBe(true);
    expect(needsConfirmation(lock, 'lock', all)).toBe(false);
    expect(needsConfirmation(garage, 'open', all)).toBe(true);
    expect(needsConfirmation({ domain: 'cover', deviceClass: 'gate' }, 'open', all)).toBe(true);
    expect(needsConfirmation(garage, 'close', all)).toBe(false);
    expect(needsConfirmation(garage, 'set_position', all, { currentPosition: 50, targetPosition: 80 })).toBe(true);
    expect(needsConfirmation(garage, 'set_position', all, { currentPosition: 50, targetPosition: 10 })).toBe(false);
    expect(needsConfirmation(blind, 'open', all)).toBe(false);
    expect(needsConfirmation(alarm, 'disarm', all)).toBe(true);
    expect(needsConfirmation(alarm, 'arm_away', all)).toBe(false);
  });

  it('follows confirmDomains: removing a domain removes the question, adding one gates all its actions', () => {
    expect(needsConfirmation(lock, 'unlock', ['cover'])).toBe(false);
    expect(needsConfirmation({ domain: 'light', deviceClass: null }, 'turn_on', all)).toBe(false);
    expect(needsConfirmation({ domain: 'light', deviceClass: null }, 'turn_on', [...all, 'light'])).toBe(true);
  });
});
