import type { AssistantError } from '../util/errors.js';
import type { EventSource } from '../util/typed-emitter.js';
import type { Hotkey } from './hotkey.js';

/** `atMs` is monotonic time (the hook's Clock) when the event reached the app. */
export type KeyHookEvents = {
  down: [event: { atMs: number }];
  up: [event: { atMs: number }];
  /** The hook broke after starting (it is stopped). */
  error: [error: AssistantError];
};

/**
 * A global source of the push-to-talk hotkey's presses. Implementations: UiohookKeyHook (native hook:
 * key-down and key-up, so hold-to-talk works) and GlobalShortcutKeyHook (Electron's globalShortcut,
 * injected: key-down only, so the hotkey can only toggle). Tests use a fake that emits by hand.
 */
export interface KeyHook extends EventSource<KeyHookEvents> {
  readonly name: string;
  /** True when the source reports key-up (hold-to-talk possible). */
  readonly reportsKeyUp: boolean;
  readonly running: boolean;
  /** Starts watching `hotkey`. Rejects with an AssistantError saying why it cannot (the message is user-facing). */
  start(hotkey: Hotkey): Promise<void>;
  stop(): Promise<void>;
}
