import { MIC_SAMPLE_RATE } from '../audio/mic-source.js';
import { PLAYER_SAMPLE_RATE } from '../audio/player.js';
import { AudioBatcher } from '../audio/audio-batcher.js';
import { StreamResampler } from '../audio/resampler.js';
import { int16ToBase64 } from '../audio/pcm.js';

/** Server-side appends of at least 20 ms (the socket is not flooded with 32 ms frames split in two). */
const MIN_APPEND_SAMPLES = (20 * PLAYER_SAMPLE_RATE) / 1000;
/** Audio captured while connecting that is kept for the server; older audio is dropped. */
const MAX_HELD_MS = 20_000;

/**
 * The microphone's way to the server: 16 kHz frames resampled to the API's 24 kHz, batched into
 * `input_audio_buffer.append` payloads, and held (up to 20 s, oldest dropped) until the session is
 * configured, so no audio reaches a session with default instructions and tools.
 */
export class InputAudio {
  readonly #resampler: StreamResampler;
  readonly #batcher = new AudioBatcher(MIN_APPEND_SAMPLES);
  readonly #append: (base64: string) => void;
  #held: Int16Array[] = [];
  #heldSamples = 0;

  private constructor(resampler: StreamResampler, append: (base64: string) => void) {
    this.#resampler = resampler;
    this.#append = append;
  }

  /** `append` sends one `input_audio_buffer.append` with this base64 audio. */
  static async create(append: (base64: string) => void): Promise<InputAudio> {
    return new InputAudio(await StreamResampler.create(MIC_SAMPLE_RATE, PLAYER_SAMPLE_RATE, 'fastest'), append);
  }

  /** Keeps a frame until `release()`: the session is not configured yet. */
  hold(samples16k: Int16Array): void {
    this.#held.push(samples16k);
    this.#heldSamples += samples16k.length;
    while (this.#heldSamples > (MAX_HELD_MS * MIC_SAMPLE_RATE) / 1000 && this.#held.length > 1) {
      this.#heldSamples -= this.#held.shift()!.length;
    }
  }

  /** Sends what was held, in order. */
  release(): void {
    if (this.#held.length === 0) return;
    const frames = this.#held;
    this.#held = [];
    this.#heldSamples = 0;
    for (const frame of frames) this.send(frame);
  }

  /** Sends a frame (after anything still held). */
  send(samples16k: Int16Array): void {
    this.release();
    const batch = this.#batcher.push(this.#resampler.process(samples16k));
    if (batch) this.#append(int16ToBase64(batch));
  }

  /** Sends the partial batch now: the turn ends (push-to-talk release). */
  flush(): void {
    const batch = this.#batcher.flush();
    if (batch) this.#append(int16ToBase64(batch));
  }

  /** Forgets held and batched audio (the conversation is reset). */
  clear(): void {
    this.#held = [];
    this.#heldSamples = 0;
    this.#batcher.flush();
  }

  dispose(): void {
    this.#resampler.dispose();
  }
}
