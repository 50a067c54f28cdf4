import type { Clock } from '../util/clock.js';
import { TypedEmitter } from '../util/typed-emitter.js';
import { describeHostFailure, KeyHookError, nativeStartFailed, type HostFailureEvidence } from './hook-host-failure.js';
import type { HookHostExit, HookHostProcess, SpawnHookHost } from './hook-host-process.js';
import { parseHostMessage } from './hook-host-protocol.js';
import type { RawKeyEvent } from './hotkey-matcher.js';
import { errorMessage } from '../util/errors.js';

export type HostConnectionOptions = {
  spawn: SpawnHookHost;
  scriptPath: string;
  args: string[];
  env: Record<string, string>;
  /** For messages ("cannot open the X display ":1""). */
  display: string | undefined;
  clock: Clock;
  /** How long the host may take to report ready (loading the addon on a busy machine takes a while). */
  startTimeoutMs: number;
  /** How long stop() waits for a clean exit before killing. */
  stopTimeoutMs: number;
};

export type HostConnectionEvents = {
  /** `at`: when the host saw the key (Date.now() there), when it said. */
  key: [event: RawKeyEvent & { at?: number }];
  /** The host ended on its own, after it was ready (not through stop()). */
  exit: [exit: HookHostExit, output: string];
};

/** Enough of the host's output to explain its end; libuiohook can be chatty. */
const OUTPUT_LIMIT = 8192;

/**
 * One run of the keyboard hook's process: `open` spawns it and resolves once it reported `ready`, or
 * rejects with a KeyHookError saying why it could not start (its report, or its exit and output, read by
 * describeHostFailure). Afterwards it forwards the host's key events and reports an unexpected exit once.
 */
export class UiohookHostConnection extends TypedEmitter<HostConnectionEvents> {
  readonly #process: HookHostProcess;
  readonly #options: HostConnectionOptions;
  #output = '';
  #exit: HookHostExit | undefined;
  #ready = false;
  #stopping = false;
  readonly #exited: Promise<HookHostExit>;

  private constructor(process: HookHostProcess, options: HostConnectionOptions) {
    super();
    this.#process = process;
    this.#options = options;
    process.onOutput((text) => {
      this.#output = (this.#output + text).slice(-OUTPUT_LIMIT);
    });
    this.#exited = new Promise((resolve) => process.onExit(resolve));
    void this.#exited.then((exit) => {
      this.#exit = exit;
      if (this.#ready && !this.#stopping) this.emit('exit', exit, this.#output);
    });
  }

  static open(options: HostConnectionOptions): Promise<UiohookHostConnection> {
    let process: HookHostProcess;
    try {
      process = options.spawn({ scriptPath: options.scriptPath, args: options.args, env: options.env });
    } catch (cause) {
      const message = errorMessage(cause);
      return Promise.reject(
        new KeyHookError(
          {
            ok: false,
            code: 'ptt_hook_failed',
            reason: "because the keyboard hook's process could not be started",
            message: `The keyboard hook's process could not be started: ${message}`,
          },
          cause,
        ),
      );
    }
    const connection = new UiohookHostConnection(process, options);
    return connection.#waitReady();
  }

  get pid(): number | undefined {
    return this.#exit ? undefined : this.#process.pid;
  }

  get output(): string {
    return this.#output;
  }

  /** Asks the host to stop its hook and exit; kills it if it has not within stopTimeoutMs. */
  async stop(): Promise<void> {
    this.#stopping = true;
    if (this.#exit) return;
    this.#process.send({ type: 'stop' });
    const timer = this.#options.clock.setTimeout(() => this.#process.kill(), this.#options.stopTimeoutMs);
    await this.#exited;
    this.#options.clock.clearTimeout(timer);
  }

  #waitReady(): Promise<UiohookHostConnection> {
    const { clock, startTimeoutMs, display } = this.#options;
    return new Promise((resolve, reject) => {
      let settled = false;
      let reported: HostFailureEvidence['reported'];
      const fail = (evidence: Omit<HostFailureEvidence, 'output' | 'display' | 'reported'>) => {
        if (settled) return;
        settled = true;
        clock.clearTimeout(timer);
        this.#stopping = true;
        const failure = describeHostFailure({ ...evidence, ...(reported ? { reported } : {}), output: this.#output, display });
        reject(new KeyHookError(failure));
      };
      const timer = clock.setTimeout(() => {
        this.#process.kill();
        fail({ timedOut: true });
      }, startTimeoutMs);
      void this.#exited.then((exit) => fail({ exit }));
      // libuiohook said its start failed: the host may never report it (see nativeStartFailed).
      this.#process.onOutput(() => {
        if (settled || !nativeStartFailed(this.#output)) return;
        this.#process.kill();
        fail({});
      });
      this.#process.onMessage((raw) => {
        const message = parseHostMessage(raw);
        if (!message) return;
        if (message.type === 'key') {
          if (!this.#ready) return;
          const { type: _type, event, ...rest } = message;
          this.emit('key', { type: event, ...rest });
        } else if (message.type === 'failed') {
          reported = { code: message.code, message: message.message };
        } else if (!settled) {
          settled = true;
          this.#ready = true;
          clock.clearTimeout(timer);
          resolve(this);
        }
      });
    });
  }
}
