import { findBuiltFile } from '../util/built-file.js';
import { systemClock, type Clock, type TimerHandle } from '../util/clock.js';
import { errorMessage, AppError, ConfigError, type AssistantError } from '../util/errors.js';
import { createLogger } from '../util/logger.js';
import { TypedEmitter } from '../util/typed-emitter.js';
import { forkHookHost } from './forked-hook-host-process.js';
import { describeHostExit, KeyHookError } from './hook-host-failure.js';
import type { SpawnHookHost } from './hook-host-process.js';
import { HOOK_HOST_FILE, hostArguments } from './hook-host-protocol.js';
import { describeHotkey, type Hotkey } from './hotkey.js';
import { HotkeyMatcher } from './hotkey-matcher.js';
import type { KeyHook, KeyHookEvents } from './key-hook.js';
import { detectKeyHookSupport } from './key-hook-support.js';
import { UiohookHostConnection } from './uiohook-host-connection.js';

const log = createLogger('push-to-talk');

export type UiohookKeyHookOptions = {
  platform?: NodeJS.Platform;
  /** The hook process's environment (DISPLAY, XAUTHORITY). Default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** macOS: Electron's systemPreferences.isTrustedAccessibilityClient(false). */
  accessibilityTrusted?: boolean;
  clock?: Clock;
  /** Starts the hook's process. Default child_process.fork (plain Node); main/shell passes utilityProcess. */
  spawnHost?: SpawnHookHost;
  /** The host script. Default uiohook-host.cjs next to this module, or in out/main/push-to-talk/. */
  hostScript?: string;
  /** For tests: a module the host loads instead of uiohook-napi. */
  hostModule?: string;
  /** How long the host may take to report ready. Default 15 s (a busy machine loading the addon). */
  startTimeoutMs?: number;
  /**
   * Waits before each restart of a host that died while running. One death more than there are delays
   * gives up (the `error` event). Default 250 ms, 1 s, 4 s.
   */
  restartDelaysMs?: readonly number[];
  /** A host that ran this long before dying starts the count of deaths afresh. Default 60 s. */
  stableAfterMs?: number;
  /** Wall-clock milliseconds (Date.now), to age key events the host stamped. */
  wallClock?: () => number;
};

const DEFAULT_RESTART_DELAYS_MS = [250, 1000, 4000] as const;

/** Events older than this (by the host's stamp) are taken as just arrived: the two clocks disagree. */
const MAX_EVENT_AGE_MS = 1000;

/**
 * Keys libuiohook cannot report on X11: its evdev table (uiohook-napi 1.5.5) maps X keycodes 171–174
 * (next, play/pause, previous, stop) to no key, so they arrive as keycode 0. Volume keys work.
 */
const LINUX_UNSEEN_KEYS = new Set(['MediaNextTrack', 'MediaPreviousTrack', 'MediaStop', 'MediaPlayPause']);

/**
 * Global key-down and key-up of the push-to-talk hotkey through uiohook-napi (libuiohook: XRecord on X11, a
 * low-level hook on Windows, an event tap on macOS), run in a process of its own (uiohook-host.cjs):
 * libuiohook and Xlib end their process on X errors, and that must not be the app. It does not swallow the
 * keystroke: the focused app also receives it.
 *
 * `start` resolves once the host's hook runs, or rejects with a KeyHookError whose message says why it
 * cannot: Wayland, no X display or an unreachable one, no RECORD extension, macOS without Accessibility
 * permission, a missing library. A host that dies later (an X error, killed) is restarted after a short
 * wait (restartDelaysMs), keeping the hotkey's state, so a key-up after the restart still ends the hold;
 * when it keeps dying, or a restart is refused for good (the X display is gone), the hook stops and
 * emits one `error`.
 */
