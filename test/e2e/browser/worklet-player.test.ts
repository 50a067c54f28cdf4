/**
 * The playback path in real headless Chromium: Node-side RendererPlayer → WebSocket → test page →
 * AudioWorklet (bundled pcm-player.worklet.js, served under a `default-src 'self'` CSP) → a sample-exact
 * output tap. Muted: no audio server is needed (the audio clock runs without a sound card).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RendererPlayer, RendererPlayerEvents } from '../../../main/audio/renderer-player.js';
import { launchChromium, startPlayerPage, type LaunchedChromium, type PlayerPage } from '../../helpers/chromium.js';
import { nextEvent } from '../../helpers/wait.js';
import { concatInt16 } from '../../../main/audio/pcm.js';

const QUANTUM = 128;
const ms = (n: number) => (n * 24_000) / 1000;

/** `n` samples that are never 0, numbered from `from`: played audio is recognisable in the tap. */
function signal(n: number, from = 0): Int16Array {
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = 1 + ((from + i) % 30_000);
  return out;
}

function nextPlayerEvent<K extends keyof RendererPlayerEvents>(
  player: RendererPlayer,
  event: K,
  predicate: (value: RendererPlayerEvents[K][0]) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<RendererPlayerEvents[K][0]> {
  return nextEvent(event, timeoutMs, (deliver) =>
    player.on(event, ((...args: RendererPlayerEvents[K]) => {
      if (predicate(args[0])) deliver(args[0]);
    }) as (...args: RendererPlayerEvents[K]) => void),
  );
}

/** Calls `send(i)` at `start + i * periodMs` (drift-free), `count` times; resolves with the worst lateness in ms. */
async function feedSteadily(count: number, periodMs: number, send: (i: number) => void): Promise<number> {
  const start = performance.now();
  let lateness = 0;
  for (let i = 0; i < count; i++) {
    const due = start + i * periodMs;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    lateness = Math.max(lateness, performance.now() - due);
    send(i);
  }
  return lateness;
}

/** The tap's samples between the first and the last non-zero one. */
function heard(samples: Int16Array): Int16Array {
  let first = 0;
  while (first < samples.length && samples[first] === 0) first++;
  let last = samples.length - 1;
  while (last >= first && samples[last] === 0) last--;
  return samples.subarray(first, last + 1);
}

function recorder(player: RendererPlayer) {
  const log = { started: [] as string[], drained: [] as string[], underruns: [] as number[], progress: [] as Array<[string, number]> };
  player.on('started', (id) => log.started.push(id));
  player.on('drained', (id) => log.drained.push(id));
  player.on('underrun', (n) => log.underruns.push(n));
  player.on('progress', (p) => log.progress.push([p.itemId, p.playedSamples]));
  return log;
}

let browser: LaunchedChromium;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.closeAndClean();
});

