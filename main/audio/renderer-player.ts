/**
 * The main-process `Player` that plays through the renderer's AudioWorklet. It speaks the player
 * protocol (preload/contract/player-protocol.ts) over a `PlayerPort`: Electron's MessagePortMain (the
 * other end is handed to the worklet, so the renderer's main thread is not in the path) or a WebSocket
 * (web mode, tests).
 *
 * - Played counts come from the worklet: `progress` (~10 Hz) and, exactly, `flushed`.
 * - `flush()` resolves with the worklet's exact position at the quantum where the flush took effect, or,
 *   if no answer comes within `flushTimeoutMs` (renderer gone or its audio clock stopped), with the last
 *   reported position.
 * - What was played (`played`, the echo canceller's reference) is rebuilt from a copy of every chunk sent
 *   and the worklet's played counts: each `progress` or `flushed` count plays the samples since the last
 *   one, timed as ending when the report arrived (less half the round trip of the last clock probe).
 *   Reports come every 100 ms, so the reference arrives in 100 ms pieces, with a timing jitter of about
 *   one message latency; consecutive pieces are kept contiguous.
 * - Flow control: chunks are held in main while more than `maxBufferedMs` is queued in the worklet, so
 *   its fixed ring (60 s) never overflows however far ahead of real time the server sends audio.
 *
 * The ports (MessagePortMain, WebSocket) are in player-ports.ts.
 */
import { createLogger } from '../util/logger.js';
import { systemClock, type Clock, type TimerHandle } from '../util/clock.js';
import { TypedEmitter } from '../util/typed-emitter.js';
import { msToSamples } from './pcm.js';
import { PLAYER_SAMPLE_RATE, type PlaybackPosition, type Player, type PlayerEvents } from './player.js';
import * as protocol from '../../preload/contract/player-protocol.js';
import type { PlayerPort } from './player-ports.js';

export {
  messagePortMainPlayerPort,
  webSocketPlayerPort,
  type MessagePortMainLike,
  type PlayerPort,
  type WebSocketLike,
} from './player-ports.js';

const log = createLogger('renderer-player');

type WorkletToMainMessage = protocol.WorkletToMainMessage;
type ChunkMessage = protocol.ChunkMessage;

export type RendererPlayerOptions = {
  clock?: Clock;
  /** Sent to the worklet with `configure`; the worklet's default (60 ms) when absent. */
  prebufferMs?: number;
  /** How long `flush()` waits for the worklet's exact answer (default 200 ms). */
  flushTimeoutMs?: number;
  /** Audio queued in the worklet above which chunks wait in main (default 30 s). */
  maxBufferedMs?: number;
  /** Ask the worklet for `chunk-output` timing reports (bench). */
  timing?: boolean;
};

/** The worklet's answer to a flush (see `FlushedMessage`). */
export type FlushReport = Omit<protocol.FlushedMessage, 'type'>;
/**
 * A clock probe: the worklet rendered `frame` somewhere between `sentAt` and `receivedAt` (this player's
 * clock, ms), at `wallMs` by the worklet's `Date.now()`.
 */
export type ClockProbe = { id: number; frame: number; wallMs: number; sentAt: number; receivedAt: number };

export type RendererPlayerEvents = PlayerEvents & {
  /** Every answer to a flush, with the frames where it was received and took effect. */
  flushed: [report: FlushReport];
  /**
   * Timing (option `timing`): the first sample of chunk `seq` left the worklet at context frame `frame`,
   * in a render call at `wallMs` (the worklet's `Date.now()`).
   */
  chunk_output: [stamp: { seq: number; frame: number; wallMs: number }];
  /** The worklet refused samples (cumulative count). */
  overflow: [droppedSamples: number];
  worklet_error: [message: string];
};

/** Copies of what was sent for one item, and how much of it has been reported as played. */
type SentItem = { chunks: Int16Array[]; emitted: number };

/** Pieces of the played reference closer than this to the previous one's end are taken as contiguous. */
const CONTIGUOUS_MS = 60;

type FlushWaiter = { resolve: (position: PlaybackPosition | null) => void; timer: TimerHandle };
type PingWaiter = { resolve: (probe: ClockProbe | null) => void; sentAt: number; timer: TimerHandle };

export class RendererPlayer extends TypedEmitter<RendererPlayerEvents> implements Player {
  readonly #port: PlayerPort;
  readonly #clock: Clock;
  readonly #flushTimeoutMs: number;
  readonly #maxBufferedSamples: number;
  readonly #unsubscribe: () => void;
  #seq = 0;
  #requestId = 0;
  #pingId = 0;
  readonly #played = new Map<string, number>();
  /** The item playing or last played since the last flush, as far as main knows. */
  #lastItem: string | undefined;
  #playing = false;
  #closed = false;
  /** The latest flush whose `flushed` has not arrived: reports before it describe flushed audio. */
  #awaitingFlush = 0;
  readonly #flushWaiters = new Map<number, FlushWaiter>();
  readonly #pingWaiters = new Map<number, PingWaiter>();
  // Flow control.
  #held: ChunkMessage[] = [];
  #unacked: Array<{ seq: number; samples: number }> = [];
  #unackedSamples = 0;
  #reportedBuffered = 0;
  // The played reference.
  #sent = new Map<string, SentItem>();
  /** Items sent before a flush whose `flushed` has not arrived yet, by flush request id. */
  #sentBeforeFlush = new Map<number, Map<string, SentItem>>();
  #playedEndMs = Number.NEGATIVE_INFINITY;
  #oneWayMs = 0;

