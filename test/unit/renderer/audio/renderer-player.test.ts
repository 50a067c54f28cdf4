import { describe, expect, it } from 'vitest';
import type { PlaybackPosition } from '../../../../main/audio/player.js';
import {
  messagePortMainPlayerPort,
  RendererPlayer,
  webSocketPlayerPort,
  type MessagePortMainLike,
  type WebSocketLike,
} from '../../../../main/audio/renderer-player.js';
import { ManualClock } from '../../../fakes/manual-clock.js';
import { decodeMainToWorklet, encodeWireMessage } from '../../../../preload/contract/player-wire.js';
import { QUANTUM, QUANTUM_MS, SimulatedWorkletPort, type MainToWorkletMessage, type WorkletToMainMessage } from './worklet-sim.js';

function signal(n: number, from = 0): Int16Array {
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = 1 + ((from + i) % 30_000);
  return out;
}

const ms = (n: number) => (n * 24_000) / 1000;

function setup(options: ConstructorParameters<typeof RendererPlayer>[1] = {}) {
  const clock = new ManualClock();
  const port = new SimulatedWorkletPort(clock, { prebufferMs: 0 });
  const player = new RendererPlayer(port, { clock, ...options });
  const events: Array<[string, unknown]> = [];
  for (const name of ['started', 'progress', 'drained', 'underrun'] as const) {
    player.on(name, (value: unknown) => events.push([name, value]));
  }
  return { clock, port, player, events };
}

