import { TypedEmitter } from '../util/typed-emitter.js';
import { createLogger } from '../util/logger.js';
import type { PlaybackPosition, Player, PlayerEvents } from '../audio/player.js';

const log = createLogger('player');

const FORWARDED: ReadonlyArray<keyof PlayerEvents> = ['started', 'progress', 'drained', 'underrun', 'played'];

/**
 * The app's player: the newest attached window's (or web client's) AudioWorklet, and a fallback
 * player (the sound card through the headless player) when none is attached, so the assistant never
 * waits on a window that is gone. Switching flushes what the old one was playing.
 */
export class PlayerRouter extends TypedEmitter<PlayerEvents> implements Player {
  #current: Player;
  readonly #fallback: Player;
  /** Attached outputs, oldest first; the newest plays. */
  #attached: Player[] = [];
  #offs: Array<() => void> = [];

  constructor(fallback: Player) {
    super();
    this.#fallback = fallback;
    this.#current = fallback;
    this.#follow(fallback);
  }

  get isPlaying(): boolean {
    return this.#current.isPlaying;
  }

  /** The output playing now. */
  get current(): Player {
    return this.#current;
  }

  get usingFallback(): boolean {
    return this.#current === this.#fallback;
  }

  /**
   * Plays through `player` until the returned function is called; then through the output attached
   * before it that is still there (another window or tab), or the fallback.
   */
  attach(player: Player): () => void {
    this.#attached.push(player);
    void this.#switchTo(player);
    return () => {
      this.#attached = this.#attached.filter((p) => p !== player);
      if (this.#current === player) void this.#switchTo(this.#attached.at(-1) ?? this.#fallback);
    };
  }

  /**
   * The conversation's owner (a web page whose wake word fired) plays the reply: `player` becomes the
   * output if it is attached and nothing is playing now (a reply is never cut to move it).
   */
  prefer(player: Player): void {
    if (!this.#attached.includes(player) || this.#current === player || this.#current.isPlaying) return;
    this.#attached = [...this.#attached.filter((p) => p !== player), player];
    void this.#switchTo(player);
  }

  enqueue(itemId: string, pcm16: Int16Array): void {
    this.#current.enqueue(itemId, pcm16);
  }

  flush(): Promise<PlaybackPosition | null> {
    return this.#current.flush();
  }

  playedSamples(itemId: string): number {
    return this.#current.playedSamples(itemId);
  }

  async close(): Promise<void> {
    for (const off of this.#offs) off();
    await this.#current.close();
    if (this.#current !== this.#fallback) await this.#fallback.close();
  }

  async #switchTo(next: Player): Promise<void> {
    if (next === this.#current) return;
    const previous = this.#current;
    this.#current = next;
    this.#follow(next);
    log.info({ fallback: next === this.#fallback }, 'audio output switched');
    if (previous.isPlaying) {
      await previous.flush();
      // The assistant's reply was cut by the switch: let the session see the output as drained.
      this.emit('drained', '');
    }
  }

  #follow(player: Player): void {
    for (const off of this.#offs) off();
    this.#offs = FORWARDED.map((event) =>
      player.on(event, ((...args: never[]) => {
        if (this.#current === player) (this.emit as (e: keyof PlayerEvents, ...a: never[]) => void)(event, ...args);
      }) as never),
    );
  }
}
