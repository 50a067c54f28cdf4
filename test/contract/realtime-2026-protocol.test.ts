/**
 * The 2026 protocol against the fake server: responses with several assistant messages labelled
 * `phase` (a preamble, then the answer), barge-in truncating the item that was really playing, the
 * server refusing a truncate ("Audio content of Xms is already shorter than Yms"), and the response
 * watchdog.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type createFakeRealtimeServer, type FakeRealtimeServer } from '../servers/fake-realtime-server.js';
import type { ScriptedTurn } from '../servers/fake-realtime/types.js';
import { type createTestSession, micFrames } from '../helpers/session-harness.js';
import { fakeRealtimeSessions } from '../helpers/fake-realtime-sessions.js';
import { defineTool } from '../../main/tools/define-tool.js';
import { gatedTool } from '../fakes/gated-tool.js';

const fake = fakeRealtimeSessions();

async function start(options: Parameters<typeof createFakeRealtimeServer>[0] = {}, session: Parameters<typeof createTestSession>[1] = {}) {
  const server = await fake.newServer(options);
  const harness = await fake.session(server.url, session);
  await harness.session.open();
  await harness.next('ready');
  return { server, ...harness };
}

type Harness = Awaited<ReturnType<typeof start>>;

/** One response: a spoken preamble (phase commentary), then the spoken answer (final_answer); [text, audio ms] each. */
function preambleThenAnswer(preamble: [string, number], answer: [string, number]): ScriptedTurn {
  return {
    items: [
      { type: 'message', phase: 'commentary', text: preamble[0], audioMs: preamble[1] },
      { type: 'message', phase: 'final_answer', text: answer[0], audioMs: answer[1] },
    ],
  };
}

/** The assistant message items of the conversation on the server, in order. */
function assistantItems(h: Harness, connection = 0) {
  return h.server.connections[connection]!.conversation.filter((i) => i.type === 'message' && i.role === 'assistant') as Array<{
    id: string;
    phase?: string;
    content: Array<{ transcript?: string }>;
  }>;
}

/** Waits until `itemId` has played at least `ms` of audio. */
function playedAtLeast(h: Harness, itemId: string, ms: number) {
  return new Promise<void>((resolve) => {
    const check = () => {
      if (h.player.playedSamples(itemId) >= ms * 24) {
        off();
        resolve();
      }
    };
    const off = h.player.on('progress', check);
    check();
  });
}

const errorsSent = (s: FakeRealtimeServer) => s.log.filter((e) => e.direction === 'out' && e.event.type === 'error');

