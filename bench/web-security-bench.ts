/**
 * Web mode under attack, with its default limits, real sockets on loopback and the real engine behind
 * it. Attackers use their own loopback source addresses (all of 127.0.0.0/8 reaches the server), so
 * "one address" and "many addresses" are real to the server's per-address accounting.
 *
 * (a) idle flood: N unauthenticated sockets that send nothing, from one address and from many:
 *     how many the server holds, how many it refuses (per-address cap, global cap) or closes to make
 *     room (the oldest unauthenticated ones), and how long it holds them (the pre-authentication deadline);
 * (b) wrong-token flood: attempts from one address and spread over many: answered 401 (counted) vs
 *     429 (limited), and whether the right token still pairs from a limited address;
 * (c) a paired client's GET /health latency without attack and during each flood, on a connection it
 *     already had (kept alive) and on new connections (which a full server cannot accept).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AssistantApp } from '../main/app/assistant-app.js';
import { generatePairingToken } from '../main/web/token-file.js';
import { DEFAULT_WEB_LIMITS } from '../main/web/web-limits.js';
import { startWebServer, type WebServer } from '../main/web/web-server.js';
import { httpRequest, openRaw, sessionCookieOf, startQuietApp, type RawConnection } from './test-kit.js';
import { summarize, type Summary } from './stats.js';

const log = (line: string) => process.stderr.write(`bench: web security: ${line}\n`);

type Probe = { kept_alive_ms: Summary; kept_alive_failed: number; new_connection_ms: Summary; new_connections_failed: number };

/** A paired client: GET /health every 20 ms on a kept-alive connection and on a fresh one each time. */
function startProbe(web: WebServer, cookie: string): { stop(): Promise<Probe> } {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const kept: number[] = [];
  const fresh: number[] = [];
  let failed = 0;
  let keptFailed = 0;
  let running = true;
  const once = (viaAgent: boolean) =>
    new Promise<number>((resolve, reject) => {
      const started = performance.now();
      const req = request(
        {
          host: '127.0.0.1',
          port: web.port,
          path: '/health',
          headers: { Cookie: cookie, Host: `127.0.0.1:${web.port}` },
          agent: viaAgent ? agent : false,
          timeout: 5_000,
        },
        (res) => {
          res.resume();
          res.on('end', () =>
            res.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`HTTP ${res.statusCode}`)),
          );
        },
      );
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end();
    });
  const loop = (async () => {
    while (running) {
      await once(true).then(
        (ms) => kept.push(ms),
        () => keptFailed++,
      );
      await once(false).then(
        (ms) => fresh.push(ms),
        () => failed++,
      );
      await sleep(20);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      agent.destroy();
      return {
        kept_alive_ms: summarize(kept),
        kept_alive_failed: keptFailed,
        new_connection_ms: summarize(fresh),
        new_connections_failed: failed,
      };
    },
  };
}

async function openInBatches(web: WebServer, count: number, addresses: string[]): Promise<RawConnection[]> {
  const opened: RawConnection[] = [];
  for (let i = 0; i < count; i += 100) {
    const batch = Array.from({ length: Math.min(100, count - i) }, (_, j) => openRaw(web.port, addresses[(i + j) % addresses.length]));
    opened.push(...(await Promise.all(batch)));
  }
  return opened;
}

/** (a) + (c): N idle sockets from `addresses`, while the probe runs. */
async function idleFlood(web: WebServer, cookie: string, sockets: number, addresses: string[]) {
  const probe = startProbe(web, cookie);
  await sleep(200); // the probe's kept-alive connection exists before the attack
  const started = performance.now();
  const flood = await openInBatches(web, sockets, addresses);
  const openedMs = performance.now() - started;
  await sleep(500);
  const stillOpen = flood.filter((c) => !c.isClosed());
  const heldServerSide = web.stats().connections.open;
  const held = await Promise.all(stillOpen.map((c) => c.closed));
  const allClosedMs = performance.now() - started;
  const during = await probe.stop();
  const stats = web.stats().connections;
  return {
    sockets,
    source_addresses: addresses.length,
    opened_in_ms: Math.round(openedMs),
    held_open: stillOpen.length,
    server_connections_open_during: heldServerSide,
    refused_per_address: stats.refusedPerAddress,
    refused_at_capacity: stats.refusedAtCapacity,
    evicted_oldest_unauthenticated: stats.evictedUnauthenticated,
    closed_by_deadline: stats.closedUnauthenticated,
    held_socket_closed_after_ms: summarize(held),
    all_closed_after_ms: Math.round(allClosedMs),
    paired_client_during: during,
  };
}

