import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/**
 * The address a request comes from, for the wrong-attempt limit. Behind a reverse proxy every request
 * comes from the proxy, so with `trustProxy` (only when the operator says there is one) the last
 * X-Forwarded-For entry is used: the one the proxy itself added. Earlier entries are whatever the
 * client sent and are never used. X-Forwarded-* is ignored without `trustProxy`.
 */
export function clientAddress(req: Pick<IncomingMessage, 'headers' | 'socket'>, trustProxy: boolean): string {
  const own = req.socket.remoteAddress ?? 'unknown';
  if (!trustProxy) return own;
  const header = req.headers['x-forwarded-for'];
  const last = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').at(-1)?.trim() ?? '';
  return isIP(last) ? last : own;
}
