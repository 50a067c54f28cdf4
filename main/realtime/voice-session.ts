import { TypedEmitter } from '../util/typed-emitter.js';
import { systemClock, type Clock } from '../util/clock.js';
import { ConfigError, OpenAIRealtimeError, type AssistantError } from '../util/errors.js';
import { createLogger } from '../util/logger.js';
import type { Player } from '../audio/player.js';
import type { ToolRegistry } from '../tools/tool-registry.js';
import { classifyServerError } from './error-classifier.js';
import { CostMeter } from './cost-meter.js';
import type { PriceTable } from './price-table.js';
import type { ClientEvent, SessionConfig } from './protocol-types.js';
import type { RealtimeTransport, TransportOpenInfo, TransportStatus } from './realtime-transport.js';
import { ResponseSequencer } from './response-sequencer.js';
import { UserReplyLog } from './user-reply-log.js';
import { InputAudio } from './input-audio.js';
import { TurnClock } from './turn-metrics.js';
import { RESPONSE_WATCHDOG_MS, ResponseWatchdog } from './response-watchdog.js';
import { reduceTranscript, type TranscriptAction, type TranscriptEntry } from './transcript-reducer.js';
import type { ResponseDone, ServerError, ServerEvent } from './server-events.js';
import { judgeServerError } from './server-error-policy.js';
import {
  initialResponseTracker,
  isCancelled,
  reduceResponses,
  type ResponseTrackerEvent,
  type TrackedResponse,
} from './response-tracker.js';
import { BargeIn } from './barge-in.js';
import { ToolCalls } from './tool-calls.js';
import { openingEvents, userTextItem } from './session-opening.js';
import type { SessionStatus, TranscriptUpdate, VoiceSessionEvents } from './voice-session-events.js';

export type {
  SessionStatus,
  ToolCallEvent,
  ToolResultEvent,
  TranscriptUpdate,
  TruncateEvent,
  VoiceSessionEvents,
} from './voice-session-events.js';

const log = createLogger('session');

export type ConnectionTarget = { url: string; model: string; apiKey: string };

export type VoiceSessionOptions = {
  transport: RealtimeTransport;
  player: Player;
  tools: ToolRegistry;
  prices: PriceTable;
  /** Read at every (re)connect, so settings changes apply. */
  connection: () => ConnectionTarget;
  /** Read at every (re)open and on `applyConfig()`. */
  sessionConfig: (options: { manualTurns: boolean }) => SessionConfig;
  clock?: Clock;
  /** Renew the session between turns once it is this old (the server ends sessions at 60 minutes). */
  rotateAfterMs?: number;
  /** See {@link RESPONSE_WATCHDOG_MS} (the default). */
  responseWatchdogMs?: number;
};

/**
 * One conversation with the Realtime API: microphone audio in, assistant audio out through a
 * Player, barge-in with exact truncation, sequenced responses, tool calls, transcript, cost and
 * per-turn metrics. It survives reconnects and session rotation by re-sending its configuration and
 * carrying the conversation over as text. The pieces live beside it (input-audio, barge-in,
 * response-tracker, tool-calls, turn-metrics, …); the transport hands it decoded events.
 */
export class VoiceSession extends TypedEmitter<VoiceSessionEvents> {
  readonly #transport: RealtimeTransport;
  readonly #player: Player;
  readonly #clock: Clock;
  readonly #options: VoiceSessionOptions;
  readonly #input: InputAudio;
  readonly #sequencer: ResponseSequencer;
  readonly #costs: CostMeter;
  readonly #cut: BargeIn;
  readonly #toolCalls: ToolCalls;
  readonly #turn: TurnClock;
  /** Armed from `response.created` until the response's first output item or audio. */
  readonly #watchdog: ResponseWatchdog;
  /** The text of each user turn, for tools that read the user's own answer (confirmation). */
  readonly #replies: UserReplyLog;
  #responses = initialResponseTracker;
  #status: SessionStatus = 'closed';
  #configured = false;
  #generation = 0;
  #transcript: TranscriptEntry[] = [];
  #conversationItems = new Set<string>();
  /** Typed messages the server has not yet acknowledged; re-sent as themselves after a reconnect. */
  #unackedTexts = new Map<string, string>();
  #userTurns = 0;
  /** Whether the configuration last sent asks for input transcription. */
  #transcribing = false;
  #manualTurns = false;
  #assistantBusy = false;
  #model = '';
  #unsubscribe: Array<() => void> = [];

