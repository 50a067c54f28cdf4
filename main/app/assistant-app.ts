import { hostname } from 'node:os';
import { join } from 'node:path';
import { TypedEmitter } from '../util/typed-emitter.js';
import { systemClock, type Clock, type TimerHandle } from '../util/clock.js';
import { AppError, ConfigError, toAssistantError, type AssistantError } from '../util/errors.js';
import { configureLogging, createLogger } from '../util/logger.js';
import { originOf } from '../util/url-origin.js';
import { isInvokeChannel, type EventChannel, type EventChannels, type PublicSettings } from '../../preload/contract/channels.js';
import { INVOKE_ARGUMENTS } from '../../preload/contract/schemas.js';
import type { AssistantFullState, ConnectionHealth, StatusView, TurnLatency } from '../../preload/contract/types.js';
import type { InvokeResult, WireError } from '../../preload/contract/wire-error.js';
import type { MicSource } from '../audio/mic-source.js';
import type { Player } from '../audio/player.js';
import { HeadlessPlayer } from '../audio/headless-player.js';
import { PvRecorderMicSource } from '../audio/pv-recorder-mic-source.js';
import { RendererPlayer, type PlayerPort } from '../audio/renderer-player.js';
import type { RealtimeTransport } from '../realtime/realtime-transport.js';
import type { SessionStatus } from '../realtime/voice-session.js';
import { BoundSecrets, PICOVOICE_SERVER, serverFor } from '../secrets/bound-secrets.js';
import { EncryptedFileSecretStore } from '../secrets/encrypted-file-secret-store.js';
import type { SecretCipher } from '../secrets/secret-cipher.js';
import { startWakeWordDetector } from '../wake-word/create-wake-word-engine.js';
import type { WakeWordDetector } from '../wake-word/wake-word-detector.js';
import { startPushToTalk, type PushToTalk, type PushToTalkEnvironment } from '../push-to-talk/push-to-talk.js';
import type { GlobalShortcutLike } from '../push-to-talk/global-shortcut-key-hook.js';
import { retirementNotice } from '../../preload/contract/model-catalog.js';
import { isResting } from './assistant-machine.js';
import { createAppHandlers, type AppHandlers } from './app-handlers.js';
import type { AppPaths } from './app-paths.js';
import { createAssistant, type Assistant } from './compose.js';
import { HomeConnection } from './home-connection.js';
import { PlayerRouter } from './player-router.js';
import { JsonFileSettingsStore } from './settings-store.js';
import type { Settings } from '../../preload/contract/settings-schema.js';
import { SwitchableMicSource } from './switchable-mic-source.js';
import { ConversationMics, type PageMic } from './conversation-mics.js';
import { TranscriptHistory } from './transcript-history.js';
import { UiStateStore } from './ui-state-store.js';
import type { EchoEngine } from './echo-control.js';
import { runEchoSelfTest } from './echo-self-test.js';
import type { EchoSelfTestResult } from '../../preload/contract/types.js';

const log = createLogger('app');

/** How long a card stays highlighted after a tool touched its entity. */
const HIGHLIGHT_MS = 8000;
/** Transcript deltas stream fast; the UI gets at most this many updates a second. */
const TRANSCRIPT_INTERVAL_MS = 50;
/** How often a newly attached output checks whether the reply playing elsewhere has finished. */
const OUTPUT_SWITCH_POLL_MS = 100;

export type StartAssistantAppOptions = {
  paths: AppPaths;
  secretCipher: SecretCipher;
  kiosk?: boolean;
  /** Electron's globalShortcut, for the push-to-talk hotkey (absent in plain Node). */
  globalShortcut?: GlobalShortcutLike;
  pushToTalkEnvironment?: PushToTalkEnvironment;
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
  /** Seams for tests and web mode: */
  createMic?: (deviceName: string | null) => MicSource;
  transport?: RealtimeTransport;
  /** Plays when no window or web client is attached. Default: the sound card. */
  fallbackPlayer?: Player;
  wakeWord?: 'settings' | 'off';
  /** The built wake-word worker (tests running from TypeScript source pass out/main/wake-word/wake-word-worker.js). */
  wakeWordWorkerEntry?: string | URL;
  pushToTalk?: 'settings' | 'off';
  /** The echo canceller and self-test (default: the build's; null: none). */
  echoEngine?: EchoEngine | null;
};

