/**
 * A tool as the model is offered it: a function with a JSON Schema for its arguments. The Realtime
 * API's `function` tool has this shape, so the session passes these through unchanged.
 */
export type ToolDefinition = {
  type: 'function';
  name: string;
  description: string;
  parameters: Record<string, unknown>;
};
