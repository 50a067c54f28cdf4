import type { Clock } from '../util/clock.js';
import type { MicSource } from '../audio/mic-source.js';
import type { Player } from '../audio/player.js';
import type { RealtimeTransport } from '../realtime/realtime-transport.js';
import { WsRealtimeTransport } from '../realtime/ws-realtime-transport.js';
import { VoiceSession } from '../realtime/voice-session.js';
import { buildSessionConfig } from '../realtime/session-config.js';
import { createPriceTable } from '../realtime/price-table.js';
import { DefaultToolRegistry, type ToolRegistry, type ToolSource } from '../tools/tool-registry.js';
import { createConversationTools } from '../tools/conversation-tools.js';
import { AssistantController } from './assistant-controller.js';
import type { Settings } from '../../preload/contract/settings-schema.js';
import type { WakeWordDetector } from '../wake-word/wake-word-detector.js';
import { EchoControl, type EchoEngine } from './echo-control.js';
import { defaultEchoEngine } from './echo-engine.js';
import { ConfigError } from '../util/errors.js';
import { retirementNotice } from '../../preload/contract/model-catalog.js';

/** Home Assistant as the engine sees it: its tools, a summary of the home, and word when either changes. */
export type HomeContext = {
  tools: ToolSource;
  instructions: () => string | undefined;
  /** Names, areas or exposure changed: the session's tools and instructions are re-sent. */
  onContextChanged: (listener: () => void) => unknown;
};

export type AssistantDeps = {
  settings: () => Settings;
  /**
   * The key for a connection to this Realtime URL ('' when none is bound to it). The session asks with
   * the URL it is about to open, read in the same turn as the key, so a settings change cannot pair
   * one server's key with another server's address.
   */
  apiKeyFor: (url: string) => string;
  mic: MicSource;
  player: Player;
  transport?: RealtimeTransport;
  /** Home Assistant's tools and instructions, re-sent to the session whenever they change. */
  home?: HomeContext;
  /** More tools, read every time the session is configured. */
  toolSources?: ToolSource[];
  /** Text appended to the instructions (the home's summary, when `home` is absent). */
  extraInstructions?: () => string | undefined;
  /** The wake-word detector (null/absent: no wake word; start by hotkey, menu or text). */
  wakeWord?: WakeWordDetector | null;
  /**
   * The echo canceller that wraps the microphone (issue 10), for every host alike. Absent: the build's
   * (`defaultEchoEngine`); null: none (auto duplex then means half duplex).
   */
  echoEngine?: EchoEngine | null;
  clock?: Clock;
};

export type Assistant = {
  controller: AssistantController;
  session: VoiceSession;
  transport: RealtimeTransport;
  /** Every tool call runs here: the model's, and the app's own (a card's button). */
  tools: ToolRegistry;
  /** The duplex mode in effect and the canceller behind it. */
  echo: EchoControl;
  /** The microphone everything listens to: the echo-cancelled one when there is a canceller. */
  mic: MicSource;
  /** Stops the conversation, the session and the canceller (not the microphone's source or the player, which the host owns). */
  shutdown(): Promise<void>;
};

/** A model reported to shut down: one notice naming the date and the replacement (at start, and when it is chosen). */
export function retiringModelNotice(model: string): ConfigError | undefined {
  const notice = retirementNotice(model);
  return notice ? new ConfigError(notice, { category: 'configuration', permanent: false, code: 'model_retiring' }) : undefined;
}

/** The one place the engine is assembled, for every host: Electron, headless and web mode. */
export async function createAssistant(deps: AssistantDeps): Promise<Assistant> {
  const transport = deps.transport ?? new WsRealtimeTransport(deps.clock ? { clock: deps.clock } : {});
  // The tools are built before the controller that their callback reaches.
  const late: { controller?: AssistantController } = {};
  const conversationTools = createConversationTools(() => late.controller?.endRequested());
  const toolSources = [...(deps.home ? [deps.home.tools] : []), ...(deps.toolSources ?? [])];
  const tools = new DefaultToolRegistry(() => conversationTools, ...toolSources);
  const extraInstructions = deps.home?.instructions ?? deps.extraInstructions;
  const session = await VoiceSession.create({
    transport,
    player: deps.player,
    tools,
    prices: createPriceTable(deps.settings().prices),
    connection: () => {
      const { openai } = deps.settings();
      return { url: openai.realtimeUrl, model: openai.model, apiKey: deps.apiKeyFor(openai.realtimeUrl) };
    },
    sessionConfig: ({ manualTurns }) => {
      const { openai } = deps.settings();
      const extra = extraInstructions?.();
      return buildSessionConfig({ openai, tools: tools.definitions(), manualTurns, ...(extra ? { extraInstructions: extra } : {}) });
    },
    ...(deps.clock ? { clock: deps.clock } : {}),
  });
  const { conversation } = deps.settings();
  // The wake word and the session hear the same (cancelled) microphone.
  const echoEngine = deps.echoEngine === undefined ? defaultEchoEngine : deps.echoEngine;
  const canceller =
    echoEngine?.createCanceller(deps.mic, {
      ...(deps.clock ? { clock: deps.clock } : {}),
      delayHintMs: deps.settings().listening.echoTest?.delayMs ?? null,
    }) ?? null;
  const mic = canceller ?? deps.mic;
  const echo = new EchoControl({ engine: echoEngine, canceller, player: deps.player, settings: () => deps.settings().listening });
  const controller = new AssistantController({
    session,
    mic,
    player: deps.player,
    ...(deps.wakeWord ? { wakeWord: deps.wakeWord } : {}),
    duplex: () => echo.current().mode,
    echoCancelled: () => echo.current().cancelling,
    halfDuplexTailMs: () => deps.settings().listening.halfDuplexTailMs,
    wakeWordEnabled: !!deps.wakeWord,
    followUpMs: conversation.followUpSeconds * 1000,
    idleTimeoutMs: conversation.idleTimeoutSeconds * 1000,
    ...(deps.clock ? { clock: deps.clock } : {}),
  });
  late.controller = controller;
  deps.home?.onContextChanged(() => session.applyConfig());
  const shutdown = async () => {
    try {
      await controller.shutdown();
    } finally {
      session.dispose();
      await echo.dispose();
    }
  };
  return { controller, session, transport, tools, echo, mic, shutdown };
}
