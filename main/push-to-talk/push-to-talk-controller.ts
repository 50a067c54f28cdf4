import { systemClock, type Clock, type TimerHandle } from '../util/clock.js';
import { createLogger } from '../util/logger.js';
import { TypedEmitter } from '../util/typed-emitter.js';
import type { KeyHook } from './key-hook.js';
import {
  INITIAL_PUSH_TO_TALK,
  pushToTalkTransition,
  type PushToTalkCommand,
  type PushToTalkConfig,
  type PushToTalkEvent,
  type PushToTalkMode,
  type PushToTalkPhase,
  type PushToTalkSnapshot,
} from './push-to-talk-machine.js';

const log = createLogger('push-to-talk');

export type PushToTalkControllerEvents = {
  command: [command: PushToTalkCommand];
};

/**
 * Runs the pure push-to-talk machine: feeds it key events (from a KeyHook or by hand), owns the max-hold
 * timer, and emits the machine's commands. The lead maps `start` → `trigger { source: 'push-to-talk' }`
 * (turn detection off when `hold`), `release` → `ptt_released`, `stop` → `stop`, and calls `turnEnded()`
 * whenever the lifecycle machine leaves the user's turn for another reason.
 */
export class PushToTalkController extends TypedEmitter<PushToTalkControllerEvents> {
  #config: PushToTalkConfig;
  readonly #clock: Clock;
  #snapshot: PushToTalkSnapshot = INITIAL_PUSH_TO_TALK;
  #timer: TimerHandle | undefined;
  #detach: (() => void) | undefined;
  #disposed = false;

  constructor(config: PushToTalkConfig, clock: Clock = systemClock) {
    super();
    this.#config = { ...config };
    this.#clock = clock;
  }

  get config(): PushToTalkConfig {
    return this.#config;
  }

  get phase(): PushToTalkPhase {
    return this.#snapshot.phase;
  }

  get snapshot(): PushToTalkSnapshot {
    return this.#snapshot;
  }

  /** Listens to a hook's down/up events (one hook at a time); returns a detach function. */
  attach(hook: KeyHook): () => void {
    this.#detach?.();
    const offs = [hook.on('down', ({ atMs }) => this.keyDown(atMs)), hook.on('up', ({ atMs }) => this.keyUp(atMs))];
    const detach = (): void => {
      for (const off of offs) off();
      if (this.#detach === detach) this.#detach = undefined;
    };
    this.#detach = detach;
    return detach;
  }

  /** Stops following the attached hook (timers keep running). */
  detach(): void {
    this.#detach?.();
  }

  /**
   * Follows another key source from now on, in `mode` (the run-time fallback when the keyboard hook
   * stops). A turn held down with the old source becomes latched: its key-up can no longer be seen, so
   * the next press sends it (the max-hold limit still applies), and `latch` says so.
   */
  switchSource(hook: KeyHook, mode: PushToTalkMode): void {
    this.#config = { ...this.#config, mode, keyUp: hook.reportsKeyUp };
    if (this.#snapshot.phase === 'holding' && !hook.reportsKeyUp) {
      this.#snapshot = { ...this.#snapshot, phase: 'latched', keyDown: false };
      this.emit('command', { type: 'latch' });
    } else {
      this.#snapshot = { ...this.#snapshot, keyDown: false };
    }
    this.attach(hook);
  }

  keyDown(atMs: number = this.#clock.now()): void {
    this.#dispatch({ type: 'key_down', atMs });
  }

  keyUp(atMs: number = this.#clock.now()): void {
    this.#dispatch({ type: 'key_up', atMs });
  }

  /** The lifecycle machine is no longer taking the user's turn (VAD committed it, stop, error). */
  turnEnded(): void {
    this.#dispatch({ type: 'turn_ended' });
  }

  /** Detaches, cancels the timer, and goes quiet. Emits nothing: the caller decides what to do with an open turn. */
  dispose(): void {
    this.#disposed = true;
    this.#detach?.();
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#snapshot = INITIAL_PUSH_TO_TALK;
  }

  #dispatch(event: PushToTalkEvent): void {
    if (this.#disposed) return;
    const { snapshot, effects } = pushToTalkTransition(this.#snapshot, event, this.#config);
    this.#snapshot = snapshot;
    for (const effect of effects) {
      switch (effect.type) {
        case 'start-max-hold-timer':
          this.#clock.clearTimeout(this.#timer);
          this.#timer = this.#clock.setTimeout(() => {
            this.#timer = undefined;
            this.#dispatch({ type: 'max_hold_elapsed' });
          }, effect.ms);
          break;
        case 'cancel-max-hold-timer':
          this.#clock.clearTimeout(this.#timer);
          this.#timer = undefined;
          break;
        default:
          if (effect.type === 'stop') log.warn({ reason: effect.reason, maxHoldMs: this.#config.maxHoldMs }, 'push-to-talk turn stopped');
          else log.debug({ command: effect.type }, 'push-to-talk');
          this.emit('command', effect);
      }
    }
  }
}
