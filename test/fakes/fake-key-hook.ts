import type { Clock } from '../../main/util/clock.js';
import type { AssistantError } from '../../main/util/errors.js';
import type { Hotkey } from '../../main/push-to-talk/hotkey.js';
import type { KeyHook, KeyHookEvents } from '../../main/push-to-talk/key-hook.js';
import { TypedEmitter } from '../../main/util/typed-emitter.js';

/** A KeyHook driven by hand: `down()`/`up()` emit at the clock's time; `start` can be scripted to fail, `fail()` breaks it later. */
export class FakeKeyHook extends TypedEmitter<KeyHookEvents> implements KeyHook {
  readonly name: string;
  readonly reportsKeyUp: boolean;
  running = false;
  started: Hotkey[] = [];
  stops = 0;

  constructor(
    private readonly clock: Clock,
    options: { name?: string; reportsKeyUp?: boolean; failWith?: AssistantError } = {},
  ) {
    super();
    this.name = options.name ?? 'fake';
    this.reportsKeyUp = options.reportsKeyUp ?? true;
    this.failWith = options.failWith;
  }

  failWith: AssistantError | undefined;

  async start(hotkey: Hotkey): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.started.push(hotkey);
    this.running = true;
  }

  async stop(): Promise<void> {
    this.stops++;
    this.running = false;
  }

  down(): void {
    this.emit('down', { atMs: this.clock.now() });
  }

  up(): void {
    this.emit('up', { atMs: this.clock.now() });
  }

  /** The hook breaks while running, as KeyHook's `error` says: it is stopped. */
  fail(error: AssistantError): void {
    this.running = false;
    this.emit('error', error);
  }
}