for (const mode of ['relay', 'port'] as const) {
  describe(`WorkletPlayer in Chromium, ${mode === 'relay' ? 'relayed by the page (web mode)' : 'through an attached MessagePort (Electron path)'}`, () => {
    let h: PlayerPage | undefined;
    const open = async (prebufferMs?: number) => {
      h = await startPlayerPage({ browser, mode, tap: true, prebufferMs });
      expect(h.context.sampleRate).toBe(24_000);
      expect(h.context.state).toBe('running');
      return h;
    };
    afterEach(async () => {
      const problems = h?.problems ?? [];
      await h?.close();
      h = undefined;
      expect(problems).toEqual([]); // no page errors, no CSP violations
    });

    it('plays chunks of two items in order and reports exactly the samples sent', async () => {
      const { player, tap } = await open();
      const log = recorder(player);
      const a = [0, 1, 2, 3, 4].map((i) => signal(ms(100), i * ms(100)));
      const b = [0, 1, 2].map((i) => signal(ms(50), 20_000 + i * ms(50)));
      const drained = nextPlayerEvent(player, 'drained', (id) => id === 'item_b');
      for (const chunk of a) player.enqueue('item_a', chunk);
      for (const chunk of b) player.enqueue('item_b', chunk);
      await drained;
      expect(log.started).toEqual(['item_a', 'item_b']);
      expect(player.playedSamples('item_a')).toBe(ms(500));
      expect(player.playedSamples('item_b')).toBe(ms(150));
      expect(log.progress.filter(([id]) => id === 'item_a').at(-1)).toEqual(['item_a', ms(500)]);
      expect(log.progress.at(-1)).toEqual(['item_b', ms(150)]);
      expect(log.drained).toEqual(['item_b']);
      expect(log.underruns).toEqual([]);
      expect(player.isPlaying).toBe(false);
      // What left the worklet: exactly the samples sent, in order, without a gap.
      expect([...heard((await tap()).samples)]).toEqual([...concatInt16([...a, ...b])]);
    });

    it('flush stops the output within one render quantum and reports the exact played count', async () => {
      const { player, tap } = await open();
      const sent = signal(ms(2_000));
      for (let i = 0; i < 20; i++) player.enqueue('item_a', sent.subarray(i * ms(100), (i + 1) * ms(100)));
      await nextPlayerEvent(player, 'progress', (p) => p.playedSamples >= ms(300));
      const report = nextPlayerEvent(player, 'flushed');
      const position = await player.flush();
      const flushed = await report;
      await sleep(150);
      const recording = await tap();
      expect(position).toEqual({ itemId: 'item_a', playedSamples: flushed.playedSamples });
      expect(position!.playedSamples).toBeGreaterThanOrEqual(ms(300));
      expect(position!.playedSamples).toBeLessThan(ms(2_000));
      // The flush took effect in the first quantum after the worklet received it...
      expect(flushed.atFrame - flushed.receivedAtFrame).toBeGreaterThanOrEqual(0);
      expect(flushed.atFrame - flushed.receivedAtFrame).toBeLessThanOrEqual(QUANTUM);
      // ...which is silent, like everything after it; before it: exactly the reported samples.
      const at = flushed.atFrame - recording.startFrame;
      expect(recording.samples.subarray(at).every((v) => v === 0)).toBe(true);
      expect(recording.samples[at - 1]).not.toBe(0);
      const played = heard(recording.samples);
      expect(played.length).toBe(position!.playedSamples);
      expect([...played]).toEqual([...sent.subarray(0, position!.playedSamples)]);
      expect(player.playedSamples('item_a')).toBe(position!.playedSamples);
    });

    if (mode === 'port') return; // the feed tests below do not depend on the connection

    it('does not underrun after the pre-buffer when fed steadily in real time', async (context) => {
      // A steady feed needs a steady feeder: on a loaded 2-core machine this process's timers can fire
      // 50 ms late, which no 60 ms pre-buffer covers (20 ms chunks leave 40 ms of margin). A run whose
      // feed was more than 25 ms late proves nothing either way and is repeated (up to 5 runs); if the
      // machine never feeds steadily, the test is skipped with that reason rather than failed.
      const chunk = ms(20);
      const count = 150; // 3 s
      const latenesses: number[] = [];
      for (let attempt = 0; attempt < 5; attempt++) {
        const { player, tap } = await open(60);
        const log = recorder(player);
        const item = `item_${attempt}`;
        const drained = nextPlayerEvent(player, 'drained');
        const lateness = await feedSteadily(count, 20, (i) => player.enqueue(item, signal(chunk, i * chunk)));
        await drained;
        const recording = await tap();
        const problems = h?.problems ?? [];
        await h?.close();
        h = undefined;
        expect(problems).toEqual([]);
        latenesses.push(Math.round(lateness));
        if (lateness > 25) continue;
        expect(log.underruns).toEqual([]);
        expect(log.drained).toEqual([item]);
        expect(player.playedSamples(item)).toBe(count * chunk);
        expect([...heard(recording.samples)]).toEqual([...signal(count * chunk)]);
        return;
      }
      context.skip(`the feeder was never steady (worst timer lateness per run: ${latenesses.join(', ')} ms)`);
    });

    it('counts underruns when the feed starves', async () => {
      const { player, tap } = await open(60);
      const log = recorder(player);
      await feedSteadily(4, 400, (i) => player.enqueue('item_a', signal(ms(100), i * ms(100))));
      await nextPlayerEvent(player, 'drained');
      await sleep(50);
      expect(log.underruns).toEqual([1, 2, 3]);
      expect(log.drained).toEqual(['item_a', 'item_a', 'item_a', 'item_a']);
      expect(player.playedSamples('item_a')).toBe(ms(400));
      const samples = heard((await tap()).samples);
      expect([...samples.filter((v) => v !== 0)]).toEqual([...signal(ms(400))]);
      // Three gaps of silence where the feed was late.
      let gaps = 0;
      for (let i = 1; i < samples.length; i++) if (samples[i] === 0 && samples[i - 1] !== 0) gaps++;
      expect(gaps).toBe(3);
    });
  });
}
