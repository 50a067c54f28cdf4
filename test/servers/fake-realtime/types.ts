/**
 * Public types of the fake OpenAI Realtime (GA) server. Wire shapes follow OpenAI's Realtime API
 * reference (session object, client and server events, function calls, truncation) and the SDK types
 * in `openai/resources/realtime/realtime`.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { RealtimeServerEvent } from 'openai/resources/realtime/realtime';

/** A JSON object as it travels on the wire. */
export type JsonObject = { [key: string]: unknown };

// ---------------------------------------------------------------------------------------------
// Session (the effective GA session object the fake keeps and sends in session.created/updated)
// ---------------------------------------------------------------------------------------------

export type PcmFormat = { type: 'audio/pcm'; rate: 24000 };

export type ServerVadConfig = {
  type: 'server_vad';
  threshold: number;
  prefix_padding_ms: number;
  silence_duration_ms: number;
  idle_timeout_ms: number | null;
  create_response: boolean;
  interrupt_response: boolean;
};

export type SemanticVadConfig = {
  type: 'semantic_vad';
  eagerness: 'low' | 'medium' | 'high' | 'auto';
  create_response: boolean;
  interrupt_response: boolean;
};

export type TurnDetectionConfig = ServerVadConfig | SemanticVadConfig;

export type TranscriptionConfig = {
  model: string;
  language: string | null;
  prompt: string | null;
  [extra: string]: unknown;
};

export type FunctionToolConfig = { type: 'function'; name: string; description?: string; parameters?: unknown };

export type FakeSession = {
  type: 'realtime';
  object: 'realtime.session';
  id: string;
  model: string;
  expires_at: number;
  output_modalities: ['audio'] | ['text'];
  instructions: string;
  audio: {
    input: {
      format: PcmFormat;
      transcription: TranscriptionConfig | null;
      noise_reduction: { type: 'near_field' | 'far_field'; strength?: number } | null;
      turn_detection: TurnDetectionConfig | null;
    };
    output: { format: PcmFormat; voice: string | { id: string }; speed: number };
  };
  tools: FunctionToolConfig[];
  tool_choice: unknown;
  max_output_tokens: number | 'inf';
  tracing: unknown;
  truncation: unknown;
  include: string[] | null;
  prompt: unknown;
  reasoning?: { effort: string };
  parallel_tool_calls?: boolean;
};

// ---------------------------------------------------------------------------------------------
// Scripting what the "model" does
// ---------------------------------------------------------------------------------------------

export type ScriptedItem =
  /**
   * An assistant message. `audioMs` defaults to 60 ms per character of `text`. `phase` (2026 models):
   * `'commentary'` for a preamble ("checking the thermostat…"), `'final_answer'` for the answer; it is
   * put on the wire item only when given (older models send none).
   */
  | { type: 'message'; text: string; audioMs?: number; phase?: 'commentary' | 'final_answer' | null }
  /** A function call. An object is JSON-encoded; a string is sent verbatim (to test bad JSON). */
  | { type: 'function_call'; name: string; arguments: unknown; callId?: string };

export type ScriptedTurn = {
  /** What input transcription reports for an audio turn (only used when transcription is on). */
  userTranscript?: string;
  /** Output items of the response, in order (e.g. a spoken preamble, then a function call). */
  items: ScriptedItem[];
  /**
   * A stalled response: `response.created` (and `rate_limits.updated`) is sent, then nothing at all
   * until the client cancels it (or the user barges in), as when the service hangs mid-response.
   */
  stall?: boolean;
};

export type TurnTrigger = 'audio' | 'text' | 'function_output' | 'response.create' | 'idle_timeout';

export type TurnContext = {
  connectionIndex: number;
  /** 0-based count of responder calls on this connection. */
  turnIndex: number;
  trigger: TurnTrigger;
  /** The user's text for a text turn; the committed item's transcript (if known) otherwise. */
  userText?: string;
  /** `function_call_output` items added since the previous response started. */
  functionOutputs: { call_id: string; name: string; output: string }[];
  /** The effective session, with per-response overrides applied. */
  session: FakeSession;
  /** Conversation items so far (wire shape, no audio bytes). */
  conversation: JsonObject[];
};

export type Responder = (ctx: TurnContext) => ScriptedTurn;

// ---------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------

