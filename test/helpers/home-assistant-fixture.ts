import { afterAll, beforeAll } from 'vitest';
import {
  connectHaWebSocket,
  startHomeAssistant,
  type HaSocket,
  type HomeAssistantInstance,
  type StartHomeAssistantOptions,
} from '../servers/home-assistant-core.js';

/** An entity as Home Assistant's `get_states` reports it. */
export type HaState = { entity_id: string; state: string; attributes: Record<string, any> };

export type HomeAssistantFixture = {
  /** The running core (throws before the suite's `beforeAll` started it). */
  readonly ha: HomeAssistantInstance;
  /** An admin WebSocket on it, for setting up and checking the home behind the app's back. */
  readonly admin: HaSocket;
  /** Every entity's state now, by entity id. */
  states(): Promise<Map<string, HaState>>;
  /** One entity's state now; throws when Home Assistant has no such entity. */
  state(entityId: string): Promise<HaState>;
  /** Restarts the core (same port and config) and opens a new admin socket once it runs again. */
  restart(): Promise<void>;
};

/**
 * One real Home Assistant core for the enclosing suite (the file, or the `describe` it is called
 * in): started with an admin socket before the suite's tests, both closed after them. Call it before
 * the suite's own hooks, so that they run after the core is up and before it stops.
 */
export function useHomeAssistant(options: StartHomeAssistantOptions = {}): HomeAssistantFixture {
  let ha: HomeAssistantInstance | undefined;
  let admin: HaSocket | undefined;

  beforeAll(async () => {
    ha = await startHomeAssistant(options);
    admin = await connectHaWebSocket(ha.url, ha.token);
  }, 300_000);

  afterAll(async () => {
    await admin?.close();
    await ha?.stop();
  }, 60_000);

  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('Home Assistant is not started yet: use the fixture inside a test or a later hook');
    return value;
  };
  const states = async () => new Map((await started(admin).command<HaState[]>('get_states')).map((s) => [s.entity_id, s]));

  return {
    get ha() {
      return started(ha);
    },
    get admin() {
      return started(admin);
    },
    states,
    async state(entityId) {
      const state = (await states()).get(entityId);
      if (!state) throw new Error(`${entityId} has no state`);
      return state;
    },
    async restart() {
      const core = started(ha);
      await started(admin).close();
      await core.restart();
      admin = await connectHaWebSocket(core.url, core.token);
    },
  };
}
