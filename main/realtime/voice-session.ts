import { TypedEmitter } from '../util/typed-emitter.js';
import { systemClock, type Clock } from '../util/clock.js';
import { ConfigError, type AssistantError } from '../util/errors.js';
import { createLogger } from '../util/logger.js';
import type { Player } from '../audio/player.js';
import { classifyServerError } from './error-classifier.js';
import { CostMeter } from './cost-meter.js';
import type { ClientEvent } from './protocol-types.js';
import type { RealtimeTransport, TransportOpenInfo, TransportStatus } from './realtime-transport.js';
import { UserReplyLog } from './user-reply-log.js';
import { InputAudio } from './input-audio.js';
import { TurnClock } from './turn-metrics.js';
import { RESPONSE_WATCHDOG_MS } from './response-watchdog.js';
import type { TranscriptEntry } from './transcript-reducer.js';
import type { ResponseDone, ServerError, ServerEvent } from './server-events.js';
import { judgeServerError } from './server-error-policy.js';
import { ResponseRunner } from './response-runner.js';
import { Conversation } from './conversation.js';
import type { SessionStatus, VoiceSessionEvents, VoiceSessionOptions } from './voice-session-types.js';

export type * from './voice-session-types.js';

const log = createLogger('session');

/**
 * One conversation with the Realtime API: microphone audio in, assistant audio out through a
 * Player, barge-in with exact truncation, sequenced responses, tool calls, transcript, cost and
 * per-turn metrics. It survives reconnects and session rotation by re-sending its configuration and
 * carrying the conversation over as text. It is the composition of smaller pieces: the transport
 * hands it decoded events (server-events.ts), the assistant's side is the ResponseRunner, the user's
 * audio InputAudio, the transcript and items the Conversation, per-turn figures the TurnClock.
 * About 400 lines on purpose: what is left is the routing between those pieces, and one event's
 * handling reads best in one place.
 */