export type FakeRealtimeServerOptions = {
  /** Accepted bearer keys. Default `['test-key']`. */
  apiKeys?: string[];
  /**
   * Bad or missing key. `'error-event'` (default, what the live service does): 101 upgrade, then
   * `error` + close 3000 (reason `invalid_request_error.invalid_api_key`). `'http-401'`: refuse
   * the upgrade with HTTP 401.
   */
  authFailureMode?: 'error-event' | 'http-401';
  /** Decides each turn. Consulted after `script` is used up. Default: {@link defaultResponder}. */
  responder?: Responder;
  /** Turns consumed in order, across all connections of this server, before `responder`. */
  script?: ScriptedTurn[];
  /** Audio per `response.output_audio.delta`. Default 200 ms. */
  audioChunkMs?: number;
  /** Pause between deltas. Default 50 ms (4x faster than real time with 200 ms chunks). */
  chunkIntervalMs?: number;
  /** Amplitude of the reply tone, 0..1 of full scale. Default 0.25 (about -15 dBFS RMS). */
  toneAmplitude?: number;
  /**
   * Reply audio cut from this 24 kHz PCM (e.g. espeak-ng speech), looped, instead of a tone: speech-like
   * replies for echo-cancellation tests (a canceller converges on speech, not on a steady tone).
   */
  replyPcm?: Int16Array;
  /**
   * Models this server no longer serves (a shutdown, e.g. `['gpt-realtime']` after 2027-01-20): they
   * get `model_not_found` + close 4000 like a name the service does not know. Default: none.
   */
  retiredModels?: string[];
  /** Send `session_expired` + close 1001 this long after each connection opens. Default: never. */
  sessionLifetimeMs?: number;
  /** Server WebSocket ping interval (the live service pings every ~20 s). 0 disables. Default 20000. */
  pingIntervalMs?: number;
  /**
   * `rate_limits.updated` placement: `'after-created'` (default) or `'after-done'`
   * (what a 2026-09 live capture showed), or `'none'`.
   */
  rateLimitsPosition?: 'after-created' | 'after-done' | 'none';
  /**
   * `part.type` in `response.content_part.*`: `'sdk'` = `audio`/`text` (SDK types and live
   * capture, default) or `'item'` = `output_audio`/`output_text` (the item content spelling).
   */
  contentPartTypes?: 'sdk' | 'item';
  /** Input transcription events: 0 (default) sends them right after the user item, before the
   * response; > 0 sends them that many ms later, i.e. usually after `response.created`. */
  transcriptionDelayMs?: number;
  /** After a too-long truncate error, also send `conversation.item.truncated` clamped to the audio. */
  clampTruncate?: boolean;
  /**
   * The server counts this many ms less audio per assistant item than it sent, so a truncate within
   * what the client received can still be refused with "Audio content of Xms is already shorter than
   * Yms" (the live service does this). Default 0.
   */
  truncateShortfallMs?: number;
};

export type ResponseFailure = {
  type: 'rate_limit_exceeded' | 'insufficient_quota' | 'server_error' | 'model_not_found';
  message?: string;
};

// ---------------------------------------------------------------------------------------------
// Observability
// ---------------------------------------------------------------------------------------------

/** A server event as the fake builds it: a known GA type plus fields (`event_id` is added on send). */
export type ServerEventDraft = { type: RealtimeServerEvent['type']; [key: string]: unknown };

/**
 * A logged frame's JSON. It always has a string `type`; every field is `any` so assertions can read
 * fields or cast the event (`e.event as { call_id: string }`) without ceremony.
 */
export type LoggedWireEvent = { [key: string]: any };

/**
 * One logged frame. Client `input_audio_buffer.append` events are logged with `audio` replaced by
 * `audio_bytes` (decoded length); server `response.output_audio.delta` events with `delta` replaced
 * by `delta_bytes`. Frames that are not JSON objects are logged as `{type:'<invalid_json>', raw}`
 * or `{type:'<binary>', bytes}`.
 */
export type LoggedEvent = {
  /** Server-wide sequence number (0, 1, 2, ...), in the order frames were received or sent. */
  seq: number;
  connectionIndex: number;
  direction: 'in' | 'out';
  event: LoggedWireEvent;
  /** `performance.now()` when logged. */
  at: number;
};

