import { createRequire } from 'node:module';
import { systemClock, type Clock } from '../util/clock.js';
import { AppError } from '../util/errors.js';
import { createLogger } from '../util/logger.js';
import { TypedEmitter } from '../util/typed-emitter.js';
import { describeHotkey, type Hotkey } from './hotkey.js';
import { HotkeyMatcher, type RawKeyEvent } from './hotkey-matcher.js';
import type { KeyHook, KeyHookEvents } from './key-hook.js';
import { detectKeyHookSupport, probeUiohook, type KeyHookSupport } from './key-hook-support.js';

const log = createLogger('push-to-talk');

/** A uiohook-napi keyboard event (the fields used). */
export type UiohookKeyboardEventLike = { keycode: number; ctrlKey: boolean; altKey: boolean; shiftKey: boolean; metaKey: boolean };

/** The part of uiohook-napi's `uIOhook` singleton used here. */
export type UiohookLike = {
  on(event: 'keydown' | 'keyup', listener: (e: UiohookKeyboardEventLike) => void): unknown;
  off(event: 'keydown' | 'keyup', listener: (e: UiohookKeyboardEventLike) => void): unknown;
  start(): void;
  stop(): void;
};

export type UiohookKeyHookOptions = {
  platform?: NodeJS.Platform;
  /** Default process.env. The native hook itself reads the real process environment (DISPLAY). */
  env?: Readonly<Record<string, string | undefined>>;
  /** macOS: Electron's systemPreferences.isTrustedAccessibilityClient(false). */
  accessibilityTrusted?: boolean;
  clock?: Clock;
  /** Loads uiohook-napi's `uIOhook`. Default: require('uiohook-napi'). */
  load?: () => UiohookLike;
  /**
   * Linux pre-flight, run before the native hook starts in this process (libuiohook aborts the process when
   * it cannot open the display). Default probeUiohook in a child process; false skips it.
   */
  probe?: ((env: Readonly<Record<string, string | undefined>>) => Promise<KeyHookSupport>) | false;
};

/**
 * Keys libuiohook cannot report on X11: its evdev table (uiohook-napi 1.5.5) maps X keycodes 171–174
 * (next, play/pause, previous, stop) to no key, so they arrive as keycode 0. Volume keys work.
 */
const LINUX_UNSEEN_KEYS = new Set(['MediaNextTrack', 'MediaPreviousTrack', 'MediaStop', 'MediaPlayPause']);

/** uiohook-napi's hook is one per process: instances share it and start/stop it by reference count. */
let nativeUsers = 0;

/**
 * Global key-down and key-up of the push-to-talk hotkey through uiohook-napi (libuiohook: XRecord on X11, a
 * low-level hook on Windows, an event tap on macOS). It does not swallow the keystroke: the focused app also
 * receives it. `start` rejects with an AppError whose message says why it cannot run: Wayland, no X display
 * or an unreachable one, no RECORD extension, macOS without Accessibility permission, a missing library.
 */
export class UiohookKeyHook extends TypedEmitter<KeyHookEvents> implements KeyHook {
  readonly name = 'uiohook';
  readonly reportsKeyUp = true;
  readonly #platform: NodeJS.Platform;
  readonly #env: Readonly<Record<string, string | undefined>>;
  readonly #accessibilityTrusted: boolean | undefined;
  readonly #clock: Clock;
  readonly #load: () => UiohookLike;
  readonly #probe: UiohookKeyHookOptions['probe'];
  #hook: UiohookLike | undefined;
  #matcher: HotkeyMatcher | undefined;
  #listeners: { down: (e: UiohookKeyboardEventLike) => void; up: (e: UiohookKeyboardEventLike) => void } | undefined;

  constructor(options: UiohookKeyHookOptions = {}) {
    super();
    this.#platform = options.platform ?? process.platform;
    this.#env = options.env ?? process.env;
    this.#accessibilityTrusted = options.accessibilityTrusted;
    this.#clock = options.clock ?? systemClock;
    this.#load = options.load ?? loadUiohook;
    this.#probe = options.probe ?? ((env) => probeUiohook({ env }));
  }

  get running(): boolean {
    return this.#listeners !== undefined;
  }

