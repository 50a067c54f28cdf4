import type { EventSource } from '../util/typed-emitter.js';
import type { AssistantError } from '../util/errors.js';
import type { ClientEvent } from './protocol-types.js';
import type { ServerEvent } from './server-events.js';

export type TransportStatus = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

export type TransportOpenInfo = {
  /** True when this is a new session replacing a dropped or expired one. */
  reconnect: boolean;
  sessionId: string | undefined;
};

export type RealtimeTransportEvents = {
  status: [status: TransportStatus];
  /**
   * Every server event of an open session, in order, decoded (see server-events.ts). Frames that
   * are not a JSON object with a `type` are a `warning`; a known event missing a field it needs is
   * logged and dropped.
   */
  server_event: [event: ServerEvent];
  /** A session is ready: `session.created` arrived and the open events were sent. */
  opened: [info: TransportOpenInfo];
  /** Fatal: the transport gave up (a permanent refusal, or retries exhausted) and is now closed. */
  error: [error: AssistantError];
  /** Not fatal: something odd was ignored (e.g. a malformed frame). */
  warning: [error: AssistantError];
};

export type ConnectOptions = {
  url: string;
  model: string;
  apiKey: string;
  /**
   * Events to send first on every (re)opened session, before anything queued meanwhile: the
   * session configuration and the carried-over conversation.
   */
  onOpen: (info: TransportOpenInfo) => ClientEvent[];
  /**
   * After a reconnect, whether an event queued during the outage should still be sent (the
   * session may re-send some of them itself, e.g. messages the old session never acknowledged).
   */
  keepQueued?: (event: ClientEvent) => boolean;
};

/**
 * One logical Realtime connection that survives drops: it reconnects with backoff, queues client
 * events while disconnected, keeps the socket alive with pings, and classifies every failure.
 */
export interface RealtimeTransport extends EventSource<RealtimeTransportEvents> {
  readonly status: TransportStatus;
  /** Resolves once the first session is open; rejects with an AssistantError if it cannot be. */
  connect(options: ConnectOptions): Promise<void>;
  /** Sends now, or queues in order while (re)connecting. */
  send(event: ClientEvent): void;
  /** Replaces the session with a fresh one now (session rotation). */
  renew(): void;
  /** Milliseconds since the current session opened (0 when not open). */
  readonly sessionAgeMs: number;
  close(): void;
}
