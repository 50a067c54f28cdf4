import { TypedEmitter } from '../util/typed-emitter.js';
import { systemClock, type Clock } from '../util/clock.js';
import { ConfigError, OpenAIRealtimeError, type AssistantError } from '../util/errors.js';
import { createLogger } from '../util/logger.js';
import { base64ToInt16 } from '../audio/pcm.js';
import { PLAYER_SAMPLE_RATE, type Player } from '../audio/player.js';
import { redactArguments } from '../tools/redact-arguments.js';
import type { ToolRegistry, ToolResult } from '../tools/tool-registry.js';
import { BENIGN_ERROR_CODES, STALE_ITEM_ERROR_CODES, classifyServerError } from './error-classifier.js';
import { CostMeter, type UsageLike, type UsageReport } from './cost-meter.js';
import { PlaybackLedger } from './playback-ledger.js';
import type { PriceTable } from './price-table.js';
import type { AnyServerEvent, ClientEvent, SessionConfig } from './protocol-types.js';
import type { RealtimeTransport, TransportOpenInfo, TransportStatus } from './realtime-transport.js';
import { REQUEST_METADATA_KEY, ResponseSequencer } from './response-sequencer.js';
import type { MessagePhase } from '../../preload/contract/types.js';
import { UserReplyLog } from './user-reply-log.js';
import { InputAudio } from './input-audio.js';
import { TurnClock, type TurnMetrics } from './turn-metrics.js';
import { RESPONSE_WATCHDOG_MS, ResponseWatchdog } from './response-watchdog.js';
import { reduceTranscript, summarizeForReseed, type TranscriptAction, type TranscriptEntry } from './transcript-reducer.js';

const log = createLogger('session');

/** Truncate event ids remembered to recognise the server's refusal of one of them. */
const MAX_TRUNCATE_IDS = 64;

export type SessionStatus = 'closed' | 'connecting' | 'ready' | 'reconnecting';

export type TranscriptUpdate = {
  itemId: string;
  role: 'user' | 'assistant';
  text: string;
  final: boolean;
  interrupted?: boolean;
  /** Assistant messages of 2026 models: a preamble (`commentary`) or the answer (`final_answer`). */
  phase?: MessagePhase;
};
export type ToolCallEvent = { callId: string; name: string; arguments: string };
export type ToolResultEvent = {
  callId: string;
  name: string;
  ok: boolean;
  /** What the tool returned, as data, and as the text the model read. */
  value: unknown;
  output: string;
  /** The entities the call acted on or read. */
  entityIds: readonly string[];
  durationMs: number;
};
export type TruncateEvent = { itemId: string; audioEndMs: number; receivedMs: number };

export type VoiceSessionEvents = {
  status: [status: SessionStatus];
  /** The session accepted our configuration (first `session.updated` after each open). */
  ready: [];
  speech_started: [];
  speech_stopped: [];
  response_started: [responseId: string];
  assistant_audio_started: [itemId: string];
  tool_started: [call: ToolCallEvent];
  tool_finished: [result: ToolResultEvent];
  /** The assistant has nothing more to say or do for now: no response, no tool, nothing playing. */
  assistant_done: [];
  transcript: [update: TranscriptUpdate];
  truncate: [truncation: TruncateEvent];
  usage: [usage: UsageReport];
  metrics: [metrics: TurnMetrics];
  /** Not fatal: the conversation goes on (a tool failed, a rate limit, a rejected setting). */
  error: [error: AssistantError];
  /** Fatal: the connection is gone for good until the next open(). */
  failed: [error: AssistantError];
};

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

type ResponseState = {
  id: string;
  startedAt: number;
  toolRuns: Array<Promise<{ callId: string; name: string; result: ToolResult } | null>>;
  done: boolean;
  generation: number;
  /** The count of interruptions when the response started: a later one means the user moved on. */
  interruptions: number;
};

/** What the model is told about a call it made in a response the user interrupted. */
const SKIPPED_CALL_OUTPUT = JSON.stringify({ error: 'Not done: the user interrupted before this ran. Ask again if it is still wanted.' });

/**
 * One conversation with the Realtime API: microphone audio in, assistant audio out through a
 * Player, barge-in with exact truncation, sequenced responses, tool calls, transcript, cost and
 * per-turn metrics. It survives reconnects and session rotation by re-sending its configuration and
 * carrying the conversation over as text.
 */