  async start(hotkey: Hotkey): Promise<void> {
    if (this.running) await this.stop();
    const support = detectKeyHookSupport({
      platform: this.#platform,
      env: this.#env,
      ...(this.#accessibilityTrusted === undefined ? {} : { accessibilityTrusted: this.#accessibilityTrusted }),
    });
    if (!support.ok) throw hookError(support);
    if (this.#platform === 'linux' && LINUX_UNSEEN_KEYS.has(hotkey.key)) {
      throw new AppError(
        `The keyboard hook cannot see ${hotkey.key} on Linux: choose another key for hold-to-talk (e.g. F9 or RightAlt).`,
        {
          category: 'configuration',
          permanent: true,
          code: 'ptt_key_unsupported',
        },
      );
    }
    if (this.#platform === 'linux' && this.#probe && nativeUsers === 0) {
      const probed = await this.#probe(this.#env);
      if (!probed.ok) throw hookError(probed);
    }
    let hook: UiohookLike;
    try {
      hook = this.#load();
    } catch (cause) {
      throw new AppError(`The keyboard hook (uiohook-napi) could not be loaded: ${message(cause)}`, {
        category: 'configuration',
        permanent: true,
        code: 'ptt_hook_failed',
        cause,
      });
    }
    const matcher = new HotkeyMatcher(hotkey, this.#platform);
    const forward = (type: 'down' | 'up') => (e: UiohookKeyboardEventLike) => {
      const raw: RawKeyEvent = { type, keycode: e.keycode, ctrlKey: e.ctrlKey, altKey: e.altKey, shiftKey: e.shiftKey, metaKey: e.metaKey };
      const result = matcher.handle(raw);
      if (result) this.emit(result, { atMs: this.#clock.now() });
    };
    const listeners = { down: forward('down'), up: forward('up') };
    hook.on('keydown', listeners.down);
    hook.on('keyup', listeners.up);
    if (nativeUsers === 0) {
      try {
        hook.start();
      } catch (cause) {
        hook.off('keydown', listeners.down);
        hook.off('keyup', listeners.up);
        throw startError(cause);
      }
    }
    nativeUsers++;
    this.#hook = hook;
    this.#matcher = matcher;
    this.#listeners = listeners;
    log.info({ hotkey: describeHotkey(hotkey, this.#platform), keycode: matcher.keycode }, 'keyboard hook started');
  }

  async stop(): Promise<void> {
    const hook = this.#hook;
    const listeners = this.#listeners;
    if (!hook || !listeners) return;
    this.#hook = undefined;
    this.#listeners = undefined;
    this.#matcher?.reset();
    this.#matcher = undefined;
    hook.off('keydown', listeners.down);
    hook.off('keyup', listeners.up);
    nativeUsers = Math.max(0, nativeUsers - 1);
    if (nativeUsers === 0) {
      try {
        hook.stop();
      } catch (cause) {
        log.warn({ error: message(cause) }, 'keyboard hook did not stop cleanly');
      }
    }
  }
}

function loadUiohook(): UiohookLike {
  const require = createRequire(import.meta.url);
  return (require('uiohook-napi') as { uIOhook: UiohookLike }).uIOhook;
}

function hookError(support: Extract<KeyHookSupport, { ok: false }>): AppError {
  return new AppError(support.message, { category: 'configuration', permanent: true, code: support.code });
}

/** uiohook-napi throws errors with a `code` such as UIOHOOK_ERROR_AXAPI_DISABLED. */
function startError(cause: unknown): AppError {
  const code = (cause as { code?: unknown } | null)?.code;
  const text = message(cause);
  const make = (msg: string, appCode: string) => new AppError(msg, { category: 'configuration', permanent: true, code: appCode, cause });
  switch (code) {
    case 'UIOHOOK_ERROR_AXAPI_DISABLED':
      return make(
        'The keyboard hook needs Accessibility permission: System Settings → Privacy & Security → Accessibility → turn on Hearth, then restart Hearth.',
        'ptt_accessibility',
      );
    case 'UIOHOOK_ERROR_X_OPEN_DISPLAY':
      return make('The keyboard hook cannot open the X display (check DISPLAY and XAUTHORITY).', 'ptt_x_unreachable');
    case 'UIOHOOK_ERROR_X_RECORD_NOT_FOUND':
    case 'UIOHOOK_ERROR_X_RECORD_ALLOC_RANGE':
    case 'UIOHOOK_ERROR_X_RECORD_CREATE_CONTEXT':
    case 'UIOHOOK_ERROR_X_RECORD_ENABLE_CONTEXT':
      return make(`The keyboard hook needs the X server's RECORD extension: ${text}`, 'ptt_no_xrecord');
    default:
      return make(`The keyboard hook could not start: ${text}`, 'ptt_hook_failed');
  }
}

function message(value: unknown): string {
  return value instanceof Error ? value.message : String(value);
}
