/**
 * A protocol-faithful fake of the OpenAI Realtime API (GA interface) for contract tests, end-to-end
 * tests and the benchmark. Implementation in ./fake-realtime/:
 *
 * - server.ts: upgrade, auth, beta header, model checks; log, waiters, fault injection
 * - connection.ts: one session: client events, input buffer + VAD, conversation items
 * - session-validation.ts: GA session defaults and strict session.update / response.create checks
 * - item-validation.ts: conversation.item.create shapes
 * - response-run.ts: response streaming in the canonical order, cancel, failures
 * - vad.ts, audio.ts, usage.ts, responder.ts: energy VAD, PCM helpers, token accounting, scripts
 *
 * Usage:
 *   const server = await createFakeRealtimeServer({ script: [{ items: [{ type: 'message', text: 'Hi!' }] }] });
 *   const ws = new WebSocket(`${server.url}?model=gpt-realtime`, { headers: { Authorization: 'Bearer test-key' } });
 *   await server.waitForServerEvent('session.created');
 *   ...
 *   await server.close();
 */
export { createFakeRealtimeServer } from './fake-realtime/server.js';
export { generateTone } from './fake-realtime/audio.js';
export type {
  CloseInfo,
  EventPredicate,
  FakeRealtimeConnection,
  FakeRealtimeServer,
  FakeRealtimeServerOptions,
  FakeSession,
  JsonObject,
  LoggedEvent,
  LoggedWireEvent,
  Responder,
  ResponseFailure,
  ScriptedItem,
  ScriptedTurn,
  ServerEventDraft,
  TruncationRecord,
  TurnContext,
  TurnTrigger,
  WaitForOptions,
} from './fake-realtime/types.js';
