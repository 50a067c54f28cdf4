import type { WebSocket } from 'ws';

/**
 * Liveness for authenticated WebSockets: every `intervalMs` each socket gets a ping, and one that has
 * not answered the previous ping is terminated, so a vanished tablet (Wi-Fi gone, lid closed) or a
 * client that stops reading frees its connection within two intervals instead of whenever TCP gives
 * up. The same tick closes sockets whose device is no longer paired (revoked, or the token rotated).
 */
export class SocketLiveness {
  readonly #answered = new WeakSet<WebSocket>();
  readonly #sockets = new Map<WebSocket, () => boolean>();
  readonly #timer: NodeJS.Timeout;
  terminated = 0;

  constructor(intervalMs: number) {
    this.#timer = setInterval(() => this.#tick(), intervalMs);
    this.#timer.unref();
  }

  /** Watches `ws` until it closes; `stillAllowed` is asked on every tick. */
  watch(ws: WebSocket, stillAllowed: () => boolean): void {
    this.#answered.add(ws);
    this.#sockets.set(ws, stillAllowed);
    ws.on('pong', () => this.#answered.add(ws));
    ws.once('close', () => this.#sockets.delete(ws));
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  #tick(): void {
    for (const [ws, stillAllowed] of this.#sockets) {
      if (!this.#answered.has(ws) || !stillAllowed()) {
        this.terminated++;
        this.#sockets.delete(ws);
        ws.terminate();
        continue;
      }
      this.#answered.delete(ws);
      ws.ping();
    }
  }
}
