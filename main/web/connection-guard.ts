import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export type ConnectionLimits = {
  /** Open connections one client address may hold at once (HTTP and WebSocket together). */
  perAddress: number;
  /** A connection that has not authenticated by then is closed (idle, slow headers, refused upgrades). */
  unauthenticatedMs: number;
  /** Connections not yet authenticated, for everyone together; beyond it the oldest one is closed. */
  maxUnauthenticated: number;
};

export type ConnectionStats = {
  open: number;
  refusedPerAddress: number;
  refusedAtCapacity: number;
  closedUnauthenticated: number;
  evictedUnauthenticated: number;
};

/**
 * Connection-level protection for web mode, below HTTP: a cap per client address (`server.maxConnections`
 * is the cap for everyone), and a short deadline for every connection until one of its requests
 * authenticates. Node's own timeouts (headersTimeout, requestTimeout) bound each request, but they
 * are checked only every `connectionsCheckingInterval`, they reset with every request on a kept-alive
 * connection, and they stop applying once a socket is upgraded; this deadline holds from the first
 * byte whatever the client does (nothing at all, headers a byte at a time, a refused upgrade it
 * never closes).
 *
 * Unauthenticated connections also have a cap of their own, below `server.maxConnections`, and at
 * that cap a new connection closes the oldest unauthenticated one instead of being refused. So an
 * attacker with many addresses cannot fill the server with idle sockets and lock new browsers out:
 * a real browser's connection authenticates within milliseconds of opening, long before it becomes
 * the oldest, and paired connections always have the rest of the capacity.
 *
 * The per-address cap is counted on the TCP peer: behind a reverse proxy that is the proxy, for
 * everyone at once, so the cap must be set with that in mind.
 */
export class ConnectionGuard {
  readonly #limits: ConnectionLimits;
  readonly #byAddress = new Map<string, number>();
  readonly #pending = new Map<Socket, NodeJS.Timeout>();
  readonly #sockets = new Set<Socket>();
  readonly #stats = { refusedPerAddress: 0, refusedAtCapacity: 0, closedUnauthenticated: 0, evictedUnauthenticated: 0 };

  constructor(limits: ConnectionLimits) {
    this.#limits = limits;
  }

  attach(server: Server): void {
    server.on('connection', (socket: Socket) => this.#accept(socket));
    server.on('drop', () => this.#stats.refusedAtCapacity++);
  }

  /** One of this socket's requests authenticated: it is no longer held to the deadline. */
  authenticated(socket: Socket): void {
    const timer = this.#pending.get(socket);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.#pending.delete(socket);
  }

  stats(): ConnectionStats {
    return { open: this.#sockets.size, ...this.#stats };
  }

  /** Closes every connection (server shutdown). */
  destroyAll(): void {
    for (const socket of this.#sockets) socket.destroy();
  }

  /** The Map keeps insertion order: its first entry is the connection waiting longest. */
  #evictOldest(): void {
    const oldest = this.#pending.keys().next();
    if (oldest.done) return;
    clearTimeout(this.#pending.get(oldest.value));
    this.#pending.delete(oldest.value);
    this.#stats.evictedUnauthenticated++;
    oldest.value.destroy();
  }

  #accept(socket: Socket): void {
    const address = socket.remoteAddress ?? 'unknown';
    const count = (this.#byAddress.get(address) ?? 0) + 1;
    if (count > this.#limits.perAddress) {
      this.#stats.refusedPerAddress++;
      socket.destroy();
      return;
    }
    this.#byAddress.set(address, count);
    this.#sockets.add(socket);
    if (this.#pending.size >= this.#limits.maxUnauthenticated) this.#evictOldest();
    const timer = setTimeout(() => {
      this.#pending.delete(socket);
      this.#stats.closedUnauthenticated++;
      socket.destroy();
    }, this.#limits.unauthenticatedMs);
    timer.unref();
    this.#pending.set(socket, timer);
    socket.once('close', () => {
      clearTimeout(this.#pending.get(socket));
      this.#pending.delete(socket);
      this.#sockets.delete(socket);
      const left = (this.#byAddress.get(address) ?? 1) - 1;
      if (left > 0) this.#byAddress.set(address, left);
      else this.#byAddress.delete(address);
    });
  }
}