export class VoiceSession extends TypedEmitter<VoiceSessionEvents> {
  readonly #transport: RealtimeTransport;
  readonly #player: Player;
  readonly #tools: ToolRegistry;
  readonly #clock: Clock;
  readonly #options: VoiceSessionOptions;
  readonly #input: InputAudio;
  readonly #sequencer: ResponseSequencer;
  readonly #ledger = new PlaybackLedger();
  readonly #costs: CostMeter;
  #status: SessionStatus = 'closed';
  #configured = false;
  #generation = 0;
  #transcript: TranscriptEntry[] = [];
  #conversationItems = new Set<string>();
  /** Typed messages the server has not yet acknowledged; re-sent as themselves after a reconnect. */
  #unackedTexts = new Map<string, string>();
  #response: ResponseState | undefined;
  #cancelled = new Set<string>();
  #pendingToolRuns = 0;
  /** Interruptions so far (barge-in by voice or a local stop). */
  #interruptions = 0;
  /** A local stop came while our response request was in flight: cancel it once it is created. */
  #cancelWhenCreated = false;
  #userTurns = 0;
  /** The text of each user turn, for tools that read the user's own answer (confirmation). */
  readonly #replies: UserReplyLog;
  /** Whether the configuration last sent asks for input transcription. */
  #transcribing = false;
  #manualTurns = false;
  #assistantBusy = false;
  #model = '';
  readonly #turn: TurnClock;
  #unsubscribe: Array<() => void> = [];
  /** Armed from `response.created` until the response's first output item or audio. */
  readonly #watchdog: ResponseWatchdog;
  /** Event ids of the truncates we sent, newest last (see #onErrorEvent). */
  #truncateIds: string[] = [];
  #truncates = 0;

