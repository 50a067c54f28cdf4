/**
 * The playback engine that runs inside the worklet (`pcm-player.worklet.ts` is only its
 * AudioWorkletProcessor shell). Standard library only, so Node tests drive exactly the code that plays.
 *
 * - Everything is preallocated: the sample ring, the queue of item boundaries (consecutive chunks of
 *   one item merge into one entry), the table of per-item played counts, the pending flush/ping answers
 *   and the timing marks. `render()` allocates nothing; the messages it posts are reused objects, which
 *   is safe because `postMessage` serializes synchronously (a `post` callback must do the same).
 * - Pre-buffer: output stays silent until `prebufferMs` of audio is queued, or until it has waited that
 *   long with some audio queued, both at the start and after running dry.
 * - Running dry outputs silence and reports `drained`; the node is never stopped. More audio for the
 *   item that ran dry counts as an underrun (the feed was late: the listener heard a gap).
 * - `flush` takes effect in message order (chunks posted after it are kept) and before the next
 *   render quantum, which is therefore silent; `flushed` is posted from that quantum.
 */
import { PcmRing } from './pcm-ring.js';
import {
  DEFAULT_PREBUFFER_MS,
  DEFAULT_RING_SECONDS,
  PROGRESS_INTERVAL_FRAMES,
  type ChunkOutputMessage,
  type DrainedMessage,
  type FlushedMessage,
  type MainToWorkletMessage,
  type OverflowMessage,
  type PongMessage,
  type ProgressMessage,
  type StartedMessage,
  type UnderrunMessage,
  type WorkletToMainMessage,
} from '../../preload/contract/player-protocol.js';

export type PcmPlayerCoreOptions = {
  sampleRate: number;
  ringSeconds?: number;
  prebufferMs?: number;
  timing?: boolean;
  /** Item boundaries that can be queued at once (default 64). */
  maxSegments?: number;
  /** Items whose played counts are kept (default 32, oldest evicted first). */
  itemSlots?: number;
  /** Chunk starts tracked for `chunk-output` when timing is on (default 256). */
  maxTimingMarks?: number;
  /** Wall clock for the `wallMs` stamps (default `Date.now`, which the worklet scope has). */
  wallClock?: () => number;
};

/** Must serialize the message before returning (as `MessagePort.postMessage` does): it is reused. */
export type PostWorkletMessage = (message: WorkletToMainMessage) => void;

const IDLE = 0;
const PLAYING = 1;
const PENDING_ANSWERS = 8;

export class PcmPlayerCore {
  readonly #post: PostWorkletMessage;
  readonly #ring: PcmRing;
  readonly #sampleRate: number;
  readonly #wallClock: () => number;
  #prebufferFrames: number;
  #timing: boolean;

  // Item boundaries: segment i holds #segLeft[i] samples of #segItem[i], oldest at #segHead.
  readonly #segItem: string[];
  readonly #segLeft: Float64Array;
  #segHead = 0;
  #segCount = 0;
  #segDropped = 0;

  // Played samples per item.
  readonly #itemIds: string[];
  readonly #itemPlayed: Float64Array;
  #itemNext = 0;
  /** The item of the last sample output since the last flush, and its slot. */
  #currentItem: string | null = null;
  #currentSlot = -1;

  #state = IDLE;
  #waitedFrames = 0;
  #framesSinceProgress = 0;
  #drainedItem: string | null = null;
  #underruns = 0;
  #lastSeq = 0;

  // Answers posted from the next render().
  readonly #flushRequest = new Float64Array(PENDING_ANSWERS);
  readonly #flushItem: (string | null)[] = new Array<string | null>(PENDING_ANSWERS).fill(null);
  readonly #flushPlayed = new Float64Array(PENDING_ANSWERS);
  readonly #flushReceivedAt = new Float64Array(PENDING_ANSWERS);
  #flushCount = 0;
  readonly #pingIds = new Float64Array(PENDING_ANSWERS);
  #pingCount = 0;

