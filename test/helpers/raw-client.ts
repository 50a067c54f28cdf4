/**
 * Clients for testing a server's defences with real sockets: raw TCP connections that send exactly
 * what the test says (nothing, a byte at a time, garbage), and single HTTP requests from a chosen
 * loopback source address (127.0.0.0/8 is all loopback on Linux, so each test can be "another
 * client" without leaving the machine).
 */
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';

export type RawConnection = {
  socket: Socket;
  /** Resolves when the server has closed the connection (or it failed), with ms since it opened. */
  closed: Promise<number>;
  isClosed(): boolean;
  /** Everything the server sent so far. */
  received(): string;
};

export function openRaw(port: number, localAddress = '127.0.0.1'): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const opened = performance.now();
    const socket = connect({ host: '127.0.0.1', port, localAddress });
    let data = '';
    let done = false;
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('error', () => undefined); // a reset is one way of being closed
    const closed = new Promise<number>((resolveClosed) =>
      socket.once('close', () => {
        done = true;
        resolveClosed(performance.now() - opened);
      }),
    );
    socket.once('connect', () => resolve({ socket, closed, isClosed: () => done, received: () => data }));
    socket.once('error', (error) => {
      if (!socket.connecting) return;
      reject(error);
    });
  });
}

/** Waits for the server to close `connection`, failing if it is still open after `withinMs`. */
export async function closedWithin(connection: RawConnection, withinMs: number): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still open after ${withinMs} ms`)), withinMs);
  });
  try {
    return await Promise.race([connection.closed, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export type Reply = { status: number; headers: Record<string, string | string[] | undefined>; body: string };

/** One HTTP request on a connection of its own (no keep-alive pool), from `localAddress`. */
export function httpRequest(
  port: number,
  path: string,
  options: { localAddress?: string; headers?: Record<string, string>; method?: string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        localAddress: options.localAddress ?? '127.0.0.1',
        agent: false,
        headers: options.headers ?? {},
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** The `name=value` of the session cookie among a reply's Set-Cookie headers. */
export function sessionCookieOf(reply: Reply): string {
  const cookies = reply.headers['set-cookie'];
  const session = (Array.isArray(cookies) ? cookies : []).find((c) => c.startsWith('hearth_session=') && !c.includes('Max-Age=0'));
  if (!session) throw new Error(`no session cookie in ${JSON.stringify(cookies)}`);
  return session.split(';')[0]!;
}