  constructor(port: PlayerPort, options: RendererPlayerOptions = {}) {
    super();
    this.#port = port;
    this.#clock = options.clock ?? systemClock;
    this.#flushTimeoutMs = options.flushTimeoutMs ?? 200;
    this.#maxBufferedSamples = msToSamples(options.maxBufferedMs ?? 30_000, PLAYER_SAMPLE_RATE);
    this.#unsubscribe = port.onMessage((message) => this.#onMessage(message));
    const configure: protocol.ConfigureMessage = { type: 'configure' };
    if (options.prebufferMs !== undefined) configure.prebufferMs = options.prebufferMs;
    if (options.timing !== undefined) configure.timing = options.timing;
    if (configure.prebufferMs !== undefined || configure.timing !== undefined) port.postMessage(configure);
  }

  get isPlaying(): boolean {
    return this.#playing;
  }

  /** Sequence number of the last chunk enqueued (chunks are numbered from 1). */
  get lastSeq(): number {
    return this.#seq;
  }

  /** Chunks waiting in main for room in the worklet. */
  get heldChunks(): number {
    return this.#held.length;
  }

  playedSamples(itemId: string): number {
    return this.#played.get(itemId) ?? 0;
  }

  enqueue(itemId: string, pcm16: Int16Array): void {
    if (this.#closed || pcm16.length === 0) return;
    // A copy of exactly these samples: the caller keeps its array (which may be a view into a pooled
    // buffer), and the copy's buffer can be transferred.
    const message: ChunkMessage = { type: 'chunk', itemId, pcm: pcm16.slice().buffer, seq: ++this.#seq };
    this.#remember(itemId, pcm16.slice());
    this.#playing = true;
    if (this.#held.length > 0 || !this.#hasRoom(pcm16.length)) this.#held.push(message);
    else this.#send(message);
  }

  flush(): Promise<PlaybackPosition | null> {
    if (this.#closed) return Promise.resolve(null);
    const requestId = ++this.#requestId;
    const fallbackItem = this.#lastItem;
    this.#held = [];
    this.#unacked = [];
    this.#unackedSamples = 0;
    this.#reportedBuffered = 0;
    this.#playing = false;
    this.#lastItem = undefined;
    this.#awaitingFlush = requestId;
    if (this.#sent.size > 0) this.#sentBeforeFlush.set(requestId, this.#sent);
    this.#sent = new Map();
    this.#port.postMessage({ type: 'flush', requestId });
    return new Promise((resolve) => {
      const timer = this.#clock.setTimeout(() => {
        this.#flushWaiters.delete(requestId);
        this.#sentBeforeFlush.delete(requestId);
        log.warn({ requestId, timeoutMs: this.#flushTimeoutMs }, 'no flushed answer from the worklet; using the last progress');
        resolve(fallbackItem === undefined ? null : { itemId: fallbackItem, playedSamples: this.playedSamples(fallbackItem) });
      }, this.#flushTimeoutMs);
      this.#flushWaiters.set(requestId, { resolve, timer });
    });
  }

  /**
   * Asks the worklet for its current frame and wall clock (answered from its next render quantum), to
   * map context frames or check the worklet's `Date.now()` stamps against this clock. Null on timeout.
   */
  probeClock(timeoutMs = 1_000): Promise<ClockProbe | null> {
    if (this.#closed) return Promise.resolve(null);
    const id = ++this.#pingId;
    return new Promise((resolve) => {
      const timer = this.#clock.setTimeout(() => {
        this.#pingWaiters.delete(id);
        resolve(null);
      }, timeoutMs);
      this.#pingWaiters.set(id, { resolve, sentAt: this.#clock.now(), timer });
      this.#port.postMessage({ type: 'ping', id });
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await this.flush();
    this.#closed = true;
    this.#unsubscribe();
    for (const waiter of this.#pingWaiters.values()) {
      this.#clock.clearTimeout(waiter.timer);
      waiter.resolve(null);
    }
    this.#pingWaiters.clear();
    this.#port.close?.();
  }

  #remember(itemId: string, samples: Int16Array): void {
    const item = this.#sent.get(itemId);
    if (item) item.chunks.push(samples);
    else this.#sent.set(itemId, { chunks: [samples], emitted: 0 });
  }

  /** The worklet has played `playedSamples` of `itemId`: emits the samples played since the last report. */
  #reportPlayed(itemId: string, playedSamples: number): void {
    let item = this.#sent.get(itemId);
    if (!item) for (const sent of this.#sentBeforeFlush.values()) item = sent.get(itemId) ?? item;
    if (!item || playedSamples <= item.emitted) return;
    const count = playedSamples - item.emitted;
    const samples = new Int16Array(count);
    let filled = 0;
    while (filled < count && item.chunks.length > 0) {
      const chunk = item.chunks[0]!;
      const take = Math.min(count - filled, chunk.length);
      samples.set(chunk.subarray(0, take), filled);
      filled += take;
      if (take === chunk.length) item.chunks.shift();
      else item.chunks[0] = chunk.subarray(take);
    }
    item.emitted = playedSamples;
    const durationMs = (filled * 1000) / PLAYER_SAMPLE_RATE;
    let playedAtMs = this.#clock.now() - this.#oneWayMs - durationMs;
    if (Math.abs(playedAtMs - this.#playedEndMs) < CONTIGUOUS_MS) playedAtMs = this.#playedEndMs;
    this.#playedEndMs = playedAtMs + durationMs;
    if (filled > 0) this.emit('played', { samples: filled === count ? samples : samples.subarray(0, filled), playedAtMs });
  }

  #hasRoom(samples: number): boolean {
    const buffered = this.#reportedBuffered + this.#unackedSamples;
    return buffered === 0 || buffered + samples <= this.#maxBufferedSamples;
  }

  #send(message: ChunkMessage): void {
    const samples = message.pcm.byteLength >> 1;
    this.#unacked.push({ seq: message.seq, samples });
    this.#unackedSamples += samples;
    this.#port.postMessage(message, protocol.transferablesOf(message));
  }

  /** The worklet has received every chunk up to `lastSeq` and has `buffered` samples queued. */
  #acknowledge(lastSeq: number, buffered: number): void {
    let acked = 0;
    while (acked < this.#unacked.length && this.#unacked[acked]!.seq <= lastSeq) this.#unackedSamples -= this.#unacked[acked++]!.samples;
    if (acked > 0) this.#unacked.splice(0, acked);
    this.#reportedBuffered = buffered;
    while (this.#held.length > 0 && this.#hasRoom(this.#held[0]!.pcm.byteLength >> 1)) this.#send(this.#held.shift()!);
  }

  #onMessage(message: WorkletToMainMessage): void {
    if (this.#closed) return;
    const current = this.#awaitingFlush === 0;
    switch (message.type) {
      case 'started':
        if (current) this.#lastItem = message.itemId;
        this.emit('started', message.itemId);
        break;
      case 'progress':
        this.#reportPlayed(message.itemId, message.playedSamples);
        this.#played.set(message.itemId, message.playedSamples);
        if (current) {
          this.#lastItem = message.itemId;
          this.#acknowledge(message.lastSeq, message.bufferedSamples);
        }
        this.emit('progress', { itemId: message.itemId, playedSamples: message.playedSamples });
        break;
      case 'drained':
        if (current) {
          this.#acknowledge(message.lastSeq, 0);
          if (message.lastSeq === this.#seq && this.#held.length === 0) this.#playing = false;
        }
        this.emit('drained', message.itemId);
        break;
      case 'flushed': {
        if (message.itemId !== null) {
          this.#reportPlayed(message.itemId, message.playedSamples);
          this.#played.set(message.itemId, message.playedSamples);
        }
        // Everything sent before this flush that was not played never will be.
        for (const id of [...this.#sentBeforeFlush.keys()]) if (id <= message.requestId) this.#sentBeforeFlush.delete(id);
        if (message.requestId === this.#awaitingFlush) this.#awaitingFlush = 0;
        const waiter = this.#flushWaiters.get(message.requestId);
        if (waiter) {
          this.#flushWaiters.delete(message.requestId);
          this.#clock.clearTimeout(waiter.timer);
          waiter.resolve(message.itemId === null ? null : { itemId: message.itemId, playedSamples: message.playedSamples });
        }
        const { type: _type, ...report } = message;
        this.emit('flushed', report);
        break;
      }
      case 'underrun':
        this.emit('underrun', message.count);
        break;
      case 'overflow':
        log.warn({ droppedSamples: message.droppedSamples }, 'the worklet dropped audio (its ring was full)');
        this.emit('overflow', message.droppedSamples);
        break;
      case 'chunk-output':
        this.emit('chunk_output', { seq: message.seq, frame: message.frame, wallMs: message.wallMs });
        break;
      case 'pong': {
        const waiter = this.#pingWaiters.get(message.id);
        if (!waiter) break;
        this.#pingWaiters.delete(message.id);
        this.#clock.clearTimeout(waiter.timer);
        this.#oneWayMs = Math.max(0, (this.#clock.now() - waiter.sentAt) / 2);
        waiter.resolve({
          id: message.id,
          frame: message.frame,
          wallMs: message.wallMs,
          sentAt: waiter.sentAt,
          receivedAt: this.#clock.now(),
        });
        break;
      }
      case 'error':
        log.error({ message: message.message }, 'playback worklet error');
        this.emit('worklet_error', message.message);
        break;
      default:
        break;
    }
  }
}
