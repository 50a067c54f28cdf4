import type { ClientEvent } from './protocol-types.js';

/**
 * Makes sure `response.create` is never sent while a response is active (reference D.5, H): a
 * request made during a response waits for its `response.done`. A response that the server created
 * after our request was sent (e.g. by VAD) already sees our items, so it satisfies the request
 * rather than causing a second reply.
 */
export class ResponseSequencer {
  #active: string | null = null;
  #activeCreatedAt = 0;
  #pending: { eventId: string; sentAt: number } | null = null;
  #queued = false;
  #seq = 0;
  #ids = 0;
  readonly #send: (event: ClientEvent) => void;

  constructor(send: (event: ClientEvent) => void) {
    this.#send = send;
  }

  /** True between `response.created` and `response.done`, or while our request awaits its response. */
  get busy(): boolean {
    return this.#active !== null || this.#pending !== null;
  }

  get activeResponseId(): string | null {
    return this.#active;
  }

  get hasQueuedRequest(): boolean {
    return this.#queued;
  }

  request(): void {
    if (this.busy) {
      this.#queued = true;
      return;
    }
    this.#sendCreate();
  }

  onResponseCreated(responseId: string): void {
    this.#active = responseId;
    this.#activeCreatedAt = ++this.#seq;
    this.#pending = null;
  }

  onResponseDone(responseId: string): void {
    if (this.#active !== null && this.#active !== responseId) return;
    this.#active = null;
    if (this.#queued && !this.#pending) {
      this.#queued = false;
      this.#sendCreate();
    }
  }

  /** Returns true when the error was about our response request and has been dealt with. */
  onError(code: string | undefined, eventId: string | undefined): boolean {
    if (!this.#pending) return false;
    const ours = eventId === this.#pending.eventId || (eventId == null && code === 'conversation_already_has_active_response');
    if (!ours) return false;
    const sentAt = this.#pending.sentAt;
    this.#pending = null;
    if (code === 'conversation_already_has_active_response') {
      const satisfied = this.#active !== null && this.#activeCreatedAt > sentAt;
      if (!satisfied) this.#queued = true;
    }
    return true;
  }

  /** A new session has no responses; with `resend`, a request still waiting is made there. */
  reset(options: { resend: boolean }): void {
    this.#active = null;
    const hadRequest = this.#queued || this.#pending !== null;
    this.#pending = null;
    this.#queued = false;
    if (hadRequest && options.resend) this.#sendCreate();
  }

  #sendCreate(): void {
    const eventId = `evt_hearth_resp_${++this.#ids}`;
    this.#pending = { eventId, sentAt: ++this.#seq };
    this.#send({ type: 'response.create', event_id: eventId });
  }
}
