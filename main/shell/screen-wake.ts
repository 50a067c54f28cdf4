import { execFile } from 'node:child_process';
import type { PowerSaveBlocker } from 'electron';
import type { StatusView } from '../../preload/contract/types.js';
import { isWaylandSession } from '../push-to-talk/key-hook-support.js';
import { createLogger } from '../util/logger.js';
import { isConversationActive } from './tray-model.js';

const log = createLogger('screen');

export type Command = { command: string; args: string[] };

/**
 * How to switch a sleeping display back on when the wake word is heard, per OS:
 *
 * - Linux X11: `xset dpms force on` and `xset s reset` (package x11-xserver-utils); on Wayland there is no
 *   portable command, so only the power-save blocker applies (the screen stays on during a conversation,
 *   but one that is already off stays off until touched).
 * - macOS: `caffeinate -u -t 2` declares user activity, which wakes the display.
 * - Windows: no command; the blocker starts with the conversation, and `prevent-display-sleep` is
 *   SetThreadExecutionState(ES_DISPLAY_REQUIRED), which "forces the display to be on by resetting the display
 *   idle timer" (usually switching a display that timed out back on; not out of Modern Standby).
 */
export function wakeDisplayCommands(platform: NodeJS.Platform, env: Readonly<Record<string, string | undefined>>): Command[] {
  switch (platform) {
    case 'linux':
      if (isWaylandSession(env) || (env.DISPLAY ?? '') === '') return [];
      return [
        { command: 'xset', args: ['dpms', 'force', 'on'] },
        { command: 'xset', args: ['s', 'reset'] },
      ];
    case 'darwin':
      return [{ command: 'caffeinate', args: ['-u', '-t', '2'] }];
    default:
      return [];
  }
}

export type RunCommand = (command: Command) => Promise<void>;

export const runCommand: RunCommand = ({ command, args }) =>
  new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 3000, windowsHide: true }, (error) => (error ? reject(error) : resolve()));
  });

export type ScreenKeeperDeps = {
  powerSaveBlocker: Pick<PowerSaveBlocker, 'start' | 'stop' | 'isStarted'>;
  platform: NodeJS.Platform;
  env: Readonly<Record<string, string | undefined>>;
  /** Wake the display on the wake word only in kiosk mode (a desk PC's screen is the user's business). */
  kiosk: () => boolean;
  run?: RunCommand;
};

/**
 * Keeps the screen on while a conversation is active (`prevent-display-sleep`, released at rest: idle,
 * listening for the wake word, error) and, in kiosk mode, wakes the display when a conversation starts.
 */
export class ScreenKeeper {
  readonly #deps: ScreenKeeperDeps;
  readonly #run: RunCommand;
  #blockerId: number | undefined;
  #active = false;
  /** Commands found missing (ENOENT) are not tried again. */
  readonly #missing = new Set<string>();

  constructor(deps: ScreenKeeperDeps) {
    this.#deps = deps;
    this.#run = deps.run ?? runCommand;
  }

  get blocking(): boolean {
    return this.#blockerId !== undefined;
  }

  onStatus(status: StatusView): void {
    const active = isConversationActive(status.state);
    if (active === this.#active) return;
    this.#active = active;
    if (active) {
      this.#block();
      if (this.#deps.kiosk()) void this.wakeDisplay();
    } else {
      this.#release();
    }
  }

  async wakeDisplay(): Promise<void> {
    for (const command of wakeDisplayCommands(this.#deps.platform, this.#deps.env)) {
      if (this.#missing.has(command.command)) continue;
      try {
        await this.#run(command);
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (code === 'ENOENT') {
          this.#missing.add(command.command);
          log.info({ command: command.command }, 'not installed: the display is kept on by the power-save blocker only');
        } else {
          log.warn({ err: error, command: command.command }, 'waking the display failed');
        }
      }
    }
  }

  dispose(): void {
    this.#release();
    this.#active = false;
  }

  #block(): void {
    if (this.#blockerId !== undefined && this.#deps.powerSaveBlocker.isStarted(this.#blockerId)) return;
    this.#blockerId = this.#deps.powerSaveBlocker.start('prevent-display-sleep');
  }

  #release(): void {
    if (this.#blockerId === undefined) return;
    if (this.#deps.powerSaveBlocker.isStarted(this.#blockerId)) this.#deps.powerSaveBlocker.stop(this.#blockerId);
    this.#blockerId = undefined;
  }
}
