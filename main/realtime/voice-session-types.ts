import type { Clock } from '../util/clock.js';
import type { AssistantError } from '../util/errors.js';
import type { Player } from '../audio/player.js';
import type { ToolRegistry } from '../tools/tool-registry.js';
import type { MessagePhase } from '../../preload/contract/types.js';
import type { UsageReport } from './cost-meter.js';
import type { PriceTable } from './price-table.js';
import type { SessionConfig } from './protocol-types.js';
import type { RealtimeTransport } from './realtime-transport.js';
import type { TurnMetrics } from './turn-metrics.js';

/** VoiceSession's options, the events it emits and the types they carry (re-exported by voice-session.ts). */

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
  /** See RESPONSE_WATCHDOG_MS in response-watchdog.ts (the default). */
  responseWatchdogMs?: number;
};
