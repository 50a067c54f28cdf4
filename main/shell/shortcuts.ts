import type { GlobalShortcut } from 'electron';
import type { GlobalShortcutLike } from '../push-to-talk/global-shortcut-key-hook.js';
import { describeHotkey, validateHotkey } from '../push-to-talk/hotkey.js';
import { isWaylandSession } from '../push-to-talk/key-hook-support.js';
import { createLogger } from '../util/logger.js';

const log = createLogger('shortcuts');

export type ShortcutEnvironment = { platform: NodeJS.Platform; env: Readonly<Record<string, string | undefined>> };

/** "Ctrl+Shift+Space is taken by another application; choose another hotkey in Settings." */
export function shortcutTakenNote(accelerator: string, environment: ShortcutEnvironment): string {
  const parsed = validateHotkey(accelerator);
  const name = parsed.ok ? describeHotkey(parsed.hotkey, environment.platform) : accelerator;
  const wayland =
    environment.platform === 'linux' && isWaylandSession(environment.env)
      ? ' (On Wayland the desktop must also allow Hearth to use global shortcuts.)'
      : '';
  return `${name} is taken by another application; choose another hotkey in Settings.${wayland}`;
}

function normalise(accelerator: string): string {
  const parsed = validateHotkey(accelerator);
  return parsed.ok ? parsed.hotkey.accelerator : accelerator;
}

/**
 * Electron's globalShortcut as the engine's push-to-talk sees it (`GlobalShortcutLike`): the engine
 * registers the hotkey through this (main/app/assistant-app.ts runs startPushToTalk, which also falls back
 * from hold to toggle where only globalShortcut works, e.g. Wayland, and re-registers on settings changes).
 * It keeps what it registered (`unregister` releases nothing else) and remembers refusals: `register`
 * returning false means another application holds the combination, which the tray states plainly.
 */
export class ShortcutRegistry implements GlobalShortcutLike {
  readonly #shortcut: Pick<GlobalShortcut, 'register' | 'unregister'>;
  readonly #environment: ShortcutEnvironment;
  readonly #registered = new Set<string>();
  readonly #taken = new Set<string>();
  readonly #listeners = new Set<() => void>();

  constructor(globalShortcut: Pick<GlobalShortcut, 'register' | 'unregister'>, environment: ShortcutEnvironment) {
    this.#shortcut = globalShortcut;
    this.#environment = environment;
  }

  /** Throws like Electron for an accelerator it cannot parse (push-to-talk reports that). */
  register(accelerator: string, callback: () => void): boolean {
    const key = normalise(accelerator);
    const ok = this.#shortcut.register(accelerator, callback);
    if (ok) {
      this.#registered.add(accelerator);
      this.#taken.delete(key);
      log.info({ accelerator }, 'hotkey registered');
    } else {
      this.#taken.add(key);
      log.warn({ accelerator }, 'hotkey refused: another application holds it');
    }
    this.#changed();
    return ok;
  }

  unregister(accelerator: string): void {
    if (!this.#registered.delete(accelerator)) return;
    this.#shortcut.unregister(accelerator);
    this.#changed();
  }

  get registered(): readonly string[] {
    return [...this.#registered];
  }

  /** The plain note when this hotkey (as the settings spell it) was refused, else undefined. */
  takenNote(hotkey: string): string | undefined {
    return hotkey.trim() !== '' && this.#taken.has(normalise(hotkey)) ? shortcutTakenNote(hotkey, this.#environment) : undefined;
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #changed(): void {
    for (const listener of [...this.#listeners]) listener();
  }
}
