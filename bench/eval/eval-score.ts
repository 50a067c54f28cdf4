/**
 * The eval's command file and its scoring: pure, no I/O. A command passes when the first tool call
 * is one of its accepted calls (right tool, right arguments), no tool is called where none belongs,
 * and Home Assistant shows the expected state afterwards.
 */
import { z } from 'zod';

const Json = z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]);

const CommandSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  text: z.string().min(1),
  followUp: z.string().min(1).optional(),
  /** [domain, service, entity_id, data?]: what must be true before the command. */
  setup: z.array(z.tuple([z.string(), z.string(), z.string()]).rest(z.unknown())).default([]),
  accept: z.array(z.object({ tool: z.string(), args: z.record(z.string(), Json) })),
  after: z
    .array(
      z.object({
        entity: z.string(),
        state: z.string().optional(),
        attributes: z.record(z.string(), z.number()).optional(),
      }),
    )
    .default([]),
});
export type EvalCommand = z.infer<typeof CommandSchema>;

export const CommandFileSchema = z.object({ about: z.string().optional(), commands: z.array(CommandSchema).min(1) });

export function parseCommandFile(text: string, name: string): EvalCommand[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${name} is not JSON: ${(error as Error).message}`);
  }
  const parsed = CommandFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${name}: ${issue.path.join('.')}: ${issue.message}`);
  }
  const ids = new Set<string>();
  for (const c of parsed.data.commands) {
    if (ids.has(c.id)) throw new Error(`${name}: the id ${c.id} is used twice`);
    ids.add(c.id);
  }
  return parsed.data.commands;
}

export type ObservedCall = { name: string; arguments: string; ok: boolean; output?: string };
export type ObservedState = { entity: string; state: string; attributes: Record<string, unknown> };

export type CommandScore = {
  id: string;
  pass: boolean;
  tool: boolean;
  args: boolean;
  /** null when the command has no state to check. */
  state: boolean | null;
  calledTool: string | null;
  /** Every call made, with the start of its output (for reading a failure). */
  calls: ObservedCall[];
  /** Why it failed, in one line ('' when it passed). */
  why: string;
  /** Command sent → first tool call (ms); null without a call. */
  latencyMs: number | null;
  costUsd: number | null;
};

/** How entity references may be spelt: the id, or the friendly name (any case). */
export type EntityNames = ReadonlyMap<string, string>;

const ENTITY_KEYS = new Set(['entities', 'scene', 'script']);

function refersTo(value: unknown, id: string, names: EntityNames): boolean {
  if (typeof value !== 'string') return false;
  const v = value.trim().toLowerCase();
  return v === id || (names.get(id)?.toLowerCase() ?? '\u0000') === v;
}