  private constructor(options: VoiceSessionOptions, input: InputAudio) {
    super();
    this.#options = options;
    this.#transport = options.transport;
    this.#player = options.player;
    this.#tools = options.tools;
    this.#clock = options.clock ?? systemClock;
    this.#input = input;
    this.#turn = new TurnClock(this.#clock);
    this.#watchdog = new ResponseWatchdog(this.#clock, options.responseWatchdogMs ?? RESPONSE_WATCHDOG_MS, (id, ms) =>
      this.#onWatchdog(id, ms),
    );
    this.#costs = new CostMeter(options.prices);
    this.#replies = new UserReplyLog(this.#clock);
    this.#sequencer = new ResponseSequencer((event) => this.#send(event));
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
      this.#player.on('started', (itemId) => this.#onPlaybackStarted(itemId)),
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
    return this.#sequencer.busy || this.#sequencer.hasQueuedRequest || this.#pendingToolRuns > 0 || this.#player.isPlaying;
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
        onOpen: (info) => this.#openEvents(info),
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
    this.#send({
      type: 'conversation.item.create',
      item: { id, type: 'message', role: 'user', content: [{ type: 'input_text', text: trimmed }] },
    });
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

  // --- opening ------------------------------------------------------------------------------

  #openEvents(info: TransportOpenInfo): ClientEvent[] {
    const events: ClientEvent[] = [this.#sessionUpdate()];
    if (info.reconnect) {
      const history = summarizeForReseed(this.#transcript.filter((e) => !this.#unackedTexts.has(e.id)));
      if (history) {
        // As one system item rather than assistant text items: replayed assistant text can make
        // the model answer in text only (a known behaviour of the service); output_modalities stays ["audio"].
        events.push({
          type: 'conversation.item.create',
          item: {
            type: 'message',
            role: 'system',
            content: [{ type: 'input_text', text: `The conversation so far, carried over from a previous connection:\n${history}` }],
          },
        });
      }
      for (const [id, text] of this.#unackedTexts) {
        events.push({
          type: 'conversation.item.create',
          item: { id, type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
        });
      }
    }
    return events;
  }

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

  #onServerEvent(event: AnyServerEvent): void {
    try {
      this.#dispatch(event);
    } catch (error) {
      // A malformed known event must never take the session down.
      log.warn({ err: error, type: event.type }, 'failed to handle a server event');
    }
  }

  #dispatch(event: AnyServerEvent): void {
    switch (event.type) {
      case 'session.created':
        return;
      case 'session.updated':
        if (!this.#configured) {
          this.#configured = true;
          this.#setStatus('ready');
          this.#input.release();
          this.emit('ready');
        }
        return;
      case 'error':
        return this.#onErrorEvent(event);
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
        if (typeof event.item_id === 'string') {
          this.#conversationItems.add(event.item_id);
          this.#replies.spoken(this.#userTurns, event.item_id, this.#transcribing);
        }
        return;
      case 'input_audio_buffer.timeout_triggered':
        return; // the server gave up waiting for speech: not something the user said
      case 'conversation.item.added':
      case 'conversation.item.created':
      case 'conversation.item.done':
        return this.#onItem(event);
      case 'conversation.item.deleted':
        if (typeof event.item_id === 'string') this.#updateTranscript({ type: 'removed', id: event.item_id });
        return;
      case 'conversation.item.input_audio_transcription.delta':
        if (typeof event.item_id === 'string' && typeof event.delta === 'string') {
          this.#updateTranscript({ type: 'text_delta', id: event.item_id, role: 'user', delta: event.delta });
        }
        return;
      case 'conversation.item.input_audio_transcription.completed':
        if (typeof event.item_id === 'string' && typeof event.transcript === 'string') {
          this.#updateTranscript({ type: 'text_done', id: event.item_id, role: 'user', text: event.transcript });
          this.#replies.transcribed(event.item_id, event.transcript);
        }
        return;
      case 'conversation.item.input_audio_transcription.failed':
        log.info({ item: event.item_id }, 'input transcription failed');
        if (typeof event.item_id === 'string') this.#replies.failed(event.item_id);
        return;
      case 'response.created':
        return this.#onResponseCreated(event);
      case 'response.output_audio.delta':
        return this.#onAudioDelta(event);
      case 'response.output_audio_transcript.delta':
      case 'response.output_text.delta':
        this.#watchdog.output(typeof event.response_id === 'string' ? event.response_id : undefined);
        if (typeof event.item_id === 'string' && typeof event.delta === 'string' && !this.#isCancelled(event)) {
          this.#updateTranscript({ type: 'text_delta', id: event.item_id, role: 'assistant', delta: event.delta });
        }
        return;
      case 'response.output_audio_transcript.done':
      case 'response.output_text.done':
        if (typeof event.item_id === 'string' && !this.#isCancelled(event)) {
          const text = typeof event.transcript === 'string' ? event.transcript : typeof event.text === 'string' ? event.text : undefined;
          this.#updateTranscript({ type: 'text_done', id: event.item_id, role: 'assistant', ...(text === undefined ? {} : { text }) });
        }
        return;
      case 'response.output_item.done':
        return this.#onOutputItemDone(event);
      case 'response.done':
        return this.#onResponseDone(event);
      case 'conversation.item.truncated':
        log.debug({ item: event.item_id, audioEndMs: event.audio_end_ms }, 'server confirmed truncation');
        return;
      case 'response.output_item.added':
        return this.#onOutputItemAdded(event);
      case 'response.function_call_arguments.delta':
        this.#watchdog.output(typeof event.response_id === 'string' ? event.response_id : undefined);
        return;
      case 'input_audio_buffer.cleared':
      case 'rate_limits.updated':
      case 'response.content_part.added':
      case 'response.content_part.done':
      case 'response.output_audio.done':
      case 'response.function_call_arguments.done':
      case 'conversation.created':
      case 'conversation.item.retrieved':
        return;
      default:
        log.info({ type: event.type }, 'ignored an unknown server event');
    }
  }

  #onItem(event: AnyServerEvent): void {
    const item = event.item as { id?: unknown; type?: unknown; role?: unknown } | undefined;
    if (!item || typeof item.id !== 'string') return;
    this.#conversationItems.add(item.id);
    this.#unackedTexts.delete(item.id);
    if (event.type === 'conversation.item.added' && item.type === 'message' && item.role === 'user') {
      // The user's audio turn: its text arrives later through input transcription (if enabled).
      const hasText = (event.item as { content?: Array<{ type?: string }> }).content?.some((c) => c.type === 'input_text');
      if (!hasText) this.#updateTranscript({ type: 'message_started', id: item.id, role: 'user' });
    }
  }

  #onErrorEvent(event: AnyServerEvent): void {
    const payload = (event.error ?? {}) as { code?: unknown; event_id?: unknown; message?: unknown; param?: unknown };
    const code = typeof payload.code === 'string' ? payload.code : undefined;
    const eventId = typeof payload.event_id === 'string' ? payload.event_id : undefined;
    const aboutOurRequest = this.#sequencer.onError(code, eventId);
    if (code && BENIGN_ERROR_CODES.has(code)) {
      log.debug({ code }, 'benign server error');
      return;
    }
    if (code && STALE_ITEM_ERROR_CODES.has(code)) {
      // An item already gone (a cancelled response, a cleared conversation, a new session): our
      // view of the conversation was a step behind; nothing is lost and nothing needs the user.
      log.info({ code, message: payload.message }, 'server error about an item that no longer exists');
      return;
    }
    if (code === 'session_expired') {
      log.info('the server ended the session at its time limit; a new one follows');
      return;
    }
    const message = typeof payload.message === 'string' ? payload.message : '';
    if (/already shorter than/i.test(message) || (eventId !== undefined && this.#truncateIds.includes(eventId))) {
      // "Audio content of Xms is already shorter than Yms": the server holds less of that item than
      // the point we cut at, so nothing past it is left for the model to believe it said; there is
      // nothing to retry (the service may also clamp the point and confirm it). Nothing else
      // depends on the confirmation, so the conversation goes on as if it had been truncated.
      log.warn({ message, code, eventId }, 'truncation refused by the server');
      return;
    }
    const error = classifyServerError(payload);
    if (typeof payload.param === 'string' && payload.param.startsWith('session')) {
      const rejected = new OpenAIRealtimeError(`OpenAI rejected the session settings (${payload.param}): ${error.message}`, {
        category: 'configuration',
        permanent: true,
        ...(code === undefined ? {} : { code }),
      });
      // A rejected first session.update leaves default instructions and every tool off: never talk on that.
      if (!this.#configured) return this.#endSession(rejected);
      this.#fail(rejected);
      return;
    }
    this.#fail(error);
    // Our response request failed: no reply is coming, so the turn is over.
    if (aboutOurRequest) this.#checkAssistantDone();
  }

  #onResponseCreated(event: AnyServerEvent): void {
    const response = event.response as { id?: unknown; metadata?: Record<string, unknown> | null } | undefined;
    const id = typeof response?.id === 'string' ? response.id : `resp_unknown_${this.#clock.now()}`;
    const request = response?.metadata?.[REQUEST_METADATA_KEY];
    this.#sequencer.onResponseCreated(id, typeof request === 'string' ? request : undefined);
    this.#response = {
      id,
      startedAt: this.#clock.now(),
      toolRuns: [],
      done: false,
      generation: this.#generation,
      interruptions: this.#interruptions,
    };
    this.#assistantBusy = true;
    if (this.#cancelWhenCreated) {
      // The user stopped us before this response existed; a cancel sent then was a no-op
      // (`response.cancel` with no active response is refused), so it is sent now that the response exists.
      this.#cancelWhenCreated = false;
      this.#cancelled.add(id);
      this.#send({ type: 'response.cancel', response_id: id });
      return;
    }
    this.#watchdog.arm(id);
    this.emit('response_started', id);
  }

  // --- response watchdog --------------------------------------------------------------------

  #onWatchdog(responseId: string, ms: number): void {
    const response = this.#response;
    if (!response || response.id !== responseId || response.done || this.#cancelled.has(responseId)) return;
    // Cancelled by id (a cancel that races the response's own end then fails harmlessly). The turn
    // ends with the server's cancelled response.done, like any cancel: the sequencer keeps the
    // response active until then, so no response.create can race it.
    this.#cancelled.add(responseId);
    this.#send({ type: 'response.cancel', response_id: responseId });
    log.warn({ response: responseId, ms }, 'a response sent nothing; cancelled it');
    this.#fail(
      new OpenAIRealtimeError(
        `OpenAI started an answer but sent nothing for ${Number((ms / 1000).toFixed(1))} s, so it was cancelled. Ask again.`,
        {
          category: 'server',
          permanent: false,
          code: 'response_timeout',
        },
      ),
    );
  }

  #isCancelled(event: AnyServerEvent): boolean {
    return typeof event.response_id === 'string' && this.#cancelled.has(event.response_id);
  }

  #onAudioDelta(event: AnyServerEvent): void {
    this.#watchdog.output(typeof event.response_id === 'string' ? event.response_id : undefined);
    if (this.#isCancelled(event)) return; // late audio of an interrupted response
    if (typeof event.item_id !== 'string' || typeof event.delta !== 'string') {
      log.warn('ignored an audio delta without item_id or delta');
      return;
    }
    const pcm = base64ToInt16(event.delta);
    if (!pcm) {
      log.warn({ item: event.item_id }, 'ignored an audio delta that is not base64 PCM16');
      return;
    }
    this.#turn.audioReceived();
    const responseId = typeof event.response_id === 'string' ? event.response_id : (this.#response?.id ?? '');
    this.#ledger.onAudio(event.item_id, responseId, pcm.length);
    this.#player.enqueue(event.item_id, pcm);
  }

  #onOutputItemAdded(event: AnyServerEvent): void {
    this.#watchdog.output(typeof event.response_id === 'string' ? event.response_id : undefined);
    if (this.#isCancelled(event)) return;
    const item = event.item as { id?: unknown; type?: unknown; role?: unknown; phase?: unknown } | undefined;
    if (!item || typeof item.id !== 'string' || item.type !== 'message' || item.role !== 'assistant') return;
    // One response may hold several assistant messages (a preamble, then the answer); each is its own
    // transcript entry, labelled with its phase when the server gives one.
    const phase = item.phase === 'commentary' || item.phase === 'final_answer' ? item.phase : undefined;
    this.#updateTranscript({ type: 'message_started', id: item.id, role: 'assistant', ...(phase ? { phase } : {}) });
  }

  #onPlaybackStarted(itemId: string): void {
    this.#turn.audioPlayed();
    this.emit('assistant_audio_started', itemId);
  }

  #onOutputItemDone(event: AnyServerEvent): void {
    const item = event.item as { type?: unknown; status?: unknown; call_id?: unknown; name?: unknown; arguments?: unknown } | undefined;
    if (!item || item.type !== 'function_call') return;
    // Only completed calls run; a call cut off by a cancel has partial arguments
    // (its `response.output_item.done` carries status `incomplete`).
    if (item.status !== 'completed') return;
    if (typeof item.call_id !== 'string' || typeof item.name !== 'string') return;
    const response = this.#response;
    if (!response) return;
    const call = { callId: item.call_id, name: item.name, arguments: typeof item.arguments === 'string' ? item.arguments : '' };
    if (this.#cancelled.has(response.id) || this.#isCancelled(event)) {
      // Stop means stop: a call from a response the user interrupted does not touch the home.
      log.info({ tool: call.name }, 'skipped a tool call of an interrupted response');
      this.#send({
        type: 'conversation.item.create',
        item: { type: 'function_call_output', call_id: call.callId, output: SKIPPED_CALL_OUTPUT },
      });
      return;
    }
    // What is shown, logged and carried over never holds a code the user spoke; the tool gets the real one.
    const shown = { ...call, arguments: redactArguments(call.arguments) };
    this.#updateTranscript({ type: 'tool_called', callId: call.callId, name: call.name, arguments: shown.arguments });
    this.emit('tool_started', shown);
    this.#pendingToolRuns++;
    const run = this.#tools
      .execute(
        { callId: call.callId, name: call.name, argumentsJson: call.arguments },
        { userTurn: this.#userTurns, replies: this.#replies },
      )
      .then((result) => {
        this.#pendingToolRuns = Math.max(0, this.#pendingToolRuns - 1);
        this.#turn.toolRan(result.durationMs);
        this.#updateTranscript({ type: 'tool_finished', callId: call.callId, ok: result.ok, output: result.output });
        this.emit('tool_finished', {
          callId: call.callId,
          name: call.name,
          ok: result.ok,
          value: result.value,
          output: result.output,
          entityIds: result.entityIds,
          durationMs: result.durationMs,
        });
        if (result.error) this.#turn.errors++;
        return { callId: call.callId, name: call.name, result };
      });
    response.toolRuns.push(run);
  }

  #onResponseDone(event: AnyServerEvent): void {
    const response = (event.response ?? {}) as {
      id?: unknown;
      status?: unknown;
      status_details?: { error?: { type?: unknown; code?: unknown; message?: unknown }; reason?: unknown } | null;
      usage?: UsageLike;
    };
    const id = typeof response.id === 'string' ? response.id : (this.#response?.id ?? '');
    this.#watchdog.disarm(id);
    this.#sequencer.onResponseDone(id);
    if (response.usage) this.emit('usage', this.#costs.add(this.#model, response.usage));
    if (response.status === 'failed') {
      const detail = response.status_details?.error ?? {};
      const error = classifyServerError({ ...detail, code: detail.code ?? detail.type });
      // A refused model fails every later response too: end the session with one message instead
      // of repeating it each turn (a quota error stays a report: the user may add credit and go on).
      if (error.permanent && error.category === 'configuration') return this.#endSession(error);
      this.#fail(error);
    }
    const state = this.#response && this.#response.id === id ? this.#response : undefined;
    if (state) {
      state.done = true;
      if (state.toolRuns.length > 0) {
        void this.#sendToolOutputs(state);
        return;
      }
    }
    this.#checkAssistantDone();
  }

  async #sendToolOutputs(state: ResponseState): Promise<void> {
    const results = (await Promise.all(state.toolRuns)).filter((r) => r !== null);
    if (state.generation !== this.#generation) {
      log.info('dropped tool outputs of a session that has since been replaced');
      this.#checkAssistantDone();
      return;
    }
    for (const { callId, result } of results) {
      this.#send({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: callId, output: result.output } });
    }
    // One response.create for all outputs of this response, none if every tool asked for silence,
    // and none if the user interrupted meanwhile: they said something else, or asked us to stop.
    const interrupted = this.#interruptions !== state.interruptions;
    if (!interrupted && results.some(({ result }) => result.respond)) this.#sequencer.request();
    this.#checkAssistantDone();
  }

  // --- barge-in -----------------------------------------------------------------------------

  async #bargeIn(trigger: 'speech' | 'local'): Promise<void> {
    this.#interruptions++;
    const response = this.#response;
    const active = this.#sequencer.activeResponseId;
    if (active) this.#cancelled.add(active);
    if (response && !response.done) this.#cancelled.add(response.id);
    this.#watchdog.disarm();
    // With server VAD and interrupt_response the server has already cancelled; a local trigger must
    // cancel itself, and only while a response is really active
    // (a cancel with none active is an error event).
    if (trigger === 'local') {
      if (active) this.#send({ type: 'response.cancel' });
      else if (this.#sequencer.requestInFlight) this.#cancelWhenCreated = true;
      this.#sequencer.dropQueued();
    }
    if (!this.#player.isPlaying) return;
    const position = await this.#player.flush();
    if (!position) return;
    const truncations = this.#ledger.truncationsFor(position);
    if (truncations.length === 0) return;
    for (const t of truncations) {
      const eventId = `evt_hearth_trunc_${++this.#truncates}`;
      this.#truncateIds.push(eventId);
      if (this.#truncateIds.length > MAX_TRUNCATE_IDS) this.#truncateIds.shift();
      this.#send({
        type: 'conversation.item.truncate',
        event_id: eventId,
        item_id: t.itemId,
        content_index: 0,
        audio_end_ms: t.audioEndMs,
      });
      this.#updateTranscript({ type: 'interrupted', id: t.itemId });
      const receivedMs = (this.#ledger.receivedSamples(t.itemId) * 1000) / PLAYER_SAMPLE_RATE;
      this.emit('truncate', { itemId: t.itemId, audioEndMs: t.audioEndMs, receivedMs });
    }
    log.info({ truncations, trigger }, 'barge-in');
  }

  // --- turn completion ----------------------------------------------------------------------

  #checkAssistantDone(): void {
    if (!this.#assistantBusy || this.assistantBusy) return;
    if (this.#response && !this.#response.done) return;
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
    this.#ledger.clear();
    this.#turn.reset();
  }

  /** Forgets every response, tool run and request (a new server session, or none at all). */
  #resetResponses(options: { resend: boolean } = { resend: false }): void {
    this.#watchdog.disarm();
    this.#cancelled.clear();
    this.#cancelWhenCreated = false;
    this.#response = undefined;
    this.#pendingToolRuns = 0;
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
