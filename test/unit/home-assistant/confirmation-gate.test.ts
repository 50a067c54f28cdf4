import { describe, expect, it } from 'vitest';
import { ConfirmationGate, type GateCall } from '../../../main/home-assistant/confirmation-gate.js';
import { UserReplyLog } from '../../../main/realtime/user-reply-log.js';
import { ManualClock } from '../../fakes/manual-clock.js';

const unlock = [{ entityId: 'lock.front_door', action: 'unlock' }];
const flushPromises = () => new Promise((r) => setImmediate(r));

/** A gate and the user's turns, numbered like the session numbers them. */
function conversation(options: { ttlMs?: number; transcriptWaitMs?: number } = {}) {
  const clock = new ManualClock();
  const gate = new ConfirmationGate({ clock, ...options });
  const replies = new UserReplyLog(clock);
  let turn = 0;
  let item = 0;
  return {
    clock,
    gate,
    replies,
    get turn() {
      return turn;
    },
    /** The user speaks; `text` undefined leaves the transcript pending. */
    says(text?: string, transcribing = true): string {
      const id = `item_${++item}`;
      replies.spoken(++turn, id, transcribing);
      if (text !== undefined) replies.transcribed(id, text);
      return id;
    },
    types(text: string): void {
      replies.typed(++turn, text);
    },
    call(confirmed: boolean, extra: Partial<GateCall> = {}): GateCall {
      return { confirmed, userTurn: turn, replies, ...extra };
    },
  };
}

