/**
 * A contract test file's fake Realtime servers and the sessions made against them, all closed after
 * each test. Call once at the file's top level.
 */
import { afterEach } from 'vitest';
import { createFakeRealtimeServer, type FakeRealtimeServer } from '../servers/fake-realtime-server.js';
import { createTestSession } from './session-harness.js';

type ServerOptions = Parameters<typeof createFakeRealtimeServer>[0];
type SessionOptions = Parameters<typeof createTestSession>[1];

export function fakeRealtimeSessions() {
  const servers: FakeRealtimeServer[] = [];
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
    for (const server of servers.splice(0)) await server.close();
  });
  const newServer = async (options: ServerOptions = {}): Promise<FakeRealtimeServer> => {
    const server = await createFakeRealtimeServer(options);
    servers.push(server);
    return server;
  };
  return {
    /** A new server for this test. */
    newServer,
    /** This test's latest server, or a new one with `options` if it has none yet. */
    server: async (options: ServerOptions = {}): Promise<FakeRealtimeServer> => servers.at(-1) ?? newServer(options),
    /** A session against `url`, disposed after the test. */
    session: async (url: string, options: SessionOptions = {}) => {
      const harness = await createTestSession(url, options);
      cleanups.push(harness.dispose);
      return harness;
    },
  };
}
