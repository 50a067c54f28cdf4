/**
 * Which response is current, which are cancelled, and what a stop or a hung response must do about
 * them: a pure fold (state, event) → { state, effects }. The session runs the effects; the sequencer
 * (response-sequencer.ts) separately decides when `response.create` may be sent.
 */

export type TrackedResponse = {
  id: string;
  done: boolean;
  /** The connection generation it began in: its tool outputs mean nothing to a later session. */
  generation: number;
  /** The count of interruptions when it started: a later one means the user moved on. */
  interruptions: number;
};

export type ResponseTrackerState = {
  readonly current: TrackedResponse | undefined;
  /** Responses the user interrupted or that hung: their late output is dropped. */
  readonly cancelled: ReadonlySet<string>;
  /** A local stop came while our response request was in flight: cancel it once it is created. */
  readonly cancelWhenCreated: boolean;
  /** Interruptions so far (barge-in by voice or a local stop). */
  readonly interruptions: number;
};

export type ResponseTrackerEvent =
  | { type: 'created'; id: string; generation: number }
  | { type: 'done'; id: string }
  /** The user spoke over the assistant (`speech`) or stopped it (`local`). */
  | { type: 'interrupted'; trigger: 'speech' | 'local'; activeId: string | null; requestInFlight: boolean }
  /** The watchdog saw no output from this response in time. */
  | { type: 'hung'; id: string; ms: number }
  /** A new server session, or none: no response survives. */
  | { type: 'reset' };

export type ResponseTrackerEffect =
  /** `response.cancel`, naming the response when given (a bare cancel ends whichever is active). */
  | { type: 'cancel'; responseId?: string }
  | { type: 'watch'; responseId: string }
  | { type: 'stop_watching' }
  | { type: 'started'; responseId: string }
  /** Forget a `response.create` waiting for the active response to end. */
  | { type: 'drop_queued_request' }
  | { type: 'report_hung'; responseId: string; ms: number };

export type ResponseTrackerResult = { state: ResponseTrackerState; effects: ResponseTrackerEffect[] };

export const initialResponseTracker: ResponseTrackerState = {
  current: undefined,
  cancelled: new Set(),
  cancelWhenCreated: false,
  interruptions: 0,
};

const withCancelled = (cancelled: ReadonlySet<string>, ...ids: string[]): ReadonlySet<string> => new Set([...cancelled, ...ids]);

export function reduceResponses(state: ResponseTrackerState, event: ResponseTrackerEvent): ResponseTrackerResult {
  switch (event.type) {
    case 'created': {
      const current = { id: event.id, done: false, generation: event.generation, interruptions: state.interruptions };
      if (state.cancelWhenCreated) {
        // The user stopped us before this response existed; a cancel sent then was a no-op
        // (`response.cancel` with no active response is refused), so it is sent now that it exists.
        return {
          state: { ...state, current, cancelWhenCreated: false, cancelled: withCancelled(state.cancelled, event.id) },
          effects: [{ type: 'cancel', responseId: event.id }],
        };
      }
      return {
        state: { ...state, current },
        effects: [
          { type: 'watch', responseId: event.id },
          { type: 'started', responseId: event.id },
        ],
      };
    }
    case 'done':
      if (state.current?.id !== event.id) return { state, effects: [] };
      return { state: { ...state, current: { ...state.current, done: true } }, effects: [] };
    case 'interrupted': {
      const ids = [event.activeId, state.current && !state.current.done ? state.current.id : null].filter((id) => id !== null);
      const next = { ...state, interruptions: state.interruptions + 1, cancelled: withCancelled(state.cancelled, ...ids) };
      const effects: ResponseTrackerEffect[] = [{ type: 'stop_watching' }];
      // With server VAD and interrupt_response the server has already cancelled; a local trigger must
      // cancel itself, and only while a response is really active (a cancel with none active is an error event).
      if (event.trigger === 'local') {
        if (event.activeId) effects.push({ type: 'cancel' });
        else if (event.requestInFlight) next.cancelWhenCreated = true;
        effects.push({ type: 'drop_queued_request' });
      }
      return { state: next, effects };
    }
    case 'hung': {
      const current = state.current;
      if (!current || current.id !== event.id || current.done || state.cancelled.has(event.id)) return { state, effects: [] };
      // Cancelled by id (a cancel that races the response's own end then fails harmlessly). The turn
      // ends with the server's cancelled response.done, like any cancel: the sequencer keeps the
      // response active until then, so no response.create can race it.
      return {
        state: { ...state, cancelled: withCancelled(state.cancelled, event.id) },
        effects: [
          { type: 'cancel', responseId: event.id },
          { type: 'report_hung', responseId: event.id, ms: event.ms },
        ],
      };
    }
    case 'reset':
      return { state: { ...initialResponseTracker, interruptions: state.interruptions }, effects: [] };
  }
}

/** True for output of a response that was cancelled (late audio or text of an interrupted answer). */
export function isCancelled(state: ResponseTrackerState, responseId: string | undefined): boolean {
  return responseId !== undefined && state.cancelled.has(responseId);
}

/** The current response, while it has not ended. */
export function runningResponse(state: ResponseTrackerState): TrackedResponse | undefined {
  return state.current && !state.current.done ? state.current : undefined;
}
