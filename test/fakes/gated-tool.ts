import { z } from 'zod';
import { defineTool } from '../../main/tools/define-tool.js';

/**
 * A tool without parameters that runs until the test calls `release()`: every call made so far then
 * returns `{ ok: true }`, and so does every later call at once.
 */
export function gatedTool(name: string, options: { description?: string; timeoutMs?: number } = {}) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const tool = defineTool({
    name,
    description: options.description ?? name,
    parameters: z.object({}),
    timeoutMs: options.timeoutMs ?? 30_000,
    execute: async () => {
      await released;
      return { ok: true };
    },
  });
  return { tool, release };
}
