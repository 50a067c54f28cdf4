/**
 * What the user said in each of their turns, as tools read it (the confirmation gate). Input
 * transcription is asynchronous: a voice turn's text can arrive after the model has already answered
 * it, tool call included, so a reader can wait for it. The session's `UserReplyLog` writes it.
 */

export type UserReplyStatus =
  /** A voice turn whose transcription has not arrived yet. */
  | 'pending'
  /** `text` is what the user typed or what transcription heard. */
  | 'transcribed'
  /** Transcription failed, or the connection was replaced before it came. */
  | 'failed'
  /** Input transcription was off for this voice turn: nobody knows what was said. */
  | 'not_transcribed';

export type UserReply = {
  /** The session's user-turn count when this turn was committed (ToolContext.userTurn counts the same). */
  readonly turn: number;
  readonly source: 'voice' | 'text';
  readonly status: UserReplyStatus;
  readonly text: string;
};

/** The reading side, given to tools. */
export interface UserReplies {
  /**
   * The user's turns after turn `afterTurn`, once none of them is still being transcribed; after
   * `timeoutMs` those still pending come back as `pending`. Rejects when `signal` aborts.
   */
  since(afterTurn: number, options: { timeoutMs: number; signal?: AbortSignal }): Promise<readonly UserReply[]>;
}