describe('RendererPlayer', () => {
  it('sends numbered copies of the chunks, transferring the copies, and relays the worklet reports', () => {
    const { port, player, events } = setup();
    const caller = signal(ms(150));
    player.enqueue('item_a', caller);
    player.enqueue('item_a', signal(ms(50), ms(150)));
    expect(caller.length).toBe(ms(150)); // the caller's array is not transferred away
    expect(player.isPlaying).toBe(true);
    expect(port.received.map((m) => (m.type === 'chunk' ? [m.itemId, m.seq, m.pcm.byteLength] : m.type))).toEqual([
      ['item_a', 1, ms(150) * 2],
      ['item_a', 2, ms(50) * 2],
    ]);
    port.run(250);
    expect(player.playedSamples('item_a')).toBe(ms(200));
    expect(player.isPlaying).toBe(false);
    expect(events[0]).toEqual(['started', 'item_a']);
    expect(events.filter(([name]) => name === 'progress').length).toBeGreaterThanOrEqual(2);
    expect(events.at(-2)).toEqual(['progress', { itemId: 'item_a', playedSamples: ms(200) }]);
    expect(events.at(-1)).toEqual(['drained', 'item_a']);
    expect([...port.worklet.output().filter((v) => v !== 0)]).toEqual([...signal(ms(200))]);
  });

  it('copies only the view it is given, not the whole underlying buffer', () => {
    const { port, player } = setup();
    const pool = signal(1000);
    player.enqueue('a', pool.subarray(100, 300));
    const sent = port.received[0] as Extract<MainToWorkletMessage, { type: 'chunk' }>;
    expect([...new Int16Array(sent.pcm)]).toEqual([...pool.subarray(100, 300)]);
  });

  it('resolves flush() with the exact position from the worklet, not the last progress report', async () => {
    const { port, player } = setup();
    player.enqueue('item_a', signal(ms(1000)));
    port.run(253);
    const lastProgress = player.playedSamples('item_a');
    const flushed = player.flush();
    expect(player.isPlaying).toBe(false);
    port.run(10);
    const position = await flushed;
    const heard = port.worklet.output().filter((v) => v !== 0).length;
    expect(position).toEqual({ itemId: 'item_a', playedSamples: heard });
    expect(heard % QUANTUM).toBe(0);
    expect(heard).toBeGreaterThan(lastProgress);
    expect(player.playedSamples('item_a')).toBe(heard);
    port.run(100);
    expect(port.worklet.output().filter((v) => v !== 0).length).toBe(heard); // silent after the flush
  });

  it('falls back to the last progress after the timeout when the renderer does not answer', async () => {
    const { port, player, clock } = setup({ flushTimeoutMs: 200 });
    player.enqueue('item_a', signal(ms(1000)));
    port.run(150);
    const reported = player.playedSamples('item_a');
    port.alive = false;
    let position: PlaybackPosition | null | undefined;
    void player.flush().then((p) => (position = p));
    clock.advance(199);
    await Promise.resolve();
    expect(position).toBeUndefined();
    clock.advance(1);
    await Promise.resolve();
    expect(position).toEqual({ itemId: 'item_a', playedSamples: reported });
    // Nothing played since that flush: the next one falls back to null.
    void player.flush().then((p) => (position = p));
    clock.advance(200);
    await Promise.resolve();
    expect(position).toBeNull();
  });

  it('does not let reports sent before a flush make the flushed item current again', async () => {
    const clock = new ManualClock();
    const listeners = new Set<(m: WorkletToMainMessage) => void>();
    const posted: MainToWorkletMessage[] = [];
    const player = new RendererPlayer(
      {
        postMessage: (m) => posted.push(m),
        onMessage: (l) => (listeners.add(l), () => listeners.delete(l)),
      },
      { clock },
    );
    const fromWorklet = (m: WorkletToMainMessage) => listeners.forEach((l) => l(m));
    player.enqueue('a', signal(4800));
    fromWorklet({ type: 'started', itemId: 'a' });
    const first = player.flush();
    // Already in flight when the worklet handled the flush:
    fromWorklet({ type: 'progress', itemId: 'a', playedSamples: 2400, bufferedSamples: 2400, lastSeq: 1 });
    fromWorklet({ type: 'flushed', requestId: 1, itemId: 'a', playedSamples: 2560, atFrame: 2560, receivedAtFrame: 2560, wallMs: 0 });
    expect(await first).toEqual({ itemId: 'a', playedSamples: 2560 });
    expect(player.playedSamples('a')).toBe(2560);
    const second = player.flush();
    clock.advance(200); // the worklet never answers this one
    expect(await second).toBeNull();
  });

  it('plays audio enqueued right after a flush (a new reply)', async () => {
    const { port, player, events } = setup();
    player.enqueue('a', signal(ms(500)));
    port.run(100);
    const flushed = player.flush();
    player.enqueue('b', signal(ms(100), 10_000));
    port.run(200);
    const position = await flushed;
    expect(position?.itemId).toBe('a');
    expect(player.playedSamples('b')).toBe(ms(100));
    expect(events.filter(([name]) => name === 'started').map(([, id]) => id)).toEqual(['a', 'b']);
    const out = port.worklet.output().filter((v) => v !== 0);
    expect(out.length).toBe(position!.playedSamples + ms(100));
    expect([...out.subarray(position!.playedSamples)]).toEqual([...signal(ms(100), 10_000)]);
  });

  it('relays underruns of a starved feed', () => {
    const { port, player, events } = setup();
    for (let i = 0; i < 3; i++) {
      player.enqueue('a', signal(ms(100)));
      port.run(200);
    }
    expect(events.filter(([name]) => name === 'underrun')).toEqual([
      ['underrun', 1],
      ['underrun', 2],
    ]);
    expect(player.playedSamples('a')).toBe(ms(300));
  });

  it('holds chunks in main while the worklet has more than maxBufferedMs queued, then plays them all', () => {
    const { port, player } = setup({ maxBufferedMs: 1_000 });
    for (let i = 0; i < 50; i++) player.enqueue('a', signal(ms(100), i * ms(100))); // 5 s, far ahead of real time
    const posted = () => port.received.filter((m) => m.type === 'chunk').length;
    expect(posted()).toBe(10);
    expect(player.heldChunks).toBe(40);
    port.run(500);
    expect(posted()).toBeGreaterThan(10);
    expect(port.worklet.core.bufferedSamples).toBeLessThanOrEqual(ms(1_000));
    port.run(5_000);
    expect(player.heldChunks).toBe(0);
    expect(player.playedSamples('a')).toBe(ms(5_000));
    expect(port.worklet.of('overflow')).toEqual([]);
    expect(port.worklet.of('underrun')).toEqual([]);
    expect(player.isPlaying).toBe(false);
  });

  it('configures the worklet only when asked to', () => {
    const clock = new ManualClock();
    expect(new SimulatedWorkletPort(clock).received).toEqual([]);
    const port = new SimulatedWorkletPort(clock);
    new RendererPlayer(port, { clock, prebufferMs: 80, timing: true });
    expect(port.received).toEqual([{ type: 'configure', prebufferMs: 80, timing: true }]);
  });

  it('maps context frames to its clock with probes, and reports chunk output frames when timing', async () => {
    const { port, player } = setup({ timing: true });
    const stamps: Array<{ seq: number; frame: number }> = [];
    player.on('chunk_output', (stamp) => stamps.push(stamp));
    port.run(20 * QUANTUM_MS);
    const probe = player.probeClock();
    port.run(2 * QUANTUM_MS);
    // Answered from the next quantum; this simulation delivers replies before its clock moves on.
    expect(await probe).toEqual({
      id: 1,
      frame: 20 * QUANTUM,
      wallMs: expect.any(Number),
      sentAt: expect.closeTo(20 * QUANTUM_MS, 6),
      receivedAt: expect.closeTo(20 * QUANTUM_MS, 6),
    });
    player.enqueue('a', signal(300));
    port.run(20);
    expect(stamps).toEqual([{ seq: 1, frame: 22 * QUANTUM, wallMs: expect.any(Number) }]);
  });

  it('close() stops playback, stops listening and closes the port', async () => {
    const { port, player } = setup();
    player.enqueue('a', signal(ms(500)));
    port.run(50);
    const closing = player.close();
    port.run(10);
    await closing;
    expect(port.closed).toBe(true);
    player.enqueue('a', signal(100));
    expect(port.received.filter((m) => m.type === 'chunk').length).toBe(1);
    expect(await player.flush()).toBeNull();
  });
});

