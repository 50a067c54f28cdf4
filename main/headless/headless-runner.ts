import { access, constants, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { configureLogging, createLogger } from '../util/logger.js';
import { ConfigError, toAssistantError, type AssistantError } from '../util/errors.js';
import { appPaths } from '../app/app-paths.js';
import { JsonFileSettingsStore } from '../app/settings-store.js';
import { validateSettings, type Settings } from '../../preload/contract/settings-schema.js';
import { createAssistant, retiringModelNotice, type Assistant } from '../app/compose.js';
import { BoundSecrets } from '../secrets/bound-secrets.js';
import { isResting, type AssistantState } from '../app/assistant-machine.js';
import { HeadlessPlayer } from '../audio/headless-player.js';
import { WavFileMicSource } from '../audio/wav-file-mic-source.js';
import type { MicSource } from '../audio/mic-source.js';
import { SilentMicSource } from '../audio/silent-mic-source.js';
import { connectHomeAssistant, type HomeAssistantIntegration } from '../app/home-assistant-integration.js';
import { PvRecorderMicSource } from '../audio/pv-recorder-mic-source.js';
import type { WakeWordDetector } from '../wake-word/wake-word-detector.js';
import { startWakeWord } from './headless-wake-word.js';
import { EventLog } from './event-log.js';
import type { HeadlessOptions } from './headless-options.js';

const log = createLogger('headless');

export const EXIT = { done: 0, failed: 1, usage: 2, auth: 3 } as const;

export type HeadlessIo = {
  env: NodeJS.ProcessEnv;
  /** One clear line for the user. */
  printError: (line: string) => void;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM). */
  stopSignal: Promise<void>;
};

export function exitCodeFor(error: Pick<AssistantError, 'category'>): number {
  if (error.category === 'authentication' || error.category === 'authorization') return EXIT.auth;
  if (error.category === 'configuration' || error.category === 'invalid_request') return EXIT.usage;
  return EXIT.failed;
}

