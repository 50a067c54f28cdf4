/**
 * A server that should never learn a secret: it accepts WebSocket upgrades and records every bearer
 * key a Realtime client sends in its handshake and every access token a Home Assistant client sends
 * in its `auth` message (it speaks the first step of Home Assistant's handshake so a client would).
 * Tests point a setting at it and assert that nothing arrived.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

export type CredentialTrap = {
  /** http://127.0.0.1:PORT */
  httpUrl: string;
  /** ws://127.0.0.1:PORT/v1/realtime */
  realtimeUrl: string;
  /** Every upgrade seen, with its Authorization header (undefined when none was sent). */
  handshakes: Array<{ path: string; authorization: string | undefined }>;
  /** Every Home Assistant access token received. */
  haTokens: string[];
  /** The bearer keys and tokens received, whatever the protocol. */
  secretsReceived(): string[];
  close(): Promise<void>;
};

export async function startCredentialTrap(): Promise<CredentialTrap> {
  const handshakes: CredentialTrap['handshakes'] = [];
  const haTokens: string[] = [];
  const server: Server = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws, req) => {
    handshakes.push({ path: req.url ?? '/', authorization: req.headers.authorization });
    ws.on('error', () => undefined);
    ws.send(JSON.stringify({ type: 'auth_required', ha_version: '2024.3.3' }));
    ws.on('message', (data) => {
      try {
        const message = JSON.parse(String(data)) as { type?: unknown; access_token?: unknown };
        if (message.type === 'auth' && typeof message.access_token === 'string') {
          haTokens.push(message.access_token);
          ws.send(JSON.stringify({ type: 'auth_invalid', message: 'Invalid access token or password' }));
        }
      } catch {
        // not JSON: nothing to record
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    httpUrl: `http://127.0.0.1:${port}`,
    realtimeUrl: `ws://127.0.0.1:${port}/v1/realtime`,
    handshakes,
    haTokens,
    secretsReceived: () => [
      ...handshakes.flatMap((h) => (h.authorization ? [h.authorization.replace(/^Bearer\s+/i, '')] : [])),
      ...haTokens,
    ],
    close: async () => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
