import type { Clock, TimerHandle } from '../util/clock.js';
import type { Player } from '../audio/player.js';
import { HeadlessPlayer } from '../audio/headless-player.js';
import { RendererPlayer, type PlayerPort } from '../audio/renderer-player.js';
import { PlayerRouter } from './player-router.js';

/** How often a newly attached output checks whether the reply playing elsewhere has finished. */
const OUTPUT_SWITCH_POLL_MS = 100;

/**
 * Where the assistant's voice plays: the newest window's or web client's AudioWorklet (a renderer
 * player per port), else the fallback player (default: the sound card), all behind one router.
 */
export class AudioOutputs {
  readonly router: PlayerRouter;
  readonly #clock: Clock;
  /** Truncates the reply playing now at what was heard (a window closed mid-reply). */
  readonly #interrupt: () => Promise<void>;

  private constructor(router: PlayerRouter, clock: Clock, interrupt: () => Promise<void>) {
    this.router = router;
    this.#clock = clock;
    this.#interrupt = interrupt;
  }

  static async create(options: { fallback?: Player; clock: Clock; interrupt: () => Promise<void> }): Promise<AudioOutputs> {
    const fallback = options.fallback ?? (await HeadlessPlayer.create({ soundCard: true }));
    return new AudioOutputs(new PlayerRouter(fallback), options.clock, options.interrupt);
  }

  /** Plays the assistant's audio through this port (a window's or web client's worklet). */
  attachPort(port: PlayerPort, options: { onPlayer?: (player: Player) => void } = {}): () => void {
    const router = this.router;
    const player = new RendererPlayer(port);
    options.onPlayer?.(player);
    let detach: (() => void) | undefined;
    let gone = false;
    let wait: TimerHandle | undefined;
    // Switching outputs mid-reply would cut it without the server learning what was heard: a new
    // output takes over once the reply playing now has finished (or been interrupted).
    const takeOverAtRest = () => {
      wait = undefined;
      if (gone) return;
      if (router.isPlaying) wait = this.#clock.setTimeout(takeOverAtRest, OUTPUT_SWITCH_POLL_MS);
      else detach = router.attach(player);
    };
    takeOverAtRest();
    return () => {
      if (gone) return;
      gone = true;
      this.#clock.clearTimeout(wait);
      void (async () => {
        // A window closed mid-reply: truncate at what it played, so the model knows what was heard.
        if (router.current === player && player.isPlaying) await this.#interrupt().catch(() => undefined);
        detach?.();
        await player.close();
      })();
    };
  }

  close(): Promise<void> {
    return this.router.close();
  }
}