export class UiohookKeyHook extends TypedEmitter<KeyHookEvents> implements KeyHook {
  readonly name = 'uiohook';
  readonly reportsKeyUp = true;
  readonly #platform: NodeJS.Platform;
  readonly #env: Readonly<Record<string, string | undefined>>;
  readonly #accessibilityTrusted: boolean | undefined;
  readonly #clock: Clock;
  readonly #spawn: SpawnHookHost;
  readonly #hostScript: string | undefined;
  readonly #hostModule: string | undefined;
  readonly #startTimeoutMs: number;
  readonly #restartDelaysMs: readonly number[];
  readonly #stableAfterMs: number;
  readonly #wallClock: () => number;
  #matcher: HotkeyMatcher | undefined;
  #connection: UiohookHostConnection | undefined;
  #connectedAtMs = 0;
  /** Deaths since the host last ran stably. */
  #deaths = 0;
  #restartTimer: TimerHandle | undefined;
  /** Bumped by start and stop: a restart that finishes after either is discarded. */
  #generation = 0;

  constructor(options: UiohookKeyHookOptions = {}) {
    super();
    this.#platform = options.platform ?? process.platform;
    this.#env = options.env ?? process.env;
    this.#accessibilityTrusted = options.accessibilityTrusted;
    this.#clock = options.clock ?? systemClock;
    this.#spawn = options.spawnHost ?? forkHookHost;
    this.#hostScript = options.hostScript;
    this.#hostModule = options.hostModule;
    this.#startTimeoutMs = options.startTimeoutMs ?? 15_000;
    this.#restartDelaysMs = options.restartDelaysMs ?? DEFAULT_RESTART_DELAYS_MS;
    this.#stableAfterMs = options.stableAfterMs ?? 60_000;
    this.#wallClock = options.wallClock ?? Date.now;
  }

  get running(): boolean {
    return this.#matcher !== undefined;
  }

  /** The hook process's id while one runs (diagnostics, tests). */
  get hostPid(): number | undefined {
    return this.#connection?.pid;
  }

