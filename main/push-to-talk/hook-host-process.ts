import type { ParentToHost } from './hook-host-protocol.js';

/** How the host ended: `signal` is null where the platform or runtime does not say (Electron's utilityProcess). */
export type HookHostExit = { code: number | null; signal: string | null };

/**
 * The keyboard hook's process as the app sees it. Two implementations: ForkedHookHostProcess
 * (child_process.fork, plain Node: the headless runner and the tests) and the Electron shell's one on
 * utilityProcess.fork (main/shell/utility-hook-host.ts). With Electron's RunAsNode fuse off,
 * ELECTRON_RUN_AS_NODE is ignored, so forking process.execPath from the app would start a second
 * Hearth instead of Node: hence the seam.
 */
export interface HookHostProcess {
  /** Undefined until the process exists, and after it ended. */
  readonly pid: number | undefined;
  /** Messages from the host (unchecked: see parseHostMessage). */
  onMessage(listener: (message: unknown) => void): void;
  /** Text the host (or the native library in it) writes to stdout or stderr. */
  onOutput(listener: (text: string) => void): void;
  /** Called once, when the process has ended (also when it could not be started). */
  onExit(listener: (exit: HookHostExit) => void): void;
  send(message: ParentToHost): void;
  /** Ends the process now (SIGKILL where the implementation can, else SIGTERM). */
  kill(): void;
}

export type HookHostSpawnRequest = {
  /** The host script (uiohook-host.cjs). */
  scriptPath: string;
  args: string[];
  /** The host's whole environment (DISPLAY and XAUTHORITY decide which X server it watches). */
  env: Record<string, string>;
};

export type SpawnHookHost = (request: HookHostSpawnRequest) => HookHostProcess;
