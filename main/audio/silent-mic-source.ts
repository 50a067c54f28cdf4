import { TypedEmitter } from '../util/typed-emitter.js';
import type { MicSource, MicSourceEvents, MicStatus } from './mic-source.js';

/** No microphone at all: for a headless run driven only by typed text. */
export class SilentMicSource extends TypedEmitter<MicSourceEvents> implements MicSource {
  #status: MicStatus = 'stopped';

  get status(): MicStatus {
    return this.#status;
  }

  readonly muted = false;

  async setMuted(): Promise<void> {}

  async start(): Promise<void> {
    this.#status = 'running';
    this.emit('status', 'running');
  }

  async stop(): Promise<void> {
    this.#status = 'stopped';
    this.emit('status', 'stopped');
  }
}
