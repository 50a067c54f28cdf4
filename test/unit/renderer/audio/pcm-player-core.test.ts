import { describe, expect, it } from 'vitest';
import { CoreHarness, QUANTUM } from './worklet-sim.js';

/** `n` samples that are never 0, numbered from `from`, so played audio is recognisable. */
function signal(n: number, from = 0): Int16Array {
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = 1 + ((from + i) % 30_000);
  return out;
}

const ms = (n: number) => (n * 24_000) / 1000;
/** The harness's wall clock at a frame (see CoreHarness). */
const wall = (frame: number) => 1_000_000 + (frame * 1000) / 24_000;

describe('PcmPlayerCore (the worklet engine)', () => {
  it('plays chunks of several items back to back, in order, and reports exact counts', () => {
    const h = new CoreHarness({ prebufferMs: 0 });
    h.chunk('a', signal(1000, 0), 1);
    h.chunk('a', signal(1000, 1000), 2);
    h.chunk('b', signal(500, 5000), 3);
    h.render(25); // 3,200 frames
    const out = h.output();
    expect([...out.subarray(0, 2000)]).toEqual([...signal(2000, 0)]);
    expect([...out.subarray(2000, 2500)]).toEqual([...signal(500, 5000)]);
    expect(out.subarray(2500).every((v) => v === 0)).toBe(true);
    expect(h.of('started').map((m) => m.itemId)).toEqual(['a', 'b']);
    const progress = h.of('progress');
    // a's final count when b starts, then b's final count before drained.
    expect(progress.map((m) => [m.itemId, m.playedSamples])).toEqual([
      ['a', 2000],
      ['b', 500],
    ]);
    expect(h.of('drained')).toEqual([{ type: 'drained', itemId: 'b', lastSeq: 3 }]);
    expect(h.core.playedSamples('a')).toBe(2000);
    expect(h.core.playedSamples('b')).toBe(500);
    expect(h.of('underrun')).toEqual([]);
  });

  it('reports progress every 100 ms of playback with what is buffered and the last chunk received', () => {
    const h = new CoreHarness({ prebufferMs: 0 });
    h.chunk('a', signal(ms(1000)), 7);
    h.render(Math.ceil(ms(350) / QUANTUM));
    const progress = h.of('progress');
    expect(progress.length).toBe(3);
    for (const [i, m] of progress.entries()) {
      const played = Math.ceil(ms(100 * (i + 1)) / QUANTUM) * QUANTUM; // reported from the quantum that crosses 100 ms
      expect(m).toEqual({ type: 'progress', itemId: 'a', playedSamples: played, bufferedSamples: ms(1000) - played, lastSeq: 7 });
    }
  });

  it('waits for the pre-buffer before starting, or starts once it has waited that long', () => {
    const h = new CoreHarness({ prebufferMs: 60 }); // 1,440 frames
    h.chunk('a', signal(1000), 1);
    h.render(11); // 1,408 frames waited: still below 1,440
    expect(h.output().every((v) => v === 0)).toBe(true);
    h.render(1); // waited 1,536 >= 1,440: starts in the next quantum
    h.render(1);
    expect(h.output()[12 * QUANTUM]).toBe(1);

    const g = new CoreHarness({ prebufferMs: 60 });
    g.chunk('a', signal(1000), 1);
    g.render(2);
    g.chunk('a', signal(500, 1000), 2); // 1,500 >= 1,440: starts at once
    g.render(1);
    expect(g.output()[2 * QUANTUM]).toBe(1);
  });

  it('flushes in message order, before the next quantum, and answers with the exact count from that quantum', () => {
    const h = new CoreHarness({ prebufferMs: 0 });
    h.chunk('a', signal(ms(1000)), 1);
    h.render(40); // 5,120 samples of a played
    h.send({ type: 'flush', requestId: 9 });
    h.chunk('b', signal(300, 20_000), 2); // after the flush: kept
    expect(h.of('flushed')).toEqual([]); // answered from process(), not from the message handler
    h.render(1);
    expect(h.of('flushed')).toEqual([
      {
        type: 'flushed',
        requestId: 9,
        itemId: 'a',
        playedSamples: 40 * QUANTUM,
        atFrame: 40 * QUANTUM,
        receivedAtFrame: 40 * QUANTUM,
        wallMs: wall(40 * QUANTUM),
      },
    ]);
    const out = h.output();
    expect([...out.subarray(0, 40 * QUANTUM)]).toEqual([...signal(40 * QUANTUM)]);
    // b plays straight after (no pre-buffer here): nothing more of a was output after the flush.
    expect([...out.subarray(40 * QUANTUM, 41 * QUANTUM)]).toEqual([...signal(QUANTUM, 20_000)]);
    expect(h.core.playedSamples('a')).toBe(40 * QUANTUM);
  });

  it('answers a flush with null when nothing was played since the previous flush', () => {
    const h = new CoreHarness({ prebufferMs: 0 });
    h.send({ type: 'flush', requestId: 1 });
    h.render(1);
    h.chunk('a', signal(200), 1);
    h.render(1);
    h.send({ type: 'flush', requestId: 2 });
    h.send({ type: 'flush', requestId: 3 });
    h.render(1);
    expect(h.of('flushed').map((m) => [m.requestId, m.itemId, m.playedSamples])).toEqual([
      [1, null, 0],
      [2, 'a', 128],
      [3, null, 0],
    ]);
    expect(
      h
        .output()
        .subarray(2 * QUANTUM)
        .every((v) => v === 0),
    ).toBe(true);
  });

  it('outputs silence when dry, and counts an underrun when the drained item gets more audio', () => {
    const h = new CoreHarness({ prebufferMs: 0 });
    h.chunk('a', signal(200), 1);
    h.render(4);
    expect(h.of('drained')).toEqual([{ type: 'drained', itemId: 'a', lastSeq: 1 }]);
    h.chunk('a', signal(200, 200), 2); // late: the listener heard a gap
    h.render(4);
    h.chunk('b', signal(200), 3); // a new item after a drain is not an underrun
    h.render(4);
    expect(h.of('underrun')).toEqual([{ type: 'underrun', count: 1 }]);
    expect(h.core.underruns).toBe(1);
    expect(h.core.playedSamples('a')).toBe(400);
    const out = h.output();
    expect(out.filter((v) => v !== 0).length).toBe(600);
  });

  it('re-buffers after running dry before it resumes', () => {
    const h = new CoreHarness({ prebufferMs: 20 }); // 480 frames
    h.chunk('a', signal(480), 1);
    h.render(5); // 480 frames play (quanta 0-3, 3.75), dry in quantum 3
    h.chunk('a', signal(100, 480), 2);
    h.render(3); // 100 < 480 queued: waits (waited 384 after 3 quanta)
    expect(
      h
        .output()
        .subarray(5 * QUANTUM)
        .every((v) => v === 0),
    ).toBe(true);
    h.render(2);
    expect(h.core.playedSamples('a')).toBe(580);
  });

  it('drops and reports audio that does not fit the ring or the item-boundary queue', () => {
    const h = new CoreHarness({ prebufferMs: 1_000, ringSeconds: 0.01, maxSegments: 2 }); // 240 samples
    h.chunk('a', signal(200), 1);
    h.chunk('b', signal(30), 2);
    h.chunk('c', signal(5), 3); // a third boundary: refused whole
    h.chunk('b', signal(30), 4); // extends b; 10 of 30 fit
    expect(h.of('overflow').map((m) => m.droppedSamples)).toEqual([5, 25]);
    expect(h.core.bufferedSamples).toBe(240);
  });

  it('reports the frame where each chunk starts playing when timing is on', () => {
    const h = new CoreHarness({ prebufferMs: 0 });
    h.send({ type: 'configure', timing: true });
    h.render(3); // frame 384
    h.chunk('a', signal(100), 11);
    h.chunk('a', signal(100), 12);
    h.chunk('b', signal(300), 13);
    h.render(5);
    expect(h.of('chunk-output')).toEqual([
      // wallMs: when the render call ran (the quantum's start), not the sample's frame
      { type: 'chunk-output', seq: 11, frame: 384, wallMs: wall(384) },
      { type: 'chunk-output', seq: 12, frame: 484, wallMs: wall(384) },
      { type: 'chunk-output', seq: 13, frame: 584, wallMs: wall(512) },
    ]);
  });

  it('answers a ping from the next quantum with its frame', () => {
    const h = new CoreHarness();
    h.render(10);
    h.send({ type: 'ping', id: 5 });
    expect(h.of('pong')).toEqual([]);
    h.render(1);
    expect(h.of('pong')).toEqual([{ type: 'pong', id: 5, frame: 1280, wallMs: wall(1280) }]);
  });

  it('reconfigures the pre-buffer and ignores unknown messages', () => {
    const h = new CoreHarness({ prebufferMs: 1_000 });
    h.send({ type: 'configure', prebufferMs: 0 });
    h.send({ type: 'something-newer' } as never);
    h.chunk('a', signal(10), 1);
    h.render(1);
    expect(h.core.playedSamples('a')).toBe(10);
  });

  it('never posts a message object that changes afterwards (reused objects are cloned by postMessage)', () => {
    const raw: unknown[] = [];
    const h = new CoreHarness({ prebufferMs: 0 });
    // A second core whose post keeps the objects themselves: they are reused, so a post callback must copy.
    const core = new (
      h.core.constructor as new (post: (m: unknown) => void, o: { sampleRate: number; prebufferMs: number }) => typeof h.core
    )((m) => raw.push(m), { sampleRate: 24_000, prebufferMs: 0 });
    core.handleMessage({ type: 'chunk', itemId: 'a', pcm: signal(5000).buffer as ArrayBuffer, seq: 1 }, 0);
    const out = new Float32Array(QUANTUM);
    for (let frame = 0; frame < 5000; frame += QUANTUM) core.render(out, frame);
    const progress = raw.filter((m) => (m as { type: string }).type === 'progress');
    expect(progress.length).toBeGreaterThan(1);
    expect(new Set(progress).size).toBe(1); // one object, reused
  });
});
