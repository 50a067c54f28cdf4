/**
 * One fake Realtime session on one WebSocket: client event dispatch, the session object, the
 * input audio buffer with VAD, the conversation, and the responses (see response-run.ts).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Duplex } from 'node:stream';
import WebSocket, { type RawData } from 'ws';
import { bytesToMs, decodeBase64Strict, MAX_APPEND_BYTES, type PcmStore } from './audio.js';
import { expectString, fail, isObject, ProtocolError, quoteList, rejectUnknownKeys, requireKey } from './errors.js';
import { newId } from './ids.js';
import { Conversation } from './conversation.js';
import { InputAudioBuffer } from './input-buffer.js';
import type { TurnSource } from './responder.js';
import { ResponseRun, type RunHost, type RunTiming, type StoredItem } from './response-run.js';
import { applySessionUpdate, parseResponseCreate, type ResponseParams } from './session-validation.js';
import type {
  CloseInfo,
  FakeRealtimeConnection,
  FakeSession,
  JsonObject,
  LoggedEvent,
  ResponseFailure,
  ScriptedTurn,
  ServerEventDraft,
  TruncationRecord,
  TurnTrigger,
} from './types.js';
import { countInputTokens, transcriptionUsage, type InputTokens } from './usage.js';
import type { VadEvent } from './vad.js';

/** The client event types the live service lists in its "Invalid value" error (2026 capture). */
const SUPPORTED_CLIENT_EVENTS = [
  'session.update',
  'session.close',
  'input_audio_buffer.append',
  'session.input_audio_buffer.append',
  'input_audio_buffer.commit',
  'input_audio_buffer.clear',
  'conversation.item.create',
  'conversation.item.truncate',
  'conversation.item.delete',
  'conversation.item.retrieve',
  'response.create',
  'response.cancel',
];

/** Minimum commit: 100 ms = 4,800 bytes. */
const MIN_COMMIT_BYTES = 4800;
const RATE_LIMIT_TOKENS = 15_000_000;

/** What a connection needs from its server. */
export interface ConnectionEnv {
  readonly timing: RunTiming;
  readonly transcriptionDelayMs: number;
  readonly clampTruncate: boolean;
  readonly truncateShortfallMs: number;
  readonly pingIntervalMs: number;
  readonly turns: TurnSource;
  log(connection: Connection, direction: 'in' | 'out', event: LoggedEvent['event']): LoggedEvent;
  takeFailure(): ResponseFailure | null;
  audioGate(): Promise<void>;
}

function summarizeIn(event: JsonObject, decodedBytes: number | null): LoggedEvent['event'] {
  const type = typeof event.type === 'string' ? event.type : '<missing type>';
  if (type === 'input_audio_buffer.append') {
    const { audio: _audio, ...rest } = event;
    return { ...rest, type, audio_bytes: decodedBytes ?? 0 };
  }
  return { ...structuredClone(event), type };
}

function summarizeOut(event: JsonObject & { type: string }): LoggedEvent['event'] {
  if (event.type === 'response.output_audio.delta' && typeof event.delta === 'string') {
    const { delta, ...rest } = event;
    return { ...rest, type: event.type, delta_bytes: Buffer.byteLength(delta, 'base64') };
  }
  return event;
}

export class Connection implements FakeRealtimeConnection {
  readonly received: LoggedEvent[] = [];
  readonly sent: LoggedEvent[] = [];
  readonly log: LoggedEvent[] = [];
  readonly truncations: TruncationRecord[] = [];
  accepted = false;
  closeInfo: CloseInfo | null = null;

  private sessionState: FakeSession | null = null;
  private readonly conv = new Conversation();
  private readonly conversationId = newId('conv');
  private readonly input = new InputAudioBuffer();
  private activeRun: ResponseRun | null = null;
  private readonly outOfBandRuns = new Set<ResponseRun>();
  private readonly pendingTurns = new Map<string, ScriptedTurn>();
  private functionOutputs: { call_id: string; name: string; output: string }[] = [];
  private previousInput: InputTokens | null = null;
  private turnIndex = 0;
  private toneIndex = 0;
  private assistantAudioPresent = false;
  private stalled = false;
  private timers = new Set<NodeJS.Timeout>();
  private closedWaiters: ((info: CloseInfo) => void)[] = [];
  private readonly runHost: RunHost;