/** The engine without Electron: a WAV file or the system microphone in, a WAV file out. */
export async function runHeadless(options: HeadlessOptions, io: HeadlessIo): Promise<number> {
  const paths = appPaths(io.env);
  let settings: Settings;
  try {
    settings = await loadSettings(options, paths.config);
  } catch (error) {
    io.printError(toAssistantError(error, 'settings').message);
    return EXIT.usage;
  }
  configureLogging({ dir: paths.logs, level: settings.logging.level, modules: settings.logging.modules });

  const apiKey = io.env.OPENAI_API_KEY?.trim() ?? '';
  if (!apiKey) {
    io.printError('OPENAI_API_KEY is not set: export your OpenAI API key before running headless mode.');
    return EXIT.usage;
  }
  // The run's key goes to the Realtime server of the run (--realtime-url or the settings), and nowhere else.
  const secrets = await BoundSecrets.open({ environment: { openai: { value: apiKey, url: settings.openai.realtimeUrl } } });
  let haToken: string | undefined;
  if (options.haTokenFile !== undefined) {
    try {
      haToken = await readFile(options.haTokenFile, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why =
        code === 'ENOENT'
          ? 'no such file'
          : code === 'EACCES'
            ? 'permission denied'
            : code === 'EISDIR'
              ? 'it is a folder'
              : (code ?? 'unreadable');
      io.printError(`--ha-token-file ${options.haTokenFile}: cannot read the Home Assistant token (${why}).`);
      return EXIT.usage;
    }
  }

  let mic: MicSource;
  let wavInput: WavFileMicSource | undefined;
  if (options.input) {
    wavInput = new WavFileMicSource({ path: options.input });
    try {
      await wavInput.load();
    } catch (error) {
      io.printError(toAssistantError(error, 'mic').message);
      return EXIT.usage;
    }
    mic = wavInput;
  } else if (options.text !== undefined && options.wake !== 'none') {
    // A typed conversation needs no microphone.
    mic = new SilentMicSource();
  } else {
    mic = new PvRecorderMicSource({ deviceName: settings.listening.micDevice || null });
  }
  const typedOnly = mic instanceof SilentMicSource;

  let wakeWord: WakeWordDetector | null = null;
  let wakeNotice: AssistantError | undefined;
  if (options.wake !== 'none' && !typedOnly) {
    try {
      const started = await startWakeWord(settings, options.wake, io.env);
      wakeWord = started.detector;
      wakeNotice = started.notice;
    } catch (error) {
      io.printError(toAssistantError(error, 'wake-word').message);
      return EXIT.usage;
    }
  }

  for (const [flag, path] of [
    ['--output', options.output],
    ['--events', options.events],
  ] as const) {
    if (path && !(await writableDir(path))) {
      io.printError(`${flag} ${path}: the folder does not exist or is not writable.`);
      return EXIT.usage;
    }
  }
  const events = await EventLog.open(options.events);

  // Home Assistant is connected before the conversation starts, so a wrong token or URL ends the run
  // at once with one line: exit 3 for a refused token, 2 for a bad URL or certificate, 1 when unreachable.
  let homeAssistant: HomeAssistantIntegration | undefined;
  if (options.haUrl !== undefined && haToken !== undefined) {
    try {
      homeAssistant = await connectHomeAssistant({ url: options.haUrl, token: haToken, settings: () => settings });
    } catch (error) {
      const failure = toAssistantError(error, 'home-assistant');
      events.write('error', { source: failure.source, category: failure.category, permanent: failure.permanent, message: failure.message });
      await events.close();
      await wakeWord?.stop().catch(() => undefined);
      io.printError(failure.message);
      return exitCodeFor(failure);
    }
    const ha = homeAssistant;
    events.write('home_assistant', { status: ha.gateway.status, version: ha.gateway.haVersion });
    ha.gateway.on('connection_change', (status) => events.write('home_assistant', { status, version: ha.gateway.haVersion }));
    ha.gateway.on('error', (error) => events.write('error', wireFields(error)));
  }

  const player = await HeadlessPlayer.create({ ...(options.output ? { wavPath: options.output } : {}), soundCard: true });

  let assistant: Assistant | undefined;
  try {
    const ha = homeAssistant;
    assistant = await createAssistant({
      settings: () => settings,
      apiKeyFor: (url) => secrets.forConnection('openai', url) ?? '',
      mic,
      player,
      wakeWord,
      // Names, areas or exposure changed in Home Assistant: the engine re-sends the tools and instructions.
      ...(ha ? { home: ha } : {}),
    });
    if (wakeNotice) events.write('error', wireFields(wakeNotice));
    assistant.echo.on('notice', (notice) => {
      log.warn(notice.message);
      events.write('error', wireFields(notice));
    });
    const retiring = retiringModelNotice(settings.openai.model);
    if (retiring) {
      // Told, not fatal: the model works until its date.
      log.warn(retiring.message);
      events.write('error', wireFields(retiring));
    }
    return await runConversation(assistant, { options, io, events, wavInput, typedOnly, wakeMode: wakeWord !== null });
  } catch (error) {
    // Anything that escaped (e.g. no microphone at all): one line, not a stack.
    io.printError(toAssistantError(error, 'app').message);
    return EXIT.failed;
  } finally {
    await assistant?.shutdown().catch((error: unknown) => log.warn({ err: error }, 'shutdown failed'));
    await homeAssistant?.close().catch((error: unknown) => log.warn({ err: error }, 'closing Home Assistant failed'));
    await player.close();
    await events.close();
  }
}

async function runConversation(
  assistant: Assistant,
  context: {
    options: HeadlessOptions;
    io: HeadlessIo;
    events: EventLog;
    wavInput: WavFileMicSource | undefined;
    typedOnly: boolean;
    wakeMode: boolean;
  },
): Promise<number> {
  const { controller } = assistant;
  const { options, io, events, wavInput, typedOnly, wakeMode } = context;
  // A typed conversation has no input stream whose end to wait for.
  let inputEnded = typedOnly;
  let conversationHappened = false;
  let textSent = false;
  let finish: (code: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => (finish = resolve));

  const maybeExitWhenIdle = () => {
    // With a wake word, a run may end without any conversation (nothing said the wake word).
    if (
      options.exitWhenIdle &&
      inputEnded &&
      (conversationHappened || wakeMode) &&
      (isResting(controller.state) || controller.state.kind === 'error')
    ) {
      finish(controller.state.kind === 'error' ? exitCodeFor(controller.state.error) : EXIT.done);
    }
  };

  controller.on('state', (state) => {
    events.write('state', stateFields(state));
    // The echo path at every state change: the mode in effect and the canceller's estimate.
    const echoStats = assistant.echo.stats();
    if (echoStats) {
      const { mode, cancelling } = assistant.echo.current();
      events.write('echo', {
        mode,
        cancelling,
        delay_ms: echoStats.delayMs,
        erle_db: echoStats.erleDb === null ? null : round(echoStats.erleDb),
        frames: echoStats.framesProcessed,
        mean_process_ms: round(echoStats.meanProcessMs),
      });
    }
    if (!isResting(state)) conversationHappened = true;
    if (state.kind === 'conversing' && options.text !== undefined && options.wake === 'none' && !textSent) {
      textSent = true;
      controller.sendText(options.text);
    }
    maybeExitWhenIdle();
  });
  controller.on('transcript', (u) =>
    events.write('transcript', {
      role: u.role,
      text: u.text,
      final: u.final,
      item_id: u.itemId,
      ...(u.interrupted ? { interrupted: true } : {}),
      ...(u.phase ? { phase: u.phase } : {}),
    }),
  );
  controller.on('tool_call', (c) => events.write('tool_call', { call_id: c.callId, name: c.name, arguments: c.arguments }));
  controller.on('tool_result', (r) =>
    events.write('tool_result', { call_id: r.callId, name: r.name, ok: r.ok, output: r.output, duration_ms: round(r.durationMs) }),
  );
  controller.on('truncate', (t) =>
    events.write('truncate', { item_id: t.itemId, audio_end_ms: t.audioEndMs, received_ms: round(t.receivedMs) }),
  );
  controller.on('usage', (u) =>
    events.write('usage', {
      input_tokens: u.inputTokens,
      output_tokens: u.outputTokens,
      cost_usd: u.costUsd,
      total_cost_usd: u.totalCostUsd,
    }),
  );
  controller.on('metrics', (m) =>
    events.write('metrics', {
      end_of_speech_to_first_audio_ms: round(m.endOfSpeechToFirstAudioMs),
      end_of_speech_to_first_played_ms: round(m.endOfSpeechToFirstPlayedMs),
      tool_ms: m.toolMs.map(round),
      reconnects: m.reconnects,
      errors: m.errors,
    }),
  );
  controller.on('error', (error) => events.write('error', wireFields(error)));
  assistant.session.on('failed', (error) => {
    // Permanent failures end the run (nothing will fix them without the user); others only with --exit-when-idle.
    if (error.permanent || options.exitWhenIdle) {
      io.printError(error.message);
      finish(exitCodeFor(error));
    }
  });
  wavInput?.on('end', () => {
    events.write('input_end');
    // A wake word said at the very end is detected a few hundred ms later: give it time.
    setTimeout(
      () => {
        inputEnded = true;
        maybeExitWhenIdle();
      },
      wakeMode ? 1500 : 0,
    );
  });
  controller.on('wake', (d) =>
    events.write('wake', {
      keyword: d.keyword,
      score: Math.round(d.score * 1000) / 1000,
      accepted: d.accepted,
      stream_ms: d.frameTimestampMs,
    }),
  );

  if (options.conversationTimeoutSeconds !== undefined) {
    controller.setTimeouts(options.conversationTimeoutSeconds * 1000, 30_000);
  }
  await controller.start();
  if (options.wake === 'none') controller.startConversation('menu');
  else if (options.text !== undefined) {
    textSent = true;
    controller.sendText(options.text);
  }
  return Promise.race([finished, io.stopSignal.then(() => EXIT.done)]);
}

async function loadSettings(options: HeadlessOptions, configDir: string): Promise<Settings> {
  const store = new JsonFileSettingsStore(configDir);
  const stored = await store.load();
  const candidate = structuredClone(stored) as Settings;
  if (options.realtimeUrl !== undefined) candidate.openai.realtimeUrl = options.realtimeUrl;
  if (options.model !== undefined) candidate.openai.model = options.model;
  if (options.conversationTimeoutSeconds !== undefined) candidate.conversation.followUpSeconds = options.conversationTimeoutSeconds;
  const result = validateSettings(candidate);
  if (!result.ok) {
    const issue = result.issues[0]!;
    const flag = issue.path === 'openai.realtimeUrl' ? '--realtime-url' : issue.path === 'openai.model' ? '--model' : issue.path;
    throw new ConfigError(`${flag}: ${issue.message.replace(/\.$/, '')}.`);
  }
  return result.settings;
}

async function writableDir(path: string): Promise<boolean> {
  try {
    await access(dirname(path), constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function stateFields(state: AssistantState): Record<string, unknown> {
  switch (state.kind) {
    case 'conversing':
      return { state: state.kind, phase: state.phase, ...(state.tool ? { tool: state.tool } : {}) };
    case 'connecting':
      return { state: state.kind, source: state.source, reconnecting: state.reconnecting };
    case 'error':
      return { state: state.kind, error: state.error };
    default:
      return { state: state.kind };
  }
}

function wireFields(error: AssistantError): Record<string, unknown> {
  return {
    source: error.source,
    category: error.category,
    permanent: error.permanent,
    message: error.message,
    ...(error.code ? { code: error.code } : {}),
  };
}

function round(value: number | null): number | null {
  return value === null ? null : Math.round(value * 10) / 10;
}
