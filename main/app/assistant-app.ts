import { join } from 'node:path';
import { TypedEmitter } from '../util/typed-emitter.js';
import { systemClock, type Clock } from '../util/clock.js';
import { ConfigError, toAssistantError, type AssistantError } from '../util/errors.js';
import { configureLogging } from '../util/logger.js';
import type { EventChannel, EventChannels, PublicSettings } from '../../preload/contract/channels.js';
import type { AssistantFullState, StatusView } from '../../preload/contract/types.js';
import type { InvokeResult } from '../../preload/contract/wire-error.js';
import type { Settings } from '../../preload/contract/settings-schema.js';
import type { Player } from '../audio/player.js';
import type { PlayerPort } from '../audio/renderer-player.js';
import { BoundSecrets } from '../secrets/bound-secrets.js';
import { EncryptedFileSecretStore } from '../secrets/encrypted-file-secret-store.js';
import type { SecretCipher } from '../secrets/secret-cipher.js';
import { isResting } from './assistant-machine.js';
import { createAppHandlers, invokeHandler, type AppHandlers } from './app-handlers.js';
import type { AppPaths } from './app-paths.js';
import type { AudioOutputs } from './audio-outputs.js';
import { retiringModelNotice, type Assistant } from './compose.js';
import { assembleAppParts, type AppParts, type AppSeams } from './app-parts.js';
import type { PageMicRegistration } from './page-mics.js';
import { AppEchoSelfTest } from './echo-self-test.js';
import { HomeConnection } from './home-connection.js';
import { hasOpenAIKey, secretsLeftBehind } from './key-policy.js';
import { applySettingsChange } from './settings-application.js';
import { JsonFileSettingsStore } from './settings-store.js';
import { UiProjection } from './ui-projection.js';
import { UiStateStore } from './ui-state-store.js';

export type StartAssistantAppOptions = AppSeams & {
  paths: AppPaths;
  secretCipher: SecretCipher;
  kiosk?: boolean;
  env?: NodeJS.ProcessEnv;
};

export type AppEvents = { event: [channel: EventChannel, payload: EventChannels[EventChannel]] };

type Parts = AppParts & { handlers: AppHandlers };

/**
 * The whole assistant in the main process, for every host (Electron shell, web mode): a facade over
 * the engine (compose.ts) and the parts built around it (app-parts.ts: microphones, page microphones,
 * audio outputs, wake word and push-to-talk, session renewal). It owns the settings and secrets
 * (key-policy.ts decides which key goes where, settings-application.ts what a change restarts), Home
 * Assistant (home-connection.ts) and the projections the UI draws (ui-projection.ts). One method per
 * IPC channel (`invoke`, through app-handlers.ts with an explicit dependency list), events for the UI
 * (`event`).
 */
export class AssistantApp extends TypedEmitter<AppEvents> {
  readonly settingsStore: JsonFileSettingsStore;
  readonly secrets: BoundSecrets;
  readonly home: HomeConnection;
  readonly kiosk: boolean;
  #settings: Settings;
  #parts!: Parts;
  readonly #ui: UiProjection;
  readonly #uiState: UiStateStore;
  #loadIssues: PublicSettings['loadIssues'] = [];
  readonly #options: StartAssistantAppOptions;
  readonly #clock: Clock;

