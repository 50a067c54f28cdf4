import type { Clock, TimerHandle } from '../util/clock.js';

/** The gateway's timeouts and intervals, and the repeating timer its watchdog and exposure polling run on. */

export type HaWsGatewayOptions = {
  /** Read at every (re)connect. */
  allowSelfSignedCertificate?: boolean;
  /** WebSocket upgrade + auth (default 10 s). */
  handshakeTimeoutMs?: number;
  /** call_service and other commands a tool waits for (default 1.5 s: a tool must answer within 2 s). */
  commandTimeoutMs?: number;
  /** conversation/process: the first call loads intents and can take seconds (default 8 s). */
  conversationTimeoutMs?: number;
  /** Registry commands at (re)connect (default 15 s). */
  loadTimeoutMs?: number;
  /** Ping watchdog for networks that die without closing the socket (default every 30 s, 10 s timeout). */
  pingIntervalMs?: number;
  pingTimeoutMs?: number;
  /** Exposure has no change event for entities outside the registry: poll it (default 60 s). */
  exposureRefreshMs?: number;
  /** Coalesce registry-updated events (default 300 ms). */
  registryDebounceMs?: number;
  /** How long connect() waits for Home Assistant to finish starting (default 120 s). */
  startupTimeoutMs?: number;
  clock?: Clock;
};

export type Timing = Required<Omit<HaWsGatewayOptions, 'clock' | 'allowSelfSignedCertificate'>>;

export const DEFAULTS: Timing = {
  handshakeTimeoutMs: 10_000,
  commandTimeoutMs: 1500,
  conversationTimeoutMs: 8000,
  loadTimeoutMs: 15_000,
  pingIntervalMs: 30_000,
  pingTimeoutMs: 10_000,
  exposureRefreshMs: 60_000,
  registryDebounceMs: 300,
  startupTimeoutMs: 120_000,
};

/** Runs `task` `ms` after each start and after each run ends, while `active()`; stop() cancels the next run. */
export function repeatAfter(clock: Clock, ms: number, task: () => Promise<void>, active: () => boolean): { start(): void; stop(): void } {
  let timer: TimerHandle | undefined;
  const start = () => {
    clock.clearTimeout(timer);
    if (!active()) return;
    timer = clock.setTimeout(() => {
      void task().finally(start);
    }, ms);
  };
  return { start, stop: () => clock.clearTimeout(timer) };
}