  // Timing marks: chunk #markSeq[i] starts at stream position #markPos[i] (PcmRing.totalWritten).
  readonly #markSeq: Float64Array;
  readonly #markPos: Float64Array;
  #markHead = 0;
  #markCount = 0;

  // Reused outgoing messages.
  readonly #started: StartedMessage = { type: 'started', itemId: '' };
  readonly #progress: ProgressMessage = { type: 'progress', itemId: '', playedSamples: 0, bufferedSamples: 0, lastSeq: 0 };
  readonly #flushed: FlushedMessage = {
    type: 'flushed',
    requestId: 0,
    itemId: null,
    playedSamples: 0,
    atFrame: 0,
    receivedAtFrame: 0,
    wallMs: 0,
  };
  readonly #drained: DrainedMessage = { type: 'drained', itemId: '', lastSeq: 0 };
  readonly #underrun: UnderrunMessage = { type: 'underrun', count: 0 };
  readonly #overflow: OverflowMessage = { type: 'overflow', droppedSamples: 0 };
  readonly #chunkOutput: ChunkOutputMessage = { type: 'chunk-output', seq: 0, frame: 0, wallMs: 0 };
  readonly #pong: PongMessage = { type: 'pong', id: 0, frame: 0, wallMs: 0 };

  constructor(post: PostWorkletMessage, options: PcmPlayerCoreOptions) {
    this.#post = post;
    this.#sampleRate = options.sampleRate;
    this.#wallClock = options.wallClock ?? Date.now;
    this.#ring = new PcmRing(Math.round((options.ringSeconds ?? DEFAULT_RING_SECONDS) * options.sampleRate));
    this.#prebufferFrames = this.#framesFor(options.prebufferMs ?? DEFAULT_PREBUFFER_MS);
    this.#timing = options.timing ?? false;
    const maxSegments = options.maxSegments ?? 64;
    this.#segItem = new Array<string>(maxSegments).fill('');
    this.#segLeft = new Float64Array(maxSegments);
    const itemSlots = options.itemSlots ?? 32;
    this.#itemIds = new Array<string>(itemSlots).fill('');
    this.#itemPlayed = new Float64Array(itemSlots);
    const maxMarks = options.maxTimingMarks ?? 256;
    this.#markSeq = new Float64Array(maxMarks);
    this.#markPos = new Float64Array(maxMarks);
  }

  /** Samples queued, not yet played. */
  get bufferedSamples(): number {
    return this.#ring.available;
  }

  get underruns(): number {
    return this.#underruns;
  }

  get isPlaying(): boolean {
    return this.#state === PLAYING;
  }

  /** Samples of `itemId` output so far (0 if unknown or evicted). */
  playedSamples(itemId: string): number {
    const slot = this.#itemIds.indexOf(itemId);
    return slot >= 0 ? this.#itemPlayed[slot]! : 0;
  }

  /** Handles a message from main; `currentFrame` is the worklet's `currentFrame` at that moment. */
  handleMessage(message: MainToWorkletMessage, currentFrame: number): void {
    switch (message.type) {
      case 'chunk':
        this.#enqueue(message.itemId, message.pcm, message.seq);
        break;
      case 'flush':
        this.#flush(message.requestId, currentFrame);
        break;
      case 'configure':
        if (typeof message.prebufferMs === 'number' && message.prebufferMs >= 0)
          this.#prebufferFrames = this.#framesFor(message.prebufferMs);
        if (typeof message.timing === 'boolean') this.#timing = message.timing;
        break;
      case 'ping':
        if (this.#pingCount < PENDING_ANSWERS) this.#pingIds[this.#pingCount++] = message.id;
        break;
      default:
        break; // unknown messages are ignored (a newer main talking to an older worklet)
    }
  }

  /** Fills `output` (one render quantum) and posts what happened. Allocates nothing. */
  render(output: Float32Array, currentFrame: number): void {
    const frames = output.length;
    this.#answerPending(currentFrame);
    let written = 0;
    if (this.#state === IDLE && this.#ring.available > 0) {
      if (this.#ring.available >= this.#prebufferFrames || this.#waitedFrames >= this.#prebufferFrames) {
        this.#state = PLAYING;
        this.#framesSinceProgress = 0;
      } else {
        this.#waitedFrames += frames;
      }
    }
    if (this.#state === PLAYING) {
      const readStart = this.#ring.totalRead;
      while (written < frames && this.#segCount > 0) {
        const head = this.#segHead;
        const take = Math.min(frames - written, this.#segLeft[head]!);
        this.#ring.read(output, written, take);
        this.#credit(this.#segItem[head]!, take);
        written += take;
        const left = this.#segLeft[head]! - take;
        this.#segLeft[head] = left;
        if (left === 0) {
          this.#segItem[head] = '';
          this.#segHead = head + 1 === this.#segLeft.length ? 0 : head + 1;
          this.#segCount--;
        }
      }
      if (this.#timing) this.#reportMarks(readStart, readStart + written, currentFrame);
      this.#framesSinceProgress += frames;
      if (this.#segCount === 0) {
        this.#state = IDLE;
        this.#waitedFrames = 0;
        const item = this.#currentItem;
        if (item !== null) {
          this.#drainedItem = item;
          this.#postProgress();
          this.#drained.itemId = item;
          this.#drained.lastSeq = this.#lastSeq;
          this.#post(this.#drained);
        }
      } else if (this.#framesSinceProgress >= PROGRESS_INTERVAL_FRAMES) {
        this.#postProgress();
      }
    }
    for (let i = written; i < frames; i++) output[i] = 0;
  }

  #enqueue(itemId: string, pcm: ArrayBuffer, seq: number): void {
    if (!(pcm instanceof ArrayBuffer) || typeof itemId !== 'string') return;
    if (typeof seq === 'number') this.#lastSeq = seq;
    const samples = new Int16Array(pcm, 0, pcm.byteLength >> 1);
    if (samples.length === 0) return;
    if (this.#state === IDLE && this.#drainedItem === itemId) {
      this.#underruns++;
      this.#underrun.count = this.#underruns;
      this.#post(this.#underrun);
    }
    this.#drainedItem = null;
    const segments = this.#segLeft.length;
    let tail = this.#segHead + this.#segCount - 1; // meaningful only when #segCount > 0
    if (tail >= segments) tail -= segments;
    const extendsTail = this.#segCount > 0 && this.#segItem[tail] === itemId;
    if (!extendsTail && this.#segCount === segments) {
      this.#segDropped += samples.length;
      this.#postOverflow();
      return;
    }
    const streamPosition = this.#ring.totalWritten;
    const stored = this.#ring.write(samples);
    if (stored < samples.length) this.#postOverflow();
    if (stored === 0) return;
    if (extendsTail) {
      this.#segLeft[tail] = this.#segLeft[tail]! + stored;
    } else {
      let at = this.#segHead + this.#segCount;
      if (at >= segments) at -= segments;
      this.#segItem[at] = itemId;
      this.#segLeft[at] = stored;
      this.#segCount++;
    }
    if (this.#timing && this.#markCount < this.#markSeq.length) {
      let at = this.#markHead + this.#markCount;
      if (at >= this.#markSeq.length) at -= this.#markSeq.length;
      this.#markSeq[at] = seq;
      this.#markPos[at] = streamPosition;
      this.#markCount++;
    }
  }

  #flush(requestId: number, currentFrame: number): void {
    this.#ring.clear();
    for (let i = 0; i < this.#segItem.length; i++) this.#segItem[i] = '';
    this.#segHead = 0;
    this.#segCount = 0;
    this.#markHead = 0;
    this.#markCount = 0;
    this.#state = IDLE;
    this.#waitedFrames = 0;
    this.#framesSinceProgress = 0;
    this.#drainedItem = null;
    const item = this.#currentItem;
    const played = this.#currentSlot >= 0 ? this.#itemPlayed[this.#currentSlot]! : 0;
    this.#currentItem = null;
    this.#currentSlot = -1;
    if (this.#flushCount < PENDING_ANSWERS) {
      const i = this.#flushCount++;
      this.#flushRequest[i] = requestId;
      this.#flushItem[i] = item;
      this.#flushPlayed[i] = played;
      this.#flushReceivedAt[i] = currentFrame;
    } else {
      this.#postFlushed(requestId, item, played, currentFrame, currentFrame);
    }
  }

  #answerPending(currentFrame: number): void {
    for (let i = 0; i < this.#flushCount; i++) {
      this.#postFlushed(this.#flushRequest[i]!, this.#flushItem[i]!, this.#flushPlayed[i]!, currentFrame, this.#flushReceivedAt[i]!);
      this.#flushItem[i] = null;
    }
    this.#flushCount = 0;
    for (let i = 0; i < this.#pingCount; i++) {
      this.#pong.id = this.#pingIds[i]!;
      this.#pong.frame = currentFrame;
      this.#pong.wallMs = this.#wallClock();
      this.#post(this.#pong);
    }
    this.#pingCount = 0;
  }

  #postFlushed(requestId: number, itemId: string | null, played: number, atFrame: number, receivedAtFrame: number): void {
    const message = this.#flushed;
    message.requestId = requestId;
    message.itemId = itemId;
    message.playedSamples = played;
    message.atFrame = atFrame;
    message.receivedAtFrame = receivedAtFrame;
    message.wallMs = this.#wallClock();
    this.#post(message);
    message.itemId = null;
  }

  /** Adds `count` output samples to `itemId`, posting `started` and item-change progress. */
  #credit(itemId: string, count: number): void {
    if (itemId !== this.#currentItem) {
      if (this.#currentItem !== null) this.#postProgress(); // final count of the previous item
      this.#currentItem = itemId;
      this.#currentSlot = this.#slotFor(itemId);
    }
    const slot = this.#currentSlot;
    const before = this.#itemPlayed[slot]!;
    this.#itemPlayed[slot] = before + count;
    if (before === 0) {
      this.#started.itemId = itemId;
      this.#post(this.#started);
    }
  }

  #slotFor(itemId: string): number {
    const ids = this.#itemIds;
    for (let i = 0; i < ids.length; i++) if (ids[i] === itemId) return i;
    const slot = this.#itemNext;
    this.#itemNext = slot + 1 === ids.length ? 0 : slot + 1;
    ids[slot] = itemId;
    this.#itemPlayed[slot] = 0;
    return slot;
  }

  #postProgress(): void {
    if (this.#currentItem === null) return;
    const message = this.#progress;
    message.itemId = this.#currentItem;
    message.playedSamples = this.#itemPlayed[this.#currentSlot]!;
    message.bufferedSamples = this.#ring.available;
    message.lastSeq = this.#lastSeq;
    this.#post(message);
    this.#framesSinceProgress = 0;
  }

  #postOverflow(): void {
    this.#overflow.droppedSamples = this.#ring.droppedSamples + this.#segDropped;
    this.#post(this.#overflow);
  }

  /** Posts `chunk-output` for every chunk whose first sample was in stream positions [from, to). */
  #reportMarks(from: number, to: number, currentFrame: number): void {
    while (this.#markCount > 0) {
      const head = this.#markHead;
      const position = this.#markPos[head]!;
      if (position >= to) return;
      if (position >= from) {
        this.#chunkOutput.seq = this.#markSeq[head]!;
        this.#chunkOutput.frame = currentFrame + (position - from);
        this.#chunkOutput.wallMs = this.#wallClock();
        this.#post(this.#chunkOutput);
      }
      this.#markHead = head + 1 === this.#markSeq.length ? 0 : head + 1;
      this.#markCount--;
    }
  }

  #framesFor(ms: number): number {
    return Math.round((ms * this.#sampleRate) / 1000);
  }
}
