import { utilityProcess, type UtilityProcess } from 'electron';
import type { HookHostExit, HookHostProcess, HookHostSpawnRequest, SpawnHookHost } from '../push-to-talk/hook-host-process.js';
import type { ParentToHost } from '../push-to-talk/hook-host-protocol.js';

/**
 * The keyboard hook's process in the Electron app: a utility process (a Node.js child that Chromium
 * starts and ends with the app). Forking process.execPath would not do: with the RunAsNode fuse off,
 * ELECTRON_RUN_AS_NODE is ignored and the child would be a second Hearth. The host script talks through
 * process.parentPort there (uiohook-host.cjs handles both).
 *
 * Electron reports only an exit code (no signal), and on its 'exit' the output may not all have been
 * read: the messages are a little less precise than in plain Node.
 */
export class UtilityHookHostProcess implements HookHostProcess {
  readonly #child: UtilityProcess;
  #exited = false;
  readonly #exitListeners: Array<(exit: HookHostExit) => void> = [];

  constructor(request: HookHostSpawnRequest) {
    this.#child = utilityProcess.fork(request.scriptPath, request.args, {
      env: request.env,
      stdio: 'pipe',
      serviceName: 'Hearth keyboard hook',
    });
    this.#child.once('exit', (code) => {
      if (this.#exited) return;
      this.#exited = true;
      for (const listener of this.#exitListeners) listener({ code, signal: null });
    });
  }

  get pid(): number | undefined {
    return this.#exited ? undefined : this.#child.pid;
  }

  onMessage(listener: (message: unknown) => void): void {
    this.#child.on('message', listener);
  }

  onOutput(listener: (text: string) => void): void {
    const forward = (chunk: Buffer | string) => listener(chunk.toString());
    this.#child.stdout?.on('data', forward);
    this.#child.stderr?.on('data', forward);
    // A V8 fatal error: Electron says where before the exit.
    this.#child.on('error', (type, location) => listener(`${type} at ${location}\n`));
  }

  onExit(listener: (exit: HookHostExit) => void): void {
    this.#exitListeners.push(listener);
  }

  send(message: ParentToHost): void {
    if (!this.#exited) this.#child.postMessage(message);
  }

  /** SIGTERM: utilityProcess has no harder kill; the host does not handle SIGTERM, so it ends. */
  kill(): void {
    if (!this.#exited) this.#child.kill();
  }
}

/** What the shell passes as the push-to-talk environment's spawnHookHost (utilityProcess needs the app ready). */
export const spawnUtilityHookHost: SpawnHookHost = (request) => new UtilityHookHostProcess(request);
