import { describe, expect, it } from 'vitest';
import type { AssistantFullState } from '../../../preload/contract/types.js';
import {
  NOTICE_MS,
  addNotice,
  applyEvent,
  applySnapshot,
  awaitSnapshot,
  dismissNotice,
  expireNotices,
  initialAppState,
  type SeqEvent,
} from '../../../renderer/state/app-state-model.js';
import { defaultStatus, fakeError } from '../../fakes/fake-assistant-api.js';

const snapshot = (seq: number, text = 'snapshot'): AssistantFullState => ({
  seq,
  status: defaultStatus(),
  transcript: [{ kind: 'message', id: 'm', role: 'assistant', text, final: true }],
  entities: [],
  onboarded: true,
});
const transcript = (seq: number, text: string): SeqEvent => ({
  channel: 'transcript:changed',
  payload: { seq, items: [{ kind: 'message', id: 'm', role: 'assistant', text, final: true }] },
});
const text = (state: ReturnType<typeof initialAppState>) => (state.transcript[0] as { text: string } | undefined)?.text;

describe('seq handling (fetch-then-subscribe)', () => {
  it('buffers events until the snapshot, then applies only those newer than it', () => {
    let state = initialAppState();
    state = applyEvent(state, transcript(4, 'older than the snapshot'));
    state = applyEvent(state, transcript(6, 'newer than the snapshot'));
    expect(state.ready).toBe(false);
    state = applySnapshot(state, snapshot(5));
    expect(state.ready).toBe(true);
    expect(text(state)).toBe('newer than the snapshot');
    expect(state.buffer).toEqual([]);
  });

  it('ignores events whose seq is not greater than the snapshot’s', () => {
    let state = applySnapshot(initialAppState(), snapshot(10));
    state = applyEvent(state, transcript(10, 'same seq'));
    state = applyEvent(state, transcript(3, 'older'));
    expect(text(state)).toBe('snapshot');
    state = applyEvent(state, transcript(11, 'new'));
    expect(text(state)).toBe('new');
  });

  it('ignores an event older than the last one applied on its channel, not on another', () => {
    let state = applySnapshot(initialAppState(), snapshot(1));
    state = applyEvent(state, transcript(5, 'five'));
    state = applyEvent(state, transcript(4, 'four, late'));
    expect(text(state)).toBe('five');
    state = applyEvent(state, { channel: 'status:changed', payload: { seq: 3, status: { ...defaultStatus(), muted: true } } });
    expect(state.status?.muted).toBe(true);
    state = applyEvent(state, { channel: 'entities:changed', payload: { seq: 2, cards: [] } });
    expect(state.lastSeq).toEqual({ 'status:changed': 3, 'transcript:changed': 5, 'entities:changed': 2 });
  });

  it('after a reconnect, waits for a new snapshot, even one with a lower seq (main restarted)', () => {
    let state = applySnapshot(initialAppState(), snapshot(50));
    state = awaitSnapshot(state);
    state = applyEvent(state, transcript(3, 'after restart'));
    state = applySnapshot(state, snapshot(2, 'restarted'));
    expect(text(state)).toBe('after restart');
    expect(state.seq).toBe(2);
  });
});

describe('notices', () => {
  it('expire by themselves, merge repeats, keep at most three', () => {
    let state = initialAppState();
    state = addNotice(state, fakeError('a'), 0, 1);
    state = addNotice(state, fakeError('a'), 1_000, 2);
    expect(state.notices).toEqual([{ id: 1, error: fakeError('a'), expiresAt: 1_000 + NOTICE_MS }]);
    for (const [i, m] of ['b', 'c', 'd'].entries()) state = addNotice(state, fakeError(m), 2_000, 3 + i);
    expect(state.notices.map((n) => n.error.message)).toEqual(['b', 'c', 'd']);
    state = dismissNotice(state, 4);
    expect(state.notices.map((n) => n.error.message)).toEqual(['b', 'd']);
    expect(expireNotices(state, 2_000 + NOTICE_MS).notices).toEqual([]);
    const same = expireNotices(state, 0);
    expect(same).toBe(state);
  });
});