  constructor(
    readonly index: number,
    private readonly ws: WebSocket,
    private readonly socket: Duplex,
    readonly headers: IncomingHttpHeaders,
    readonly requestUrl: string,
    readonly model: string | null,
    private readonly env: ConnectionEnv,
  ) {
    this.runHost = this.makeRunHost();
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('close', (code, reason) => this.onClose(code, reason.toString()));
    ws.on('error', () => {
      // Socket errors end in 'close'; nothing to report here.
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Public view (FakeRealtimeConnection)
  // ---------------------------------------------------------------------------------------------

  get session(): FakeSession {
    if (!this.sessionState) throw new Error(`connection ${this.index} has no session (it was refused)`);
    return structuredClone(this.sessionState);
  }

  get conversation(): JsonObject[] {
    return this.conv.snapshot();
  }

  get appendedBytes(): number {
    return this.input.totalBytes;
  }

  appendedPcm(): Int16Array {
    return this.input.pcm();
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN && this.closeInfo === null;
  }

  closed(): Promise<CloseInfo> {
    if (this.closeInfo && this.ws.readyState === WebSocket.CLOSED) return Promise.resolve(this.closeInfo);
    return new Promise((resolve) => this.closedWaiters.push(resolve));
  }

  send(draft: ServerEventDraft): void {
    if (!this.isOpen || this.stalled) return;
    const { type, ...rest } = draft;
    const event = { type, event_id: newId('event'), ...rest };
    this.ws.send(JSON.stringify(event));
    this.env.log(this, 'out', summarizeOut(event));
  }

  sendRaw(text: string): void {
    if (!this.isOpen || this.stalled) return;
    this.ws.send(text);
    let logged: LoggedEvent['event'];
    try {
      const parsed: unknown = JSON.parse(text);
      logged = isObject(parsed) && typeof parsed.type === 'string' ? { ...parsed, type: parsed.type } : { type: '<raw>', raw: text };
    } catch {
      logged = { type: '<raw>', raw: text };
    }
    this.env.log(this, 'out', logged);
  }

  close(code = 1000, reason = ''): void {
    if (this.closeInfo) return;
    this.stopEverything();
    this.closeInfo = { code, reason, by: 'server' };
    this.ws.close(code, reason);
  }

  terminate(): void {
    if (this.closeInfo === null) this.closeInfo = { code: 1006, reason: '', by: 'terminated' };
    this.stopEverything();
    this.ws.terminate();
  }

  stall(): void {
    if (this.stalled) return;
    this.stalled = true;
    this.stopEverything();
    // Stop reading: ws never sees the client's pings (so never pongs) nor any further events.
    this.socket.removeAllListeners('data');
    this.socket.pause();
  }

  // ---------------------------------------------------------------------------------------------
  // Lifecycle (called by the server)
  // ---------------------------------------------------------------------------------------------

  /** Refuses the session after the upgrade: `error`, then close (3000 auth / 4000 request shape). */
  refuse(code: string | null, message: string, closeCode: number): void {
    this.send({ type: 'error', error: { type: 'invalid_request_error', code, message, param: null, event_id: null } });
    this.close(closeCode, code ? `invalid_request_error.${code}` : 'invalid_request_error');
  }

  accept(session: FakeSession, lifetimeMs: number | undefined): void {
    this.accepted = true;
    this.sessionState = session;
    this.input.configure(session.audio.input.turn_detection);
    this.send({ type: 'session.created', session: structuredClone(session) });
    if (this.env.pingIntervalMs > 0) {
      const ping = setInterval(() => {
        if (this.isOpen && !this.stalled) this.ws.ping();
      }, this.env.pingIntervalMs);
      ping.unref();
      this.timers.add(ping);
    }
    if (lifetimeMs !== undefined) this.later(lifetimeMs, () => this.expire());
  }

  /** The 60-minute session limit: `error session_expired`, then close 1001. */
  expire(): void {
    if (!this.isOpen) return;
    this.abortRuns();
    this.send({
      type: 'error',
      error: {
        type: 'invalid_request_error',
        code: 'session_expired',
        message: 'Your session hit the maximum duration of 60 minutes.',
        param: null,
        event_id: null,
      },
    });
    this.close(1001, 'invalid_request_error.session_expired');
  }

  private onClose(code: number, reason: string): void {
    if (this.closeInfo === null) this.closeInfo = { code, reason, by: 'client' };
    else if (this.closeInfo.by === 'terminated') this.closeInfo = { ...this.closeInfo, code };
    this.stopEverything();
    const info = this.closeInfo;
    for (const waiter of this.closedWaiters.splice(0)) waiter(info);
  }

  private stopEverything(): void {
    this.abortRuns();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private abortRuns(): void {
    this.activeRun?.abort();
    this.activeRun = null;
    for (const run of this.outOfBandRuns) run.abort();
    this.outOfBandRuns.clear();
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private makeRunHost(): RunHost {
    return {
      timing: this.env.timing,
      conversationId: this.conversationId,
      send: (event) => this.send(event),
      sleep: (ms) => new Promise((resolve) => this.later(ms, resolve)),
      audioGate: () => this.env.audioGate(),
      addItem: (stored) => this.conv.insert(stored),
      previousItemId: (itemId) => this.conv.previousItemId(itemId),
      nextToneIndex: () => this.toneIndex++,
      noteAssistantAudio: () => {
        this.assistantAudioPresent = true;
      },
      rateLimitsEvent: (tokens) => ({
        type: 'rate_limits.updated',
        rate_limits: [{ name: 'tokens', limit: RATE_LIMIT_TOKENS, remaining: RATE_LIMIT_TOKENS - tokens, reset_seconds: 0.001 }],
      }),
      onFinished: (run) => this.onRunFinished(run),
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Client events
  // ---------------------------------------------------------------------------------------------

  private sendError(err: ProtocolError, clientEventId: string | null): void {
    this.send({
      type: 'error',
      error: { type: err.errorType, code: err.code, message: err.message, param: err.param, event_id: clientEventId },
    });
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.stalled || !this.accepted || this.closeInfo) return;
    const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer);
    if (isBinary) {
      this.env.log(this, 'in', { type: '<binary>', bytes: buf.length });
      this.sendError(new ProtocolError('invalid_event', 'Expected a text WebSocket message; binary frames are not supported.'), null);
      return;
    }
    const text = buf.toString('utf8');
    let event: unknown;
    try {
      event = JSON.parse(text);
    } catch {
      this.env.log(this, 'in', { type: '<invalid_json>', raw: text.slice(0, 500) });
      this.sendError(
        new ProtocolError('invalid_json', 'Invalid event: failed to parse JSON value. Please check your JSON and try again.'),
        null,
      );
      return;
    }
    if (!isObject(event)) {
      this.env.log(this, 'in', { type: '<invalid_json>', raw: text.slice(0, 500) });
      this.sendError(new ProtocolError('invalid_event', 'Invalid event: expected a JSON object.'), null);
      return;
    }
    const clientEventId = typeof event.event_id === 'string' ? event.event_id : null;
    let decoded: Buffer | null = null;
    if (event.type === 'input_audio_buffer.append' && typeof event.audio === 'string') decoded = decodeBase64Strict(event.audio);
    this.env.log(this, 'in', summarizeIn(event, decoded?.length ?? null));
    try {
      this.dispatch(event, decoded);
    } catch (err) {
      if (err instanceof ProtocolError) this.sendError(err, clientEventId);
      else {
        const message = err instanceof Error ? err.message : String(err);
        this.sendError(
          new ProtocolError(
            null,
            `The server had an error while processing your request (fake server bug: ${message}).`,
            null,
            'server_error',
          ),
          clientEventId,
        );
      }
    }
  }

  private dispatch(event: JsonObject, decodedAudio: Buffer | null): void {
    const type = expectString(requireKey(event, 'type', ''), 'type');
    if (event.event_id !== undefined) expectString(event.event_id, 'event_id');
    switch (type) {
      case 'session.update':
        return this.onSessionUpdate(event);
      case 'input_audio_buffer.append':
        return this.onAppend(event, decodedAudio);
      case 'input_audio_buffer.commit':
        return this.onCommit(event);
      case 'input_audio_buffer.clear':
        rejectUnknownKeys(event, ['type', 'event_id'], '');
        this.input.clear();
        return this.send({ type: 'input_audio_buffer.cleared' });
      case 'conversation.item.create':
        return this.onItemCreate(event);
      case 'conversation.item.retrieve':
        return this.send({ type: 'conversation.item.retrieved', item: this.conv.retrieve(event) });
      case 'conversation.item.truncate':
        return this.onItemTruncate(event);
      case 'conversation.item.delete': {
        const itemId = this.conv.delete(event);
        this.pendingTurns.delete(itemId);
        return this.send({ type: 'conversation.item.deleted', item_id: itemId });
      }
      case 'response.create':
        return this.onResponseCreate(event);
      case 'response.cancel':
        return this.onResponseCancel(event);
      case 'session.close':
      case 'session.input_audio_buffer.append':
        return fail('invalid_value', `Invalid value: '${type}'. This event is only supported in translation sessions.`, 'type');
      default:
        fail('invalid_value', `Invalid value: '${type}'. Supported values are: ${quoteList(SUPPORTED_CLIENT_EVENTS)}.`, 'type');
    }
  }

  private get sessionNow(): FakeSession {
    if (!this.sessionState) throw new Error('no session');
    return this.sessionState;
  }

  private onSessionUpdate(event: JsonObject): void {
    rejectUnknownKeys(event, ['type', 'event_id', 'session'], '');
    this.sessionState = applySessionUpdate(this.sessionNow, event, { assistantAudioPresent: this.assistantAudioPresent });
    this.input.configure(this.sessionNow.audio.input.turn_detection);
    this.send({ type: 'session.updated', session: structuredClone(this.sessionState) });
  }

  // ---------------------------------------------------------------------------------------------
  // Input audio buffer and VAD
  // ---------------------------------------------------------------------------------------------

  private onAppend(event: JsonObject, decoded: Buffer | null): void {
    rejectUnknownKeys(event, ['type', 'event_id', 'audio'], '');
    expectString(requireKey(event, 'audio', ''), 'audio');
    if (decoded === null) fail('invalid_value', "Invalid 'audio': expected a base64-encoded string.", 'audio');
    if (decoded.length > MAX_APPEND_BYTES) {
      fail('invalid_value', "Invalid 'audio': an append event can carry at most 15 MiB of audio.", 'audio');
    }
    this.input.append(decoded, (ev) => this.onVadEvent(ev));
  }

  private onVadEvent(ev: VadEvent): void {
    const td = this.sessionNow.audio.input.turn_detection;
    if (!td || !this.isOpen) return;
    if (ev.kind === 'speech_started') {
      const { itemId, audioStartMs } = this.input.beginSpeech(ev.audioStartMs);
      this.send({ type: 'input_audio_buffer.speech_started', audio_start_ms: audioStartMs, item_id: itemId });
      // Barge-in: the server cancels the response still being generated.
      if (td.interrupt_response && this.activeRun) this.activeRun.cancel('turn_detected');
    } else if (ev.kind === 'speech_stopped') {
      const { itemId, audio } = this.input.endSpeech(ev.endSample);
      this.send({ type: 'input_audio_buffer.speech_stopped', audio_end_ms: ev.audioEndMs, item_id: itemId });
      this.commitAudio(itemId, audio, 'audio');
      if (td.create_response) this.autoRespond(itemId, 'audio');
    } else {
      const { itemId, audioStartMs, audioEndMs, audio } = this.input.commitIdle(ev.atSample);
      this.send({ type: 'input_audio_buffer.timeout_triggered', item_id: itemId, audio_start_ms: audioStartMs, audio_end_ms: audioEndMs });
      this.commitAudio(itemId, audio, 'idle_timeout');
      this.autoRespond(itemId, 'idle_timeout');
    }
  }

  private onCommit(event: JsonObject): void {
    rejectUnknownKeys(event, ['type', 'event_id'], '');
    const buffered = this.input.bufferedBytes;
    if (buffered < MIN_COMMIT_BYTES) {
      fail(
        'input_audio_buffer_commit_empty',
        `Error committing input audio buffer: buffer too small. Expected at least 100ms of audio, but buffer only has ${bytesToMs(buffered).toFixed(2)}ms of audio.`,
      );
    }
    const { itemId, audio } = this.input.commitAll();
    this.commitAudio(itemId, audio, 'audio');
  }

  /** committed → conversation.item.added → .done → (input transcription). */
  private commitAudio(itemId: string, audio: PcmStore, trigger: 'audio' | 'idle_timeout'): void {
    const wire: JsonObject = {
      id: itemId,
      object: 'realtime.item',
      type: 'message',
      status: 'completed',
      role: 'user',
      content: [{ type: 'input_audio', transcript: null }],
    };
    const previous = this.conv.insert({ item: wire, audio });
    this.send({ type: 'input_audio_buffer.committed', previous_item_id: previous, item_id: itemId });
    this.send({ type: 'conversation.item.added', previous_item_id: previous, item: structuredClone(wire) });
    this.send({ type: 'conversation.item.done', previous_item_id: previous, item: structuredClone(wire) });
    if (this.sessionNow.audio.input.transcription) this.transcribe(wire, bytesToMs(audio.bytes), trigger);
  }

  private transcribe(wire: JsonObject, audioMs: number, trigger: 'audio' | 'idle_timeout'): void {
    const itemId = String(wire.id);
    const turn = this.turnForAudioItem(itemId, trigger);
    const transcript = turn.userTranscript ?? '';
    const emit = (): void => {
      for (const delta of transcript.match(/\s*\S+/g) ?? []) {
        this.send({
          type: 'conversation.item.input_audio_transcription.delta',
          item_id: itemId,
          content_index: 0,
          delta,
          obfuscation: newId('event').slice(6, 16),
        });
      }
      wire.content = [{ type: 'input_audio', transcript }];
      this.send({
        type: 'conversation.item.input_audio_transcription.completed',
        item_id: itemId,
        content_index: 0,
        transcript,
        usage: transcriptionUsage(audioMs, transcript),
      });
    };
    if (this.env.transcriptionDelayMs > 0) this.later(this.env.transcriptionDelayMs, emit);
    else emit();
  }

  // ---------------------------------------------------------------------------------------------
  // Conversation items
  // ---------------------------------------------------------------------------------------------

  private onItemCreate(event: JsonObject): void {
    const { wire, previousItemId, functionOutput } = this.conv.create(event);
    this.send({ type: 'conversation.item.added', previous_item_id: previousItemId, item: structuredClone(wire) });
    this.send({ type: 'conversation.item.done', previous_item_id: previousItemId, item: structuredClone(wire) });
    if (functionOutput) this.functionOutputs.push(functionOutput);
  }

  private onItemTruncate(event: JsonObject): void {
    const { tooLong, record } = this.conv.truncate(event, { clamp: this.env.clampTruncate, shortfallMs: this.env.truncateShortfallMs });
    // The live service sends this one with `error.event_id` null even when the truncate had an id
    // (developers' reports, ReviewStage/luke#564): clients must recognise it by its message.
    if (tooLong) this.sendError(tooLong, null);
    if (!record) return;
    this.truncations.push(record);
    this.send({ type: 'conversation.item.truncated', ...record });
  }

  // ---------------------------------------------------------------------------------------------
  // Responses
  // ---------------------------------------------------------------------------------------------

  private activeError(run: ResponseRun): ProtocolError {
    return new ProtocolError(
      'conversation_already_has_active_response',
      `Conversation already has an active response in progress: ${run.id}. Wait until the response is finished before creating a new one.`,
    );
  }

  private onResponseCreate(event: JsonObject): void {
    rejectUnknownKeys(event, ['type', 'event_id', 'response'], '');
    const params = parseResponseCreate(this.sessionNow, event);
    if (params.conversation === 'auto' && this.activeRun) throw this.activeError(this.activeRun);
    this.startRun(params, this.turnForResponseCreate(params));
  }

  private onResponseCancel(event: JsonObject): void {
    rejectUnknownKeys(event, ['type', 'event_id', 'response_id'], '');
    let target = this.activeRun;
    if (event.response_id !== undefined) {
      const id = expectString(event.response_id, 'response_id');
      target = [this.activeRun, ...this.outOfBandRuns].find((r) => r?.id === id) ?? null;
    }
    if (!target) fail('response_cancel_not_active', 'Cancellation failed: no active response found');
    target.cancel('client_cancelled');
  }

  /** A VAD (or idle-timeout) commit with `create_response`. */
  private autoRespond(itemId: string, trigger: 'audio' | 'idle_timeout'): void {
    if (this.activeRun) {
      // With interrupt_response:false the previous response may still run.
      this.sendError(this.activeError(this.activeRun), null);
      return;
    }
    const turn = this.turnForAudioItem(itemId, trigger);
    this.pendingTurns.delete(itemId);
    this.startRun(parseResponseCreate(this.sessionNow, {}), turn);
  }

  private nextTurn(trigger: TurnTrigger, userText: string | undefined, session: FakeSession): ScriptedTurn {
    const ctx = {
      connectionIndex: this.index,
      turnIndex: this.turnIndex++,
      trigger,
      functionOutputs: structuredClone(this.functionOutputs),
      session: structuredClone(session),
      conversation: this.conversation,
      ...(userText !== undefined ? { userText } : {}),
    };
    return this.env.turns.next(ctx);
  }

  /** The turn for a committed user audio item, asked for once (transcript and reply come from it). */
  private turnForAudioItem(itemId: string, trigger: 'audio' | 'idle_timeout'): ScriptedTurn {
    let turn = this.pendingTurns.get(itemId);
    if (!turn) {
      turn = this.nextTurn(trigger, undefined, this.sessionNow);
      this.pendingTurns.set(itemId, turn);
    }
    return turn;
  }

  private turnForResponseCreate(params: ResponseParams): ScriptedTurn {
    const context = params.input ?? this.conv.items.map((s) => s.item);
    const lastRaw = context[context.length - 1];
    const last = lastRaw?.type === 'item_reference' ? this.conv.find(String(lastRaw.id))?.item : lastRaw;
    if (last?.type === 'function_call_output') return this.nextTurn('function_output', undefined, params.session);
    if (last?.type === 'message' && last.role === 'user' && Array.isArray(last.content)) {
      const parts = last.content as JsonObject[];
      const audioPart = parts.find((p) => p.type === 'input_audio');
      if (audioPart) {
        const id = String(last.id);
        const pending = this.pendingTurns.get(id);
        if (pending) {
          this.pendingTurns.delete(id);
          return pending;
        }
        const transcript = typeof audioPart.transcript === 'string' ? audioPart.transcript : undefined;
        return this.nextTurn('audio', transcript, params.session);
      }
      const text = parts
        .filter((p) => p.type === 'input_text')
        .map((p) => String(p.text))
        .join('\n');
      return this.nextTurn('text', text, params.session);
    }
    return this.nextTurn('response.create', undefined, params.session);
  }

  private startRun(params: ResponseParams, turn: ScriptedTurn): void {
    const context: StoredItem[] = params.input
      ? params.input.map((it) => (it.type === 'item_reference' ? this.conv.find(String(it.id)) : undefined) ?? { item: it, audio: null })
      : [...this.conv.items];
    const input = countInputTokens(
      params.session.instructions,
      params.session.tools,
      context.map((s) => ({ item: s.item, audioBytes: s.audio?.bytes ?? 0 })),
    );
    const run = new ResponseRun(this.runHost, params, turn, input, this.previousInput, this.env.takeFailure());
    this.previousInput = input;
    this.functionOutputs = [];
    this.input.armIdleTimeout(null);
    if (run.inConversation) this.activeRun = run;
    else this.outOfBandRuns.add(run);
    run.start();
  }

  private onRunFinished(run: ResponseRun): void {
    if (this.activeRun === run) this.activeRun = null;
    this.outOfBandRuns.delete(run);
    // idle_timeout_ms counts from when the reply would have finished playing (in appended audio time).
    const td = this.sessionState?.audio.input.turn_detection;
    if (td?.type === 'server_vad' && td.idle_timeout_ms !== null && run.inConversation && run.status === 'completed') {
      this.input.armIdleTimeout(bytesToMs(run.outputAudioBytes) + td.idle_timeout_ms);
    }
  }
}
