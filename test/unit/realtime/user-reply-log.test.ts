import { describe, expect, it } from 'vitest';
import { UserReplyLog } from '../../../main/realtime/user-reply-log.js';
import type { UserReply } from '../../../main/tools/user-replies.js';
import { ToolError } from '../../../main/util/errors.js';
import { ManualClock } from '../../fakes/manual-clock.js';

const flushPromises = () => new Promise((r) => setImmediate(r));

function track(promise: Promise<readonly UserReply[]>) {
  const state: { value?: readonly UserReply[]; error?: unknown } = {};
  promise.then(
    (value) => (state.value = value),
    (error: unknown) => (state.error = error),
  );
  return state;
}

describe('UserReplyLog', () => {
  it('answers at once when nothing after the turn is being transcribed', async () => {
    const log = new UserReplyLog(new ManualClock());
    log.typed(1, 'unlock the door');
    log.spoken(2, 'item_2', true);
    log.transcribed('item_2', 'Yes.');
    expect(await log.since(1, { timeoutMs: 1000 })).toEqual([{ turn: 2, source: 'voice', status: 'transcribed', text: 'Yes.' }]);
    expect(await log.since(2, { timeoutMs: 1000 })).toEqual([]);
  });

  it('waits for a pending transcript, and for one that starts while waiting', async () => {
    const log = new UserReplyLog(new ManualClock());
    log.spoken(3, 'a', true);
    const result = track(log.since(2, { timeoutMs: 4000 }));
    log.spoken(4, 'b', true); // the user spoke again meanwhile
    log.transcribed('a', 'Yes');
    await flushPromises();
    expect(result.value).toBeUndefined();
    log.transcribed('b', 'no wait');
    await flushPromises();
    expect(result.value?.map((r) => r.text)).toEqual(['Yes', 'no wait']);
  });

  it('gives up after the timeout, reporting what is still pending', async () => {
    const clock = new ManualClock();
    const log = new UserReplyLog(clock);
    log.spoken(1, 'a', true);
    const result = track(log.since(0, { timeoutMs: 3000 }));
    clock.advance(2999);
    await flushPromises();
    expect(result.value).toBeUndefined();
    clock.advance(1);
    await flushPromises();
    expect(result.value).toEqual([{ turn: 1, source: 'voice', status: 'pending', text: '' }]);
    expect(clock.pendingTimers).toBe(0);
  });

  it('rejects with a ToolError when the signal aborts, and leaves no timer behind', async () => {
    const clock = new ManualClock();
    const log = new UserReplyLog(clock);
    log.spoken(1, 'a', true);
    const controller = new AbortController();
    const result = track(log.since(0, { timeoutMs: 3000, signal: controller.signal }));
    controller.abort();
    await flushPromises();
    expect(result.error).toBeInstanceOf(ToolError);
    expect(clock.pendingTimers).toBe(0);
    await expect(log.since(0, { timeoutMs: 1, signal: controller.signal })).rejects.toBeInstanceOf(ToolError);
  });

  it('never turns a settled turn into another: a late failure keeps the transcript', async () => {
    const log = new UserReplyLog(new ManualClock());
    log.spoken(1, 'a', true);
    log.transcribed('a', 'yes');
    log.failed('a');
    log.spoken(2, 'b', false);
    log.transcribed('b', 'yes'); // transcription was off for this turn: stays unknown
    expect((await log.since(0, { timeoutMs: 1 })).map((r) => r.status)).toEqual(['transcribed', 'not_transcribed']);
  });

  it('marks pending turns failed when the connection is replaced, and forgets everything on clear', async () => {
    const log = new UserReplyLog(new ManualClock());
    log.spoken(1, 'a', true);
    const result = track(log.since(0, { timeoutMs: 5000 }));
    log.abandonPending();
    await flushPromises();
    expect(result.value).toEqual([{ turn: 1, source: 'voice', status: 'failed', text: '' }]);
    log.clear();
    expect(await log.since(0, { timeoutMs: 1 })).toEqual([]);
  });
});
