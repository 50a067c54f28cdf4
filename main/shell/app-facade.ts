import type { EventChannel, InvokeChannel, SendChannel } from '../../preload/contract/channels.js';
import type { StatusView } from '../../preload/contract/types.js';
import type { InvokeResult } from '../../preload/contract/wire-error.js';
import type { AppPaths } from '../app/app-paths.js';
import type { PlayerPort } from '../audio/renderer-player.js';
import type { GlobalShortcutLike } from '../push-to-talk/global-shortcut-key-hook.js';
import type { PushToTalkEnvironment } from '../push-to-talk/push-to-talk.js';
import type { SecretCipher } from '../secrets/secret-cipher.js';

/**
 * What the Electron shell needs from the engine (main/app/assistant-app.ts, plain Node). The shell codes
 * against this type only (AssistantApp satisfies it), so the engine can change behind it; `send` is optional
 * and ignored when absent.
 */
export type AppFacade = {
  /** One call per invoke channel; always resolves to an envelope (the binder still guards against throws). */
  invoke(channel: InvokeChannel, args: unknown[]): Promise<InvokeResult<unknown>>;
  /** Fire-and-forget renderer messages (SEND_CHANNELS). Optional: ignored when absent. */
  send?(channel: SendChannel, args: unknown[]): void;
  /** main → renderer events; returns an unsubscribe function. */
  onEvent(listener: (channel: EventChannel, payload: unknown) => void): () => void;
  /** Plays through a renderer's AudioWorklet over this port; returns a function that detaches it. */
  attachAudioPort(port: PlayerPort): () => void;
  /** Includes `pushToTalk` (what the hotkey does here, with a note when it differs from the settings). */
  status(): StatusView;
  startConversation(source: 'menu' | 'shortcut'): void;
  stopConversation(): void;
  setMuted(muted: boolean): Promise<void>;
  readonly muted: boolean;
  shutdown(): Promise<void>;
};

export type StartAssistantAppOptions = {
  paths: AppPaths;
  secretCipher: SecretCipher;
  /**
   * The engine runs push-to-talk (startPushToTalk, fallbacks, re-registration on settings changes) on this:
   * Electron's globalShortcut wrapped by main/shell/shortcuts.ts.
   */
  globalShortcut?: GlobalShortcutLike;
  /** The desktop push-to-talk runs on (macOS: whether Hearth has Accessibility permission for the hook). */
  pushToTalkEnvironment?: PushToTalkEnvironment;
  kiosk: boolean;
};

export type StartAssistantApp = (options: StartAssistantAppOptions) => Promise<AppFacade>;
