import { errorMessage, ToolError, type AssistantError } from '../util/errors.js';
import { createLogger } from '../util/logger.js';
import type { ToolDefinition } from './tool-definition.js';
import type { Tool, ToolContext } from './define-tool.js';

const log = createLogger('tools');

export type ToolCall = { callId: string; name: string; argumentsJson: string };

export type ToolResult = {
  ok: boolean;
  /** Always a string the model can read: the result, or what went wrong. */
  output: string;
  respond: boolean;
  durationMs: number;
  error?: AssistantError;
};

export type ToolRunContext = Omit<ToolContext, 'callId' | 'signal'> & { signal?: AbortSignal };

/** The tools offered to the model, and the one place their calls are run. */
export interface ToolRegistry {
  definitions(): ToolDefinition[];
  execute(call: ToolCall, context: ToolRunContext): Promise<ToolResult>;
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
    const done = (ok: boolean, output: unknown, respond: boolean, error?: AssistantError): ToolResult => {
      const result: ToolResult = { ok, output: stringify(output), respond, durationMs: performance.now() - started };
      if (error) result.error = error;
      return result;
    };
    const tools = this.#tools();
    const tool = tools.get(call.name);
    if (!tool) {
      const available = [...tools.keys()].join(', ') || 'none';
      log.warn({ name: call.name }, 'the model called an unknown tool');
      return done(
        false,
        { error: `There is no tool named "${call.name}". Available tools: ${available}.` },
        true,
        toolError(`Unknown tool ${call.name}`),
      );
    }
    let args: unknown;
    try {
      args = call.argumentsJson.trim() === '' ? {} : JSON.parse(call.argumentsJson);
    } catch {
      return done(
        false,
        { error: `The arguments for ${call.name} were not valid JSON. Call it again with a JSON object.` },
        true,
        toolError(`Bad JSON arguments for ${call.name}`),
      );
    }
    const parsed = tool.parse(args);
    if (!parsed.ok) {
      return done(
        false,
        { error: `Invalid arguments for ${call.name}: ${parsed.message}` },
        true,
        toolError(`Invalid arguments for ${call.name}: ${parsed.message}`),
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
            new ToolError(`${call.name} took longer than ${Math.round(tool.timeoutMs / 1000)} s`, {
              category: 'application',
              code: 'tool_timeout',
            }),
          );
        }, tool.timeoutMs);
      });
      const value = await Promise.race([
        tool.execute(parsed.value, { ...context, callId: call.callId, signal: controller.signal }),
        timeout,
      ]);
      return done(true, value, tool.respond);
    } catch (error) {
      const message = errorMessage(error);
      log.warn({ name: call.name, err: error }, 'tool failed');
      const wrapped = error instanceof ToolError ? error : toolError(`${call.name} failed: ${message}`, error);
      return done(false, { error: `${call.name} failed: ${message}` }, true, wrapped);
    } finally {
      clearTimeout(timer);
      context.signal?.removeEventListener('abort', onOuterAbort);
    }
  }
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
