import { TypedEmitter } from '../../main/util/typed-emitter.js';
import type { AssistantError } from '../../main/util/errors.js';
import type { AnyServerEvent, ClientEvent } from '../../main/realtime/protocol-types.js';
import { decodeServerEvent } from '../../main/realtime/server-events.js';
import type {
  ConnectOptions,
  RealtimeTransport,
  RealtimeTransportEvents,
  TransportOpenInfo,
  TransportStatus,
} from '../../main/realtime/realtime-transport.js';

/**
 * A RealtimeTransport driven by the test: it records what the session sends and lets the test play
 * the server's part. `implements` keeps it in step with the interface.
 */
export class ScriptedRealtimeTransport extends TypedEmitter<RealtimeTransportEvents> implements RealtimeTransport {
  status: TransportStatus = 'idle';
  sent: ClientEvent[] = [];
  connectCalls: ConnectOptions[] = [];
  renewCalls = 0;
  sessionAgeMs = 0;
  #options: ConnectOptions | undefined;
  #pending: { resolve: () => void; reject: (e: AssistantError) => void } | undefined;

  connect(options: ConnectOptions): Promise<void> {
    this.#options = options;
    this.connectCalls.push(options);
    this.#setStatus('connecting');
    return new Promise((resolve, reject) => {
      this.#pending = { resolve, reject };
    });
  }

  /** The server's session.created: the open events are "sent" and connect() resolves. */
  open(info: TransportOpenInfo = { reconnect: false, sessionId: 'sess_test' }): void {
    if (!this.#options) throw new Error('connect() was not called');
    this.#setStatus('open');
    this.sent.push(...this.#options.onOpen(info));
    this.emit('opened', info);
    this.server({ type: 'session.created', session: { id: info.sessionId } });
    this.#pending?.resolve();
    this.#pending = undefined;
  }

  drop(): void {
    this.#setStatus('reconnecting');
  }

  fail(error: AssistantError): void {
    this.emit('error', error);
    this.#setStatus('closed');
    this.#pending?.reject(error);
    this.#pending = undefined;
  }

  /** A server event, decoded as the real transport decodes it (a malformed one is dropped, as there). */
  server(event: AnyServerEvent): void {
    const decoded = decodeServerEvent(event);
    if (decoded.ok) this.emit('server_event', decoded.event);
  }

  send(event: ClientEvent): void {
    this.sent.push(event);
  }

  renew(): void {
    this.renewCalls++;
  }

  close(): void {
    this.#setStatus('closed');
  }

  sentOfType<T extends ClientEvent['type']>(type: T): Array<Extract<ClientEvent, { type: T }>> {
    return this.sent.filter((e): e is Extract<ClientEvent, { type: T }> => e.type === type);
  }

  #setStatus(status: TransportStatus): void {
    this.status = status;
    this.emit('status', status);
  }
}
