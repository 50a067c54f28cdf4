import { TypedEmitter } from '../util/typed-emitter.js';
import { systemClock, type Clock, type TimerHandle } from '../util/clock.js';
import { toAssistantError } from '../util/errors.js';
import { MIC_FRAME_MS, MIC_FRAME_SAMPLES, MIC_SAMPLE_RATE, type MicSource, type MicSourceEvents, type MicStatus } from './mic-source.js';
import { samplesToMs } from './pcm.js';
import { readWavFile } from './wav.js';
import { resampleClip } from './resampler.js';

export type WavFileMicSourceOptions = {
  path: string;
  clock?: Clock;
  /** 1 = real time (default); higher plays faster, for tests whose peers work in stream time. */
  speed?: number;
  /** Keep delivering silence after the file ends, as a live microphone would (default true). */
  silenceAfterEnd?: boolean;
};

/**
 * A microphone that plays a WAV file in real time, in the same 16 kHz 512-sample frames as
 * PvRecorder, followed by silence. Used by the headless runner and the tests.
 */
export class WavFileMicSource extends TypedEmitter<MicSourceEvents> implements MicSource {
  #status: MicStatus = 'stopped';
  #samples: Int16Array | undefined;
  #frameIndex = 0;
  #startedAt = 0;
  #timer: TimerHandle | undefined;
  #ended = false;
  #muted = false;
  readonly #clock: Clock;
  readonly #options: WavFileMicSourceOptions;

  constructor(options: WavFileMicSourceOptions) {
    super();
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
  }

  get status(): MicStatus {
    return this.#status;
  }

  get muted(): boolean {
    return this.#muted;
  }

  /** While muted the file keeps its place in time but delivers nothing, as a stopped microphone would. */
  async setMuted(muted: boolean): Promise<void> {
    this.#muted = muted;
  }

  /** Duration of the file itself, known after `load()` or `start()`. */
  get durationMs(): number {
    return this.#samples ? samplesToMs(this.#samples.length, MIC_SAMPLE_RATE) : 0;
  }

  /** Reads and converts the file; throws a ConfigError with one clear message if it cannot. */
  async load(): Promise<void> {
    if (this.#samples) return;
    const wav = await readWavFile(this.#options.path);
    this.#samples = await resampleClip(wav.samples, wav.sampleRate, MIC_SAMPLE_RATE);
  }

  async start(): Promise<void> {
    if (this.#status === 'running') return;
    this.#setStatus('starting');
    try {
      await this.load();
    } catch (error) {
      this.#setStatus('error');
      throw toAssistantError(error, 'mic');
    }
    this.#frameIndex = 0;
    this.#ended = false;
    this.#startedAt = this.#clock.now();
    this.#setStatus('running');
    this.#tick();
  }

  async stop(): Promise<void> {
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#status !== 'stopped') this.#setStatus('stopped');
  }

  #tick = (): void => {
    if (this.#status !== 'running') return;
    const speed = this.#options.speed ?? 1;
    const elapsed = (this.#clock.now() - this.#startedAt) * speed;
    // Deliver every frame whose end time has passed, so timer lateness never loses audio.
    while ((this.#frameIndex + 1) * MIC_FRAME_MS <= elapsed && this.#status === 'running') {
      if (!this.#deliverFrame()) return;
    }
    const nextDue = ((this.#frameIndex + 1) * MIC_FRAME_MS) / speed + this.#startedAt;
    this.#timer = this.#clock.setTimeout(this.#tick, Math.max(1, nextDue - this.#clock.now()));
  };

  #deliverFrame(): boolean {
    const samples = this.#samples!;
    const start = this.#frameIndex * MIC_FRAME_SAMPLES;
    const frame = new Int16Array(MIC_FRAME_SAMPLES);
    if (start < samples.length) frame.set(samples.subarray(start, Math.min(start + MIC_FRAME_SAMPLES, samples.length)));
    const timestampMs = this.#frameIndex * MIC_FRAME_MS;
    this.#frameIndex++;
    if (!this.#muted) this.emit('frame', { samples: frame, timestampMs });
    if (!this.#ended && start + MIC_FRAME_SAMPLES >= samples.length) {
      this.#ended = true;
      this.emit('end');
      if (this.#options.silenceAfterEnd === false) {
        void this.stop();
        return false;
      }
    }
    return true;
  }

  #setStatus(status: MicStatus): void {
    this.#status = status;
    this.emit('status', status);
  }
}
