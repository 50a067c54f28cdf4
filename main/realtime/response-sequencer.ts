import type { ClientEvent } from './protocol-types.js';

/**
 * Makes sure `response.create` is never sent while a response is active (the server refuses it with
 * `conversation_already_has_active_response`): a
 * request made during a response waits for its `response.done`. If the server still answers
 * `conversation_already_has_active_response` (VAD started a response while ours was in flight), the
 * request waits for that response to finish and is sent again, so a tool result is never left
 * unspoken.
 *
 * Each request carries its event id in `response.metadata`, which the server returns in
 * `response.created`: a response known to be ours settles the request, so a later
 * `conversation_already_has_active_response` without an `event_id` (the server often leaves it null)
 * cannot be mistaken for a refusal of it and cause a second, unasked-for answer.
 */
/** The `response.metadata` key that names the request a response answers. */
export const REQUEST_METADATA_KEY = 'hearth_request';

export class ResponseSequencer {
  #active: string | null = null;
  #pending: string | null = null;
  #queued = false;
  #ids = 0;
  readonly #send: (event: ClientEvent) => void;

  constructor(send: (event: ClientEvent) => void) {
    this.#send = send;
  }

  /** True between `response.created` and `response.done`, or while our request is in flight. */
  get busy(): boolean {
    return this.#active !== null || this.#pending !== null;
  }

  get activeResponseId(): string | null {
    return this.#active;
  }

  get hasQueuedRequest(): boolean {
    return this.#queued;
  }

  /** Our `response.create` is sent and its response not yet created. */
  get requestInFlight(): boolean {
    return this.#pending !== null && this.#active === null;
  }

  /** Forgets a request waiting for the active response to end (the user asked us to stop). */
  dropQueued(): void {
    this.#queued = false;
  }

  request(): void {
    if (this.busy) {
      this.#queued = true;
      return;
    }
    this.#sendCreate();
  }

  /** `requestId`: the `hearth_request` metadata the response carries, if any (see the class comment). */
  onResponseCreated(responseId: string, requestId?: string): void {
    this.#active = responseId;
    if (requestId !== undefined && requestId === this.#pending) this.#pending = null;
  }

  onResponseDone(responseId: string): void {
    if (this.#active !== null && this.#active !== responseId) return;
    this.#active = null;
    // An error for our request would have come before this response ended; none did, so it was ours.
    this.#pending = null;
    if (this.#queued) {
      this.#queued = false;
      this.#sendCreate();
    }
  }

  /** Returns true when the error was about our response request and has been dealt with. */
  onError(code: string | undefined, eventId: string | undefined): boolean {
    if (this.#pending === null) return false;
    // Without an event id, an active-response error is about our request only if a response we know
    // of is active (and not ours, or the request would be settled): on one ordered socket the server
    // announces a response before it refuses anything because of it.
    const ours =
      eventId === this.#pending || (eventId == null && code === 'conversation_already_has_active_response' && this.#active !== null);
    if (!ours) return false;
    this.#pending = null;
    if (code === 'conversation_already_has_active_response') {
      if (this.#active !== null) this.#queued = true;
      else this.#sendCreate();
    }
    return true;
  }

  /** A new session has no responses; with `resend`, a request still waiting is made there. */
  reset(options: { resend: boolean }): void {
    const hadRequest = this.#queued || this.#pending !== null;
    this.#active = null;
    this.#pending = null;
    this.#queued = false;
    if (hadRequest && options.resend) this.#sendCreate();
  }

  #sendCreate(): void {
    this.#pending = `evt_hearth_resp_${++this.#ids}`;
    this.#send({ type: 'response.create', event_id: this.#pending, response: { metadata: { [REQUEST_METADATA_KEY]: this.#pending } } });
  }
}