describe('ConfirmationGate: only the user’s own yes, after the question, confirms', () => {
  it('asks first, refuses a confirmation in the same turn, accepts a spoken yes after it, and uses it up', async () => {
    const c = conversation();
    c.says('Unlock the front door.');
    expect(await c.gate.check(unlock, c.call(false))).toEqual({ kind: 'ask', reason: 'first_request' });
    expect(await c.gate.check(unlock, c.call(true))).toEqual({ kind: 'wait_for_user' });
    c.says('Yes, do it.');
    expect(await c.gate.check(unlock, c.call(true))).toEqual({ kind: 'allowed' });
    expect(c.gate.pendingCount).toBe(0);
    c.says('Yes.');
    expect(await c.gate.check(unlock, c.call(true))).toEqual({ kind: 'ask', reason: 'different_request' });
  });

  it('a no, an unrelated sentence or a mixed answer cancels the question', async () => {
    for (const answer of ['No.', 'What time is it?', 'Turn on the kitchen lights', 'Yes… no, wait.']) {
      const c = conversation();
      c.says('Unlock the front door.');
      await c.gate.check(unlock, c.call(false));
      c.says(answer);
      const decision = await c.gate.check(unlock, c.call(true));
      expect(decision.kind, answer).toBe('declined');
      expect(c.gate.pendingCount, answer).toBe(0);
      c.says('Yes.'); // too late: the question was answered
      expect((await c.gate.check(unlock, c.call(true))).kind, answer).toBe('ask');
    }
  });

  it('tells a no from an unclear answer', async () => {
    const c = conversation();
    await c.gate.check(unlock, c.call(false));
    c.says('Non, surtout pas.');
    expect(await c.gate.check(unlock, c.call(true))).toEqual({ kind: 'declined', answer: 'no' });
    await c.gate.check(unlock, c.call(false));
    c.says('Maybe later');
    expect(await c.gate.check(unlock, c.call(true))).toEqual({ kind: 'declined', answer: 'unclear' });
  });

  it('needs every turn since the question to be a yes (a TV line in between spoils it)', async () => {
    const c = conversation();
    await c.gate.check(unlock, c.call(false));
    c.says('and now, the weather forecast for the weekend');
    c.says('Yes.');
    expect((await c.gate.check(unlock, c.call(true))).kind).toBe('declined');
  });

  it('ignores an empty transcript (a cough) between the question and the yes', async () => {
    const c = conversation();
    await c.gate.check(unlock, c.call(false));
    c.says('');
    expect(await c.gate.check(unlock, c.call(true))).toEqual({ kind: 'wait_for_user' });
    c.says('Oui.');
    expect(await c.gate.check(unlock, c.call(true))).toEqual({ kind: 'allowed' });
  });

  it('waits for a transcript that arrives after the confirmed call', async () => {
    const c = conversation({ transcriptWaitMs: 4000 });
    await c.gate.check(unlock, c.call(false));
    const item = c.says();
    const decision = c.gate.check(unlock, c.call(true));
    await flushPromises();
    c.clock.advance(3000);
    c.replies.transcribed(item, 'Yes please.');
    expect(await decision).toEqual({ kind: 'allowed' });
  });

  it('refuses when the transcript never comes, failed, or transcription is off: the answer cannot be read', async () => {
    const late = conversation({ transcriptWaitMs: 4000 });
    await late.gate.check(unlock, late.call(false));
    late.says();
    const decision = late.gate.check(unlock, late.call(true));
    await flushPromises();
    late.clock.advance(4000);
    expect(await decision).toEqual({ kind: 'unverifiable', reason: 'transcript_late' });
    expect(late.gate.pendingCount).toBe(0);

    const failed = conversation();
    await failed.gate.check(unlock, failed.call(false));
    failed.replies.failed(failed.says());
    expect(await failed.gate.check(unlock, failed.call(true))).toEqual({ kind: 'unverifiable', reason: 'transcription_failed' });

    const off = conversation();
    await off.gate.check(unlock, off.call(false));
    off.says(undefined, false);
    expect(await off.gate.check(unlock, off.call(true))).toEqual({ kind: 'unverifiable', reason: 'transcription_off' });
  });

  it('accepts a typed yes (the user’s own words in the app), never a call without a conversation (a card press)', async () => {
    const c = conversation();
    await c.gate.check(unlock, c.call(false));
    c.types('yes');
    expect(await c.gate.check(unlock, c.call(true))).toEqual({ kind: 'allowed' });
    await c.gate.check(unlock, c.call(false));
    c.says('yes');
    expect(await c.gate.check(unlock, { confirmed: true, userTurn: c.turn })).toEqual({ kind: 'unverifiable', reason: 'no_conversation' });
  });

  it('reads the configured transcription language besides English, French and Portuguese', async () => {
    const c = conversation();
    await c.gate.check(unlock, c.call(false));
    c.says('Ja, bitte.');
    expect((await c.gate.check(unlock, c.call(true))).kind).toBe('declined');
    await c.gate.check(unlock, c.call(false));
    c.says('Ja, bitte.');
    expect(await c.gate.check(unlock, c.call(true, { language: 'de' }))).toEqual({ kind: 'allowed' });
  });

  it('stops waiting when the tool is aborted, leaving the question pending', async () => {
    const c = conversation();
    await c.gate.check(unlock, c.call(false));
    c.says();
    const controller = new AbortController();
    const decision = c.gate.check(unlock, c.call(true, { signal: controller.signal }));
    controller.abort();
    await expect(decision).rejects.toThrow(/waiting for the user's answer/);
    expect(c.gate.pendingCount).toBe(1);
  });

  it('treats a confirmed first call as a first request (the model cannot skip the question)', async () => {
    const c = conversation();
    c.says('yes');
    expect((await c.gate.check(unlock, c.call(true))).kind).toBe('ask');
    expect((await c.gate.check(unlock, c.call(true))).kind).toBe('wait_for_user');
    c.says('yes');
    expect((await c.gate.check(unlock, c.call(true))).kind).toBe('allowed');
  });

  it('only accepts the same entity, action and detail', async () => {
    const c = conversation();
    await c.gate.check(unlock, c.call(false));
    c.says('yes');
    expect((await c.gate.check([{ entityId: 'lock.back_door', action: 'unlock' }], c.call(true))).kind).toBe('ask');
    expect((await c.gate.check([{ entityId: 'lock.front_door', action: 'open' }], c.call(true))).kind).toBe('ask');
    await c.gate.check([{ entityId: 'cover.gate', action: 'set_position', detail: '20' }], c.call(false));
    c.says('yes');
    expect((await c.gate.check([{ entityId: 'cover.gate', action: 'set_position', detail: '100' }], c.call(true))).kind).toBe('ask');
    expect((await c.gate.check(unlock, c.call(true))).kind).toBe('allowed');
  });

  it('needs every pair of a multi-entity call to be pending and answered', async () => {
    const c = conversation();
    const both = [...unlock, { entityId: 'lock.back_door', action: 'unlock' }];
    await c.gate.check(unlock, c.call(false));
    c.says('yes');
    expect((await c.gate.check(both, c.call(true))).kind).toBe('ask');
    c.says('yes');
    expect((await c.gate.check(both, c.call(true))).kind).toBe('allowed');
  });

  it('expires after the time limit', async () => {
    const c = conversation({ ttlMs: 60_000 });
    await c.gate.check(unlock, c.call(false));
    c.clock.advance(60_001);
    c.says('yes');
    expect(await c.gate.check(unlock, c.call(true))).toEqual({ kind: 'ask', reason: 'expired' });
    c.clock.advance(59_000);
    c.says('yes');
    expect((await c.gate.check(unlock, c.call(true))).kind).toBe('allowed');
  });
});