function argMismatch(key: string, expected: unknown, actual: unknown, names: EntityNames): string | null {
  if (ENTITY_KEYS.has(key)) {
    const want = Array.isArray(expected) ? (expected as string[]) : [expected as string];
    const got = Array.isArray(actual) ? (actual as unknown[]) : actual === undefined ? [] : [actual];
    const missing = want.filter((id) => !got.some((g) => refersTo(g, id, names)));
    const extra = got.filter((g) => !want.some((id) => refersTo(g, id, names)));
    if (missing.length || extra.length) return `${key}: wanted ${want.join(', ')}, got ${JSON.stringify(actual)}`;
    return null;
  }
  if (typeof expected === 'number') {
    return typeof actual === 'number' && Math.abs(actual - expected) <= 1
      ? null
      : `${key}: wanted ${expected}, got ${JSON.stringify(actual)}`;
  }
  if (typeof expected === 'string') {
    return typeof actual === 'string' && actual.trim().toLowerCase() === expected.toLowerCase()
      ? null
      : `${key}: wanted ${expected}, got ${JSON.stringify(actual)}`;
  }
  return JSON.stringify(actual) === JSON.stringify(expected)
    ? null
    : `${key}: wanted ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
}

function stateMismatch(want: EvalCommand['after'][number], got: ObservedState | undefined): string | null {
  if (!got) return `${want.entity}: no state`;
  if (want.state !== undefined && got.state !== want.state) return `${want.entity} is ${got.state}, wanted ${want.state}`;
  for (const [key, value] of Object.entries(want.attributes ?? {})) {
    const actual = got.attributes[key];
    const tolerance = Math.abs(value) < 1 ? 0.02 : 1;
    if (typeof actual !== 'number' || Math.abs(actual - value) > tolerance)
      return `${want.entity}.${key} is ${JSON.stringify(actual)}, wanted ${value}`;
  }
  return null;
}

/** Scores one command from the calls made (in order) and the states read afterwards. */
export function scoreCommand(
  command: EvalCommand,
  observed: { calls: ObservedCall[]; states: ObservedState[]; latencyMs: number | null; costUsd: number | null; error?: string },
  names: EntityNames,
): CommandScore {
  const base = { id: command.id, latencyMs: observed.latencyMs, costUsd: observed.costUsd, calls: observed.calls };
  const first = observed.calls[0];
  const calledTool = first?.name ?? null;
  const fail = (tool: boolean, args: boolean, state: boolean | null, why: string): CommandScore => ({
    ...base,
    pass: false,
    tool,
    args,
    state,
    calledTool,
    why,
  });
  if (observed.error) return fail(false, false, null, observed.error);
  let tool: boolean;
  let args: boolean;
  let why = '';
  if (command.accept.length === 0) {
    tool = args = first === undefined;
    if (first) why = `called ${first.name} where no tool belongs`;
  } else if (!first) {
    tool = args = false;
    why = `no tool called (wanted ${command.accept.map((a) => a.tool).join(' or ')})`;
  } else {
    const candidates = command.accept.filter((a) => a.tool === first.name);
    tool = candidates.length > 0;
    if (!tool) {
      args = false;
      why = `called ${first.name}, wanted ${command.accept.map((a) => a.tool).join(' or ')}`;
    } else {
      let parsed: Record<string, unknown> = {};
      try {
        parsed = JSON.parse(first.arguments) as Record<string, unknown>;
      } catch {
        parsed = {};
      }
      const mismatches = candidates.map((a) =>
        Object.entries(a.args)
          .map(([k, v]) => argMismatch(k, v, parsed[k], names))
          .filter((m): m is string => m !== null),
      );
      args = mismatches.some((m) => m.length === 0);
      if (!args) why = mismatches[0]!.join('; ');
    }
  }
  let state: boolean | null = null;
  if (command.after.length > 0) {
    const problems = command.after
      .map((want) =>
        stateMismatch(
          want,
          observed.states.find((s) => s.entity === want.entity),
        ),
      )
      .filter((p): p is string => p !== null);
    state = problems.length === 0;
    if (!state && !why) why = problems.join('; ');
  }
  const pass = tool && args && state !== false;
  return { ...base, pass, tool, args, state, calledTool, why: pass ? '' : why };
}

export type ModelResult = {
  model: string;
  reasoningEffort: string | null;
  input: 'text' | 'audio';
  stand_in: string | null;
  commands: CommandScore[];
  passed: number;
  total: number;
  accuracy: number;
  meanLatencyMs: number | null;
  costUsd: number | null;
};

export function summarise(
  model: string,
  meta: Omit<ModelResult, 'model' | 'commands' | 'passed' | 'total' | 'accuracy' | 'meanLatencyMs' | 'costUsd'>,
  commands: CommandScore[],
): ModelResult {
  const passed = commands.filter((c) => c.pass).length;
  const latencies = commands.map((c) => c.latencyMs).filter((l): l is number => l !== null);
  const costs = commands.map((c) => c.costUsd).filter((c): c is number => c !== null);
  return {
    model,
    ...meta,
    commands,
    passed,
    total: commands.length,
    accuracy: commands.length ? passed / commands.length : 0,
    meanLatencyMs: latencies.length ? Math.round(latencies.reduce((a, b) => a + b, 0) / latencies.length) : null,
    costUsd: costs.length ? Math.round(costs.reduce((a, b) => a + b, 0) * 10_000) / 10_000 : null,
  };
}

/** The per-model table, then each failed row with its reason. */
export function formatTable(results: readonly ModelResult[]): string {
  const rows = [['model', 'effort', 'input', 'passed', 'accuracy', 'tool', 'args', 'state', 'mean latency to tool call', 'cost']];
  for (const r of results) {
    const count = (pick: (c: CommandScore) => boolean | null) => {
      const checked = r.commands.filter((c) => pick(c) !== null);
      return `${checked.filter((c) => pick(c)).length}/${checked.length}`;
    };
    rows.push([
      r.stand_in ? `${r.model} (stand-in: ${r.stand_in})` : r.model,
      r.reasoningEffort ?? '-',
      r.input,
      `${r.passed}/${r.total}`,
      `${(r.accuracy * 100).toFixed(1)} %`,
      count((c) => c.tool),
      count((c) => c.args),
      count((c) => c.state),
      r.meanLatencyMs === null ? '-' : `${r.meanLatencyMs} ms`,
      r.costUsd === null ? 'unknown' : `$${r.costUsd.toFixed(4)}`,
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const line = (row: string[]) => `| ${row.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  const out = [line(rows[0]!), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)];
  for (const r of results) {
    const failed = r.commands.filter((c) => !c.pass);
    if (failed.length === 0) continue;
    out.push('', `${r.model}: ${failed.length} failed`);
    for (const c of failed) out.push(`  FAIL ${c.id}: ${c.why}`);
  }
  return out.join('\n');
}
