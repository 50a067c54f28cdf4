import { describe, expect, it } from 'vitest';
import {
  initialResponseTracker,
  isCancelled,
  reduceResponses,
  type ResponseTrackerEvent,
  type ResponseTrackerState,
} from '../../../main/realtime/response-tracker.js';

/** Folds events from the initial state; returns the last state and every effect, in order. */
function run(events: ResponseTrackerEvent[], from: ResponseTrackerState = initialResponseTracker) {
  let state = from;
  const effects = [];
  for (const event of events) {
    const result = reduceResponses(state, event);
    state = result.state;
    effects.push(...result.effects);
  }
  return { state, effects };
}

const created = (id: string): ResponseTrackerEvent => ({ type: 'created', id, generation: 1 });

describe('reduceResponses', () => {
  it('a new response is watched and announced; its done marks it done, and nothing else', () => {
    const { state, effects } = run([created('r1'), { type: 'done', id: 'r1' }]);
    expect(effects).toEqual([
      { type: 'watch', responseId: 'r1' },
      { type: 'started', responseId: 'r1' },
    ]);
    expect(state.current).toEqual({ id: 'r1', done: true, generation: 1, interruptions: 0 });
  });

  it('a done for another response leaves the current one running', () => {
    const { state } = run([created('r1'), { type: 'done', id: 'r0' }]);
    expect(state.current?.done).toBe(false);
  });

  it('barge-in by voice cancels the running response locally, sends nothing, and counts the interruption', () => {
    const { state, effects } = run([created('r1'), { type: 'interrupted', trigger: 'speech', activeId: 'r1', requestInFlight: false }]);
    expect(effects.slice(2)).toEqual([{ type: 'stop_watching' }]);
    expect(isCancelled(state, 'r1')).toBe(true);
    expect(state.interruptions).toBe(1);
  });

  it('a local stop cancels the active response on the server and drops a queued request', () => {
    const { effects } = run([created('r1'), { type: 'interrupted', trigger: 'local', activeId: 'r1', requestInFlight: false }]);
    expect(effects.slice(2)).toEqual([{ type: 'stop_watching' }, { type: 'cancel' }, { type: 'drop_queued_request' }]);
  });

  it('a local stop while our request is in flight cancels the response once it is created, by id, unannounced', () => {
    const stopped = run([{ type: 'interrupted', trigger: 'local', activeId: null, requestInFlight: true }]);
    expect(stopped.effects).toEqual([{ type: 'stop_watching' }, { type: 'drop_queued_request' }]);
    expect(stopped.state.cancelWhenCreated).toBe(true);
    const { state, effects } = run([created('r2')], stopped.state);
    expect(effects).toEqual([{ type: 'cancel', responseId: 'r2' }]);
    expect(isCancelled(state, 'r2')).toBe(true);
    expect(state.cancelWhenCreated).toBe(false);
  });

  it('a response records the interruptions before it, so a later one shows the user moved on', () => {
    const { state } = run([{ type: 'interrupted', trigger: 'speech', activeId: null, requestInFlight: false }, created('r1')]);
    expect(state.current?.interruptions).toBe(1);
  });

  it('a hung response is cancelled by id and reported once; a finished or cancelled one is not', () => {
    const hung = run([created('r1'), { type: 'hung', id: 'r1', ms: 8000 }, { type: 'hung', id: 'r1', ms: 8000 }]);
    expect(hung.effects.slice(2)).toEqual([
      { type: 'cancel', responseId: 'r1' },
      { type: 'report_hung', responseId: 'r1', ms: 8000 },
    ]);
    expect(run([created('r1'), { type: 'done', id: 'r1' }, { type: 'hung', id: 'r1', ms: 8000 }]).effects).toHaveLength(2);
    expect(run([created('r1'), { type: 'hung', id: 'r0', ms: 8000 }]).effects).toHaveLength(2);
  });

  it('reset forgets responses and cancellations but keeps counting interruptions', () => {
    const { state } = run([
      { type: 'interrupted', trigger: 'local', activeId: null, requestInFlight: true },
      created('r1'),
      { type: 'reset' },
    ]);
    expect(state).toEqual({ current: undefined, cancelled: new Set(), cancelWhenCreated: false, interruptions: 1 });
    expect(isCancelled(state, 'r1')).toBe(false);
  });

  it('never changes the state it is given', () => {
    const before = run([created('r1')]).state;
    const snapshot = { ...before, cancelled: new Set(before.cancelled), current: { ...before.current! } };
    reduceResponses(before, { type: 'interrupted', trigger: 'local', activeId: 'r1', requestInFlight: false });
    reduceResponses(before, { type: 'done', id: 'r1' });
    expect(before).toEqual(snapshot);
  });
});