export class VoiceSession extends TypedEmitter<VoiceSessionEvents> {
  readonly #transport: RealtimeTransport;
  readonly #player: Player;
  readonly #clock: Clock;
  readonly #options: VoiceSessionOptions;
  readonly #input: InputAudio;
  readonly #responses: ResponseRunner;
  readonly #costs: CostMeter;
  readonly #turn: TurnClock;
  /** The text of each user turn, for tools that read the user's own answer (confirmation). */
  readonly #replies: UserReplyLog;
  #status: SessionStatus = 'closed';
  #configured = false;
  readonly #conversation = new Conversation((update) => this.emit('transcript', update));
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
    this.#costs = new CostMeter(options.prices);
    this.#replies = new UserReplyLog(this.#clock);
    this.#responses = new ResponseRunner({
      player: this.#player,
      tools: options.tools,
      clock: this.#clock,
      watchdogMs: options.responseWatchdogMs ?? RESPONSE_WATCHDOG_MS,
      send: (event) => this.#send(event),
      conversation: this.#conversation,
      turn: this.#turn,
      toolContext: () => ({ userTurn: this.#userTurns, replies: this.#replies }),
      emit: (event, ...args) => this.emit(event, ...args),
      fail: (error) => this.#fail(error),
      quiet: () => this.#checkAssistantDone(),
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
    return this.#conversation.transcript;
  }

  get userTurns(): number {
    return this.#userTurns;
  }

  get totalCostUsd(): number {
    return this.#costs.totalCostUsd;
  }

  /** True while a response runs, a tool runs, a response is queued, or audio is still playing. */
  get assistantBusy(): boolean {
    return this.#responses.busy || this.#player.isPlaying;
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
        onOpen: (info) => this.#conversation.openingEvents(this.#sessionUpdate(), info),
        // Unacknowledged messages and response requests are re-sent by the session itself.
        keepQueued: (event) => event.type !== 'response.create' && this.#conversation.keepQueued(event),
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
    this.#responses.stopWatching();
    this.#transport.close();
    await this.#player.flush();
    this.#resetConversation();
    this.#setStatus('closed');
  }

  dispose(): void {
    this.#responses.stopWatching();
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
    this.#userTurns++;
    this.#replies.typed(this.#userTurns, trimmed);
    this.#turn.userTurnEnded();
    this.#conversation.sendTyped(trimmed, (event) => this.#send(event));
    this.#assistantBusy = true;
    this.#responses.request();
  }

  /** Push-to-talk release: the user's turn is complete; ask for the reply. */
  commitTurn(): void {
    this.#input.flush();
    this.#send({ type: 'input_audio_buffer.commit' });
    this.#userTurns++;
    this.#turn.userTurnEnded();
    this.#assistantBusy = true;
    this.#responses.request();
  }

  /** Interrupts the assistant from a local trigger (wake word, hotkey, stop button). */
  async interrupt(): Promise<void> {
    await this.#responses.interrupt('local');
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
    this.#conversation.clear((event) => this.#send(event));
  }

  // --- connection ---------------------------------------------------------------------------

  #onOpened(info: TransportOpenInfo): void {
    this.#responses.newConnection();
    this.#configured = false;
    if (info.reconnect) {
      // A new server session has no responses: nothing from the old one may keep the assistant busy.
      // (A first open follows close() or a failure, which have already reset them.)
      this.#resetResponses({ resend: true });
      this.#replies.abandonPending();
      this.#turn.reconnects++;
      this.#conversation.newServerSession();
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
        void this.#responses.interrupt('speech');
        return;
      case 'input_audio_buffer.speech_stopped':
        this.#turn.userTurnEnded();
        this.#assistantBusy = true;
        this.emit('speech_stopped');
        return;
      case 'input_audio_buffer.committed':
        this.#userTurns++;
        if (event.itemId !== undefined) {
          this.#conversation.serverItem(event.itemId, { acknowledged: false });
          this.#replies.spoken(this.#userTurns, event.itemId, this.#transcribing);
        }
        return;
      case 'conversation.item.added':
      case 'conversation.item.created':
      case 'conversation.item.done':
        return this.#conversation.itemSeen(event);
      case 'conversation.item.deleted':
        return this.#conversation.update({ type: 'removed', id: event.itemId });
      case 'conversation.item.input_audio_transcription.delta':
        return this.#conversation.update({ type: 'text_delta', id: event.itemId, role: 'user', delta: event.delta });
      case 'conversation.item.input_audio_transcription.completed':
        this.#conversation.update({ type: 'text_done', id: event.itemId, role: 'user', text: event.transcript });
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
        this.#assistantBusy = true;
        return this.#responses.handle(event);
      case 'response.output_item.added':
      case 'response.output_audio.delta':
      case 'assistant_text.delta':
      case 'assistant_text.done':
      case 'response.function_call_arguments.delta':
      case 'response.output_item.done':
        return this.#responses.handle(event);
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
    const aboutOurRequest = this.#responses.onError(payload.code, payload.eventId);
    const verdict = judgeServerError(payload, (eventId) => this.#responses.sentTruncate(eventId));
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

  #onResponseDone({ responseId, status, error: detail = {}, usage }: ResponseDone): void {
    const id = this.#responses.ended(responseId);
    if (usage) this.emit('usage', this.#costs.add(this.#model, usage));
    if (status === 'failed') {
      const error = classifyServerError({ ...detail, code: detail.code ?? detail.type });
      // A refused model fails every later response too: end the session with one message instead
      // of repeating it each turn (a quota error stays a report: the user may add credit and go on).
      if (error.permanent && error.category === 'configuration') return this.#endSession(error);
      this.#fail(error);
    }
    this.#responses.settle(id);
  }

  // --- turn completion ----------------------------------------------------------------------

  #checkAssistantDone(): void {
    if (!this.#assistantBusy || this.assistantBusy) return;
    if (this.#responses.open) return;
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

  #resetConversation(): void {
    this.#configured = false;
    this.#input.clear();
    this.#conversation.reset();
    this.#replies.clear();
    this.#resetResponses();
    this.#responses.clearPlayback();
    this.#turn.reset();
  }

  /** Forgets every response, tool run and request (a new server session, or none at all). */
  #resetResponses(options: { resend: boolean } = { resend: false }): void {
    this.#responses.reset(options);
    this.#assistantBusy = false;
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
