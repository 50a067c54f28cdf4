import { systemClock, type Clock } from '../util/clock.js';
import { errorMessage, AppError, ConfigError } from '../util/errors.js';
import { TypedEmitter } from '../util/typed-emitter.js';
import type { Hotkey } from './hotkey.js';
import type { KeyHook, KeyHookEvents } from './key-hook.js';

/** The part of Electron's `globalShortcut` used here; main/shell passes the real one. */
export type GlobalShortcutLike = {
  register(accelerator: string, callback: () => void): boolean;
  unregister(accelerator: string): void;
};

/**
 * Push-to-talk through Electron's globalShortcut: it fires on key-down only (no key-up, and it may repeat
 * while the key is held), so the hotkey can only toggle. Unlike the uiohook hook it swallows the keystroke,
 * so the focused app does not also receive it.
 */
export class GlobalShortcutKeyHook extends TypedEmitter<KeyHookEvents> implements KeyHook {
  readonly name = 'globalShortcut';
  readonly reportsKeyUp = false;
  readonly #shortcut: GlobalShortcutLike;
  readonly #clock: Clock;
  #accelerator: string | undefined;

  constructor(globalShortcut: GlobalShortcutLike, options: { clock?: Clock } = {}) {
    super();
    this.#shortcut = globalShortcut;
    this.#clock = options.clock ?? systemClock;
  }

  get running(): boolean {
    return this.#accelerator !== undefined;
  }

  async start(hotkey: Hotkey): Promise<void> {
    if (this.#accelerator !== undefined) await this.stop();
    if (hotkey.hookOnly) {
      throw new ConfigError(
        `${hotkey.key} on its own cannot be a global shortcut (only the keyboard hook can watch a single modifier key): ` +
          `choose a hotkey such as CommandOrControl+Shift+Space.`,
        { code: 'ptt_shortcut_unsupported_key' },
      );
    }
    let registered: boolean;
    try {
      registered = this.#shortcut.register(hotkey.accelerator, () => this.emit('down', { atMs: this.#clock.now() }));
    } catch (cause) {
      throw new ConfigError(`The hotkey ${hotkey.accelerator} could not be registered: ${errorMessage(cause)}`, {
        code: 'ptt_shortcut_invalid',
        cause,
      });
    }
    if (!registered) {
      throw new AppError(
        `The hotkey ${hotkey.accelerator} could not be registered: another application already uses it, or the desktop does ` +
          `not allow global shortcuts (Wayland needs the GlobalShortcuts portal). Choose another hotkey.`,
        { category: 'configuration', permanent: true, code: 'ptt_shortcut_taken' },
      );
    }
    this.#accelerator = hotkey.accelerator;
  }

  async stop(): Promise<void> {
    const accelerator = this.#accelerator;
    this.#accelerator = undefined;
    if (accelerator !== undefined) this.#shortcut.unregister(accelerator);
  }
}
