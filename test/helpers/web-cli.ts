import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { nextEvent } from './wait.js';

/** `npm run web` as the tests run it: the built CLI as a child process with its own folders. */
export const WEB_CLI = 'out/main/web/cli.js';

export type WebCliRun = {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** The page address once it is listening (the first "Hearth web mode:" line, without any query). */
  listening(timeoutMs?: number): Promise<string>;
  /** Stops it (SIGTERM to its process group: with a terminal, `script` and the CLI under it). */
  stop(): Promise<void>;
};

/** Settings that keep the child light: no wake word (openWakeWord would load its models). */
export async function prepareWebCliFolders(dir: string): Promise<NodeJS.ProcessEnv> {
  await mkdir(join(dir, 'config'), { recursive: true, mode: 0o700 });
  await writeFile(join(dir, 'config', 'settings.json'), JSON.stringify({ listening: { wakeEngine: 'none' } }));
  return { HEARTH_CONFIG_DIR: join(dir, 'config'), HEARTH_DATA_DIR: join(dir, 'data') };
}

/**
 * Starts the CLI. With `terminal`, under `script`, so its stdout is a TTY as in a person's shell;
 * otherwise with pipes, as under systemd or docker.
 */
export function startWebCli(args: string[], env: NodeJS.ProcessEnv, options: { terminal?: boolean } = {}): WebCliRun {
  const quoted = [process.execPath, WEB_CLI, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const [command, argv] = options.terminal ? ['script', ['-qfec', quoted, '/dev/null']] : [process.execPath, [WEB_CLI, ...args]];
  const child = spawn(command as string, argv as string[], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, stdout, stderr })),
  );
  const address = () => /Hearth web mode: (http:\/\/[^\s?]+)/.exec(stdout)?.[1];
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    done,
    listening: (timeoutMs = 30_000) =>
      nextEvent<string>('web mode to listen', timeoutMs, (deliver) => {
        const check = () => {
          const found = address();
          if (found) deliver(found);
        };
        child.stdout!.on('data', check);
        check();
        return () => child.stdout!.off('data', check);
      }),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGTERM');
      await done;
    },
  };
}
