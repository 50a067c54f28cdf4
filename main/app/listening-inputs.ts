import type { AssistantError } from '../util/errors.js';
import { createLogger } from '../util/logger.js';
import type { Settings } from '../../preload/contract/settings-schema.js';
import type { StatusView } from '../../preload/contract/types.js';
import { startWakeWordDetector } from '../wake-word/create-wake-word-engine.js';
import type { WakeWordDetector } from '../wake-word/wake-word-detector.js';
import { startPushToTalk, type PushToTalk, type PushToTalkEnvironment } from '../push-to-talk/push-to-talk.js';
import type { GlobalShortcutLike } from '../push-to-talk/global-shortcut-key-hook.js';
import type { AssistantState } from './assistant-machine.js';
import type { AssistantController } from './assistant-controller.js';
import type { ConversationMics } from './conversation-mics.js';

const log = createLogger('app');

export type ListeningInputsOptions = {
  settings: () => Settings;
  /** The Picovoice AccessKey bound to Picovoice, if any. */
  picovoiceKey: () => string | undefined;
  mics: ConversationMics;
  controller: AssistantController;
  report: (notice: AssistantError) => void;
  wakeWord?: 'settings' | 'off';
  wakeWordWorkerEntry?: string | URL;
  pushToTalk?: 'settings' | 'off';
  globalShortcut?: GlobalShortcutLike;
  pushToTalkEnvironment?: PushToTalkEnvironment;
};

const NO_WAKE_WORD: StatusView['wakeWord'] = { engine: 'none', keywords: [] };

/**
 * The ways a conversation starts besides the UI: the wake word (the machine's detector and one per
 * web page's microphone) and the push-to-talk hotkey, each started from the settings and restarted
 * when they change.
 */
export class ListeningInputs {
  #wake: { detector: WakeWordDetector | null; engine: StatusView['wakeWord'] } = { detector: null, engine: NO_WAKE_WORD };
  #ptt: PushToTalk | undefined;
  readonly #o: ListeningInputsOptions;

  constructor(options: ListeningInputsOptions) {
    this.#o = options;
  }

  /** The status view's part: what the hotkey and the wake word do here. */
  status(): Pick<StatusView, 'pushToTalk' | 'wakeWord'> {
    const plan = this.#ptt?.plan;
    const pttNote = this.#ptt?.notice?.message;
    return {
      pushToTalk: {
        hotkey: this.#o.settings().listening.pushToTalk.hotkey,
        mode: plan?.mode === 'hold' ? 'hold' : 'toggle',
        ...(pttNote ? { note: pttNote } : {}),
      },
      wakeWord: this.#wake.engine,
    };
  }

  async start(): Promise<void> {
    await this.#startWakeWord();
    await this.#startPushToTalk();
  }

  /** A hold-to-talk turn ends when the user's turn does. */
  stateChanged(state: AssistantState): void {
    const ptt = this.#ptt?.controller;
    const userTurn = state.kind === 'conversing' && (state.phase === 'listening' || state.phase === 'user-speaking');
    if (ptt && !userTurn && state.kind !== 'connecting') ptt.turnEnded();
  }

  async restartWakeWord(): Promise<void> {
    const old = this.#wake.detector;
    this.#wake = { detector: null, engine: NO_WAKE_WORD };
    this.#o.controller.setWakeWord(null);
    this.#o.mics.setMachineDetector(null);
    await old?.stop();
    await this.#startWakeWord();
    await this.#o.mics.restartPageDetectors();
  }

  async restartPushToTalk(): Promise<void> {
    await this.#ptt?.stop();
    this.#ptt = undefined;
    await this.#startPushToTalk();
  }

  /** A page's own detector: the engine the machine runs, with the same settings (none if the machine has none). */
  async startPageWakeWord(): Promise<WakeWordDetector | null> {
    if (!this.#wake.detector) return null;
    const selection = await this.#selectWakeWord();
    if (selection.error) log.warn({ err: selection.error }, 'no wake word for a page');
    return selection.engine ?? null;
  }

  async stop(): Promise<void> {
    await this.#ptt?.stop();
  }

  #selectWakeWord() {
    const accessKey = this.#o.picovoiceKey();
    return startWakeWordDetector(
      this.#o.settings().listening,
      accessKey ? { picovoiceAccessKey: accessKey } : {},
      this.#o.wakeWordWorkerEntry ? { workerEntry: this.#o.wakeWordWorkerEntry } : {},
    );
  }

  async #startWakeWord(): Promise<void> {
    if (this.#o.wakeWord === 'off' || this.#o.settings().listening.wakeEngine === 'none') return;
    const selection = await this.#selectWakeWord();
    const note = selection.notice?.message ?? selection.error?.message;
    if (selection.notice) this.#o.report(selection.notice);
    if (selection.error) this.#o.report(selection.error);
    const detector = selection.engine ?? null;
    const keywords = detector ? [...detector.keywords] : [];
    this.#wake = {
      detector,
      engine: { engine: detector && selection.kind ? selection.kind : 'none', keywords, ...(note ? { note } : {}) },
    };
    this.#o.mics.setMachineDetector(detector);
    this.#o.controller.setWakeWord(detector ? this.#o.mics.wakeWord : null);
  }

  async #startPushToTalk(): Promise<void> {
    if (this.#o.pushToTalk === 'off') return;
    const ptt = await startPushToTalk(this.#o.settings().listening.pushToTalk, {
      ...(this.#o.globalShortcut ? { globalShortcut: this.#o.globalShortcut } : {}),
      ...(this.#o.pushToTalkEnvironment ? { environment: this.#o.pushToTalkEnvironment } : {}),
      // The keyboard hook stopped while running and the hotkey now toggles (or is off): say so at once.
      onFallback: (notice) => this.#o.report(notice),
    });
    this.#ptt = ptt;
    ptt.controller?.on('command', (command) => {
      const controller = this.#o.controller;
      if (command.type === 'start') controller.startConversation('push-to-talk', { hold: command.hold });
      else if (command.type === 'release') controller.pushToTalkReleased();
      else if (command.type === 'stop') controller.stopConversation();
    });
  }
}
