import { TypedEmitter } from '../util/typed-emitter.js';
import type { MicSource, MicSourceEvents, MicStatus } from '../audio/mic-source.js';

const FORWARDED: ReadonlyArray<keyof MicSourceEvents> = ['frame', 'status', 'error', 'end', 'level'];

/**
 * A microphone whose device can change while the app runs (settings): the controller keeps one
 * MicSource; this one swaps the real source underneath and keeps mute across the swap.
 */
export class SwitchableMicSource extends TypedEmitter<MicSourceEvents> implements MicSource {
  #current: MicSource;
  #offs: Array<() => void> = [];
  #started = false;
  #muted: boolean;

  constructor(initial: MicSource) {
    super();
    this.#current = initial;
    this.#muted = initial.muted;
    this.#follow(initial);
  }

  get status(): MicStatus {
    return this.#current.status;
  }

  get muted(): boolean {
    return this.#muted;
  }

  async start(): Promise<void> {
    this.#started = true;
    await this.#current.start();
  }

  async stop(): Promise<void> {
    this.#started = false;
    await this.#current.stop();
  }

  async setMuted(muted: boolean): Promise<void> {
    this.#muted = muted;
    await this.#current.setMuted(muted);
  }

  /** Stops the old source and starts the new one in its place. */
  async replace(next: MicSource): Promise<void> {
    const previous = this.#current;
    this.#current = next;
    this.#follow(next);
    await previous.stop();
    await next.setMuted(this.#muted);
    if (this.#started) await next.start();
  }

  #follow(source: MicSource): void {
    for (const off of this.#offs) off();
    this.#offs = FORWARDED.map((event) =>
      source.on(event, ((...args: never[]) => (this.emit as (e: keyof MicSourceEvents, ...a: never[]) => void)(event, ...args)) as never),
    );
  }
}
