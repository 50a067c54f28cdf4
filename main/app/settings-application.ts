import type { Settings } from '../../preload/contract/settings-schema.js';
import type { VoiceSession } from '../realtime/voice-session.js';
import { isResting, type AssistantState } from './assistant-machine.js';
import type { AssistantController } from './assistant-controller.js';

/** What the app reconfigures in place when a part of the settings changed. */
export type SettingsTargets = {
  logging(next: Settings): void;
  conversationTimeouts(next: Settings): void;
  openai(previous: Settings, next: Settings): void;
  micDevice(): Promise<void>;
  muted(muted: boolean): Promise<void>;
  wakeWord(): Promise<void>;
  pushToTalk(): Promise<void>;
  /** The address or its certificate policy changed: reconnect. */
  homeConnection(): void;
  /** Only what the assistant is told about the home changed (exposure, names): re-send the session and cards. */
  homeContext(): void;
};

/**
 * Which parts a settings change restarts, in order: everything that changed, and nothing else (a
 * restart of the wake word or the hotkey is noticeable, and a new session costs a connection).
 */
export async function applySettingsChange(previous: Settings, next: Settings, targets: SettingsTargets): Promise<void> {
  const changed = (pick: (s: Settings) => unknown) => JSON.stringify(pick(previous)) !== JSON.stringify(pick(next));
  if (changed((s) => s.logging)) targets.logging(next);
  if (changed((s) => s.conversation)) targets.conversationTimeouts(next);
  if (changed((s) => s.openai)) targets.openai(previous, next);
  if (changed((s) => s.listening.micDevice)) await targets.micDevice();
  if (changed((s) => s.listening.muted)) await targets.muted(next.listening.muted);
  if (changed((s) => [s.listening.wakeEngine, s.listening.openWakeWord, s.listening.porcupine])) await targets.wakeWord();
  if (changed((s) => s.listening.pushToTalk)) await targets.pushToTalk();
  if (changed((s) => [s.homeAssistant.url, s.homeAssistant.allowSelfSignedCertificate])) targets.homeConnection();
  else if (changed((s) => s.homeAssistant)) targets.homeContext();
}

/**
 * The model and URL are fixed per connection, and the voice cannot change once the assistant has
 * spoken: those take a new session (at rest now, or after the current conversation; until then the
 * session keeps its settings: a session.update with another voice would be refused). Any other
 * OpenAI setting is applied to the open session.
 */
export class SessionRenewal {
  /** The model, voice or server changed mid-conversation: a new session once the assistant rests. */
  #renewAtRest = false;
  readonly #controller: AssistantController;
  readonly #session: VoiceSession;

  constructor(controller: AssistantController, session: VoiceSession) {
    this.#controller = controller;
    this.#session = session;
  }

  stateChanged(state: AssistantState): void {
    if (!this.#renewAtRest || !isResting(state)) return;
    this.#renewAtRest = false;
    void this.#session.close();
  }

  openaiChanged(previous: Settings, next: Settings): void {
    const needsNewSession =
      previous.openai.model !== next.openai.model ||
      previous.openai.voice !== next.openai.voice ||
      previous.openai.realtimeUrl !== next.openai.realtimeUrl;
    if (!needsNewSession) this.#session.applyConfig();
    else if (isResting(this.#controller.state)) void this.#session.close();
    else this.#renewAtRest = true;
  }
}
