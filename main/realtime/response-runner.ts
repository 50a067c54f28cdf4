import type { Clock } from '../util/clock.js';
import { OpenAIRealtimeError, type AssistantError } from '../util/errors.js';
import { createLogger } from '../util/logger.js';
import type { Player } from '../audio/player.js';
import type { ToolRegistry, ToolRunContext } from '../tools/tool-registry.js';
import { BargeIn } from './barge-in.js';
import type { Conversation } from './conversation.js';
import type { ClientEvent } from './protocol-types.js';
import {
  initialResponseTracker,
  isCancelled,
  reduceResponses,
  type ResponseTrackerEvent,
  type TrackedResponse,
} from './response-tracker.js';
import { ResponseSequencer } from './response-sequencer.js';
import { ResponseWatchdog } from './response-watchdog.js';
import type { ServerEvent } from './server-events.js';
import { ToolCalls } from './tool-calls.js';
import type { TurnClock } from './turn-metrics.js';
import type { VoiceSessionEvents } from './voice-session-types.js';

const log = createLogger('session');

/** The server events of a response's life before its `response.done`. */
export type ResponseEvent = Extract<
  ServerEvent,
  {
    type:
      | 'response.created'
      | 'response.output_item.added'
      | 'response.output_audio.delta'
      | 'assistant_text.delta'
      | 'assistant_text.done'
      | 'response.function_call_arguments.delta'
      | 'response.output_item.done';
  }
>;

/** The session events the runner raises. */
type RunnerEvent = 'response_started' | 'truncate' | 'tool_started' | 'tool_finished';

export type ResponseRunnerOptions = {
  player: Player;
  tools: ToolRegistry;
  clock: Clock;
  watchdogMs: number;
  send: (event: ClientEvent) => void;
  conversation: Conversation;
  turn: TurnClock;
  /** The run context of a tool call made now. */
  toolContext: () => ToolRunContext;
  emit: <K extends RunnerEvent>(event: K, ...args: VoiceSessionEvents[K]) => void;
  /** Not fatal (a hung response was cancelled). */
  fail: (error: AssistantError) => void;
  /** The responses may have gone quiet: the session checks whether the assistant is done. */
  quiet: () => void;
};

/**
 * The assistant's side of the conversation, one response at a time: requests sequenced so none is
 * refused, the response's audio to the player and text to the transcript, its tool calls run and
 * their outputs sent back, a hung response cancelled, and barge-in (cancel, then truncate at the
 * played position). Which response is current and which are cancelled is the pure response tracker.
 */
export class ResponseRunner {
  readonly #options: ResponseRunnerOptions;
  readonly #sequencer: ResponseSequencer;
  /** Armed from `response.created` until the response's first output item or audio. */
  readonly #watchdog: ResponseWatchdog;
  readonly #cut: BargeIn;
  readonly #toolCalls: ToolCalls;
  #responses = initialResponseTracker;
  /** Counts connections: a response's tool outputs mean nothing to a later session. */
  #generation = 0;

