import { z } from 'zod';
import type { ToolDefinition } from './tool-definition.js';
import type { UserReplies } from './user-replies.js';

export type ToolContext = {
  callId: string;
  /** Aborted when the tool times out or the session ends. */
  signal: AbortSignal;
  /** How many user turns the conversation has had; tools that need a fresh user turn compare it. */
  userTurn: number;
  /**
   * What the user said in their turns, for tools that must read the user's own words (spoken
   * confirmation). Absent where there is no conversation to read (a card press, a benchmark): such
   * a call can never be confirmed.
   */
  replies?: UserReplies;
};

export type Tool = {
  readonly name: string;
  readonly description: string;
  readonly timeoutMs: number;
  /** Ask the model to speak after this tool's output (default true). */
  readonly respond: boolean;
  readonly definition: ToolDefinition;
  /** Parses the model's arguments; returns a message the model can read when they are wrong. */
  parse(args: unknown): { ok: true; value: unknown } | { ok: false; message: string };
  execute(args: unknown, context: ToolContext): Promise<unknown>;
};

export type ToolSpec<S extends z.ZodType> = {
  name: string;
  description: string;
  parameters: S;
  timeoutMs?: number;
  respond?: boolean;
  execute(args: z.output<S>, context: ToolContext): Promise<unknown> | unknown;
};

/** A tool whose JSON Schema for the model and whose argument validation come from one zod schema. */
export function defineTool<S extends z.ZodType>(spec: ToolSpec<S>): Tool {
  const schema = z.toJSONSchema(spec.parameters, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete schema.$schema;
  return {
    name: spec.name,
    description: spec.description,
    timeoutMs: spec.timeoutMs ?? 10_000,
    respond: spec.respond ?? true,
    definition: { type: 'function', name: spec.name, description: spec.description, parameters: schema },
    parse(args) {
      const result = spec.parameters.safeParse(args);
      if (result.success) return { ok: true, value: result.data };
      const message = result.error.issues
        .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
        .join('; ');
      return { ok: false, message };
    },
    execute: async (args, context) => spec.execute(args as z.output<S>, context),
  };
}
