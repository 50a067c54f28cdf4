import { TypedEmitter } from '../util/typed-emitter.js';
import { systemClock, type Clock, type TimerHandle } from '../util/clock.js';
import { msToSamples } from './pcm.js';
import { PLAYER_SAMPLE_RATE, type PlaybackPosition, type Player, type PlayerEvents } from './player.js';
import { SoundCardSink } from './sound-card-sink.js';
import { StreamingWavWriter } from './wav.js';

export type HeadlessPlayerOptions = {
  clock?: Clock;
  /** Write what is played, exactly as played, to this WAV file (24 kHz, 16-bit mono). */
  wavPath?: string;
  /** Also send the audio to the sound card where one exists (default false). */
  soundCard?: boolean;
  /** Audio to accumulate before starting (or restarting after an underrun), in ms. Default 0. */
  prebufferMs?: number;
  tickMs?: number;
};

type Segment = { itemId: string; samples: Int16Array; offset: number };

const PROGRESS_INTERVAL_MS = 100;

/**
 * Plays in real time against a clock, without an audio device: every tick it "plays" the samples
 * whose time has come, writing them to the sinks. The played-sample count is therefore exact at any
 * instant, which is what barge-in truncation needs.
 */
export class HeadlessPlayer extends TypedEmitter<PlayerEvents> implements Player {
  readonly #clock: Clock;
  readonly #tickMs: number;
  readonly #prebufferSamples: number;
  readonly #prebufferMs: number;
  #queue: Segment[] = [];
  #queuedSamples = 0;
  #played = new Map<string, number>();
  #playing = false;
  #runStartedAt = 0;
  #runPlayed = 0;
  #timer: TimerHandle | undefined;
  #lastItem: string | undefined;
  #lastProgressAt = 0;
  #underruns = 0;
  #drainedItem: string | undefined;
  #closed = false;
  #wav: StreamingWavWriter | undefined;
  #soundCard: SoundCardSink | undefined;

  private constructor(options: HeadlessPlayerOptions) {
    super();
    this.#clock = options.clock ?? systemClock;
    this.#tickMs = options.tickMs ?? 10;
    this.#prebufferMs = options.prebufferMs ?? 0;
    this.#prebufferSamples = msToSamples(this.#prebufferMs, PLAYER_SAMPLE_RATE);
  }

  static async create(options: HeadlessPlayerOptions = {}): Promise<HeadlessPlayer> {
    const player = new HeadlessPlayer(options);
    if (options.wavPath) player.#wav = await StreamingWavWriter.create(options.wavPath, PLAYER_SAMPLE_RATE);
    if (options.soundCard) player.#soundCard = SoundCardSink.start(PLAYER_SAMPLE_RATE);
    return player;
  }

  get isPlaying(): boolean {
    return this.#playing || this.#queuedSamples > 0;
  }

  get underruns(): number {
    return this.#underruns;
  }

  playedSamples(itemId: string): number {
    return this.#played.get(itemId) ?? 0;
  }

  enqueue(itemId: string, pcm16: Int16Array): void {
    if (this.#closed || pcm16.length === 0) return;
    if (this.#drainedItem === itemId) {
      // More audio for an item that had run dry: the feed was late.
      this.#underruns++;
      this.emit('underrun', this.#underruns);
    }
    this.#drainedItem = undefined;
    this.#queue.push({ itemId, samples: pcm16, offset: 0 });
    this.#queuedSamples += pcm16.length;
    if (!this.#playing && this.#queuedSamples >= Math.max(1, this.#prebufferSamples)) this.#startRun();
    else if (!this.#playing && this.#timer === undefined) {
      // Not enough for the pre-buffer yet: start anyway after the pre-buffer time.
      this.#timer = this.#clock.setTimeout(this.#tick, Math.max(this.#tickMs, this.#prebufferMs));
    }
  }

  async flush(): Promise<PlaybackPosition | null> {
    if (this.#playing) this.#advanceTo(this.#clock.now());
    const item = this.#lastItem;
    this.#queue = [];
    this.#queuedSamples = 0;
    this.#stopRun();
    this.#drainedItem = undefined;
    this.#lastItem = undefined;
    if (item === undefined) return null;
    return { itemId: item, playedSamples: this.playedSamples(item) };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    if (this.#playing) this.#advanceTo(this.#clock.now());
    this.#closed = true;
    this.#stopRun();
    this.#queue = [];
    this.#queuedSamples = 0;
    this.#soundCard?.close();
    await this.#wav?.close();
  }

  #startRun(): void {
    this.#playing = true;
    this.#runStartedAt = this.#clock.now();
    this.#runPlayed = 0;
    this.#scheduleTick();
  }

  #stopRun(): void {
    this.#playing = false;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #scheduleTick(): void {
    this.#clock.clearTimeout(this.#timer);
    this.#timer = this.#clock.setTimeout(this.#tick, this.#tickMs);
  }

  #tick = (): void => {
    this.#timer = undefined;
    if (this.#closed) return;
    if (!this.#playing) {
      // Waiting for the pre-buffer; start anyway once nothing more seems to come.
      if (this.#queuedSamples > 0) this.#startRun();
      return;
    }
    this.#advanceTo(this.#clock.now());
    if (this.#playing) this.#scheduleTick();
  };

  /** Plays every sample whose time has come by `now`. */
  #advanceTo(now: number): void {
    const due = Math.floor(((now - this.#runStartedAt) * PLAYER_SAMPLE_RATE) / 1000);
    let wanted = due - this.#runPlayed;
    while (wanted > 0 && this.#queue.length > 0) {
      const segment = this.#queue[0]!;
      const take = Math.min(wanted, segment.samples.length - segment.offset);
      const slice = segment.samples.subarray(segment.offset, segment.offset + take);
      segment.offset += take;
      wanted -= take;
      const playedAtMs = this.#runStartedAt + (this.#runPlayed * 1000) / PLAYER_SAMPLE_RATE;
      this.#runPlayed += take;
      this.#queuedSamples -= take;
      this.#output(segment.itemId, slice, playedAtMs);
      if (segment.offset >= segment.samples.length) this.#queue.shift();
    }
    if (now - this.#lastProgressAt >= PROGRESS_INTERVAL_MS && this.#lastItem !== undefined) {
      this.#lastProgressAt = now;
      this.emit('progress', { itemId: this.#lastItem, playedSamples: this.playedSamples(this.#lastItem) });
    }
    if (this.#queue.length === 0) {
      this.#stopRun();
      const item = this.#lastItem;
      if (item !== undefined) {
        this.#drainedItem = item;
        this.emit('progress', { itemId: item, playedSamples: this.playedSamples(item) });
        this.emit('drained', item);
      }
    }
  }

  #output(itemId: string, samples: Int16Array, playedAtMs: number): void {
    const before = this.#played.get(itemId) ?? 0;
    this.#played.set(itemId, before + samples.length);
    this.#lastItem = itemId;
    this.#wav?.write(samples);
    this.#soundCard?.write(samples);
    if (before === 0) this.emit('started', itemId);
    // A copy: the enqueued array belongs to the caller, and the listener may keep what it is given.
    if (this.listenerCount('played') > 0) this.emit('played', { samples: samples.slice(), playedAtMs });
  }
}
