import { setTimeout as sleep } from 'node:timers/promises';
import { OpenAIRealtimeWebSocket, RealtimeAgent, RealtimeSession } from '@openai/agents-realtime';
import { HeadlessPlayer } from '../main/audio/headless-player.js';
import { createFakeRealtimeServer } from './test-kit.js';
import { alternatingResponder, scheduleStall, SCENARIO, speechTone, streamRealTime } from './barge-in-scenario.js';
import { summarize, type Summary } from './stats.js';

export type AgentsBaselineResult = { truncation_error_ms: Summary; version: string };

/**
 * The same barge-in scenario through @openai/agents-realtime's RealtimeSession (its WebSocket
 * transport), playing its `audio` events through the same player. Its truncation point is its own
 * estimate (wall clock since the first delta, capped at the audio received); the truth is what the
 * player actually played when the interruption came.
 */
export async function benchAgentsRealtime(iterations: number, version: string): Promise<AgentsBaselineResult> {
  const server = await createFakeRealtimeServer({ ...SCENARIO.serverOptions, responder: alternatingResponder() });
  const player = await HeadlessPlayer.create({ prebufferMs: SCENARIO.playerPrebufferMs });
  const agent = new RealtimeAgent({ name: 'bench', instructions: 'Benchmark.' });
  const session = new RealtimeSession(agent, {
    transport: new OpenAIRealtimeWebSocket({ url: `${server.url}?model=gpt-realtime` }),
    model: 'gpt-realtime',
    tracingDisabled: true,
    config: {
      audio: {
        input: {
          turnDetection: {
            type: 'server_vad',
            threshold: 0.5,
            prefixPaddingMs: 300,
            silenceDurationMs: 500,
            createResponse: true,
            interruptResponse: true,
          },
          transcription: null,
        },
      },
    },
  });
  let responseItem = '';
  let interrupted: (() => void) | undefined;
  let audioStarted: (() => void) | undefined;
  let truthMs = 0;
  session.on('audio', (event) => {
    responseItem = `agents_${event.responseId}`;
    player.enqueue(responseItem, new Int16Array(event.data));
    audioStarted?.();
  });
  session.on('audio_interrupted', () => {
    void player.flush().then((position) => {
      truthMs = ((position?.playedSamples ?? 0) * 1000) / 24_000;
      interrupted?.();
    });
  });
  session.on('error', () => undefined);
  await session.connect({ apiKey: 'test-key' });
  await sleep(200);

  const send24k = (chunk: Int16Array) => session.sendAudio(chunk.buffer as ArrayBuffer);
  const speech = speechTone(SCENARIO.speechMs, 24_000);
  const quiet = new Int16Array(24_000 * 0.8);
  const errors: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const playing = new Promise<void>((resolve) => (audioStarted = resolve));
    await streamRealTime(speech, 24_000, 20, send24k);
    await streamRealTime(quiet, 24_000, 20, send24k);
    await playing;
    audioStarted = undefined;
    const stall = scheduleStall(server);
    const since = performance.now();
    while (performance.now() - since < SCENARIO.interruptAfterMs) await streamRealTime(new Int16Array(480), 24_000, 20, send24k);
    clearTimeout(stall);
    const marked = server.mark();
    const flushed = new Promise<void>((resolve) => (interrupted = resolve));
    await streamRealTime(speech, 24_000, 20, send24k);
    await flushed;
    const record = await server.waitForClientEvent('conversation.item.truncate', { since: marked });
    errors.push(Math.abs(Number(record.event.audio_end_ms) - truthMs));
    await streamRealTime(quiet, 24_000, 20, send24k);
    await sleep(SCENARIO.shortReplyMs + 300);
  }
  session.close();
  await player.close();
  await server.close();
  return { truncation_error_ms: summarize(errors), version };
}
