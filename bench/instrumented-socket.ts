import WebSocket from 'ws';
import { performance } from 'node:perf_hooks';
import type { WebSocketFactory } from '../main/realtime/ws-realtime-transport.js';

export type SocketProbe = {
  /** Called with the time and parsed type of every frame received, before the client sees it. */
  onReceive?: (type: string, at: number, event: Record<string, unknown>) => void;
  /** Called with the time and type of every frame the client sends. */
  onSend?: (type: string, at: number) => void;
};

/** A `ws` factory whose sockets report frame times, for latency measurements. */
export function instrumentedSocketFactory(probe: SocketProbe): WebSocketFactory {
  return (url, options) => {
    const socket = new WebSocket(url, { headers: options.headers, perMessageDeflate: false });
    socket.on('message', (data) => {
      const at = performance.now();
      try {
        const event = JSON.parse(data.toString()) as Record<string, unknown>;
        probe.onReceive?.(String(event.type), at, event);
      } catch {
        // not JSON: the client reports it
      }
    });
    const send = socket.send.bind(socket) as (data: unknown, ...rest: unknown[]) => void;
    (socket as unknown as { send: (data: unknown, ...rest: unknown[]) => void }).send = (data, ...rest) => {
      if (typeof data === 'string' && probe.onSend) {
        const type = /"type":"([^"]+)"/.exec(data.slice(0, 80))?.[1] ?? 'unknown';
        probe.onSend(type, performance.now());
      }
      send(data, ...rest);
    };
    return socket;
  };
}
