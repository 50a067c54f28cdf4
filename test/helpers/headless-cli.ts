import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';

/** `npm run headless` as the tests run it: the built CLI as a child process with its own folders. */
export const HEADLESS_CLI = 'out/main/headless/cli.js';

export type HeadlessEvent = { type: string; t: number; [key: string]: any };
export type HeadlessRun = { code: number | null; stderr: string; events: HeadlessEvent[] };

export async function readEventsFile(path: string): Promise<HeadlessEvent[]> {
  try {
    return (await readFile(path, 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as HeadlessEvent);
  } catch {
    return []; // no events file when the run failed before opening it
  }
}

/**
 * Starts the CLI with `--events` into `dir`, settings and data folders under `dir`, and
 * OPENAI_API_KEY=test-key unless `env` says otherwise.
 */
export function startHeadless(dir: string, args: string[], env: Record<string, string | undefined> = {}) {
  const eventsPath = join(dir, `events-${Math.random().toString(36).slice(2)}.jsonl`);
  const child: ChildProcess = spawn(process.execPath, [HEADLESS_CLI, '--events', eventsPath, ...args], {
    env: { ...process.env, OPENAI_API_KEY: 'test-key', HEARTH_CONFIG_DIR: join(dir, 'config'), HEARTH_DATA_DIR: join(dir, 'data'), ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<HeadlessRun>((resolve) => {
    child.on('exit', (code) => void readEventsFile(eventsPath).then((events) => resolve({ code, stderr, events })));
  });
  return { child, eventsPath, done, stderr: () => stderr, kill: (signal: NodeJS.Signals = 'SIGKILL') => child.kill(signal) };
}

export function runHeadless(dir: string, args: string[], env: Record<string, string | undefined> = {}): Promise<HeadlessRun> {
  return startHeadless(dir, args, env).done;
}

/** Bad input gets exactly one clear line on stderr, never a stack trace. */
export function expectOneClearLine(stderr: string): void {
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).toMatch(/^hearth: /);
  expect(stderr).not.toMatch(/at .*\.js:\d+/);
}