/** (b): wrong tokens, then the right one, from the given addresses in turn. */
async function wrongTokenFlood(web: WebServer, token: string, attempts: number, addresses: string[]) {
  const statuses: Record<string, number> = {};
  for (let i = 0; i < attempts; i++) {
    const reply = await httpRequest(web.port, `/?token=wrong-${i}`, {
      localAddress: addresses[i % addresses.length]!,
      headers: { Host: `127.0.0.1:${web.port}` },
    });
    statuses[reply.status] = (statuses[reply.status] ?? 0) + 1;
  }
  const right = await httpRequest(web.port, `/?token=${token}`, {
    localAddress: addresses[0]!,
    headers: { Host: `127.0.0.1:${web.port}` },
  });
  return {
    attempts,
    source_addresses: addresses.length,
    answered_401: statuses['401'] ?? 0,
    answered_429: statuses['429'] ?? 0,
    right_token_from_a_limited_address: right.status,
  };
}

export async function benchWebSecurity() {
  const dir = await mkdtemp(join(tmpdir(), 'hearth-bench-web-'));
  await mkdir(join(dir, 'renderer'), { recursive: true });
  await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html><title>Hearth</title>');
  const app: AssistantApp = await startQuietApp(dir);
  const token = generatePairingToken();
  const fresh = async () => {
    const web = await startWebServer({ app, staticDir: join(dir, 'renderer'), token });
    const paired = await httpRequest(web.port, `/?token=${token}`, { headers: { Host: `127.0.0.1:${web.port}` } });
    return { web, cookie: sessionCookieOf(paired) };
  };
  const addresses = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}.${i + 1}`);
  try {
    log('baseline latency');
    let { web, cookie } = await fresh();
    const baselineProbe = startProbe(web, cookie);
    await sleep(3_000);
    const baseline = await baselineProbe.stop();
    await web.close();

    log('300 idle sockets from one address');
    ({ web, cookie } = await fresh());
    const oneAddress = await idleFlood(web, cookie, 300, ['127.0.3.1']);
    await web.close();

    log('3,000 idle sockets from 50 addresses');
    ({ web, cookie } = await fresh());
    const manyAddresses = await idleFlood(web, cookie, 3_000, addresses('127.0.4', 50));
    await web.close();

    log('wrong tokens');
    ({ web } = await fresh());
    const wrongOne = await wrongTokenFlood(web, token, 200, ['127.0.5.1']);
    await web.close();
    ({ web } = await fresh());
    const wrongMany = await wrongTokenFlood(web, token, 200, addresses('127.0.6', 100));
    await web.close();

    return {
      limits: {
        max_connections: DEFAULT_WEB_LIMITS.maxConnections,
        max_unauthenticated: DEFAULT_WEB_LIMITS.maxUnauthenticated,
        per_address: DEFAULT_WEB_LIMITS.perAddress,
        unauthenticated_deadline_ms: DEFAULT_WEB_LIMITS.unauthenticatedMs,
        headers_timeout_ms: DEFAULT_WEB_LIMITS.headersTimeoutMs,
        wrong_tokens_per_address_per_minute: DEFAULT_WEB_LIMITS.failures.perAddress,
        wrong_tokens_global_per_minute: DEFAULT_WEB_LIMITS.failures.global,
      },
      paired_client_without_attack: baseline,
      idle_flood_one_address: oneAddress,
      idle_flood_many_addresses: manyAddresses,
      wrong_tokens_one_address: wrongOne,
      wrong_tokens_many_addresses: wrongMany,
    };
  } finally {
    await app.shutdown();
    await rm(dir, { recursive: true, force: true });
  }
}
