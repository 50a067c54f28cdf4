import type { Clock } from '../util/clock.js';
import { ToolError } from '../util/errors.js';
import type { UserReplies, UserReply, UserReplyStatus } from '../tools/user-replies.js';

type Entry = { turn: number; source: 'voice' | 'text'; status: UserReplyStatus; text: string; itemId: string | null };

/** Turns kept: a confirmation only ever looks at the last few. */
const MAX_ENTRIES = 32;

/** The session's record of the user's turns, read by tools through `UserReplies`. */
export class UserReplyLog implements UserReplies {
  readonly #clock: Clock;
  #entries: Entry[] = [];
  readonly #listeners = new Set<() => void>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** A typed message: its text is known at once. */
  typed(turn: number, text: string): void {
    this.#add({ turn, source: 'text', status: 'transcribed', text, itemId: null });
  }

  /** A committed voice turn; its text follows through `transcribed` when transcription is on. */
  spoken(turn: number, itemId: string, transcribing: boolean): void {
    this.#add({ turn, source: 'voice', status: transcribing ? 'pending' : 'not_transcribed', text: '', itemId });
  }

  transcribed(itemId: string, text: string): void {
    this.#settle(itemId, 'transcribed', text);
  }

  failed(itemId: string): void {
    this.#settle(itemId, 'failed', '');
  }

  /** A new server session: transcripts for the old session's items will never arrive. */
  abandonPending(): void {
    let changed = false;
    for (const entry of this.#entries) {
      if (entry.status === 'pending') {
        entry.status = 'failed';
        changed = true;
      }
    }
    if (changed) this.#notify();
  }

  clear(): void {
    this.#entries = [];
    this.#notify();
  }

  since(afterTurn: number, options: { timeoutMs: number; signal?: AbortSignal }): Promise<readonly UserReply[]> {
    const { signal } = options;
    const snapshot = (): UserReply[] =>
      this.#entries.filter((e) => e.turn > afterTurn).map(({ turn, source, status, text }) => ({ turn, source, status, text }));
    const settled = () => snapshot().every((r) => r.status !== 'pending');
    if (signal?.aborted) return Promise.reject(abortReason());
    if (settled()) return Promise.resolve(snapshot());
    return new Promise((resolve, reject) => {
      const finish = (outcome: () => void) => {
        this.#listeners.delete(onChange);
        this.#clock.clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        outcome();
      };
      const onChange = () => {
        if (settled()) finish(() => resolve(snapshot()));
      };
      const onAbort = () => finish(() => reject(abortReason()));
      const timer = this.#clock.setTimeout(() => finish(() => resolve(snapshot())), options.timeoutMs);
      this.#listeners.add(onChange);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  #add(entry: Entry): void {
    this.#entries.push(entry);
    if (this.#entries.length > MAX_ENTRIES) this.#entries.splice(0, this.#entries.length - MAX_ENTRIES);
    this.#notify();
  }

  #settle(itemId: string, status: UserReplyStatus, text: string): void {
    const entry = this.#entries.find((e) => e.itemId === itemId);
    // Only a pending turn changes: a late "failed" never overwrites a transcript, nor the reverse.
    if (!entry || entry.status !== 'pending') return;
    entry.status = status;
    entry.text = text;
    this.#notify();
  }

  #notify(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}

function abortReason(): ToolError {
  return new ToolError("Stopped while waiting for the user's answer.", { category: 'application', code: 'aborted' });
}
