import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { HeadlessPlayer } from '../main/audio/headless-player.js';
import { defaultSettings } from '../preload/contract/settings-schema.js';
import { createPriceTable } from '../main/realtime/price-table.js';
import { buildSessionConfig } from '../main/realtime/session-config.js';
import { VoiceSession } from '../main/realtime/voice-session.js';
import { WsRealtimeTransport } from '../main/realtime/ws-realtime-transport.js';
import { DefaultToolRegistry } from '../main/tools/tool-registry.js';
import { createFakeRealtimeServer, nextEvent } from './test-kit.js';
import { instrumentedSocketFactory } from './instrumented-socket.js';
import { alternatingResponder, scheduleStall, SCENARIO, speechTone, streamRealTime } from './barge-in-scenario.js';
import { summarize, type Summary } from './stats.js';

export type RealtimeBenchResult = {
  mic_frame_to_socket_send_ms: Summary;
  audio_delta_to_player_ms: Summary;
  speech_started_to_playback_silent_ms: Summary;
  speech_started_to_truncate_sent_ms: Summary;
  truncation_error_ms: Summary;
  underruns_per_reply: Summary;
};

const waitFor = (session: VoiceSession, event: 'assistant_audio_started' | 'assistant_done' | 'truncate', timeoutMs = 15_000) =>
  nextEvent(event, timeoutMs, (deliver) => session.once(event, () => deliver()));

/** Hearth's own engine through the barge-in scenario, with frame-level timing. */
export async function benchRealtime(iterations: number): Promise<RealtimeBenchResult> {
  const server = await createFakeRealtimeServer({ ...SCENARIO.serverOptions, responder: alternatingResponder() });
  const appendCalls: number[] = [];
  const appendSends: number[] = [];
  const deltaReceived = new Map<string, number[]>();
  const deltaEnqueued = new Map<string, number[]>();
  let speechStartedAt = 0;
  let truncateSentAt = 0;
  const transport = new WsRealtimeTransport({
    createWebSocket: instrumentedSocketFactory({
      onReceive: (type, at, event) => {
        if (type === 'response.output_audio.delta') push(deltaReceived, String(event.item_id), at);
        if (type === 'input_audio_buffer.speech_started') speechStartedAt = at;
      },
      onSend: (type, at) => {
        if (type === 'input_audio_buffer.append') appendSends.push(at);
        if (type === 'conversation.item.truncate') truncateSentAt = at;
      },
    }),
  });
  const player = await HeadlessPlayer.create({ prebufferMs: SCENARIO.playerPrebufferMs });
  const enqueue = player.enqueue.bind(player);
  player.enqueue = (itemId, pcm) => {
    push(deltaEnqueued, itemId, performance.now());
    enqueue(itemId, pcm);
  };
  let silentAt = 0;
  const flush = player.flush.bind(player);
  player.flush = async () => {
    const position = await flush();
    silentAt = performance.now();
    return position;
  };
  const settings = defaultSettings();
  settings.openai.realtimeUrl = server.url;
  const tools = new DefaultToolRegistry();
  const session = await VoiceSession.create({
    transport,
    player,
    tools,
    prices: createPriceTable(),
    connection: () => ({ url: server.url, model: settings.openai.model, apiKey: 'test-key' }),
    sessionConfig: () => buildSessionConfig({ openai: settings.openai, tools: [] }),
  });
  const send16k = (chunk: Int16Array) => {
    appendCalls.push(performance.now());
    session.appendAudio(chunk);
  };
  await session.open();
  await sleep(200);

  const silentMs: number[] = [];
  const truncateMs: number[] = [];
  const errors: number[] = [];
  const underruns: number[] = [];
  const speech = speechTone(SCENARIO.speechMs, 16_000);
  const quiet = new Int16Array(16_000 * 0.8);
  for (let i = 0; i < iterations; i++) {
    const underrunsBefore = player.underruns;
    const playing = waitFor(session, 'assistant_audio_started');
    await streamRealTime(speech, 16_000, 32, send16k);
    await streamRealTime(quiet, 16_000, 32, send16k);
    await playing;
    const stall = scheduleStall(server);
    const playingSince = performance.now();
    const idle = new Int16Array(512);
    while (performance.now() - playingSince < SCENARIO.interruptAfterMs) await streamRealTime(idle, 16_000, 32, send16k);
    clearTimeout(stall);
    const truncated = waitFor(session, 'truncate');
    const done = waitFor(session, 'assistant_done', 20_000);
    const marked = server.mark();
    await streamRealTime(speech, 16_000, 32, send16k);
    await truncated;
    const record = await server.waitForClientEvent('conversation.item.truncate', { since: marked });
    const item = String(record.event.item_id);
    const truthMs = (player.playedSamples(item) * 1000) / 24_000;
    errors.push(Math.abs(Number(record.event.audio_end_ms) - truthMs));
    silentMs.push(silentAt - speechStartedAt);
    truncateMs.push(truncateSentAt - speechStartedAt);
    underruns.push(player.underruns - underrunsBefore);
    await streamRealTime(quiet, 16_000, 32, send16k);
    await done;
  }
  await session.close();
  session.dispose();
  await player.close();
  await server.close();

  const pairs = (a: number[], b: number[]) => a.slice(0, Math.min(a.length, b.length)).map((t, i) => b[i]! - t);
  const deltaLatencies: number[] = [];
  for (const [item, received] of deltaReceived) {
    const enqueued = deltaEnqueued.get(item) ?? [];
    deltaLatencies.push(...pairs(received, enqueued));
  }
  return {
    mic_frame_to_socket_send_ms: summarize(pairs(appendCalls, appendSends)),
    audio_delta_to_player_ms: summarize(deltaLatencies),
    speech_started_to_playback_silent_ms: summarize(silentMs),
    speech_started_to_truncate_sent_ms: summarize(truncateMs),
    truncation_error_ms: summarize(errors),
    underruns_per_reply: summarize(underruns),
  };
}

function push(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
