import { TypedEmitter } from '../../main/util/typed-emitter.js';
import { MIC_FRAME_SAMPLES, type MicSource, type MicSourceEvents, type MicStatus } from '../../main/audio/mic-source.js';

/** A microphone the test pushes frames into; timestamps advance 32 ms per frame. */
export class FakeMicSource extends TypedEmitter<MicSourceEvents> implements MicSource {
  status: MicStatus = 'stopped';
  muted = false;
  #nextMs = 0;

  async start(): Promise<void> {
    this.status = 'running';
    this.emit('status', 'running');
  }

  async stop(): Promise<void> {
    this.status = 'stopped';
    this.emit('status', 'stopped');
  }

  async setMuted(muted: boolean): Promise<void> {
    this.muted = muted;
  }

  /** Pushes one frame of these samples (a room simulation's microphone). */
  pushSamples(samples: Int16Array): void {
    if (this.muted) return;
    this.emit('frame', { samples, timestampMs: this.#nextMs });
    this.#nextMs += (samples.length * 1000) / 16_000;
  }

  /** Pushes frames whose samples all equal `value` (handy to trace which frames were sent). */
  push(count: number, value: (index: number) => number = () => 0): number[] {
    const stamps: number[] = [];
    for (let i = 0; i < count; i++) {
      if (this.muted) continue;
      const samples = new Int16Array(MIC_FRAME_SAMPLES).fill(value(i));
      stamps.push(this.#nextMs);
      this.emit('frame', { samples, timestampMs: this.#nextMs });
      this.#nextMs += 32;
    }
    return stamps;
  }
}