  async start(hotkey: Hotkey): Promise<void> {
    if (this.running) await this.stop();
    const generation = ++this.#generation;
    const support = detectKeyHookSupport({
      platform: this.#platform,
      env: this.#env,
      ...(this.#accessibilityTrusted === undefined ? {} : { accessibilityTrusted: this.#accessibilityTrusted }),
    });
    if (!support.ok) throw new KeyHookError(support);
    if (this.#platform === 'linux' && LINUX_UNSEEN_KEYS.has(hotkey.key)) {
      throw new AppError(
        `The keyboard hook cannot see ${hotkey.key} on Linux: choose another key for hold-to-talk (e.g. F9 or RightAlt).`,
        { category: 'configuration', permanent: true, code: 'ptt_key_unsupported' },
      );
    }
    const matcher = new HotkeyMatcher(hotkey, this.#platform);
    const connection = await this.#open(matcher);
    if (generation !== this.#generation) {
      // stop() (or another start) came while this one waited for the host.
      await connection.stop();
      return;
    }
    this.#matcher = matcher;
    this.#deaths = 0;
    this.#attach(connection);
    log.info({ hotkey: describeHotkey(hotkey, this.#platform), keycode: matcher.keycode, pid: connection.pid }, 'keyboard hook started');
  }

  async stop(): Promise<void> {
    this.#generation++;
    this.#clock.clearTimeout(this.#restartTimer);
    this.#restartTimer = undefined;
    this.#matcher?.reset();
    this.#matcher = undefined;
    const connection = this.#connection;
    this.#connection = undefined;
    await connection?.stop();
  }

  #open(matcher: HotkeyMatcher): Promise<UiohookHostConnection> {
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(this.#env)) if (value !== undefined) env[key] = value;
    return UiohookHostConnection.open({
      spawn: this.#spawn,
      scriptPath: this.#hostScript ?? resolveHookHostPath(),
      args: hostArguments(matcher.watchedKeycodes, this.#hostModule),
      env,
      display: this.#env.DISPLAY,
      clock: this.#clock,
      startTimeoutMs: this.#startTimeoutMs,
      stopTimeoutMs: 2000,
    });
  }

  #attach(connection: UiohookHostConnection): void {
    this.#connection = connection;
    this.#connectedAtMs = this.#clock.now();
    connection.on('key', (event) => {
      if (connection !== this.#connection) return;
      const result = this.#matcher?.handle(event);
      if (!result) return;
      const age = event.at === undefined ? 0 : this.#wallClock() - event.at;
      const atMs = this.#clock.now() - (age > 0 && age <= MAX_EVENT_AGE_MS ? age : 0);
      this.emit(result, { atMs });
    });
    connection.on('exit', (exit, output) => {
      if (connection !== this.#connection) return;
      this.#connection = undefined;
      if (this.#clock.now() - this.#connectedAtMs >= this.#stableAfterMs) this.#deaths = 0;
      this.#died(describeHostExit(exit, output));
    });
  }

  /** The host ended while it should be running (`how`, after "it": "was killed by SIGKILL", "could not start again"). */
  #died(how: string): void {
    this.#deaths++;
    const delay = this.#restartDelaysMs[this.#deaths - 1];
    if (delay === undefined) {
      this.#giveUp(
        new AppError(
          `The keyboard hook stopped because its process kept ending (${this.#deaths} times in a row; the last time it ${how}).`,
          { category: 'application', permanent: false, code: 'ptt_hook_crashed' },
        ),
      );
      return;
    }
    log.warn({ how, attempt: this.#deaths, delayMs: delay }, 'the keyboard hook process ended; restarting it');
    const generation = this.#generation;
    this.#restartTimer = this.#clock.setTimeout(() => {
      this.#restartTimer = undefined;
      void this.#restart(generation);
    }, delay);
  }

  async #restart(generation: number): Promise<void> {
    const matcher = this.#matcher;
    if (!matcher || generation !== this.#generation) return;
    try {
      const connection = await this.#open(matcher);
      if (generation !== this.#generation) {
        await connection.stop();
        return;
      }
      this.#attach(connection);
      log.info({ pid: connection.pid, attempt: this.#deaths }, 'keyboard hook restarted');
    } catch (cause) {
      if (generation !== this.#generation) return;
      // A refusal that waiting cannot fix (the display is gone, no RECORD, no permission) ends it now; a
      // host that crashed or hung while starting counts as one more death.
      if (cause instanceof KeyHookError && cause.code !== 'ptt_hook_failed') {
        this.#giveUp(
          new AppError(`The keyboard hook stopped ${cause.reason}.`, {
            category: 'configuration',
            permanent: true,
            code: cause.code ?? 'ptt_hook_failed',
            cause,
          }),
        );
        return;
      }
      log.warn({ error: errorMessage(cause) }, 'the keyboard hook process did not start again');
      this.#died('could not start again');
    }
  }

  #giveUp(error: AssistantError): void {
    this.#generation++;
    this.#matcher?.reset();
    this.#matcher = undefined;
    this.#connection = undefined;
    log.error({ code: error.code, error: error.message }, 'keyboard hook stopped');
    this.emit('error', error);
  }
}

/**
 * Where the host script is: next to this module when running from the sources (main/push-to-talk/), and
 * out/main/push-to-talk/ when this module is bundled into out/main/<x>.js or out/main/<dir>/<x>.js (the
 * build copies it there verbatim; electron-builder unpacks it from the asar archive).
 */
export function resolveHookHostPath(moduleUrl: string | undefined = import.meta.url): string {
  const result = findBuiltFile(moduleUrl, 'push-to-talk', HOOK_HOST_FILE);
  if ('found' in result) return result.found;
  throw new ConfigError(
    `The keyboard hook's process script was not found; looked in: ${result.tried.join(', ')}. ` +
      `The build must copy main/push-to-talk/${HOOK_HOST_FILE} to out/main/push-to-talk/.`,
    { code: 'ptt_hook_missing' },
  );
}