  private constructor(options: VoiceSessionOptions, input: InputAudio) {
    super();
    this.#options = options;
    this.#transport = options.transport;
    this.#player = options.player;
    this.#clock = options.clock ?? systemClock;
    this.#input = input;
    this.#turn = new TurnClock(this.#clock);
    this.#watchdog = new ResponseWatchdog(this.#clock, options.responseWatchdogMs ?? RESPONSE_WATCHDOG_MS, (id, ms) =>
      this.#track({ type: 'hung', id, ms }),
    );
    this.#costs = new CostMeter(options.prices);
    this.#replies = new UserReplyLog(this.#clock);
    this.#sequencer = new ResponseSequencer((event) => this.#send(event));
    this.#cut = new BargeIn(this.#player, (event) => this.#send(event));
    this.#toolCalls = new ToolCalls(options.tools, {
      send: (event) => this.#send(event),
      context: () => ({ userTurn: this.#userTurns, replies: this.#replies }),
      started: (call) => {
        this.#updateTranscript({ type: 'tool_called', callId: call.callId, name: call.name, arguments: call.arguments });
        this.emit('tool_started', call);
      },
      finished: (result, failed) => {
        this.#turn.toolRan(result.durationMs);
        this.#updateTranscript({ type: 'tool_finished', callId: result.callId, ok: result.ok, output: result.output });
        this.emit('tool_finished', result);
        if (failed) this.#turn.errors++;
      },
    });
    this.#unsubscribe.push(
      this.#transport.on('server_event', (event) => this.#onServerEvent(event)),
      this.#transport.on('opened', (info) => this.#onOpened(info)),
      this.#transport.on('status', (status) => this.#onTransportStatus(status)),
      this.#transport.on('error', (error) => {
        this.#turn.errors++;
        this.#resetResponses();
        this.emit('failed', error);
      }),
      this.#transport.on('warning', (error) => this.#fail(error)),
      this.#player.on('started', (itemId) => {
        this.#turn.audioPlayed();
        this.emit('assistant_audio_started', itemId);
      }),
      this.#player.on('drained', () => this.#checkAssistantDone()),
    );
  }

  static async create(options: VoiceSessionOptions): Promise<VoiceSession> {
    // The input path sends through the transport the session is given.
    const input = await InputAudio.create((audio) => options.transport.send({ type: 'input_audio_buffer.append', audio }));
    return new VoiceSession(options, input);
  }

  get status(): SessionStatus {
    return this.#status;
  }

  get transcript(): readonly TranscriptEntry[] {
    return this.#transcript;
  }

  get userTurns(): number {
    return this.#userTurns;
  }

  get totalCostUsd(): number {
    return this.#costs.totalCostUsd;
  }

  /** True while a response runs, a tool runs, a response is queued, or audio is still playing. */
  get assistantBusy(): boolean {
    return this.#sequencer.busy || this.#sequencer.hasQueuedRequest || this.#toolCalls.pending > 0 || this.#player.isPlaying;
  }

  /** Connects if needed. Resolves once a session is open; rejects with an AssistantError. */
  async open(): Promise<void> {
    if (this.#transport.status === 'open' || this.#transport.status === 'connecting' || this.#transport.status === 'reconnecting') {
      if (this.#transport.status === 'open') return;
      await new Promise<void>((resolve, reject) => {
        const offs = [
          this.#transport.on('opened', () => (offs.forEach((f) => f()), resolve())),
          this.#transport.on('error', (e) => (offs.forEach((f) => f()), reject(e))),
        ];
      });
      return;
    }
    const target = this.#options.connection();
    this.#model = target.model;
    this.#setStatus('connecting');
    try {
      await this.#transport.connect({
        ...target,
        onOpen: (info) => openingEvents(this.#sessionUpdate(), info, this.#transcript, this.#unackedTexts),
        // Unacknowledged messages and response requests are re-sent by the session itself.
        keepQueued: (event) =>
          event.type !== 'response.create' && !(event.type === 'conversation.item.create' && this.#unackedTexts.has(event.item.id ?? '')),
      });
    } catch (error) {
      // Settings refused before any attempt (no key, bad URL) are fatal too, but the transport never saw them.
      if (error instanceof ConfigError) {
        this.#setStatus('closed');
        this.emit('failed', error);
      }
      throw error;
    }
  }

  /** Ends the session: stops playback, closes the socket, forgets the conversation. */
  async close(): Promise<void> {
    this.#watchdog.disarm();
    this.#transport.close();
    await this.#player.flush();
    this.#resetConversation();
    this.#setStatus('closed');
  }

  dispose(): void {
    this.#watchdog.disarm();
    for (const off of this.#unsubscribe) off();
    this.#unsubscribe = [];
    this.#input.dispose();
  }

  /** A 16 kHz microphone frame. Kept while connecting; sent once the session is open. */
  appendAudio(samples16k: Int16Array): void {
    const transportStatus = this.#transport.status;
    if (transportStatus === 'closed' || transportStatus === 'idle') return;
    // Until the server accepted our settings, audio would go to a session with default instructions and tools.
    if (!this.#configured) this.#input.hold(samples16k);
    else this.#input.send(samples16k);
  }

  /** A typed message from the user, answered by voice. */
  sendText(text: string): void {
    const trimmed = text.trim();
    if (!trimmed) return;
    const id = `item_hearth_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    this.#userTurns++;
    this.#replies.typed(this.#userTurns, trimmed);
    this.#turn.userTurnEnded();
    this.#send(userTextItem(id, trimmed));
    this.#unackedTexts.set(id, trimmed);
    this.#updateTranscript({ type: 'text_done', id, role: 'user', text: trimmed });
    this.#assistantBusy = true;
    this.#sequencer.request();
  }

  /** Push-to-talk release: the user's turn is complete; ask for the reply. */
  commitTurn(): void {
    this.#input.flush();
    this.#send({ type: 'input_audio_buffer.commit' });
    this.#userTurns++;
    this.#turn.userTurnEnded();
    this.#assistantBusy = true;
    this.#sequencer.request();
  }

  /** Interrupts the assistant from a local trigger (wake word, hotkey, stop button). */
  async interrupt(): Promise<void> {
    await this.#bargeIn('local');
  }

  /** Sends the current configuration again (settings changed mid-session). */
  applyConfig(): void {
    if (this.#transport.status === 'open') this.#send(this.#sessionUpdate());
  }

  /** Push-to-talk hold: turns end when the key is released, not by the server's voice detection. */
  setManualTurns(on: boolean): void {
    if (this.#manualTurns === on) return;
    this.#manualTurns = on;
    this.applyConfig();
  }

  /** Forgets the conversation so far, on the server and here. */
  clearContext(): void {
    for (const id of this.#conversationItems) this.#send({ type: 'conversation.item.delete', item_id: id });
    this.#conversationItems.clear();
    this.#updateTranscript({ type: 'cleared' });
  }

  // --- connection ---------------------------------------------------------------------------

  #onOpened(info: TransportOpenInfo): void {
    this.#generation++;
    this.#configured = false;
    if (info.reconnect) {
      // A new server session has no responses: nothing from the old one may keep the assistant busy.
      // (A first open follows close() or a failure, which have already reset them.)
      this.#resetResponses({ resend: true });
      this.#replies.abandonPending();
      this.#turn.reconnects++;
      this.#conversationItems.clear();
    }
    log.info({ reconnect: info.reconnect, sessionId: info.sessionId }, 'session open');
  }

  #onTransportStatus(status: TransportStatus): void {
    if (status === 'reconnecting') this.#setStatus('reconnecting');
    else if (status === 'connecting') this.#setStatus('connecting');
    else if (status === 'closed') this.#setStatus('closed');
  }

  // --- server events ------------------------------------------------------------------------

  #onServerEvent(event: ServerEvent): void {
    try {
      this.#dispatch(event);
    } catch (error) {
      // Handling an event must never take the session down.
      log.warn({ err: error, type: event.type }, 'failed to handle a server event');
    }
  }

  #dispatch(event: ServerEvent): void {
    switch (event.type) {
      case 'session.updated':
        if (!this.#configured) {
          this.#configured = true;
          this.#setStatus('ready');
          this.#input.release();
          this.emit('ready');
        }
        return;
      case 'error':
        return this.#onErrorEvent(event.error);
      case 'input_audio_buffer.speech_started':
        this.emit('speech_started');
        void this.#bargeIn('speech');
        return;
      case 'input_audio_buffer.speech_stopped':
        this.#turn.userTurnEnded();
        this.#assistantBusy = true;
        this.emit('speech_stopped');
        return;
      case 'input_audio_buffer.committed':
        this.#userTurns++;
        if (event.itemId !== undefined) {
          this.#conversationItems.add(event.itemId);
          this.#replies.spoken(this.#userTurns, event.itemId, this.#transcribing);
        }
        return;
      case 'conversation.item.added':
      case 'conversation.item.created':
      case 'conversation.item.done':
        this.#conversationItems.add(event.itemId);
        this.#unackedTexts.delete(event.itemId);
        // The user's audio turn: its text arrives later through input transcription (if enabled).
        if (event.type === 'conversation.item.added' && event.userAudio) {
          this.#updateTranscript({ type: 'message_started', id: event.itemId, role: 'user' });
        }
        return;
      case 'conversation.item.deleted':
        return this.#updateTranscript({ type: 'removed', id: event.itemId });
      case 'conversation.item.input_audio_transcription.delta':
        return this.#updateTranscript({ type: 'text_delta', id: event.itemId, role: 'user', delta: event.delta });
      case 'conversation.item.input_audio_transcription.completed':
        this.#updateTranscript({ type: 'text_done', id: event.itemId, role: 'user', text: event.transcript });
        this.#replies.transcribed(event.itemId, event.transcript);
        return;
      case 'conversation.item.input_audio_transcription.failed':
        log.info({ item: event.itemId }, 'input transcription failed');
        if (event.itemId !== undefined) this.#replies.failed(event.itemId);
        return;
      case 'conversation.item.truncated':
        log.debug({ item: event.itemId, audioEndMs: event.audioEndMs }, 'server confirmed truncation');
        return;
      case 'response.created':
        return this.#onResponseCreated(event.responseId, event.requestId);
      case 'response.output_item.added':
        this.#watchdog.output(event.responseId);
        if (isCancelled(this.#responses, event.responseId) || !event.message) return;
        // One response may hold several assistant messages (a preamble, then the answer); each is its own
        // transcript entry, labelled with its phase when the server gives one.
        return this.#updateTranscript({
          type: 'message_started',
          id: event.message.itemId,
          role: 'assistant',
          ...(event.message.phase ? { phase: event.message.phase } : {}),
        });
      case 'response.output_audio.delta':
        this.#watchdog.output(event.responseId);
        if (isCancelled(this.#responses, event.responseId)) return; // late audio of an interrupted response
        this.#turn.audioReceived();
        this.#cut.received(event.itemId, event.responseId ?? this.#responses.current?.id ?? '', event.pcm.length);
        return this.#player.enqueue(event.itemId, event.pcm);
      case 'assistant_text.delta':
        this.#watchdog.output(event.responseId);
        if (isCancelled(this.#responses, event.responseId)) return;
        return this.#updateTranscript({ type: 'text_delta', id: event.itemId, role: 'assistant', delta: event.delta });
      case 'assistant_text.done':
        if (isCancelled(this.#responses, event.responseId)) return;
        return this.#updateTranscript({
          type: 'text_done',
          id: event.itemId,
          role: 'assistant',
          ...(event.text === undefined ? {} : { text: event.text }),
        });
      case 'response.function_call_arguments.delta':
        return this.#watchdog.output(event.responseId);
      case 'response.output_item.done': {
        const response = this.#responses.current;
        if (!event.call || !response) return;
        if (isCancelled(this.#responses, response.id) || isCancelled(this.#responses, event.responseId)) {
          return this.#toolCalls.skip(event.call);
        }
        return this.#toolCalls.run(event.call);
      }
      case 'response.done':
        return this.#onResponseDone(event.response);
      case 'session.created':
        return;
      case 'other':
        if (!event.known) log.info({ type: event.wireType }, 'ignored an unknown server event');
        return;
    }
  }

  #onErrorEvent(payload: ServerError): void {
    const aboutOurRequest = this.#sequencer.onError(payload.code, payload.eventId);
    const verdict = judgeServerError(payload, (eventId) => this.#cut.sentTruncate(eventId));
    switch (verdict.kind) {
      case 'ignore':
        log[verdict.level]({ code: payload.code, message: payload.message, eventId: payload.eventId }, verdict.why);
        return;
      case 'settings':
        // A rejected first session.update leaves default instructions and every tool off: never talk on that.
        if (!this.#configured) return this.#endSession(verdict.error);
        return this.#fail(verdict.error);
      case 'report':
        this.#fail(verdict.error);
        // Our response request failed: no reply is coming, so the turn is over.
        if (aboutOurRequest) this.#checkAssistantDone();
    }
  }

  #onResponseCreated(responseId: string | undefined, requestId: string | undefined): void {
    const id = responseId ?? `resp_unknown_${this.#clock.now()}`;
    this.#sequencer.onResponseCreated(id, requestId);
    this.#toolCalls.newResponse();
    this.#assistantBusy = true;
    this.#track({ type: 'created', id, generation: this.#generation });
  }

  #onResponseDone({ responseId, status, error: detail = {}, usage }: ResponseDone): void {
    const id = responseId ?? this.#responses.current?.id ?? '';
    this.#watchdog.disarm(id);
    this.#sequencer.onResponseDone(id);
    if (usage) this.emit('usage', this.#costs.add(this.#model, usage));
    if (status === 'failed') {
      const error = classifyServerError({ ...detail, code: detail.code ?? detail.type });
      // A refused model fails every later response too: end the session with one message instead
      // of repeating it each turn (a quota error stays a report: the user may add credit and go on).
      if (error.permanent && error.category === 'configuration') return this.#endSession(error);
      this.#fail(error);
    }
    const response = this.#responses.current;
    if (response?.id === id) {
      this.#track({ type: 'done', id });
      if (this.#toolCalls.called) {
        void this.#sendToolOutputs(response);
        return;
      }
    }
    this.#checkAssistantDone();
  }

  async #sendToolOutputs(response: TrackedResponse): Promise<void> {
    const results = await this.#toolCalls.settled();
    if (response.generation !== this.#generation) {
      log.info('dropped tool outputs of a session that has since been replaced');
    } else {
      const respond = this.#toolCalls.sendOutputs(results);
      // One response.create for all outputs of this response, none if every tool asked for silence,
      // and none if the user interrupted meanwhile: they said something else, or asked us to stop.
      if (respond && this.#responses.interruptions === response.interruptions) this.#sequencer.request();
    }
    this.#checkAssistantDone();
  }

  // --- responses and barge-in ---------------------------------------------------------------

  /** Folds an event into the response tracker and carries out what it asks for. */
  #track(event: ResponseTrackerEvent): void {
    const { state, effects } = reduceResponses(this.#responses, event);
    this.#responses = state;
    for (const effect of effects) {
      switch (effect.type) {
        case 'cancel':
          this.#send(
            effect.responseId === undefined ? { type: 'response.cancel' } : { type: 'response.cancel', response_id: effect.responseId },
          );
          break;
        case 'watch':
          this.#watchdog.arm(effect.responseId);
          break;
        case 'stop_watching':
          this.#watchdog.disarm();
          break;
        case 'started':
          this.emit('response_started', effect.responseId);
          break;
        case 'drop_queued_request':
          this.#sequencer.dropQueued();
          break;
        case 'report_hung': {
          log.warn({ response: effect.responseId, ms: effect.ms }, 'a response sent nothing; cancelled it');
          const seconds = Number((effect.ms / 1000).toFixed(1));
          const message = `OpenAI started an answer but sent nothing for ${seconds} s, so it was cancelled. Ask again.`;
          this.#fail(new OpenAIRealtimeError(message, { category: 'server', permanent: false, code: 'response_timeout' }));
        }
      }
    }
  }

  async #bargeIn(trigger: 'speech' | 'local'): Promise<void> {
    const { activeResponseId, requestInFlight } = this.#sequencer;
    this.#track({ type: 'interrupted', trigger, activeId: activeResponseId, requestInFlight });
    await this.#cut.cutPlayback(trigger, (cut) => {
      this.#updateTranscript({ type: 'interrupted', id: cut.itemId });
      this.emit('truncate', cut);
    });
  }

  // --- turn completion ----------------------------------------------------------------------

  #checkAssistantDone(): void {
    if (!this.#assistantBusy || this.assistantBusy) return;
    if (this.#responses.current && !this.#responses.current.done) return;
    this.#assistantBusy = false;
    this.emit('metrics', this.#turn.finish());
    this.emit('assistant_done');
    const rotateAfter = this.#options.rotateAfterMs ?? 55 * 60_000;
    if (this.#transport.sessionAgeMs > rotateAfter) this.#transport.renew();
  }

  // --- plumbing -----------------------------------------------------------------------------

  #send(event: ClientEvent): void {
    this.#transport.send(event);
  }

  /** The configuration to send, noting whether it transcribes the user (voice turns are unreadable otherwise). */
  #sessionUpdate(): ClientEvent {
    const session = this.#options.sessionConfig({ manualTurns: this.#manualTurns });
    this.#transcribing = !!session.audio?.input?.transcription;
    return { type: 'session.update', session };
  }

  #updateTranscript(action: TranscriptAction): void {
    this.#transcript = reduceTranscript(this.#transcript, action);
    if (action.type === 'text_delta' || action.type === 'text_done' || action.type === 'interrupted' || action.type === 'message_started') {
      const entry = this.#transcript.find((e) => e.id === action.id);
      if (entry?.kind === 'message') {
        const update: TranscriptUpdate = { itemId: entry.id, role: entry.role, text: entry.text, final: entry.final };
        if (entry.interrupted) update.interrupted = true;
        if (entry.phase) update.phase = entry.phase;
        this.emit('transcript', update);
      }
    }
  }

  #resetConversation(): void {
    this.#configured = false;
    this.#input.clear();
    this.#transcript = [];
    this.#conversationItems.clear();
    this.#unackedTexts.clear();
    this.#replies.clear();
    this.#resetResponses();
    this.#cut.clear();
    this.#turn.reset();
  }

  /** Forgets every response, tool run and request (a new server session, or none at all). */
  #resetResponses(options: { resend: boolean } = { resend: false }): void {
    this.#watchdog.disarm();
    this.#track({ type: 'reset' });
    this.#toolCalls.reset();
    this.#assistantBusy = false;
    this.#sequencer.reset(options);
  }

  /** A permanent refusal: close the socket and end the session once, without reconnecting. */
  #endSession(error: AssistantError): void {
    this.#turn.errors++;
    log.warn({ code: error.code, category: error.category }, error.message);
    this.#transport.close();
    this.#resetResponses();
    this.#setStatus('closed');
    this.emit('failed', error);
  }

  #fail(error: AssistantError): void {
    this.#turn.errors++;
    log.warn({ code: error.code, category: error.category, permanent: error.permanent }, error.message);
    this.emit('error', error);
  }

  #setStatus(status: SessionStatus): void {
    if (this.#status === status) return;
    this.#status = status;
    this.emit('status', status);
  }
}
