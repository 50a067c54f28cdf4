/**
 * Not every server `error` is fatal. For each state a session can be in, each non-fatal error the
 * reference lists (C.5, H) is injected from the fake server, and the session must stay usable: the
 * turn under way finishes, the next turn is answered and heard, nothing extra is asked of the
 * server, and the user is told only about what they should know. The fatal ones (an expired
 * session, a refused key) are still handled as before in the same states.
 */
import { describe, expect, it } from 'vitest';
import type { Responder } from '../servers/fake-realtime/types.js';
import { micFrames } from '../helpers/session-harness.js';
import { fakeRealtimeSessions } from '../helpers/fake-realtime-sessions.js';
import { gatedTool } from '../fakes/gated-tool.js';

const fake = fakeRealtimeSessions();

const SHORT_MS = 200;

/** Typed "long" gets a long reply, "tool" a tool call; everything else a short reply. */
const responder: Responder = (ctx) => {
  if (ctx.trigger === 'function_output') return { items: [{ type: 'message', text: 'Done.', audioMs: SHORT_MS }] };
  if (ctx.trigger === 'text' && ctx.userText === 'long') return { items: [{ type: 'message', text: 'A long reply.', audioMs: 2000 }] };
  if (ctx.trigger === 'text' && ctx.userText === 'tool') return { items: [{ type: 'function_call', name: 'gated', arguments: {} }] };
  return { userTranscript: 'Hello.', items: [{ type: 'message', text: 'OK.', audioMs: SHORT_MS }] };
};

type ServerError = { type: string; code: string | null; message: string; param?: string | null; event_id?: string | null };

/** The non-fatal errors, and whether the user is told (a banner) or it is only logged. */
const NON_FATAL: Array<{ name: string; error: ServerError; told: boolean }> = [
  {
    name: 'response_cancel_not_active',
    error: { type: 'invalid_request_error', code: 'response_cancel_not_active', message: 'Cancellation failed: no active response found' },
    told: false,
  },
  {
    name: 'conversation_already_has_active_response',
    error: {
      type: 'invalid_request_error',
      code: 'conversation_already_has_active_response',
      message:
        'Conversation already has an active response in progress: resp_other. Wait until the response is finished before creating a new one.',
    },
    told: false,
  },
  {
    name: 'a refused truncate',
    error: { type: 'invalid_request_error', code: null, message: 'Audio content of 9800ms is already shorter than 11579ms' },
    told: false,
  },
  {
    name: 'an unknown item',
    error: {
      type: 'invalid_request_error',
      code: 'item_truncate_invalid_item_id',
      message: "Error truncating item: the item with id 'item_gone' does not exist.",
      param: 'item_id',
    },
    told: false,
  },
  {
    name: 'a transient server error',
    error: { type: 'server_error', code: null, message: 'The server had an error while processing your request. Sorry about that!' },
    told: true,
  },
  {
    name: 'a rate limit',
    error: {
      type: 'invalid_request_error',
      code: 'rate_limit_exceeded',
      message: 'Rate limit reached for requests. Please try again in a moment.',
    },
    told: true,
  },
];

async function start() {
  const { tool: gated, release } = gatedTool('gated', { description: 'Runs until the test lets it finish' });
  const server = await fake.newServer({ responder });
  const h = await fake.session(server.url, { tools: [() => [gated]] });
  await h.session.open();
  await h.next('ready');
  const s = server;
  /** Plays the server: sends `error` to the newest connection. */
  const inject = (error: ServerError) => s.connections.at(-1)!.send({ type: 'error', error: { param: null, event_id: null, ...error } });
  const assistantItems = () => s.connections.at(-1)!.conversation.filter((i) => i.type === 'message' && i.role === 'assistant');
  const clientCreates = () => s.log.filter((e) => e.direction === 'in' && e.event.type === 'response.create').length;
  return { ...h, server: s, inject, assistantItems, clientCreates, releaseTool: release };
}

type Harness = Awaited<ReturnType<typeof start>>;

/**
 * Each state: `enter` gets there and calls `act` (the injection) while in it; `finish` lets the turn
 * under way end; `creates` is how many response.create the whole scenario needs, the next turn's
 * included (one more would be an answer nobody asked for).
 */
type State = {
  name: string;
  enter: (h: Harness, act: () => void) => Promise<void>;
  finish: (h: Harness) => Promise<void>;
  creates: number;
};

/** An `enter` that types `text` and acts once the session reports `event`. */
const typeThenActAt =
  (event: 'assistant_audio_started' | 'tool_started', text: string): State['enter'] =>
  async (h, act) => {
    await h.after(event, () => h.session.sendText(text));
    act();
  };