describe('PlayerPort adapters', () => {
  it('speaks the WebSocket wire format: binary chunks, text control messages, text reports', () => {
    const sent: Array<string | Uint8Array> = [];
    let onMessage: ((data: unknown, isBinary: boolean) => void) | undefined;
    const socket: WebSocketLike = {
      readyState: 1,
      send: (data) => sent.push(data),
      on: (_event, listener) => (onMessage = listener),
      off: () => (onMessage = undefined),
      close: () => {},
    };
    const port = webSocketPlayerPort(socket);
    const reports: WorkletToMainMessage[] = [];
    port.onMessage((m) => reports.push(m));
    const pcm = signal(5);
    port.postMessage({ type: 'chunk', itemId: 'item_é', pcm: pcm.slice().buffer, seq: 3 });
    port.postMessage({ type: 'flush', requestId: 4 });
    expect(sent[0]).toBeInstanceOf(Uint8Array);
    const chunk = decodeMainToWorklet(sent[0]!);
    expect(chunk).toMatchObject({ type: 'chunk', itemId: 'item_é', seq: 3 });
    expect([...new Int16Array((chunk as { pcm: ArrayBuffer }).pcm)]).toEqual([...pcm]);
    expect(decodeMainToWorklet(sent[1]!)).toEqual({ type: 'flush', requestId: 4 });
    // ws delivers text frames as Buffers with isBinary = false.
    onMessage!(Buffer.from(encodeWireMessage({ type: 'underrun', count: 2 }) as string), false);
    onMessage!(Buffer.from('not json'), false);
    onMessage!(Buffer.from(JSON.stringify({ type: 'chunk' })), false);
    expect(reports).toEqual([{ type: 'underrun', count: 2 }]);
    port.close?.();
    expect(onMessage).toBeUndefined();
  });

  it('drops messages while the socket is not open', () => {
    const sent: unknown[] = [];
    const port = webSocketPlayerPort({ readyState: 3, send: (d) => sent.push(d), on: () => {}, off: () => {}, close: () => {} });
    port.postMessage({ type: 'flush', requestId: 1 });
    expect(sent).toEqual([]);
  });

  it('adapts an Electron MessagePortMain', () => {
    const sent: unknown[] = [];
    let listener: ((event: { data: unknown }) => void) | undefined;
    let started = false;
    let closed = false;
    const fake: MessagePortMainLike = {
      postMessage: (m) => sent.push(m),
      on: (_e, l) => (listener = l),
      off: () => (listener = undefined),
      start: () => (started = true),
      close: () => (closed = true),
    };
    const port = messagePortMainPlayerPort(fake);
    expect(started).toBe(true);
    const got: WorkletToMainMessage[] = [];
    port.onMessage((m) => got.push(m));
    listener!({ data: { type: 'drained', itemId: 'a', lastSeq: 1 } });
    port.postMessage({ type: 'ping', id: 1 });
    expect(got).toEqual([{ type: 'drained', itemId: 'a', lastSeq: 1 }]);
    expect(sent).toEqual([{ type: 'ping', id: 1 }]);
    port.close?.();
    expect(closed).toBe(true);
    expect(listener).toBeUndefined();
  });
});

describe('RendererPlayer: the played reference', () => {
  it('rebuilds exactly what the worklet output from its played counts, contiguous and timed by the reports', () => {
    const { port, player, clock } = setup();
    const pieces: Array<{ samples: Int16Array; playedAtMs: number }> = [];
    player.on('played', (audio) => pieces.push(audio));
    const startMs = clock.now();
    player.enqueue('item_a', signal(ms(300)));
    player.enqueue('item_b', signal(ms(200), ms(300)));
    port.run(700);
    const joined = new Int16Array(pieces.reduce((n, p) => n + p.samples.length, 0));
    let at = 0;
    for (const piece of pieces) {
      joined.set(piece.samples, at);
      at += piece.samples.length;
    }
    expect([...joined]).toEqual([...port.worklet.output().filter((v) => v !== 0)]);
    expect(joined.length).toBe(ms(500));
    expect(pieces.length).toBeGreaterThanOrEqual(5); // about every 100 ms, not all at the end
    // The first sample played within a few quanta of the first render; pieces follow each other.
    expect(Math.abs(pieces[0]!.playedAtMs - startMs)).toBeLessThan(4 * QUANTUM_MS);
    for (let i = 1; i < pieces.length; i++) {
      const previous = pieces[i - 1]!;
      expect(pieces[i]!.playedAtMs).toBeCloseTo(previous.playedAtMs + (previous.samples.length * 1000) / 24_000, 6);
    }
  });

  it('ends the reference at the flushed position and never reports the dropped audio', async () => {
    const { port, player } = setup();
    let total = 0;
    player.on('played', (audio) => (total += audio.samples.length));
    player.enqueue('item_a', signal(ms(1000)));
    port.run(253);
    const flushed = player.flush();
    port.run(10);
    const position = await flushed;
    expect(total).toBe(position!.playedSamples);
    player.enqueue('item_b', signal(ms(100)));
    port.run(300);
    expect(total).toBe(position!.playedSamples + ms(100));
  });
});
