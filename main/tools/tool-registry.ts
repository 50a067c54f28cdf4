import { errorMessage, ToolError, type AssistantError } from '../util/errors.js';
import { createLogger } from '../util/logger.js';
import type { ToolDefinition } from './tool-definition.js';
import type { Tool, ToolContext } from './define-tool.js';

const log = createLogger('tools');

export type ToolCall = { callId: string; name: string; argumentsJson: string };

export type ToolResult = {
  ok: boolean;
  /** What the tool returned, or `{ error }` saying what went wrong: the result as data. */
  value: unknown;
  /** The same as the text the model reads. */
  output: string;
  /** The entities the call acted on or read (ids found in `value`), for the UI to point at. */
  entityIds: readonly string[];
  respond: boolean;
  durationMs: number;
  error?: AssistantError;
};

export type ToolRunContext = Omit<ToolContext, 'callId' | 'signal'> & { signal?: AbortSignal };

/** The tools offered to the model, and the one place their calls are run. */
export interface ToolRegistry {
  definitions(): ToolDefinition[];
  /** A call from the model: arguments as the JSON text it sent. */
  execute(call: ToolCall, context: ToolRunContext): Promise<ToolResult>;
  /** A call from the app itself (a card's button): arguments as data, the same checks and limits. */
  run(name: string, args: unknown, context: ToolRunContext & { callId: string }): Promise<ToolResult>;
}

export type ToolSource = () => readonly Tool[];

/**
 * Runs tool calls safely: unknown tools, bad JSON, invalid arguments, exceptions and timeouts all
 * become a text result the model can read and answer from; nothing here ever throws.
 */
export class DefaultToolRegistry implements ToolRegistry {
  readonly #sources: ToolSource[];

  constructor(...sources: ToolSource[]) {
    this.#sources = sources;
  }

  #tools(): Map<string, Tool> {
    const map = new Map<string, Tool>();
    for (const source of this.#sources) for (const tool of source()) map.set(tool.name, tool);
    return map;
  }

  definitions(): ToolDefinition[] {
    return [...this.#tools().values()].map((t) => t.definition);
  }

  async execute(call: ToolCall, context: ToolRunContext): Promise<ToolResult> {
    const started = performance.now();
    const tool = this.#tools().get(call.name);
    if (!tool) return this.#unknown(call.name, started);
    let args: unknown;
    try {
      args = call.argumentsJson.trim() === '' ? {} : JSON.parse(call.argumentsJson);
    } catch {
      return result(
        started,
        false,
        { error: `The arguments for ${call.name} were not valid JSON. Call it again with a JSON object.` },
        true,
        toolError(`Bad JSON arguments for ${call.name}`),
      );
    }
    return this.#run(tool, call.callId, args, context, started);
  }

  async run(name: string, args: unknown, context: ToolRunContext & { callId: string }): Promise<ToolResult> {
    const started = performance.now();
    const tool = this.#tools().get(name);
    if (!tool) return this.#unknown(name, started);
    return this.#run(tool, context.callId, args, context, started);
  }

  #unknown(name: string, started: number): ToolResult {
    const available = [...this.#tools().keys()].join(', ') || 'none';
    log.warn({ name }, 'the model called an unknown tool');
    return result(
      started,
      false,
      { error: `There is no tool named "${name}". Available tools: ${available}.` },
      true,
      toolError(`Unknown tool ${name}`),
    );
  }

  async #run(tool: Tool, callId: string, args: unknown, context: ToolRunContext, started: number): Promise<ToolResult> {
    const parsed = tool.parse(args);
    if (!parsed.ok) {
      return result(
        started,
        false,
        { error: `Invalid arguments for ${tool.name}: ${parsed.message}` },
        true,
        toolError(`Invalid arguments for ${tool.name}: ${parsed.message}`),
      );
    }
    const controller = new AbortController();
    const onOuterAbort = () => controller.abort();
    context.signal?.addEventListener('abort', onOuterAbort, { once: true });
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          controller.abort();
          reject(
            new ToolError(`${tool.name} took longer than ${Math.round(tool.timeoutMs / 1000)} s`, {
              category: 'application',
              code: 'tool_timeout',
            }),
          );
        }, tool.timeoutMs);
      });
      const value = await Promise.race([tool.execute(parsed.value, { ...context, callId, signal: controller.signal }), timeout]);
      return result(started, true, value, tool.respond);
    } catch (error) {
      const message = errorMessage(error);
      log.warn({ name: tool.name, err: error }, 'tool failed');
      const wrapped = error instanceof ToolError ? error : toolError(`${tool.name} failed: ${message}`, error);
      return result(started, false, { error: `${tool.name} failed: ${message}` }, true, wrapped);
    } finally {
      clearTimeout(timer);
      context.signal?.removeEventListener('abort', onOuterAbort);
    }
  }
}

function result(started: number, ok: boolean, value: unknown, respond: boolean, error?: AssistantError): ToolResult {
  const outcome: ToolResult = {
    ok,
    value,
    output: stringify(value),
    entityIds: entityIdsIn(value),
    respond,
    durationMs: performance.now() - started,
  };
  if (error) outcome.error = error;
  return outcome;
}

const ENTITY_ID = /^[a-z_]+\.[a-z0-9_]+$/;

/** Entity ids in a result: the `id` of every object in it that names an entity (`{ id: 'light.kitchen', … }`). */
export function entityIdsIn(value: unknown): string[] {
  const found = new Set<string>();
  const visit = (node: unknown, depth: number): void => {
    if (depth > 6 || typeof node !== 'object' || node === null) return;
    if (Array.isArray(node)) {
      for (const item of node) visit(item, depth + 1);
      return;
    }
    const record = node as Record<string, unknown>;
    if (typeof record.id === 'string' && ENTITY_ID.test(record.id)) found.add(record.id);
    for (const child of Object.values(record)) visit(child, depth + 1);
  };
  visit(value, 0);
  return [...found];
}

function toolError(message: string, cause?: unknown): ToolError {
  return new ToolError(message, { category: 'application', permanent: false, ...(cause === undefined ? {} : { cause }) });
}

function stringify(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '{"ok":true}';
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