const STATES: State[] = [
  {
    name: 'idle',
    enter: async (_h, act) => act(),
    finish: async () => {},
    creates: 1,
  },
  {
    name: 'listening (silence streaming, no speech yet)',
    enter: async (h, act) => {
      await h.feed(micFrames(500, false));
      await h.server.waitFor(() => (h.server.connections[0]?.appendedBytes ?? 0) >= 400 * 48);
      act();
    },
    finish: async () => {},
    creates: 1,
  },
  {
    name: 'user speaking',
    enter: async (h, act) => {
      await h.after('speech_started', () => h.feed([...micFrames(200, false), ...micFrames(400, true)]));
      act();
    },
    finish: async (h) => {
      await h.after('assistant_done', () => h.feed([...micFrames(400, true), ...micFrames(900, false)]));
    },
    creates: 1,
  },
  {
    name: 'thinking (response created, nothing played yet)',
    enter: async (h, act) => {
      h.server.pauseAudio();
      const from = h.server.mark();
      h.session.sendText('short');
      await h.server.waitForServerEvent('response.content_part.added', { since: from });
      act();
    },
    finish: async (h) => {
      await h.after('assistant_done', () => h.server.resumeAudio());
    },
    creates: 2,
  },
  {
    name: 'responding (audio playing)',
    enter: typeThenActAt('assistant_audio_started', 'long'),
    finish: async (h) => {
      if (h.session.assistantBusy) await h.next('assistant_done', 10_000);
    },
    creates: 2,
  },
  {
    name: 'tool call pending',
    enter: typeThenActAt('tool_started', 'tool'),
    finish: async (h) => {
      await h.after('assistant_done', () => h.releaseTool());
    },
    creates: 3,
  },
  {
    name: 'truncating (barge-in sent, not yet confirmed)',
    enter: async (h, act) => {
      await h.after('assistant_audio_started', () => h.session.sendText('long'));
      h.session.once('truncate', () => act());
      await h.session.interrupt();
    },
    finish: async (h) => {
      await h.server.waitForServerEvent('conversation.item.truncated');
      if (h.session.assistantBusy) await h.next('assistant_done', 10_000);
    },
    creates: 2,
  },
];

/** The next typed turn is answered, and its reply is played to the end. */
async function nextTurnWorks(h: Harness) {
  await h.after('assistant_done', () => h.session.sendText('short'));
  const reply = h.assistantItems().at(-1) as { id: string };
  expect(h.player.playedSamples(reply.id)).toBe(SHORT_MS * 24);
}

describe('injected non-fatal server errors leave the session usable', () => {
  for (const state of STATES) {
    describe(state.name, () => {
      for (const kind of NON_FATAL) {
        it(`${kind.name}: ${kind.told ? 'reported once' : 'logged only'}; the next turn is answered and heard`, async () => {
          const h = await start();
          await state.enter(h, () => h.inject(kind.error));
          await state.finish(h);
          await nextTurnWorks(h);
          expect(h.recorded.failed).toEqual([]);
          expect(h.recorded.error.map(([e]) => e.message)).toEqual(kind.told ? [expect.stringContaining(kind.error.message)] : []);
          expect(h.clientCreates()).toBe(state.creates);
          expect(h.server.connections).toHaveLength(1);
        });
      }
    });
  }
});

describe('fatal server errors are still handled as before', () => {
  for (const state of STATES) {
    it(`${state.name}: session_expired opens a new session, and the next turn works there`, async () => {
      const h = await start();
      await state.enter(h, () => h.server.expireSessions());
      h.server.resumeAudio();
      await h.server.waitForConnection(1);
      if (h.session.status !== 'ready') await h.next('ready', 10_000);
      await nextTurnWorks(h);
      expect(h.recorded.failed).toEqual([]);
      expect(h.recorded.error).toEqual([]);
    });
  }

  it('a refused key mid-session (error invalid_api_key, then close 3000) fails permanently as authentication', async () => {
    const h = await start();
    await h.after('assistant_audio_started', () => h.session.sendText('long'));
    const failed = h.next('failed', 10_000);
    const connection = h.server.connections[0]!;
    connection.send({
      type: 'error',
      error: {
        type: 'invalid_request_error',
        code: 'invalid_api_key',
        message: 'Incorrect API key provided.',
        param: null,
        event_id: null,
      },
    });
    connection.close(3000, 'invalid_request_error.invalid_api_key');
    const [error] = await failed;
    expect(error).toMatchObject({ category: 'authentication', permanent: true });
    expect(h.server.connections).toHaveLength(1);
  });
});