export type AppEvents = { event: [channel: EventChannel, payload: EventChannels[EventChannel]] };

/**
 * The whole assistant in the main process, for every host (Electron shell, web mode): settings and
 * secrets, microphone, wake word, push-to-talk, the Realtime conversation, Home Assistant, and the
 * projections the UI draws. One method per IPC channel (`invoke`), events for the UI (`event`).
 */
export class AssistantApp extends TypedEmitter<AppEvents> {
  readonly settingsStore: JsonFileSettingsStore;
  readonly secrets: BoundSecrets;
  readonly home: HomeConnection;
  readonly kiosk: boolean;
  #settings: Settings;
  #assistant!: Assistant;
  #mic!: SwitchableMicSource;
  /** The machine's microphone and web pages' ones, one conversation at a time. */
  #mics!: ConversationMics;
  #pageMicsByDevice = new Map<string, PageMic[]>();
  #player!: PlayerRouter;
  #wake: { detector: WakeWordDetector | null; engine: StatusView['wakeWord'] } = {
    detector: null,
    engine: { engine: 'none', keywords: [] },
  };
  #ptt: PushToTalk | undefined;
  #handlers!: AppHandlers;
  #seq = 0;
  #openai: ConnectionHealth = 'disconnected';
  #lastTurn: TurnLatency | null = null;
  #lastError: WireError | null = null;
  #costUsd = 0;
  #costKnown = true;
  #transcript = new TranscriptHistory();
  #transcriptTimer: TimerHandle | undefined;
  #highlights = new Map<string, number>();
  #highlightTimer: TimerHandle | undefined;
  #uiState: UiStateStore;
  #onboarded = false;
  /** The model, voice or server changed mid-conversation: a new session once the assistant rests. */
  #renewAtRest = false;
  #loadIssues: PublicSettings['loadIssues'] = [];
  #echoTestRunning = false;
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
    return this.#assistant.controller.muted;
  }

  get controller() {
    return this.#assistant.controller;
  }

  get session() {
    return this.#assistant.session;
  }

  /** @internal The registry every tool call runs through, the model's and the cards'. */
  get tools() {
    return this.#assistant.tools;
  }

  // --- for the hosts ------------------------------------------------------------------------

  /**
   * Runs an invoke channel with checked arguments; always an InvokeResult, never a throw. The channel
   * is whatever a client sent: only the contract's own names count, not `constructor` or `toString`.
   */
  async invoke(channel: unknown, args: unknown[]): Promise<InvokeResult<unknown>> {
    if (!isInvokeChannel(channel))
      return {
        ok: false,
        error: new AppError(`Unknown channel ${describeChannel(channel)}.`, { category: 'invalid_request', permanent: true }).toWire(),
      };
    const parsed = INVOKE_ARGUMENTS[channel].safeParse(args);
    if (!parsed.success) {
      const message = parsed.error.issues.map((i) => i.message).join('; ');
      return { ok: false, error: new ConfigError(`Invalid request for ${channel}: ${message}`, { category: 'invalid_request' }).toWire() };
    }
    try {
      const handler = this.#handlers[channel] as (...a: unknown[]) => Promise<unknown>;
      return { ok: true, value: await handler(...(parsed.data as unknown[])) };
    } catch (error) {
      const assistantError = toAssistantError(error, 'app');
      log.warn({ channel, err: assistantError }, 'invoke failed');
      return { ok: false, error: assistantError.toWire() };
    }
  }

  onEvent(listener: (channel: EventChannel, payload: unknown) => void): () => void {
    return this.on('event', listener);
  }

  /** Plays the assistant's audio through this port (a window's or web client's worklet). */
  attachAudioPort(port: PlayerPort, options: { onPlayer?: (player: Player) => void } = {}): () => void {
    const player = new RendererPlayer(port);
    options.onPlayer?.(player);
    let detach: (() => void) | undefined;
    let gone = false;
    let wait: TimerHandle | undefined;
    // Switching outputs mid-reply would cut it without the server learning what was heard: a new
    // output takes over once the reply playing now has finished (or been interrupted).
    const takeOverAtRest = () => {
      wait = undefined;
      if (gone) return;
      if (this.#player.isPlaying) wait = this.#clock.setTimeout(takeOverAtRest, OUTPUT_SWITCH_POLL_MS);
      else detach = this.#player.attach(player);
    };
    takeOverAtRest();
    return () => {
      if (gone) return;
      gone = true;
      this.#clock.clearTimeout(wait);
      void (async () => {
        // A window closed mid-reply: truncate at what it played, so the model knows what was heard.
        if (this.#player.current === player && player.isPlaying) await this.session.interrupt().catch(() => undefined);
        detach?.();
        await player.close();
      })();
    };
  }

  /**
   * Web mode: a page's microphone (frames from its audio socket). It gets a wake word of its own; a
   * wake word there takes the conversation when the assistant rests (the reply then plays on that
   * page's output, `output()`), and is answered `onBusy(owner)` while another device has it.
   */
  addPageMic(page: {
    deviceId: string;
    label: string;
    mic: MicSource;
    onBusy: (owner: string) => void;
    output: () => Player | undefined;
  }): () => void {
    const entry: PageMic = {
      label: page.label,
      mic: page.mic,
      onBusy: page.onBusy,
      onClaim: () => {
        const output = page.output();
        if (output) this.#player.prefer(output);
      },
    };
    const remove = this.#mics.addPage(entry);
    const list = this.#pageMicsByDevice.get(page.deviceId) ?? [];
    this.#pageMicsByDevice.set(page.deviceId, [...list, entry]);
    return () => {
      remove();
      const rest = (this.#pageMicsByDevice.get(page.deviceId) ?? []).filter((e) => e !== entry);
      if (rest.length > 0) this.#pageMicsByDevice.set(page.deviceId, rest);
      else this.#pageMicsByDevice.delete(page.deviceId);
    };
  }

  /**
   * Web mode: the Talk button or a typed message on a device whose page microphone is on: that
   * microphone (its newest page) takes the conversation about to start, unless another device has one.
   */
  claimMicForDevice(deviceId: string): void {
    const newest = this.#pageMicsByDevice.get(deviceId)?.at(-1);
    if (newest && isResting(this.#assistant.controller.state)) this.#mics.claim(newest);
  }

  /** Web pages whose microphone is on (logs and tests). */
  get pageMicCount(): number {
    return this.#mics.pageCount;
  }

  fullState(): AssistantFullState {
    return {
      seq: this.#seq,
      status: this.status(),
      transcript: this.#transcript.items,
      entities: this.#cards(),
      onboarded: this.#onboarded,
    };
  }

  status(): StatusView {
    const plan = this.#ptt?.plan;
    const pttNote = this.#ptt?.notice?.message;
    return {
      state: this.#assistant.controller.state,
      muted: this.#assistant.controller.muted,
      openai: this.#openai,
      homeAssistant: this.home.health,
      costUsd: this.#costKnown ? Math.round(this.#costUsd * 10_000) / 10_000 : null,
      lastTurn: this.#lastTurn,
      lastError: this.#lastError,
      pushToTalk: {
        hotkey: this.#settings.listening.pushToTalk.hotkey,
        mode: plan?.mode === 'hold' ? 'hold' : 'toggle',
        ...(pttNote ? { note: pttNote } : {}),
      },
      wakeWord: this.#wake.engine,
    };
  }

  startConversation(source: 'menu' | 'shortcut' | 'button' = 'menu'): void {
    this.#assistant.controller.startConversation(source === 'shortcut' ? 'push-to-talk' : 'menu');
  }

  stopConversation(): void {
    this.#assistant.controller.stopConversation();
  }

  async setMuted(muted: boolean): Promise<void> {
    await this.#assistant.controller.setMuted(muted);
    this.#emitStatus();
  }

  async shutdown(): Promise<void> {
    this.#clock.clearTimeout(this.#transcriptTimer);
    this.#clock.clearTimeout(this.#highlightTimer);
    await this.#ptt?.stop();
    await this.home.close();
    await this.#assistant.controller.shutdown();
    this.#assistant.session.dispose();
    await this.#assistant.echo.dispose();
    await this.#player.close();
  }

  // --- used by the handlers -----------------------------------------------------------------

  /** @internal */ async completeOnboarding(): Promise<void> {
    this.#onboarded = true;
    await this.#uiState.save({ onboardingComplete: true });
    this.#emitStatus();
  }

  /** @internal */ async publicSettings(): Promise<PublicSettings> {
    return { settings: this.#settings, secrets: this.secrets.status(this.#settings), loadIssues: this.#loadIssues };
  }

  /** @internal Applies validated settings: every part that changed is reconfigured in place. */
  async applySettings(next: Settings): Promise<void> {
    const previous = this.#settings;
    this.#settings = next;
    this.#noticeSecretsOfOtherServers(previous, next);
    this.refreshOpenAIStatus();
    this.#loadIssues = [];
    const changed = (pick: (s: Settings) => unknown) => JSON.stringify(pick(previous)) !== JSON.stringify(pick(next));
    if (changed((s) => s.logging))
      configureLogging({ dir: this.#options.paths.logs, level: next.logging.level, modules: next.logging.modules });
    if (changed((s) => s.conversation)) {
      this.#assistant.controller.setTimeouts(next.conversation.followUpSeconds * 1000, next.conversation.idleTimeoutSeconds * 1000);
    }
    if (changed((s) => s.openai)) this.#applyOpenAISettings(previous, next);
    if (changed((s) => s.listening.micDevice)) await this.#mic.replace(this.#createMic());
    if (changed((s) => s.listening.muted) && next.listening.muted !== this.muted) await this.setMuted(next.listening.muted);
    if (changed((s) => [s.listening.wakeEngine, s.listening.openWakeWord, s.listening.porcupine])) await this.restartWakeWord();
    if (changed((s) => s.listening.pushToTalk)) await this.restartPushToTalk();
    if (changed((s) => [s.homeAssistant.url, s.homeAssistant.allowSelfSignedCertificate])) void this.home.reconfigure();
    else if (changed((s) => s.homeAssistant)) {
      this.#assistant.session.applyConfig();
      this.#emitCards();
    }
    this.emit('event', 'settings:changed', await this.publicSettings());
    this.#emitStatus();
  }

  /** @internal */ async restartWakeWord(): Promise<void> {
    const old = this.#wake.detector;
    this.#wake = { detector: null, engine: { engine: 'none', keywords: [] } };
    this.#assistant.controller.setWakeWord(null);
    this.#mics.setMachineDetector(null);
    await old?.stop();
    await this.#startWakeWord();
    await this.#mics.restartPageDetectors();
    this.#emitStatus();
  }

  /** @internal */ async restartPushToTalk(): Promise<void> {
    await this.#ptt?.stop();
    this.#ptt = undefined;
    await this.#startPushToTalk();
    this.#emitStatus();
  }

  /**
   * @internal The echo self-test: plays the test signal through the current output, records the raw
   * microphone, measures, stores the result in the settings and answers with it (errors as data).
   */
  async runEchoSelfTest(): Promise<EchoSelfTestResult> {
    const { echo, mic, controller } = this.#assistant;
    const engine = echo.engine?.selfTest;
    if (!engine) return { ok: false, failure: 'unavailable', message: 'Echo cancellation is not part of this build.' };
    if (this.#echoTestRunning) return { ok: false, failure: 'busy', message: 'An echo test is already running.' };
    if (!isResting(controller.state) || this.#player.isPlaying)
      return { ok: false, failure: 'conversation-running', message: 'A conversation is running: test the echo once it has ended.' };
    this.#echoTestRunning = true;
    echo.suspend();
    try {
      const run = await runEchoSelfTest({
        mic,
        player: this.#player,
        clock: this.#clock,
        signal: engine.signal(),
        measure: (played, recorded) => engine.measure(played, recorded),
      });
      if (!run.ok) return { ok: false, failure: run.failure, message: run.message };
      const result = { ...run.measurement, at: new Date().toISOString() };
      log.info({ result }, 'echo self-test');
      const saved = await this.settingsStore.save({ ...this.#settings, listening: { ...this.#settings.listening, echoTest: result } });
      if (saved.ok) await this.applySettings(saved.settings);
      echo.setDelayHint(result.delayMs);
      echo.resume();
      return { ok: true, result, duplex: echo.current().mode };
    } finally {
      echo.resume();
      this.#echoTestRunning = false;
    }
  }

  /** @internal */ clearTranscript(): void {
    this.#transcript.clear();
    this.#emitTranscript();
  }

  /** @internal */ highlight(entityIds: readonly string[]): void {
    const until = this.#clock.now() + HIGHLIGHT_MS;
    for (const id of entityIds) this.#highlights.set(id, until);
    this.#emitCards();
    this.#clock.clearTimeout(this.#highlightTimer);
    this.#highlightTimer = this.#clock.setTimeout(() => this.#emitCards(), HIGHLIGHT_MS + 50);
  }

  /**
   * A server address changed and the key or token in use was entered for the old one: it stays bound
   * to that server (and is used again if the address comes back), and the user is told, naming both.
   */
  #noticeSecretsOfOtherServers(previous: Settings, next: Settings): void {
    for (const kind of ['openai', 'home-assistant'] as const) {
      const before = serverFor(kind, previous);
      const after = serverFor(kind, next);
      const newHost = hostOf(after);
      if (originOf(before) === originOf(after) || newHost === null) continue;
      if (!this.secrets.usableFor(kind, before) || this.secrets.usableFor(kind, after)) continue;
      const [what, aWhat] = kind === 'openai' ? ['OpenAI key', 'an OpenAI key'] : ['Home Assistant token', 'a Home Assistant token'];
      const oldHost = hostOf(before) ?? 'the previous server';
      log.info({ kind, from: oldHost, to: newHost }, 'a server address changed; its secret stays with the old server');
      this.reportError(
        new AppError(
          `${kind === 'openai' ? 'The Realtime server' : 'Home Assistant'} is now ${newHost}: your ${what} is only ever sent to ${oldHost}. Enter ${aWhat} for ${newHost} in Settings.`,
          { category: 'configuration', permanent: false, code: 'secret_other_server' },
        ),
      );
    }
  }

  /** @internal */ reportError(error: AssistantError): void {
    this.#lastError = error.toWire();
    this.emit('event', 'app:error', this.#lastError);
    this.#emitStatus();
  }

  // --- start-up -----------------------------------------------------------------------------

  async #start(): Promise<void> {
    this.#onboarded = (await this.#uiState.load()).onboardingComplete;
    const fallback = this.#options.fallbackPlayer ?? (await HeadlessPlayer.create({ soundCard: true }));
    this.#player = new PlayerRouter(fallback);
    this.#mic = new SwitchableMicSource(this.#createMic());
    this.#mics = new ConversationMics({
      machine: this.#mic,
      machineLabel: `this computer (${hostname()})`,
      busy: () => (this.#assistant ? !isResting(this.#assistant.controller.state) : false),
      createDetector: () => this.#startPageWakeWord(),
    });
    this.#assistant = await createAssistant({
      settings: () => this.#settings,
      apiKeyFor: (url) => this.secrets.forConnection('openai', url) ?? '',
      mic: this.#mics,
      player: this.#player,
      ...(this.#options.transport ? { transport: this.#options.transport } : {}),
      ...(this.#options.echoEngine !== undefined ? { echoEngine: this.#options.echoEngine } : {}),
      toolSources: [this.home.tools],
      extraInstructions: this.home.instructions,
      ...(this.#options.clock ? { clock: this.#options.clock } : {}),
    });
    this.#handlers = createAppHandlers(this);
    this.#wireEvents();
    if (this.#settings.listening.muted) await this.#assistant.controller.setMuted(true);
    await this.#assistant.controller.start().catch((error: unknown) => this.reportError(toAssistantError(error, 'mic')));
    await this.#startWakeWord();
    await this.#startPushToTalk();
    void this.home.reconfigure();
    this.refreshOpenAIStatus();
    for (const notice of this.settingsStore.lastLoadNotices)
      this.reportError(new ConfigError(notice, { category: 'configuration', permanent: false, code: 'settings_migrated' }));
    this.#noticeRetiringModel(this.#settings.openai.model);
  }

  /** A model reported to shut down: one notice naming the date and the replacement (at start, and when it is chosen). */
  #noticeRetiringModel(model: string): void {
    const notice = retirementNotice(model);
    if (notice) this.reportError(new ConfigError(notice, { category: 'configuration', permanent: false, code: 'model_retiring' }));
  }

  #hasOpenAIKey(): boolean {
    return this.secrets.usableFor('openai', this.#settings.openai.realtimeUrl);
  }

  /** @internal The OpenAI status says "not configured" exactly when no key would be sent to the server set now. */
  refreshOpenAIStatus(): void {
    const hasKey = this.#hasOpenAIKey();
    if (this.#openai === 'not-configured' && hasKey) this.#openai = 'disconnected';
    if (!hasKey) this.#openai = 'not-configured';
    this.#emitStatus();
  }

  #createMic(): MicSource {
    const device = this.#settings.listening.micDevice || null;
    return this.#options.createMic
      ? this.#options.createMic(device)
      : new PvRecorderMicSource({ deviceName: device, fallbackToDefault: true });
  }

  async #startWakeWord(): Promise<void> {
    if (this.#options.wakeWord === 'off' || this.#settings.listening.wakeEngine === 'none') return;
    const accessKey = this.secrets.forConnection('picovoice', PICOVOICE_SERVER);
    const selection = await startWakeWordDetector(
      this.#settings.listening,
      accessKey ? { picovoiceAccessKey: accessKey } : {},
      this.#options.wakeWordWorkerEntry ? { workerEntry: this.#options.wakeWordWorkerEntry } : {},
    );
    const note = selection.notice?.message ?? selection.error?.message;
    if (selection.notice) this.reportError(selection.notice);
    if (selection.error) this.reportError(selection.error);
    const detector = selection.engine ?? null;
    const keywords = detector ? [...detector.keywords] : [];
    this.#wake = {
      detector,
      engine: { engine: detector && selection.kind ? selection.kind : 'none', keywords, ...(note ? { note } : {}) },
    };
    this.#mics.setMachineDetector(detector);
    this.#assistant.controller.setWakeWord(detector ? this.#mics.wakeWord : null);
  }

  /** A page's own detector: the engine the machine runs, with the same settings (none if the machine has none). */
  async #startPageWakeWord(): Promise<WakeWordDetector | null> {
    if (!this.#wake.detector) return null;
    const accessKey = this.secrets.forConnection('picovoice', PICOVOICE_SERVER);
    const selection = await startWakeWordDetector(
      this.#settings.listening,
      accessKey ? { picovoiceAccessKey: accessKey } : {},
      this.#options.wakeWordWorkerEntry ? { workerEntry: this.#options.wakeWordWorkerEntry } : {},
    );
    if (selection.error) log.warn({ err: selection.error }, 'no wake word for a page');
    return selection.engine ?? null;
  }

  async #startPushToTalk(): Promise<void> {
    if (this.#options.pushToTalk === 'off') return;
    const ptt = await startPushToTalk(this.#settings.listening.pushToTalk, {
      ...(this.#options.globalShortcut ? { globalShortcut: this.#options.globalShortcut } : {}),
      ...(this.#options.pushToTalkEnvironment ? { environment: this.#options.pushToTalkEnvironment } : {}),
      // The keyboard hook stopped while running and the hotkey now toggles (or is off): say so at once.
      onFallback: (notice) => this.reportError(notice),
    });
    this.#ptt = ptt;
    ptt.controller?.on('command', (command) => {
      const controller = this.#assistant.controller;
      if (command.type === 'start') controller.startConversation('push-to-talk', { hold: command.hold });
      else if (command.type === 'release') controller.pushToTalkReleased();
      else if (command.type === 'stop') controller.stopConversation();
    });
  }

  #applyOpenAISettings(previous: Settings, next: Settings): void {
    const session = this.#assistant.session;
    const needsNewSession =
      previous.openai.model !== next.openai.model ||
      previous.openai.voice !== next.openai.voice ||
      previous.openai.realtimeUrl !== next.openai.realtimeUrl;
    // The model and URL are fixed per connection, and the voice cannot change once the assistant has
    // spoken: those take a new session, at rest now or after the current conversation (until then
    // the session keeps its settings: a session.update with another voice would be refused).
    if (previous.openai.model !== next.openai.model) this.#noticeRetiringModel(next.openai.model);
    if (!needsNewSession) session.applyConfig();
    else if (isResting(this.#assistant.controller.state)) void session.close();
    else this.#renewAtRest = true;
  }

  // --- events -------------------------------------------------------------------------------

  #wireEvents(): void {
    const { controller, session } = this.#assistant;
    controller.on('state', (state) => {
      if (isResting(state)) this.#mics.release();
      if (this.#renewAtRest && isResting(state)) {
        this.#renewAtRest = false;
        void session.close();
      }
      const ptt = this.#ptt?.controller;
      const userTurn = state.kind === 'conversing' && (state.phase === 'listening' || state.phase === 'user-speaking');
      if (ptt && !userTurn && state.kind !== 'connecting') ptt.turnEnded();
      if (state.kind === 'conversing' || state.kind === 'connecting') this.#lastError = this.#lastError?.permanent ? this.#lastError : null;
      this.#emitStatus();
    });
    controller.on('error', (error) => this.reportError(error));
    this.#assistant.echo.on('notice', (notice) => this.reportError(notice));
    controller.on('mic_level', (level) => this.emit('event', 'mic:level', level));
    controller.on('muted', () => this.#emitStatus());
    controller.on('transcript', () => this.#scheduleTranscript());
    controller.on('tool_call', () => this.#scheduleTranscript());
    controller.on('tool_result', (result) => {
      this.#scheduleTranscript();
      this.highlight(result.entityIds);
    });
    controller.on('usage', (usage) => {
      if (usage.costUsd === null) this.#costKnown = false;
      else this.#costUsd += usage.costUsd;
      this.#emitStatus();
    });
    controller.on('metrics', (m) => {
      this.#lastTurn = {
        endOfSpeechToFirstAudioMs: m.endOfSpeechToFirstAudioMs,
        endOfSpeechToFirstPlayedMs: m.endOfSpeechToFirstPlayedMs,
        toolMs: m.toolMs,
      };
      this.#emitStatus();
    });
    session.on('status', (status) => {
      this.#openai = openaiHealth(status, this.#hasOpenAIKey());
      this.#emitStatus();
    });
    session.on('failed', () => {
      this.#openai = 'error';
      this.#emitStatus();
    });
    this.home.on('health', () => this.#emitStatus());
    this.home.on('cards', () => this.#emitCards());
    this.home.on('context', () => this.#assistant.session.applyConfig());
    this.home.on('error', (error) => this.reportError(error));
  }

  #nextSeq(): number {
    return ++this.#seq;
  }

  #emitStatus(): void {
    if (!this.#assistant) return;
    this.emit('event', 'status:changed', { seq: this.#nextSeq(), status: this.status() });
  }

  #scheduleTranscript(): void {
    if (this.#transcriptTimer !== undefined) return;
    this.#transcriptTimer = this.#clock.setTimeout(() => {
      this.#transcriptTimer = undefined;
      this.#emitTranscript();
    }, TRANSCRIPT_INTERVAL_MS);
  }

  #emitTranscript(): void {
    this.#transcript.update(this.#assistant.session.transcript);
    this.emit('event', 'transcript:changed', { seq: this.#nextSeq(), items: this.#transcript.items });
  }

  #cards() {
    const now = this.#clock.now();
    for (const [id, until] of this.#highlights) if (until <= now) this.#highlights.delete(id);
    return this.home.cards().map((card) => (this.#highlights.has(card.id) ? { ...card, highlighted: true } : card));
  }

  #emitCards(): void {
    this.emit('event', 'entities:changed', { seq: this.#nextSeq(), cards: this.#cards() });
  }
}

function openaiHealth(status: SessionStatus, hasKey: boolean): ConnectionHealth {
  switch (status) {
    case 'ready':
      return 'connected';
    case 'connecting':
      return 'connecting';
    case 'reconnecting':
      return 'reconnecting';
    case 'closed':
      return hasKey ? 'disconnected' : 'not-configured';
  }
}

function hostOf(url: string): string | null {
  const origin = originOf(url);
  return origin === null ? null : new URL(origin).host;
}

export function startAssistantApp(options: StartAssistantAppOptions): Promise<AssistantApp> {
  return AssistantApp.start(options);
}

/** A client's channel for a message: never String() on an object, whose toString a client may have replaced. */
function describeChannel(channel: unknown): string {
  return typeof channel === 'string' ? channel : `(not a name: ${channel === null ? 'null' : typeof channel})`;
}