describe('2026 protocol: preambles (phase commentary, then final_answer)', () => {
  it('plays and transcribes every assistant item of a response in order, each with its phase, without overlap', async () => {
    const h = await start({
      script: [preambleThenAnswer(['Checking the thermostat.', 600], ['It is 21 degrees inside.', 900])],
    });
    const started: Array<{ itemId: string; playedBefore: Record<string, number> }> = [];
    h.session.on('assistant_audio_started', (itemId) => {
      const playedBefore: Record<string, number> = {};
      for (const item of assistantItems(h)) playedBefore[item.id] = h.player.playedSamples(item.id);
      started.push({ itemId, playedBefore });
    });
    await h.sendTextUntil('How warm is it?', 'assistant_done');

    const items = assistantItems(h);
    expect(items.map((i) => i.phase)).toEqual(['commentary', 'final_answer']);
    const [preamble, answer] = [items[0]!, items[1]!];
    // In order, each in full, and the answer began only once the preamble had played to its end.
    expect(started.map((s) => s.itemId)).toEqual([preamble.id, answer.id]);
    expect(started[1]!.playedBefore[preamble.id]).toBe(600 * 24);
    expect(h.player.playedSamples(preamble.id)).toBe(600 * 24);
    expect(h.player.playedSamples(answer.id)).toBe(900 * 24);

    const assistant = h.session.transcript.filter((e) => e.kind === 'message' && e.role === 'assistant');
    expect(assistant.map((e) => e.kind === 'message' && [e.id, e.phase, e.text, e.final])).toEqual([
      [preamble.id, 'commentary', 'Checking the thermostat.', true],
      [answer.id, 'final_answer', 'It is 21 degrees inside.', true],
    ]);
    // The renderer gets the phase with each update.
    const finals = h.recorded.transcript.map(([t]) => t).filter((t) => t.role === 'assistant' && t.final);
    expect(finals.map((t) => t.phase)).toEqual(['commentary', 'final_answer']);
    expect(errorsSent(h.server)).toEqual([]);
  });

  it('a preamble, then a function call; the answer comes in the next response once the tool output is in', async () => {
    const tool = defineTool({
      name: 'get_temperature',
      description: 'Read a thermostat',
      parameters: z.object({ entity_id: z.string() }),
      execute: () => ({ ok: true, temperature: 21 }),
    });
    const h = await start(
      {
        script: [
          {
            items: [
              { type: 'message', phase: 'commentary', text: 'Let me check.', audioMs: 400 },
              { type: 'function_call', name: 'get_temperature', arguments: { entity_id: 'climate.living_room' } },
            ],
          },
          { items: [{ type: 'message', phase: 'final_answer', text: 'It is 21 degrees.', audioMs: 500 }] },
        ],
      },
      { tools: [() => [tool]] },
    );
    await h.sendTextUntil('How warm is the living room?', 'assistant_done');
    const shown = h.session.transcript.map((e) => (e.kind === 'tool' ? `tool:${e.name}` : `${e.role}:${e.phase ?? '-'}:${e.text}`));
    expect(shown).toEqual([
      'user:-:How warm is the living room?',
      'assistant:commentary:Let me check.',
      'tool:get_temperature',
      'assistant:final_answer:It is 21 degrees.',
    ]);
    const items = assistantItems(h);
    expect(items.map((i) => h.player.playedSamples(i.id))).toEqual([400 * 24, 500 * 24]);
    expect(errorsSent(h.server)).toEqual([]);
  });

  it('barge-in during the answer truncates the answer at what was played of it (from its own start), not the preamble', async () => {
    const h = await start({
      script: [
        preambleThenAnswer(['One moment.', 600], ['A long answer the user will cut short.', 5000]),
        { items: [{ type: 'message', text: 'Sure.', audioMs: 300 }] },
      ],
    });
    const answerStarted = new Promise<string>((resolve) => {
      let n = 0;
      h.session.on('assistant_audio_started', (itemId) => {
        if (++n === 2) resolve(itemId);
      });
    });
    h.session.sendText('Tell me everything.');
    const answerId = await answerStarted;
    await playedAtLeast(h, answerId, 700);
    const truncated = h.next('truncate', 5000);
    await h.feed([...micFrames(300, false), ...micFrames(400, true)]);
    const [truncation] = await truncated;
    await h.server.waitForServerEvent('conversation.item.truncated');
    const [preamble, answer] = assistantItems(h);
    expect(answer!.id).toBe(answerId);
    const records = h.server.connections[0]!.truncations;
    // Only the answer: the preamble was heard in full.
    expect(records.map((r) => r.item_id)).toEqual([answerId]);
    const playedMs = (h.player.playedSamples(answerId) * 1000) / 24000;
    expect(Math.abs(records[0]!.audio_end_ms - playedMs)).toBeLessThanOrEqual(20);
    expect(records[0]!.audio_end_ms).toBeGreaterThanOrEqual(700);
    expect(truncation).toMatchObject({ itemId: answerId, audioEndMs: records[0]!.audio_end_ms });
    expect(h.player.playedSamples(preamble!.id)).toBe(600 * 24);
    const entries = h.session.transcript.filter((e) => e.kind === 'message' && e.role === 'assistant');
    expect(entries.map((e) => e.kind === 'message' && [e.phase, e.interrupted === true])).toEqual([
      ['commentary', false],
      ['final_answer', true],
    ]);
    expect(errorsSent(h.server)).toEqual([]);
  });

  it('barge-in during the preamble truncates it where it was cut and the unheard answer at 0 ms', async () => {
    const h = await start({
      chunkIntervalMs: 20,
      script: [preambleThenAnswer(['Checking that for you now.', 8000], ['The answer.', 1000])],
    });
    const started = h.next('assistant_audio_started', 10_000);
    const responseDone = h.next('usage', 10_000); // the session has seen response.done
    h.session.sendText('What is it?');
    const [preambleId] = await started;
    // The whole response has arrived (the fake streams ten times faster than real time here).
    await responseDone;
    await playedAtLeast(h, preambleId, 500);
    const truncations: Array<{ itemId: string; audioEndMs: number }> = [];
    h.session.on('truncate', (t) => truncations.push(t));
    await h.session.interrupt();
    await h.server.waitFor(() => h.server.connections[0]!.truncations.length === 2);
    const [preamble, answer] = assistantItems(h);
    expect(preamble!.id).toBe(preambleId);
    const records = h.server.connections[0]!.truncations;
    expect(records.map((r) => r.item_id)).toEqual([preambleId, answer!.id]);
    expect(Math.abs(records[0]!.audio_end_ms - (h.player.playedSamples(preambleId) * 1000) / 24000)).toBeLessThanOrEqual(20);
    expect(records[1]!.audio_end_ms).toBe(0);
    expect(h.player.playedSamples(answer!.id)).toBe(0);
    expect(truncations.map((t) => t.itemId)).toEqual([preambleId, answer!.id]);
    // The server dropped the unheard text: the model does not believe it said the answer.
    expect(answer!.content[0]!.transcript).toBe('');
    expect(errorsSent(h.server)).toEqual([]);
  });
});

