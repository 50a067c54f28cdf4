import type { FakeRealtimeServer, Responder } from './test-kit.js';

/**
 * The barge-in scenario both clients run, in the same process against the same fake server:
 * the user speaks, the reply streams at real time with a 100 ms jitter buffer in the player and a
 * 300 ms stall in the network 600 ms into playback (one underrun), and the user interrupts about
 * 1.5 s into the reply. Under these (ordinary) conditions, audio played ≠ wall clock since the first
 * delta, which is what separates playback-accurate truncation from a wall-clock estimate.
 */
export const SCENARIO = {
  replyMs: 5000,
  shortReplyMs: 200,
  playerPrebufferMs: 100,
  stallAfterMs: 600,
  stallMs: 300,
  interruptAfterMs: 1500,
  speechMs: 500,
  /** Real-time streaming (100 ms of audio every 100 ms), so a network stall drains the player. */
  serverOptions: { audioChunkMs: 100, chunkIntervalMs: 100 },
};

/** Long reply to the user's question, short reply to the interruption, alternately. */
export function alternatingResponder(): Responder {
  let turn = 0;
  return (ctx) => {
    if (ctx.trigger !== 'audio') return { items: [{ type: 'message', text: 'ok', audioMs: SCENARIO.shortReplyMs }] };
    const long = turn++ % 2 === 0;
    return long
      ? { items: [{ type: 'message', text: 'A long reply that will be interrupted.', audioMs: SCENARIO.replyMs }] }
      : { items: [{ type: 'message', text: 'Okay.', audioMs: SCENARIO.shortReplyMs }] };
  };
}

/** A loud tone the fake's energy VAD hears as speech, as PCM16 at the given rate. */
export function speechTone(ms: number, rate: number): Int16Array {
  const out = new Int16Array(Math.round((ms * rate) / 1000));
  for (let i = 0; i < out.length; i++) out[i] = Math.round(8000 * Math.sin((2 * Math.PI * 300 * i) / rate));
  return out;
}

/** Streams `samples` in real time in chunks of `chunkMs`, calling `send` for each. */
export async function streamRealTime(samples: Int16Array, rate: number, chunkMs: number, send: (chunk: Int16Array) => void): Promise<void> {
  const chunk = Math.round((chunkMs * rate) / 1000);
  const started = performance.now();
  for (let i = 0, n = 0; i < samples.length; i += chunk, n++) {
    send(samples.slice(i, i + chunk));
    const due = started + (n + 1) * chunkMs;
    await new Promise((r) => setTimeout(r, Math.max(0, due - performance.now())));
  }
}

/** Stalls the fake server's audio deltas once, `afterMs` into playback. */
export function scheduleStall(server: FakeRealtimeServer): NodeJS.Timeout {
  return setTimeout(() => server.pauseAudio(SCENARIO.stallMs), SCENARIO.stallAfterMs);
}
