import { createLogger } from '../util/logger.js';
import { redactArguments } from '../tools/redact-arguments.js';
import type { ToolRegistry, ToolResult, ToolRunContext } from '../tools/tool-registry.js';
import type { ClientEvent } from './protocol-types.js';
import type { CompletedFunctionCall } from './server-events.js';
import type { ToolCallEvent, ToolResultEvent } from './voice-session-types.js';

const log = createLogger('session');

/** What the model is told about a call it made in a response the user interrupted. */
const SKIPPED_CALL_OUTPUT = JSON.stringify({ error: 'Not done: the user interrupted before this ran. Ask again if it is still wanted.' });

export type FinishedCall = { callId: string; name: string; result: ToolResult };

export type ToolCallHooks = {
  send: (event: ClientEvent) => void;
  /** The run context at the time of the call (the user's turn count and replies). */
  context: () => ToolRunContext;
  /** The call as shown and logged: a code the user spoke is redacted (the tool gets the real one). */
  started: (call: ToolCallEvent) => void;
  finished: (result: ToolResultEvent, failed: boolean) => void;
};

/** The tool calls of the current response: run as they complete, their outputs sent together after `response.done`. */
export class ToolCalls {
  readonly #registry: ToolRegistry;
  readonly #hooks: ToolCallHooks;
  #runs: Array<Promise<FinishedCall>> = [];
  #pending = 0;

  constructor(registry: ToolRegistry, hooks: ToolCallHooks) {
    this.#registry = registry;
    this.#hooks = hooks;
  }

  /** Tools still running. */
  get pending(): number {
    return this.#pending;
  }

  /** Whether the current response called any tool. */
  get called(): boolean {
    return this.#runs.length > 0;
  }

  /** A new response: its calls are a new batch. */
  newResponse(): void {
    this.#runs = [];
  }

  /** Forgets every run (a new server session, or none at all). */
  reset(): void {
    this.#runs = [];
    this.#pending = 0;
  }

  /** Stop means stop: a call from a response the user interrupted does not touch the home. */
  skip(call: CompletedFunctionCall): void {
    log.info({ tool: call.name }, 'skipped a tool call of an interrupted response');
    this.#hooks.send({
      type: 'conversation.item.create',
      item: { type: 'function_call_output', call_id: call.callId, output: SKIPPED_CALL_OUTPUT },
    });
  }

  run(call: CompletedFunctionCall): void {
    this.#hooks.started({ ...call, arguments: redactArguments(call.arguments) });
    this.#pending++;
    const run = this.#registry
      .execute({ callId: call.callId, name: call.name, argumentsJson: call.arguments }, this.#hooks.context())
      .then((result) => {
        this.#pending = Math.max(0, this.#pending - 1);
        const { ok, value, output, entityIds, durationMs } = result;
        this.#hooks.finished({ callId: call.callId, name: call.name, ok, value, output, entityIds, durationMs }, !!result.error);
        return { callId: call.callId, name: call.name, result };
      });
    this.#runs.push(run);
  }

  /** The current response's calls, once all have finished. */
  settled(): Promise<FinishedCall[]> {
    return Promise.all(this.#runs);
  }

  /** Sends the outputs; returns whether any tool asked for a spoken reply. */
  sendOutputs(results: readonly FinishedCall[]): boolean {
    for (const { callId, result } of results) {
      this.#hooks.send({
        type: 'conversation.item.create',
        item: { type: 'function_call_output', call_id: callId, output: result.output },
      });
    }
    return results.some(({ result }) => result.respond);
  }
}