describe('2026 protocol: a refused truncate ("Audio content of Xms is already shorter than Yms")', () => {
  for (const clampTruncate of [false, true]) {
    it(`is absorbed; the next turn is answered and heard, and barge-in still works${clampTruncate ? ' (server clamps and confirms)' : ''}`, async () => {
      // The server counts far less audio than it sent, so every truncate past 0 ms is refused.
      const h = await start({
        truncateShortfallMs: 60_000,
        clampTruncate,
        script: [
          { items: [{ type: 'message', text: 'A first long answer.', audioMs: 4000 }] },
          { items: [{ type: 'message', text: 'A second long answer.', audioMs: 4000 }] },
          { items: [{ type: 'message', text: 'Fine.', audioMs: 300 }] },
        ],
      });
      const bargeIn = async () => {
        const playing = h.next('assistant_audio_started', 10_000);
        const [itemId] = await playing;
        await playedAtLeast(h, itemId, 400);
        const from = h.server.mark();
        await h.session.interrupt();
        const refusal = await h.server.waitFor(
          (e) => e.direction === 'out' && e.event.type === 'error' && /already shorter than/.test(e.event.error.message),
          { since: from },
        );
        return { itemId, refusal };
      };

      h.session.sendText('First question.');
      const first = await bargeIn();
      expect(first.refusal.event.error).toMatchObject({ type: 'invalid_request_error', code: null, event_id: null });
      expect(first.refusal.event.error.message).toMatch(/^Audio content of 0ms is already shorter than \d+ms$/);

      // The session goes on: the next turn gets a reply that is played and can be interrupted again.
      h.session.sendText('Second question.');
      const second = await bargeIn();
      expect(second.itemId).not.toBe(first.itemId);
      expect(h.player.playedSamples(second.itemId)).toBeGreaterThanOrEqual(400 * 24);

      await h.sendTextUntil('Third question.', 'assistant_done');
      const third = assistantItems(h).at(-1)!;
      expect(h.player.playedSamples(third.id)).toBe(300 * 24);
      expect(h.server.connections[0]!.received.filter((e) => e.event.type === 'conversation.item.truncate')).toHaveLength(2);
      expect(h.server.connections[0]!.truncations).toHaveLength(clampTruncate ? 2 : 0);
      expect(h.recorded.error).toEqual([]);
      expect(h.recorded.failed).toEqual([]);
      expect(h.server.connections).toHaveLength(1);
    });
  }
});

describe('2026 protocol: the response watchdog', () => {
  it('cancels a response that sends nothing, tells the user once, and the next turn works', async () => {
    const h = await start(
      {
        script: [{ stall: true, items: [] }, { items: [{ type: 'message', text: 'Here I am.', audioMs: 300 }] }],
      },
      // Long enough that a real response's first item (sent with response.created) never trips it under load.
      { responseWatchdogMs: 1500 },
    );
    const done = h.next('assistant_done', 10_000);
    h.session.sendText('Hello?');
    const created = await h.server.waitForServerEvent('response.created');
    const responseId = (created.event.response as { id: string }).id;
    await done;
    const cancel = await h.server.waitForClientEvent('response.cancel');
    expect(cancel.event.response_id).toBe(responseId);
    const cancelled = await h.server.waitForServerEvent('response.done', { since: cancel.seq });
    expect(cancelled.event.response).toMatchObject({ id: responseId, status: 'cancelled' });
    expect(h.recorded.error.map(([e]) => [e.code, e.category, e.permanent])).toEqual([['response_timeout', 'server', false]]);
    expect(h.recorded.error[0]![0].message).toBe('OpenAI started an answer but sent nothing for 1.5 s, so it was cancelled. Ask again.');
    expect(h.recorded.failed).toEqual([]);

    await h.sendTextUntil('Hello again?', 'assistant_done');
    const reply = assistantItems(h).at(-1)!;
    expect(h.player.playedSamples(reply.id)).toBe(300 * 24);
    expect(h.server.log.filter((e) => e.direction === 'in' && e.event.type === 'response.cancel')).toHaveLength(1);
    expect(h.recorded.error).toHaveLength(1);
  });

  it('stays quiet through a tool call that takes far longer than the watchdog, and the answer plays', async () => {
    const { tool, release } = gatedTool('slow_tool', { description: 'Takes its time' });
    const h = await start(
      {
        script: [
          { items: [{ type: 'function_call', name: 'slow_tool', arguments: {} }] },
          { items: [{ type: 'message', phase: 'final_answer', text: 'Done.', audioMs: 300 }] },
        ],
      },
      { tools: [() => [tool]], responseWatchdogMs: 800 },
    );
    await h.sendTextUntil('Do the slow thing.', 'tool_started');
    // The tool outlasts the watchdog several times over (what is under test is a long tool, not a wait).
    setTimeout(release, 2500);
    const done = h.next('assistant_done', 10_000);
    await done;
    expect(h.server.log.filter((e) => e.direction === 'in' && e.event.type === 'response.cancel')).toEqual([]);
    expect(h.recorded.error).toEqual([]);
    const reply = assistantItems(h).at(-1)!;
    expect(h.player.playedSamples(reply.id)).toBe(300 * 24);
  });
});
