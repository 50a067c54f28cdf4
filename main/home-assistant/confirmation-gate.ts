import type { Clock } from '../util/clock.js';
import type { UserReplies, UserReply } from '../tools/user-replies.js';
import { classifyAnswer } from './spoken-answer.js';

/**
 * Spoken confirmation for sensitive actions, enforced by the app rather than trusted to the model.
 *
 * The first call for a sensitive action records a pending confirmation with the user turn at which
 * it was asked, and answers "ask the user". A call with `confirmed: true` is accepted only when the
 * same action (entity, action, detail) is pending, was asked less than `ttlMs` ago, and every user
 * turn since the question, in the user's own words (their transcript, or what they typed), is a
 * yes (spoken-answer.ts). A no or an unrelated answer cancels the pending confirmation; so does an
 * answer nobody can read (transcription off or failed, or too late): the app never guesses a yes.
 * An accepted confirmation is used up.
 */

export type ConfirmationKey = { entityId: string; action: string; detail?: string };

export type GateDecision =
  /** Go ahead. */
  | { kind: 'allowed' }
  /** Ask the user first (a new pending confirmation was recorded). */
  | { kind: 'ask'; reason: 'first_request' | 'expired' | 'different_request' }
  /** Confirmed too early: the user has not answered since the question (still pending). */
  | { kind: 'wait_for_user' }
  /** The user's answer was a no, or not a clear yes (cancelled). */
  | { kind: 'declined'; answer: 'no' | 'unclear' }
  /** The answer could not be read, so it cannot count as a yes (cancelled). */
  | { kind: 'unverifiable'; reason: 'transcription_off' | 'transcription_failed' | 'transcript_late' | 'no_conversation' };

export type GateCall = {
  confirmed: boolean;
  /** The conversation's user-turn count when the call was made. */
  userTurn: number;
  /** The user's turns; absent where there is no conversation (a card press): nothing can be confirmed. */
  replies?: UserReplies | undefined;
  /** Aborts the wait for a late transcript (the tool's signal). */
  signal?: AbortSignal;
  /** The configured transcription language, whose yes counts besides English, French and Portuguese. */
  language?: string;
};

type Pending = { askedAtTurn: number; at: number };

export const CONFIRMATION_TTL_MS = 60_000;
/** How long a confirmed call waits for the transcript of the answer, which may come after the call. */
export const TRANSCRIPT_WAIT_MS = 4_000;

export class ConfirmationGate {
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #transcriptWaitMs: number;
  readonly #pending = new Map<string, Pending>();
  /** Recently expired keys, to tell the model "expired" rather than "never asked". */
  readonly #expired = new Set<string>();

  constructor(options: { clock: Clock; ttlMs?: number; transcriptWaitMs?: number }) {
    this.#clock = options.clock;
    this.#ttlMs = options.ttlMs ?? CONFIRMATION_TTL_MS;
    this.#transcriptWaitMs = options.transcriptWaitMs ?? TRANSCRIPT_WAIT_MS;
  }

  /** Decides a call; `keys` are the sensitive (entity, action) pairs it contains (never empty). */
  async check(keys: readonly ConfirmationKey[], call: GateCall): Promise<GateDecision> {
    this.#expire(this.#clock.now());
    const ids = keys.map(keyOf);
    const pending = ids.map((id) => this.#pending.get(id));
    if (call.confirmed && pending.every((p) => p !== undefined)) {
      const askedAtTurn = Math.max(...pending.map((p) => p!.askedAtTurn));
      if (call.userTurn <= askedAtTurn) return { kind: 'wait_for_user' };
      if (!call.replies) return this.#cancel(ids, { kind: 'unverifiable', reason: 'no_conversation' });
      const replies = (
        await call.replies.since(askedAtTurn, { timeoutMs: this.#transcriptWaitMs, ...(call.signal ? { signal: call.signal } : {}) })
      ).filter((r) => !(r.status === 'transcribed' && r.text.trim() === '')); // an empty transcript: nothing was said
      // Another call may have used or replaced these confirmations while this one waited.
      if (ids.some((id, i) => this.#pending.get(id) !== pending[i])) return this.#ask(ids, 'different_request', call.userTurn);
      if (replies.length === 0) return { kind: 'wait_for_user' };
      return this.#cancel(ids, judge(replies, call.language));
    }
    const reason = call.confirmed ? (ids.some((id) => this.#expired.has(id)) ? 'expired' : 'different_request') : 'first_request';
    return this.#ask(ids, reason, call.userTurn);
  }

  /** Forget everything (the conversation ended). */
  clear(): void {
    this.#pending.clear();
    this.#expired.clear();
  }

  get pendingCount(): number {
    return this.#pending.size;
  }

  #ask(ids: readonly string[], reason: 'first_request' | 'expired' | 'different_request', userTurn: number): GateDecision {
    const now = this.#clock.now();
    for (const id of ids) this.#pending.set(id, { askedAtTurn: userTurn, at: now });
    return { kind: 'ask', reason };
  }

  /** Whatever the answer was, the question has been answered: it is used up. */
  #cancel(ids: readonly string[], decision: GateDecision): GateDecision {
    for (const id of ids) this.#pending.delete(id);
    return decision;
  }

  #expire(now: number): void {
    for (const [id, pending] of this.#pending) {
      if (now - pending.at > this.#ttlMs) {
        this.#pending.delete(id);
        this.#expired.add(id);
        if (this.#expired.size > 100) this.#expired.clear();
      }
    }
  }
}

/** Every turn since the question must be a readable yes; one no is a no. */
function judge(replies: readonly UserReply[], language: string | undefined): GateDecision {
  if (replies.some((r) => r.status === 'not_transcribed')) return { kind: 'unverifiable', reason: 'transcription_off' };
  if (replies.some((r) => r.status === 'failed')) return { kind: 'unverifiable', reason: 'transcription_failed' };
  if (replies.some((r) => r.status === 'pending')) return { kind: 'unverifiable', reason: 'transcript_late' };
  const verdicts = replies.map((r) => classifyAnswer(r.text, language === undefined ? {} : { language }));
  if (verdicts.includes('no')) return { kind: 'declined', answer: 'no' };
  if (verdicts.every((v) => v === 'yes')) return { kind: 'allowed' };
  return { kind: 'declined', answer: 'unclear' };
}

function keyOf(key: ConfirmationKey): string {
  return `${key.entityId}\u0000${key.action}\u0000${key.detail ?? ''}`;
}
