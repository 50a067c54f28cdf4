import type { ConnectionLimits } from './connection-guard.js';
import { DEFAULT_FAILURE_LIMITS, type FailureLimits } from './failure-limiter.js';

/**
 * Web mode's limits against hostile or broken clients. The defaults suit a household: a few browsers,
 * each with a handful of HTTP connections and two WebSockets, on a LAN or behind one reverse proxy.
 * Tests and the bench pass small values to see them act quickly.
 */
export type WebLimits = ConnectionLimits & {
  /** Open connections for everyone together (`server.maxConnections`). */
  maxConnections: number;
  /** Node's limit for receiving a request's headers (slowloris), and for the whole request. */
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  /** An idle kept-alive HTTP connection is closed after this long. */
  keepAliveTimeoutMs: number;
  /** WebSocket ping interval; a socket that misses a pong is closed at the next one. */
  pingIntervalMs: number;
  /** Wrong pairing attempts. */
  failures: FailureLimits;
};

export const DEFAULT_WEB_LIMITS: WebLimits = {
  maxConnections: 256,
  perAddress: 64,
  maxUnauthenticated: 128,
  unauthenticatedMs: 10_000,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  pingIntervalMs: 30_000,
  failures: DEFAULT_FAILURE_LIMITS,
};

export function webLimits(overrides: Partial<Omit<WebLimits, 'failures'>> & { failures?: Partial<FailureLimits> } = {}): WebLimits {
  return { ...DEFAULT_WEB_LIMITS, ...overrides, failures: { ...DEFAULT_WEB_LIMITS.failures, ...overrides.failures } };
}