  private constructor(options: StartAssistantAppOptions, settingsStore: JsonFileSettingsStore, settings: Settings, secrets: BoundSecrets) {
    super();
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.kiosk = options.kiosk ?? false;
    this.settingsStore = settingsStore;
    this.#settings = settings;
    this.secrets = secrets;
    this.#uiState = new UiStateStore(options.paths.config);
    this.home = new HomeConnection({
      settings: () => this.#settings,
      token: (url) => this.secrets.forConnection('home-assistant', url),
      clock: this.#clock,
    });
    this.#ui = new UiProjection({
      clock: this.#clock,
      emit: (channel, payload) => this.emit('event', channel, payload),
      live: () => {
        if (!this.#parts) return undefined;
        const { controller } = this.#parts.assistant;
        return { state: controller.state, muted: controller.muted, homeAssistant: this.home.health, ...this.#parts.inputs.status() };
      },
      sessionTranscript: () => this.#parts.assistant.session.transcript,
      cards: () => this.home.cards(),
      hasOpenAIKey: () => hasOpenAIKey(this.secrets, this.#settings),
    });
  }

  static async start(options: StartAssistantAppOptions): Promise<AssistantApp> {
    const settingsStore = new JsonFileSettingsStore(options.paths.config);
    const settings = await settingsStore.load();
    configureLogging({ dir: options.paths.logs, level: settings.logging.level, modules: settings.logging.modules });
    const secrets = await BoundSecrets.open({
      store: new EncryptedFileSecretStore(join(options.paths.config, 'secrets.json'), options.secretCipher),
      // The environment's key goes only to the Realtime server the app started with.
      environment: { openai: { value: (options.env ?? process.env).OPENAI_API_KEY ?? '', url: settings.openai.realtimeUrl } },
      settings,
    });
    const app = new AssistantApp(options, settingsStore, settings, secrets);
    app.#loadIssues = settingsStore.lastLoadIssues;
    await app.#start();
    return app;
  }

  get settings(): Settings {
    return this.#settings;
  }

  get muted(): boolean {
    return this.controller.muted;
  }

  get controller() {
    return this.#parts.assistant.controller;
  }

  get session() {
    return this.#parts.assistant.session;
  }

  /** The registry every tool call runs through, the model's and the cards'. */
  get tools() {
    return this.#parts.assistant.tools;
  }

  // --- for the hosts ------------------------------------------------------------------------

  /** Runs an invoke channel with checked arguments; always an InvokeResult, never a throw. */
  invoke(channel: unknown, args: unknown[]): Promise<InvokeResult<unknown>> {
    return invokeHandler(this.#parts.handlers, channel, args);
  }

  onEvent(listener: (channel: EventChannel, payload: unknown) => void): () => void {
    return this.on('event', listener);
  }

  /** Plays the assistant's audio through this port (a window's or web client's worklet). */
  attachAudioPort(port: PlayerPort, options: { onPlayer?: (player: Player) => void } = {}): () => void {
    return this.#parts.outputs.attachPort(port, options);
  }

  /**
   * Web mode: a page's microphone (frames from its audio socket). It gets a wake word of its own; a
   * wake word there takes the conversation when the assistant rests (the reply then plays on that
   * page's output, `output()`), and is answered `onBusy(owner)` while another device has it.
   */
  addPageMic(page: PageMicRegistration): () => void {
    return this.#parts.pageMics.add(page);
  }

  /**
   * Web mode: the Talk button or a typed message on a device whose page microphone is on: that
   * microphone (its newest page) takes the conversation about to start, unless another device has one.
   */
  claimMicForDevice(deviceId: string): void {
    if (isResting(this.controller.state)) this.#parts.pageMics.claimFor(deviceId);
  }

  /** Web pages whose microphone is on (logs and tests). */
  get pageMicCount(): number {
    return this.#parts.mics.pageCount;
  }

  fullState(): AssistantFullState {
    return this.#ui.fullState();
  }

  status(): StatusView {
    return this.#ui.status();
  }

  startConversation(source: 'menu' | 'shortcut' | 'button' = 'menu'): void {
    this.controller.startConversation(source === 'shortcut' ? 'push-to-talk' : 'menu');
  }

  stopConversation(): void {
    this.controller.stopConversation();
  }

  async setMuted(muted: boolean): Promise<void> {
    await this.controller.setMuted(muted);
    this.#ui.emitStatus();
  }

  async shutdown(): Promise<void> {
    this.#ui.dispose();
    await this.#parts.inputs.stop();
    await this.home.close();
    await this.#parts.assistant.shutdown();
    await this.#parts.outputs.close();
  }

  // --- start-up -----------------------------------------------------------------------------

  async #start(): Promise<void> {
    this.#ui.onboarded = (await this.#uiState.load()).onboardingComplete;
    const parts = await assembleAppParts({
      seams: this.#options,
      clock: this.#clock,
      settings: () => this.#settings,
      secrets: this.secrets,
      home: this.home,
      report: (notice) => this.#ui.reportError(notice),
    });
    this.#parts = { ...parts, handlers: createAppHandlers(this.#handlerDeps(parts.assistant, parts.outputs)) };
    const { assistant, inputs } = parts;
    this.#wireEvents();
    if (this.#settings.listening.muted) await assistant.controller.setMuted(true);
    await assistant.controller.start().catch((error: unknown) => this.#ui.reportError(toAssistantError(error, 'mic')));
    await inputs.start();
    void this.home.reconfigure();
    this.#ui.refreshOpenAIStatus();
    for (const notice of this.settingsStore.lastLoadNotices)
      this.#ui.reportError(new ConfigError(notice, { category: 'configuration', permanent: false, code: 'settings_migrated' }));
    this.#noticeRetiringModel(this.#settings.openai.model);
  }

  /** What the IPC handlers may use of the app: named here, not reached into. */
  #handlerDeps(assistant: Assistant, outputs: AudioOutputs): Parameters<typeof createAppHandlers>[0] {
    const ui = this.#ui;
    const echoTest = new AppEchoSelfTest({
      echo: assistant.echo,
      mic: assistant.mic,
      player: outputs.router,
      clock: this.#clock,
      resting: () => isResting(assistant.controller.state),
      store: async (result) => {
        const saved = await this.settingsStore.save({ ...this.#settings, listening: { ...this.#settings.listening, echoTest: result } });
        if (saved.ok) await this.#applySettings(saved.settings);
      },
    });
    return {
      settings: () => this.#settings,
      settingsStore: this.settingsStore,
      applySettings: (next) => this.#applySettings(next),
      publicSettings: () => this.#publicSettings(),
      secrets: this.secrets,
      controller: assistant.controller,
      tools: assistant.tools,
      userTurns: () => assistant.session.userTurns,
      home: this.home,
      fullState: () => ui.fullState(),
      startConversation: (source) => this.startConversation(source),
      stopConversation: () => this.stopConversation(),
      setMuted: (muted) => this.setMuted(muted),
      runEchoSelfTest: () => echoTest.run(),
      clearTranscript: () => ui.clearTranscript(),
      highlight: (entityIds) => ui.highlight(entityIds),
      reportError: (error: AssistantError) => ui.reportError(error),
      refreshOpenAIStatus: () => ui.refreshOpenAIStatus(),
      restartWakeWord: () => this.#restartWakeWord(),
      completeOnboarding: async () => {
        ui.onboarded = true;
        await this.#uiState.save({ onboardingComplete: true });
        ui.emitStatus();
      },
    };
  }

  #noticeRetiringModel(model: string): void {
    const notice = retiringModelNotice(model);
    if (notice) this.#ui.reportError(notice);
  }

  // --- settings -----------------------------------------------------------------------------

  async #publicSettings(): Promise<PublicSettings> {
    return { settings: this.#settings, secrets: this.secrets.status(this.#settings), loadIssues: this.#loadIssues };
  }

  /** Applies validated settings: every part that changed is reconfigured in place. */
  async #applySettings(next: Settings): Promise<void> {
    const previous = this.#settings;
    const { assistant, inputs, renewal } = this.#parts;
    this.#settings = next;
    for (const notice of secretsLeftBehind(this.secrets, previous, next)) this.#ui.reportError(notice);
    this.#ui.refreshOpenAIStatus();
    this.#loadIssues = [];
    await applySettingsChange(previous, next, {
      logging: (s) => configureLogging({ dir: this.#options.paths.logs, level: s.logging.level, modules: s.logging.modules }),
      conversationTimeouts: (s) =>
        assistant.controller.setTimeouts(s.conversation.followUpSeconds * 1000, s.conversation.idleTimeoutSeconds * 1000),
      openai: (before, after) => {
        if (before.openai.model !== after.openai.model) this.#noticeRetiringModel(after.openai.model);
        renewal.openaiChanged(before, after);
      },
      micDevice: () => this.#parts.replaceMic(),
      muted: async (muted) => {
        if (muted !== this.muted) await this.setMuted(muted);
      },
      wakeWord: () => this.#restartWakeWord(),
      pushToTalk: async () => {
        await inputs.restartPushToTalk();
        this.#ui.emitStatus();
      },
      homeConnection: () => void this.home.reconfigure(),
      homeContext: () => {
        assistant.session.applyConfig();
        this.#ui.emitCards();
      },
    });
    this.emit('event', 'settings:changed', await this.#publicSettings());
    this.#ui.emitStatus();
  }

  async #restartWakeWord(): Promise<void> {
    await this.#parts.inputs.restartWakeWord();
    this.#ui.emitStatus();
  }

  // --- events -------------------------------------------------------------------------------

  #wireEvents(): void {
    const { assistant, mics, inputs, renewal } = this.#parts;
    const { controller, session } = assistant;
    controller.on('state', (state) => {
      if (isResting(state)) mics.release();
      renewal.stateChanged(state);
      inputs.stateChanged(state);
    });
    this.#ui.follow(controller, session);
    assistant.echo.on('notice', (notice) => this.#ui.reportError(notice));
    this.home.on('health', () => this.#ui.emitStatus());
    this.home.on('cards', () => this.#ui.emitCards());
    this.home.on('error', (error) => this.#ui.reportError(error));
  }
}

export function startAssistantApp(options: StartAssistantAppOptions): Promise<AssistantApp> {
  return AssistantApp.start(options);
}
