/*
 * Longer than most files (about 410 lines) on purpose: it is one concept, the imperative shell of
 * assistant-machine.ts, and every part of it (the effect runner, the privacy gate on microphone frames,
 * the wake word with its pre-roll, half duplex, the watchdog) reads and changes the same snapshot in
 * the same turn. Split, the gate would be spread over files that each hold part of that state.
 */
import { TypedEmitter } from '../util/typed-emitter.js';
import { systemClock, type Clock, type TimerHandle } from '../util/clock.js';
import { AppError, toAssistantError, type AssistantError } from '../util/errors.js';
import { createLogger } from '../util/logger.js';
import type { MicLevel, MicSource, PcmFrame } from '../audio/mic-source.js';
import type { Player } from '../audio/player.js';
import { PreRollBuffer } from '../audio/pre-roll-buffer.js';
import type { WakeDetection, WakeWordDetector } from '../wake-word/wake-word-detector.js';
import type { ToolCallEvent, ToolResultEvent, TranscriptUpdate, TruncateEvent, VoiceSession } from '../realtime/voice-session.js';
import type { TurnMetrics } from '../realtime/turn-metrics.js';
import type { UsageReport } from '../realtime/cost-meter.js';
import {
  initialSnapshot,
  transition,
  watchdogLimitMs,
  type AssistantState,
  type Effect,
  type MachineEvent,
  type MachineSnapshot,
  type TimerName,
  type TriggerSource,
} from './assistant-machine.js';

const log = createLogger('controller');

/**
 * openWakeWord fires 90–540 ms after the wake phrase ends (p95 435 ms on espeak speech); starting
 * 600 ms before the detection keeps every word of a command said in one breath, at the price of the
 * phrase's tail ("…vis, turn on the lights"), which the model ignores.
 */
const DEFAULT_PRE_ROLL_MS = 600;

export type AssistantEvents = {
  state: [state: AssistantState];
  transcript: [update: TranscriptUpdate];
  tool_call: [call: ToolCallEvent];
  tool_result: [result: ToolResultEvent];
  truncate: [truncation: TruncateEvent];
  usage: [usage: UsageReport];
  metrics: [metrics: TurnMetrics];
  error: [error: AssistantError];
  /** Every microphone frame that was sent towards OpenAI (after the privacy gate). */
  audio_sent: [frame: PcmFrame];
  /** A wake word was heard; `accepted` is false when it was ignored (e.g. the assistant's own voice). */
  wake: [detection: WakeDetection & { accepted: boolean }];
  mic_level: [level: MicLevel];
  muted: [muted: boolean];
};

export type DuplexMode = 'half' | 'full';

export type AssistantControllerOptions = {
  session: VoiceSession;
  mic: MicSource;
  player: Player;
  /** Absent when no wake-word engine is in use. */
  wakeWord?: WakeWordDetector;
  duplex: () => DuplexMode;
  /**
   * The microphone is echo-cancelled now (auto or full duplex with the canceller running): the wake
   * word hears the cancelled signal, so one heard while the assistant speaks is the user's.
   */
  echoCancelled?: () => boolean;
  /** Half duplex: how long the microphone stays closed after playback ends. */
  halfDuplexTailMs: () => number;
  /** Audio before the wake word's detection sent with the command (covers the detection delay). */
  preRollMs?: number;
  clock?: Clock;
  wakeWordEnabled: boolean;
  followUpMs: number;
  idleTimeoutMs: number;
};

/**
 * The imperative shell around the pure lifecycle machine: it feeds the machine events from the
 * session, the microphone and the user, and carries out the machine's effects. It is also the
 * privacy gate: microphone audio reaches the session only while the machine has the gate open.
 */
export class AssistantController extends TypedEmitter<AssistantEvents> {
  readonly #session: VoiceSession;
  readonly #mic: MicSource;
  readonly #clock: Clock;
  readonly #options: AssistantControllerOptions;
  #snapshot: MachineSnapshot;
  #micGateOpen = false;
  #timers = new Map<TimerName, TimerHandle>();
  #watchdog: TimerHandle | undefined;
  #unsubscribe: Array<() => void> = [];
  #dispatching = false;
  #queue: MachineEvent[] = [];
  readonly #preRoll = new PreRollBuffer();
  #preRollFromMs: number | undefined;
  #playbackEndedAt = Number.NEGATIVE_INFINITY;
  #lastFrameMs = 0;
  /** Timestamp of the last frame sent towards OpenAI: the pre-roll never sends a frame twice. */
  #lastSentFrameMs = Number.NEGATIVE_INFINITY;
  #wakeWord: WakeWordDetector | null = null;
  #wakeWordEnabled: boolean;
  #wakeOffs: Array<() => void> = [];