export type TruncationRecord = { item_id: string; content_index: number; audio_end_ms: number };

export type CloseInfo = { code: number; reason: string; by: 'client' | 'server' | 'terminated' };

export interface FakeRealtimeConnection {
  readonly index: number;
  /** Upgrade request headers (lower-case names, as Node reports them). */
  readonly headers: IncomingHttpHeaders;
  /** Request path and query, e.g. `/v1/realtime?model=gpt-realtime`. */
  readonly requestUrl: string;
  readonly model: string | null;
  /** Whether the connection got past auth and model checks (session.created was sent). */
  readonly accepted: boolean;
  readonly received: readonly LoggedEvent[];
  readonly sent: readonly LoggedEvent[];
  /** All frames of this connection, in order. */
  readonly log: readonly LoggedEvent[];
  /** Deep copy of the effective session. */
  readonly session: FakeSession;
  /** Deep copy of the conversation (wire shape, no audio bytes). */
  readonly conversation: JsonObject[];
  readonly truncations: readonly TruncationRecord[];
  /** Total decoded bytes of all `input_audio_buffer.append` events. */
  readonly appendedBytes: number;
  /** All appended audio of this session as PCM16 samples. */
  appendedPcm(): Int16Array;
  readonly isOpen: boolean;
  readonly closeInfo: CloseInfo | null;
  /** Waits until the socket is closed (by either side) and returns how. */
  closed(): Promise<CloseInfo>;
  /** Sends a server event (an `event_id` is added). */
  send(event: ServerEventDraft): void;
  sendRaw(text: string): void;
  close(code?: number, reason?: string): void;
  /** Destroys the TCP socket without a close frame. */
  terminate(): void;
  /** Stops reading and writing (no pongs, no events): a silent dead connection. */
  stall(): void;
}

export type WaitForOptions = {
  /** Default 5000 ms. */
  timeoutMs?: number;
  connectionIndex?: number;
  /** Only events with `seq >= since` (use `server.mark()`). Default 0: the whole log. */
  since?: number;
};

export type EventPredicate = (entry: LoggedEvent) => boolean;

export interface FakeRealtimeServer {
  /** `ws://127.0.0.1:PORT/v1/realtime` (append `?model=...`). */
  readonly url: string;
  readonly port: number;
  readonly connections: readonly FakeRealtimeConnection[];
  /** Server-wide log of all frames of all connections. */
  readonly log: readonly LoggedEvent[];
  /** The `seq` the next logged frame will get; pass to `waitFor({since})`. */
  mark(): number;
  /** Resolves with the first logged frame (already logged or future) that matches. */
  waitFor(predicate: EventPredicate, options?: WaitForOptions): Promise<LoggedEvent>;
  /** Waits for a client event of this type. */
  waitForClientEvent(type: string, options?: WaitForOptions): Promise<LoggedEvent>;
  /** Waits for a server event of this type. */
  waitForServerEvent(type: string, options?: WaitForOptions): Promise<LoggedEvent>;
  /** Resolves with connection number `index` (0-based, default 0) once it exists. */
  waitForConnection(index?: number, timeoutMs?: number): Promise<FakeRealtimeConnection>;
  on(event: 'event', listener: (entry: LoggedEvent) => void): this;
  on(event: 'connection', listener: (connection: FakeRealtimeConnection) => void): this;
  off(event: 'event', listener: (entry: LoggedEvent) => void): this;
  off(event: 'connection', listener: (connection: FakeRealtimeConnection) => void): this;

  // Fault injection
  /** Destroys every socket without a close frame (the client sees 1006). */
  dropAllConnections(): void;
  /** `error{code:"session_expired"}` then close 1001 on every open connection. */
  expireSessions(): void;
  /** Sends a raw text frame to every open connection. */
  sendRaw(text: string): void;
  /** The next response (any connection) ends `failed` with `status_details.error`. */
  failNextResponse(failure: ResponseFailure): void;
  /** Holds back audio/transcript/text/argument deltas for `ms` (or until `resumeAudio()`). */
  pauseAudio(ms?: number): void;
  resumeAudio(): void;
  /** Stops reading and answering on every open connection: no pongs, no events. */
  stallConnections(): void;
  /** Replaces the responder (and drops what is left of `script`). */
  setResponder(responder: Responder): void;
  close(): Promise<void>;
}
