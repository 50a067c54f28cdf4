import { TypedEmitter } from '../../main/util/typed-emitter.js';
import { AppError } from '../../main/util/errors.js';
import type { MicSource, MicSourceEvents, MicStatus } from '../../main/audio/mic-source.js';
import type { EchoStats, PlayedAudio } from '../../main/audio/echo/echo-types.js';
import type { EchoCanceller } from '../../main/app/echo-control.js';

/**
 * Stands in for main/audio/echo's EchoCancellingMicSource in unit tests: passes the wrapped
 * microphone through unchanged (or with `transform` applied while enabled), and records what the app
 * asked of it.
 */
export class FakeEchoCanceller extends TypedEmitter<MicSourceEvents> implements EchoCanceller {
  readonly played: PlayedAudio[] = [];
  readonly enabledCalls: boolean[] = [];
  enabled = false;
  readonly #mic: MicSource;
  readonly #offs: Array<() => void>;

  constructor(mic: MicSource) {
    super();
    this.#mic = mic;
    this.#offs = [
      mic.on('frame', (frame) => this.emit('frame', frame)),
      mic.on('status', (status) => this.emit('status', status)),
      mic.on('error', (error) => this.emit('error', error)),
      mic.on('level', (level) => this.emit('level', level)),
      mic.on('end', () => this.emit('end')),
    ];
  }

  get status(): MicStatus {
    return this.#mic.status;
  }

  get muted(): boolean {
    return this.#mic.muted;
  }

  start(): Promise<void> {
    return this.#mic.start();
  }

  stop(): Promise<void> {
    return this.#mic.stop();
  }

  setMuted(muted: boolean): Promise<void> {
    return this.#mic.setMuted(muted);
  }

  pushPlayed(audio: PlayedAudio): void {
    this.played.push(audio);
  }

  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
    this.enabledCalls.push(enabled);
  }

  stats(): EchoStats {
    return { enabled: this.enabled, delayMs: null, erleDb: null, framesProcessed: 0, meanProcessMs: 0 };
  }

  /** The canceller's worker died: it says so the way the real one does (an `echo_*` error). */
  fail(): void {
    this.enabled = false;
    this.emit(
      'error',
      new AppError('The echo canceller stopped.', { category: 'application', permanent: false, code: 'echo_worker_failed' }),
    );
  }

  dispose(): void {
    for (const off of this.#offs) off();
  }
}
