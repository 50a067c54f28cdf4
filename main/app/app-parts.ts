import { hostname } from 'node:os';
import type { Clock } from '../util/clock.js';
import type { AssistantError } from '../util/errors.js';
import type { Settings } from '../../preload/contract/settings-schema.js';
import type { MicSource } from '../audio/mic-source.js';
import type { Player } from '../audio/player.js';
import { PvRecorderMicSource } from '../audio/pv-recorder-mic-source.js';
import type { RealtimeTransport } from '../realtime/realtime-transport.js';
import type { BoundSecrets } from '../secrets/bound-secrets.js';
import type { PushToTalkEnvironment } from '../push-to-talk/push-to-talk.js';
import type { GlobalShortcutLike } from '../push-to-talk/global-shortcut-key-hook.js';
import { isResting } from './assistant-machine.js';
import { AudioOutputs } from './audio-outputs.js';
import { createAssistant, type Assistant } from './compose.js';
import { ConversationMics } from './conversation-mics.js';
import type { EchoEngine } from './echo-control.js';
import type { HomeConnection } from './home-connection.js';
import { picovoiceKey } from './key-policy.js';
import { ListeningInputs } from './listening-inputs.js';
import { PageMics } from './page-mics.js';
import { SessionRenewal } from './settings-application.js';
import { SwitchableMicSource } from './switchable-mic-source.js';

/** The app's seams: what a host (Electron, web mode) or a test chooses; every one has a default. */
export type AppSeams = {
  /** Electron's globalShortcut, for the push-to-talk hotkey (absent in plain Node). */
  globalShortcut?: GlobalShortcutLike;
  pushToTalkEnvironment?: PushToTalkEnvironment;
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

/** The engine (compose.ts) and the parts of the app around it, built once at start. */
export type AppParts = {
  assistant: Assistant;
  /** The machine's microphone and web pages' ones, one conversation at a time. */
  mics: ConversationMics;
  pageMics: PageMics;
  outputs: AudioOutputs;
  inputs: ListeningInputs;
  renewal: SessionRenewal;
  /** The microphone device setting changed: the machine's microphone is replaced in place. */
  replaceMic(): Promise<void>;
};

/** Builds the app around the engine: outputs, microphones, the engine, then the wake word and hotkey on it. */
export async function assembleAppParts(context: {
  seams: AppSeams;
  clock: Clock;
  settings: () => Settings;
  secrets: BoundSecrets;
  home: HomeConnection;
  report: (notice: AssistantError) => void;
}): Promise<AppParts> {
  const { seams, clock, settings, secrets, home } = context;
  // The microphones and outputs are built before the engine that their callbacks reach.
  const late: { assistant?: Assistant; inputs?: ListeningInputs } = {};
  const outputs = await AudioOutputs.create({
    ...(seams.fallbackPlayer ? { fallback: seams.fallbackPlayer } : {}),
    clock,
    interrupt: async () => late.assistant?.session.interrupt(),
  });
  const createMic = (): MicSource => {
    const device = settings().listening.micDevice || null;
    return seams.createMic ? seams.createMic(device) : new PvRecorderMicSource({ deviceName: device, fallbackToDefault: true });
  };
  const mic = new SwitchableMicSource(createMic());
  const mics = new ConversationMics({
    machine: mic,
    machineLabel: `this computer (${hostname()})`,
    busy: () => (late.assistant ? !isResting(late.assistant.controller.state) : false),
    createDetector: async () => (late.inputs ? late.inputs.startPageWakeWord() : null),
  });
  const assistant = await createAssistant({
    settings,
    apiKeyFor: (url) => secrets.forConnection('openai', url) ?? '',
    mic: mics,
    player: outputs.router,
    ...(seams.transport ? { transport: seams.transport } : {}),
    ...(seams.echoEngine !== undefined ? { echoEngine: seams.echoEngine } : {}),
    home: { tools: home.tools, instructions: home.instructions, onContextChanged: (l) => home.on('context', l) },
    ...(seams.clock ? { clock: seams.clock } : {}),
  });
  const inputs = new ListeningInputs({
    settings,
    picovoiceKey: () => picovoiceKey(secrets),
    mics,
    controller: assistant.controller,
    report: context.report,
    wakeWord: seams.wakeWord,
    wakeWordWorkerEntry: seams.wakeWordWorkerEntry,
    pushToTalk: seams.pushToTalk,
    globalShortcut: seams.globalShortcut,
    pushToTalkEnvironment: seams.pushToTalkEnvironment,
  });
  late.assistant = assistant;
  late.inputs = inputs;
  return {
    assistant,
    mics,
    pageMics: new PageMics(mics, outputs.router),
    outputs,
    inputs,
    renewal: new SessionRenewal(assistant.controller, assistant.session),
    replaceMic: () => mic.replace(createMic()),
  };
}
