import { fork, type ChildProcess } from 'node:child_process';
import { ConfigError } from '../util/errors.js';
import type { HookHostExit, HookHostProcess, HookHostSpawnRequest, SpawnHookHost } from './hook-host-process.js';
import type { ParentToHost } from './hook-host-protocol.js';

/**
 * The keyboard hook's process in plain Node: child_process.fork with an IPC channel, stdout and stderr
 * piped (libuiohook's log lines are diagnostics for the parent, not for the app's terminal), and no
 * inherited execArgv (a test runner's loaders or an --inspect port must not reach it).
 */
export class ForkedHookHostProcess implements HookHostProcess {
  readonly #child: ChildProcess;
  #exited = false;
  readonly #exitListeners: Array<(exit: HookHostExit) => void> = [];
  readonly #outputListeners: Array<(text: string) => void> = [];

  constructor(request: HookHostSpawnRequest) {
    this.#child = fork(request.scriptPath, request.args, {
      env: request.env,
      execArgv: [],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    const forward = (chunk: Buffer | string) => {
      for (const listener of this.#outputListeners) listener(chunk.toString());
    };
    this.#child.stdout?.on('data', forward);
    this.#child.stderr?.on('data', forward);
    // A process that could not be spawned at all (EAGAIN, ENOMEM) emits 'error' and no 'exit'.
    this.#child.on('error', (error) => {
      forward(`${error.message}\n`);
      if (this.#child.pid === undefined) this.#finish(null, null);
    });
    // 'close', not 'exit': it comes once stdout and stderr are drained, so the output explains the exit.
    this.#child.once('close', (code, signal) => this.#finish(code, signal));
  }

  get pid(): number | undefined {
    return this.#exited ? undefined : this.#child.pid;
  }

  onMessage(listener: (message: unknown) => void): void {
    this.#child.on('message', listener);
  }

  onOutput(listener: (text: string) => void): void {
    this.#outputListeners.push(listener);
  }

  onExit(listener: (exit: HookHostExit) => void): void {
    this.#exitListeners.push(listener);
  }

  send(message: ParentToHost): void {
    if (!this.#child.connected) return;
    // The host may be gone between the check and the write: the 'exit' event reports that.
    this.#child.send(message, () => undefined);
  }

  kill(): void {
    if (!this.#exited) this.#child.kill('SIGKILL');
  }

  #finish(code: number | null, signal: string | null): void {
    if (this.#exited) return;
    this.#exited = true;
    for (const listener of this.#exitListeners) listener({ code, signal });
  }
}

/**
 * The default in plain Node. Refuses inside Electron: there process.execPath is the app itself, and with
 * the RunAsNode fuse off a fork would start a second Hearth (the shell passes utilityProcess instead).
 */
export const forkHookHost: SpawnHookHost = (request) => {
  if (process.versions.electron !== undefined) {
    throw new ConfigError('Inside Electron the keyboard hook process must be started with utilityProcess (main/shell passes it).', {
      code: 'ptt_hook_spawner_missing',
    });
  }
  return new ForkedHookHostProcess(request);
};