  constructor(options: AssistantControllerOptions) {
    super();
    this.#options = options;
    this.#session = options.session;
    this.#mic = options.mic;
    this.#clock = options.clock ?? systemClock;
    this.#snapshot = initialSnapshot({ ...options, wakeWordEnabled: options.wakeWordEnabled && !options.mic.muted });
    this.#wakeWordEnabled = options.wakeWordEnabled;
    this.#attachWakeWord(options.wakeWord ?? null);
    const s = this.#session;
    this.#unsubscribe.push(
      this.#mic.on('frame', (frame) => this.#onMicFrame(frame)),
      this.#mic.on('error', (error) => this.emit('error', error)),
      this.#mic.on('level', (level) => this.emit('mic_level', level)),
      options.player.on('drained', () => {
        this.#playbackEndedAt = this.#clock.now();
      }),
      s.on('ready', () => this.dispatch({ type: 'session_ready' })),
      s.on('status', (status) => {
        if (status === 'reconnecting') this.dispatch({ type: 'session_reconnecting' });
        else if (status === 'closed') this.dispatch({ type: 'session_closed' });
      }),
      s.on('failed', (error) => {
        this.emit('error', error);
        this.dispatch({ type: 'session_failed', error: error.toWire() });
      }),
      s.on('error', (error) => this.emit('error', error)),
      s.on('speech_started', () => this.dispatch({ type: 'speech_started' })),
      s.on('speech_stopped', () => this.dispatch({ type: 'speech_stopped' })),
      s.on('response_started', () => this.dispatch({ type: 'response_started' })),
      s.on('assistant_audio_started', () => this.dispatch({ type: 'assistant_audio_started' })),
      s.on('tool_started', (call) => {
        this.emit('tool_call', call);
        this.dispatch({ type: 'tool_started', name: call.name });
      }),
      s.on('tool_finished', (result) => {
        this.emit('tool_result', result);
        this.dispatch({ type: 'tool_finished' });
      }),
      s.on('assistant_done', () => this.dispatch({ type: 'assistant_done' })),
      s.on('transcript', (update) => this.emit('transcript', update)),
      s.on('truncate', (t) => this.emit('truncate', t)),
      s.on('usage', (u) => this.emit('usage', u)),
      s.on('metrics', (m) => this.emit('metrics', m)),
    );
  }

  get state(): AssistantState {
    return this.#snapshot.state;
  }

  get micGateOpen(): boolean {
    return this.#micGateOpen;
  }

  get muted(): boolean {
    return this.#mic.muted;
  }

  /** Starts the microphone (the wake word listens to it; nothing leaves the machine yet). */
  async start(): Promise<void> {
    await this.#mic.start();
    this.emit('state', this.#snapshot.state);
  }

  async shutdown(): Promise<void> {
    for (const timer of this.#timers.values()) this.#clock.clearTimeout(timer);
    this.#timers.clear();
    this.#clock.clearTimeout(this.#watchdog);
    for (const off of this.#unsubscribe) off();
    this.#unsubscribe = [];
    this.#micGateOpen = false;
    await this.#mic.stop();
    const wakeWord = this.#wakeWord;
    this.#attachWakeWord(null);
    await wakeWord?.stop();
    await this.#session.close();
  }

  /**
   * Replaces the wake-word detector (settings changed) or removes it (null). The caller stops the
   * old one; frames go to the new one from the next frame on.
   */
  setWakeWord(detector: WakeWordDetector | null): void {
    this.#attachWakeWord(detector);
    this.#wakeWordEnabled = detector !== null;
    this.dispatch({ type: 'wake_word_enabled', enabled: detector !== null && !this.#mic.muted });
  }

  #attachWakeWord(detector: WakeWordDetector | null): void {
    for (const off of this.#wakeOffs) off();
    this.#wakeOffs = [];
    this.#wakeWord = detector;
    if (detector) {
      this.#wakeOffs.push(
        detector.on('detection', (d) => this.#onWake(d)),
        detector.on('error', (error) => this.emit('error', error)),
      );
    }
  }

  /** Mute stops capture entirely; a conversation in progress ends. */
  async setMuted(muted: boolean): Promise<void> {
    if (muted === this.#mic.muted) return;
    if (muted) this.dispatch({ type: 'stop' });
    await this.#mic.setMuted(muted);
    this.#preRoll.clear();
    this.dispatch({ type: 'wake_word_enabled', enabled: !muted && this.#wakeWordEnabled });
    this.emit('muted', muted);
  }

  // --- commands -----------------------------------------------------------------------------

  startConversation(source: TriggerSource = 'menu', options: { hold?: boolean } = {}): void {
    if (source !== 'text' && this.#mic.muted) {
      this.emit(
        'error',
        new AppError('The microphone is muted. Unmute it to talk, or type instead.', {
          category: 'application',
          permanent: false,
          code: 'mic_muted',
        }),
      );
      return;
    }
    this.dispatch({ type: 'trigger', source, ...(options.hold ? { hold: true } : {}) });
  }

  sendText(text: string): void {
    this.dispatch({ type: 'trigger', source: 'text', text });
  }

  stopConversation(): void {
    this.dispatch({ type: 'stop' });
  }

  clearContext(): void {
    this.dispatch({ type: 'clear_context' });
  }

  /** The model asked to end the conversation (end_conversation tool). */
  endRequested(): void {
    this.dispatch({ type: 'end_requested' });
  }

  pushToTalkReleased(): void {
    this.dispatch({ type: 'ptt_released' });
  }

  setTimeouts(followUpMs: number, idleTimeoutMs: number): void {
    this.dispatch({ type: 'timeouts_changed', followUpMs, idleTimeoutMs });
  }

  /** Feeds one event through the machine; re-entrant calls are queued so order is preserved. */
  dispatch(event: MachineEvent): void {
    this.#queue.push(event);
    if (this.#dispatching) return;
    this.#dispatching = true;
    try {
      while (this.#queue.length > 0) {
        const next = this.#queue.shift()!;
        const before = this.#snapshot.state;
        const { snapshot, effects } = transition(this.#snapshot, next);
        this.#snapshot = snapshot;
        if (snapshot.state !== before && !sameState(before, snapshot.state)) {
          log.debug({ event: next.type, state: snapshot.state }, 'state');
          this.#armWatchdog(snapshot.state);
          this.emit('state', snapshot.state);
        }
        for (const effect of effects) this.#run(effect);
      }
    } finally {
      this.#dispatching = false;
    }
  }

  /** A fresh limit for every state (a tool's name change counts: each tool gets the full limit). */
  #armWatchdog(state: AssistantState): void {
    this.#clock.clearTimeout(this.#watchdog);
    this.#watchdog = undefined;
    const limitMs = watchdogLimitMs(state);
    if (limitMs === null) return;
    this.#watchdog = this.#clock.setTimeout(() => {
      this.#watchdog = undefined;
      const seconds = Math.round(limitMs / 1000);
      const connecting = state.kind === 'connecting';
      const error = new AppError(
        connecting
          ? `OpenAI did not answer within ${seconds} seconds. Check the network, then try again.`
          : `The conversation stopped: nothing happened for ${seconds} seconds while ${describe(state)}.`,
        { category: connecting ? 'connectivity' : 'application', permanent: false, code: 'watchdog' },
      );
      log.warn({ state, limitMs }, 'watchdog expired');
      if (!connecting) this.emit('error', error);
      this.dispatch({ type: 'stuck', error: connecting ? { ...error.toWire(), source: 'openai' } : error.toWire() });
    }, limitMs);
  }

  // --- effects ------------------------------------------------------------------------------

  #run(effect: Effect): void {
    switch (effect.type) {
      case 'open-session':
        this.#session.open().catch((error: unknown) => {
          // Fatal failures arrive as the session's `failed` event; a cancelled connect needs nothing.
          log.debug({ err: toAssistantError(error, 'openai') }, 'open failed');
        });
        return;
      case 'close-session':
        void this.#session.close();
        return;
      case 'mic-gate':
        this.#micGateOpen = effect.open;
        if (effect.open) this.#sendPreRoll();
        else this.#preRollFromMs = undefined;
        return;
      case 'manual-turns':
        this.#session.setManualTurns(effect.on);
        return;
      case 'send-text':
        this.#session.sendText(effect.text);
        return;
      case 'interrupt':
        void this.#session.interrupt();
        return;
      case 'commit-turn':
        this.#session.commitTurn();
        return;
      case 'start-timer': {
        this.#clock.clearTimeout(this.#timers.get(effect.timer));
        const handle = this.#clock.setTimeout(() => {
          this.#timers.delete(effect.timer);
          this.dispatch({ type: 'timer_expired', timer: effect.timer });
        }, effect.ms);
        this.#timers.set(effect.timer, handle);
        return;
      }
      case 'cancel-timer':
        this.#clock.clearTimeout(this.#timers.get(effect.timer));
        this.#timers.delete(effect.timer);
        return;
      case 'clear-context':
        this.#session.clearContext();
        return;
    }
  }

  #onMicFrame(frame: PcmFrame): void {
    this.#lastFrameMs = frame.timestampMs;
    this.#preRoll.push(frame);
    // The detector takes ownership of the buffer it is given; the pre-roll keeps the original.
    this.#wakeWord?.push(frame.samples.slice(), frame.timestampMs);
    if (!this.#micGateOpen || this.#halfDuplexClosed()) return;
    this.#sendFrame(frame);
  }

  #sendFrame(frame: PcmFrame): void {
    this.#lastSentFrameMs = frame.timestampMs;
    this.#session.appendAudio(frame.samples);
    this.emit('audio_sent', frame);
  }

  /** Half duplex: the assistant's own voice must not reach the server (or interrupt it). */
  #halfDuplexClosed(): boolean {
    if (this.#options.duplex() !== 'half') return false;
    return this.#options.player.isPlaying || this.#clock.now() - this.#playbackEndedAt < this.#options.halfDuplexTailMs();
  }

  #onWake(detection: WakeDetection): void {
    const state = this.#snapshot.state;
    const playing = this.#options.player.isPlaying;
    // Full duplex: the user interrupts by voice; a wake word while we speak is most likely our own voice,
    // unless the microphone is echo-cancelled (then it is the user's: "Hey Jarvis" works while it speaks).
    const ownVoice = playing && this.#options.duplex() === 'full' && !(this.#options.echoCancelled?.() ?? false);
    const ignore = state.kind === 'connecting' || this.#mic.muted || ownVoice;
    this.emit('wake', { ...detection, accepted: !ignore });
    if (ignore) {
      log.info({ keyword: detection.keyword, state: state.kind }, 'wake word ignored');
      return;
    }
    log.info({ keyword: detection.keyword, score: detection.score }, 'wake word');
    const preRollMs = this.#options.preRollMs ?? DEFAULT_PRE_ROLL_MS;
    this.#preRollFromMs = detection.frameTimestampMs - preRollMs;
    const gateWasOpen = this.#micGateOpen;
    this.dispatch({ type: 'trigger', source: 'wake-word' });
    // Already conversing: the gate stays open, so the pre-roll goes now (frames the gate held back).
    if (gateWasOpen && this.#micGateOpen) this.#sendPreRoll();
  }

  /** Sends the frames from just before the wake word's detection that the closed gate held back. */
  #sendPreRoll(): void {
    const from = this.#preRollFromMs;
    this.#preRollFromMs = undefined;
    if (from === undefined) return;
    for (const frame of this.#preRoll.since(from)) {
      if (frame.timestampMs > this.#lastFrameMs) break;
      if (frame.timestampMs <= this.#lastSentFrameMs) continue; // already went while the gate was open
      this.#sendFrame(frame);
    }
  }
}

function describe(state: AssistantState): string {
  if (state.kind !== 'conversing') return state.kind;
  if (state.phase === 'running-tool') return `running ${state.tool ?? 'a tool'}`;
  return state.phase.replace('-', ' ');
}

function sameState(a: AssistantState, b: AssistantState): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
