import type { HookHostExit, HookHostProcess, HookHostSpawnRequest, SpawnHookHost } from '../../main/push-to-talk/hook-host-process.js';
import type { ParentToHost } from '../../main/push-to-talk/hook-host-protocol.js';

type Modifiers = Partial<Record<'ctrlKey' | 'altKey' | 'shiftKey' | 'metaKey', boolean>>;

let nextPid = 40_000;

/** A keyboard hook process driven by hand: the test says when it is ready, what it types, how it ends. */
export class FakeHookHostProcess implements HookHostProcess {
  readonly request: HookHostSpawnRequest;
  readonly sent: ParentToHost[] = [];
  /** Exits with code 0 when asked to stop (a well-behaved host); false: ignores the request. */
  exitsOnStop = true;
  killed = false;
  #pid: number | undefined = nextPid++;
  #exit: HookHostExit | undefined;
  readonly #messageListeners: Array<(message: unknown) => void> = [];
  readonly #outputListeners: Array<(text: string) => void> = [];
  readonly #exitListeners: Array<(exit: HookHostExit) => void> = [];

  constructor(request: HookHostSpawnRequest) {
    this.request = request;
  }

  get pid(): number | undefined {
    return this.#pid;
  }

  get exited(): HookHostExit | undefined {
    return this.#exit;
  }

  onMessage(listener: (message: unknown) => void): void {
    this.#messageListeners.push(listener);
  }

  onOutput(listener: (text: string) => void): void {
    this.#outputListeners.push(listener);
  }

  onExit(listener: (exit: HookHostExit) => void): void {
    this.#exitListeners.push(listener);
  }

  send(message: ParentToHost): void {
    this.sent.push(message);
    if (message.type === 'stop' && this.exitsOnStop) this.exit({ code: 0, signal: null });
  }

  kill(): void {
    this.killed = true;
    this.exit({ code: null, signal: 'SIGKILL' });
  }

  // --- driving it ---------------------------------------------------------------------------------

  message(message: unknown): void {
    for (const listener of this.#messageListeners) listener(message);
  }

  ready(): void {
    this.message({ type: 'ready' });
  }

  output(text: string): void {
    for (const listener of this.#outputListeners) listener(text);
  }

  key(event: 'down' | 'up', keycode: number, modifiers: Modifiers = {}, at?: number): void {
    this.message({
      type: 'key',
      event,
      keycode,
      ctrlKey: modifiers.ctrlKey ?? false,
      altKey: modifiers.altKey ?? false,
      shiftKey: modifiers.shiftKey ?? false,
      metaKey: modifiers.metaKey ?? false,
      ...(at === undefined ? {} : { at }),
    });
  }

  exit(exit: HookHostExit): void {
    if (this.#exit) return;
    this.#exit = exit;
    this.#pid = undefined;
    for (const listener of this.#exitListeners) listener(exit);
  }

  /** The host's own report of a failed start, then its exit (as uiohook-host.cjs does). */
  failStart(code: string, message: string, exitCode = 3): void {
    this.output(`HEARTH_UIOHOOK_HOST ${code} ${message}\n`);
    this.message({ type: 'failed', code, message });
    this.exit({ code: exitCode, signal: null });
  }
}

/** Records every host it starts; `onSpawn` scripts each one (e.g. `(host) => host.ready()`). */
export class FakeHookHostSpawner {
  readonly hosts: FakeHookHostProcess[] = [];
  onSpawn: ((host: FakeHookHostProcess) => void) | undefined;

  constructor(onSpawn?: (host: FakeHookHostProcess) => void) {
    this.onSpawn = onSpawn;
  }

  readonly spawn: SpawnHookHost = (request) => {
    const host = new FakeHookHostProcess(request);
    this.hosts.push(host);
    // After the caller has attached its listeners, as a real process answers later.
    queueMicrotask(() => this.onSpawn?.(host));
    return host;
  };

  get last(): FakeHookHostProcess {
    const host = this.hosts.at(-1);
    if (!host) throw new Error('no host was started');
    return host;
  }
}