  constructor(options: ResponseRunnerOptions) {
    this.#options = options;
    const { send, conversation, turn, emit } = options;
    this.#sequencer = new ResponseSequencer(send);
    this.#watchdog = new ResponseWatchdog(options.clock, options.watchdogMs, (id, ms) => this.#track({ type: 'hung', id, ms }));
    this.#cut = new BargeIn(options.player, send);
    this.#toolCalls = new ToolCalls(options.tools, {
      send,
      context: options.toolContext,
      started: (call) => {
        conversation.update({ type: 'tool_called', callId: call.callId, name: call.name, arguments: call.arguments });
        emit('tool_started', call);
      },
      finished: (result, failed) => {
        turn.toolRan(result.durationMs);
        conversation.update({ type: 'tool_finished', callId: result.callId, ok: result.ok, output: result.output });
        emit('tool_finished', result);
        if (failed) turn.errors++;
      },
    });
  }

  /** A response runs, our request is in flight or queued, or a tool runs. */
  get busy(): boolean {
    return this.#sequencer.busy || this.#sequencer.hasQueuedRequest || this.#toolCalls.pending > 0;
  }

  /** The current response has not ended. */
  get open(): boolean {
    return this.#responses.current !== undefined && !this.#responses.current.done;
  }

  /** Asks for a response, now or once the active one ends. */
  request(): void {
    this.#sequencer.request();
  }

  /** A server error; true when it was about our response request (see ResponseSequencer). */
  onError(code: string | undefined, eventId: string | undefined): boolean {
    return this.#sequencer.onError(code, eventId);
  }

  sentTruncate(eventId: string | undefined): boolean {
    return this.#cut.sentTruncate(eventId);
  }

  /** A session (re)opened. */
  newConnection(): void {
    this.#generation++;
  }

  handle(event: ResponseEvent): void {
    const responses = this.#responses;
    switch (event.type) {
      case 'response.created': {
        const id = event.responseId ?? `resp_unknown_${this.#options.clock.now()}`;
        this.#sequencer.onResponseCreated(id, event.requestId);
        this.#toolCalls.newResponse();
        return this.#track({ type: 'created', id, generation: this.#generation });
      }
      case 'response.output_item.added':
        this.#watchdog.output(event.responseId);
        if (isCancelled(responses, event.responseId) || !event.message) return;
        // One response may hold several assistant messages (a preamble, then the answer); each is its own
        // transcript entry, labelled with its phase when the server gives one.
        return this.#options.conversation.update({
          type: 'message_started',
          id: event.message.itemId,
          role: 'assistant',
          ...(event.message.phase ? { phase: event.message.phase } : {}),
        });
      case 'response.output_audio.delta':
        this.#watchdog.output(event.responseId);
        if (isCancelled(responses, event.responseId)) return; // late audio of an interrupted response
        this.#options.turn.audioReceived();
        this.#cut.received(event.itemId, event.responseId ?? responses.current?.id ?? '', event.pcm.length);
        return this.#options.player.enqueue(event.itemId, event.pcm);
      case 'assistant_text.delta':
        this.#watchdog.output(event.responseId);
        if (isCancelled(responses, event.responseId)) return;
        return this.#options.conversation.update({ type: 'text_delta', id: event.itemId, role: 'assistant', delta: event.delta });
      case 'assistant_text.done':
        if (isCancelled(responses, event.responseId)) return;
        return this.#options.conversation.update({
          type: 'text_done',
          id: event.itemId,
          role: 'assistant',
          ...(event.text === undefined ? {} : { text: event.text }),
        });
      case 'response.function_call_arguments.delta':
        return this.#watchdog.output(event.responseId);
      case 'response.output_item.done': {
        const current = responses.current;
        if (!event.call || !current) return;
        if (isCancelled(responses, current.id) || isCancelled(responses, event.responseId)) return this.#toolCalls.skip(event.call);
        return this.#toolCalls.run(event.call);
      }
    }
  }

  /** `response.done` arrived: the response is no longer active. Returns the id it ended (the current one if unnamed). */
  ended(responseId: string | undefined): string {
    const id = responseId ?? this.#responses.current?.id ?? '';
    this.#watchdog.disarm(id);
    this.#sequencer.onResponseDone(id);
    return id;
  }

  /** After `ended` and the session's own handling of `response.done`: send tool outputs, or go quiet. */
  settle(id: string): void {
    const response = this.#responses.current;
    if (response?.id === id) {
      this.#track({ type: 'done', id });
      if (this.#toolCalls.called) {
        void this.#sendToolOutputs(response);
        return;
      }
    }
    this.#options.quiet();
  }

  /** Barge-in: the user spoke over the assistant (`speech`) or stopped it (`local`). */
  async interrupt(trigger: 'speech' | 'local'): Promise<void> {
    const { activeResponseId, requestInFlight } = this.#sequencer;
    this.#track({ type: 'interrupted', trigger, activeId: activeResponseId, requestInFlight });
    await this.#cut.cutPlayback(trigger, (cut) => {
      this.#options.conversation.update({ type: 'interrupted', id: cut.itemId });
      this.#options.emit('truncate', cut);
    });
  }

  /** Forgets every response, tool run and request (a new server session, or none at all). */
  reset(options: { resend: boolean }): void {
    this.#watchdog.disarm();
    this.#track({ type: 'reset' });
    this.#toolCalls.reset();
    this.#sequencer.reset(options);
  }

  stopWatching(): void {
    this.#watchdog.disarm();
  }

  /** Forgets the audio received (the conversation is reset). */
  clearPlayback(): void {
    this.#cut.clear();
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
    this.#options.quiet();
  }

  /** Folds an event into the response tracker and carries out what it asks for. */
  #track(event: ResponseTrackerEvent): void {
    const { state, effects } = reduceResponses(this.#responses, event);
    this.#responses = state;
    for (const effect of effects) {
      switch (effect.type) {
        case 'cancel':
          this.#options.send(
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
          this.#options.emit('response_started', effect.responseId);
          break;
        case 'drop_queued_request':
          this.#sequencer.dropQueued();
          break;
        case 'report_hung': {
          log.warn({ response: effect.responseId, ms: effect.ms }, 'a response sent nothing; cancelled it');
          const seconds = Number((effect.ms / 1000).toFixed(1));
          const message = `OpenAI started an answer but sent nothing for ${seconds} s, so it was cancelled. Ask again.`;
          this.#options.fail(new OpenAIRealtimeError(message, { category: 'server', permanent: false, code: 'response_timeout' }));
        }
      }
    }
  }
}
