/**
 * The duplex mode in effect, and the echo canceller switched to match (issue 10).
 *
 * The canceller (main/audio/echo/) wraps the microphone where the engine is assembled (compose.ts), so
 * the wake word and the session both hear the cancelled signal. This module decides, from the setting,
 * the last echo self-test and the canceller's health, whether the assistant listens while it speaks:
 *
 * | setting | self-test          | canceller      | in effect                          |
 * | ------- | ------------------ | -------------- | ---------------------------------- |
 * | half    | any                | any            | half duplex, canceller off         |
 * | full    | any                | any            | full duplex, raw (headset)         |
 * | auto    | `full` or none yet | running        | full duplex, cancelled             |
 * | auto    | `half`             | any            | half duplex (one notice)           |
 * | auto    | any                | failed         | half duplex (one notice)           |
 * | auto    | any                | none           | half duplex (this build has none)  |
 *
 * With no self-test yet, auto trusts the canceller: it adapts within the first second of speech (the
 * issue's probe: 20 dB in the first second, 38 dB converged), and a wrong guess costs a self-interruption,
 * which the self-test (settings, onboarding) then corrects. It feeds the canceller exactly what the
 * player reports as played, only while cancelling.
 */
import { TypedEmitter } from '../util/typed-emitter.js';
import { AppError, type AssistantError } from '../util/errors.js';
import { createLogger } from '../util/logger.js';
import type { MicSource } from '../audio/mic-source.js';
import type { Clock } from '../util/clock.js';
import type { Player } from '../audio/player.js';
import type { EchoPathMeasurement, EchoStats, PlayedAudio } from '../audio/echo/echo-types.js';
import type { DuplexSetting, EchoTestResult } from '../../preload/contract/settings-schema.js';

const log = createLogger('echo');

/** What the app needs of main/audio/echo's `EchoCancellingMicSource`. */
export interface EchoCanceller extends MicSource {
  pushPlayed(audio: PlayedAudio): void;
  /** On: cancelling once its worker runs (a failure comes as an `echo_*` error); off: pass-through. */
  setEnabled(enabled: boolean): void | Promise<void>;
  stats(): EchoStats;
  /** The self-test's delay (ms): where the canceller starts looking. */
  setDelayHint?(delayMs: number | null): void;
  /** Ends its worker; the wrapped microphone is not stopped. */
  dispose?(): void | Promise<void>;
}

/** main/audio/echo as the app uses it: the canceller, the self-test signal and the measurement. */
export type EchoEngine = {
  /** `clock`: the one the player stamps what it played with; `delayHintMs`: the last self-test's delay. */
  createCanceller(mic: MicSource, options: { clock?: Clock; delayHintMs: number | null }): EchoCanceller;
  /** Null until main/audio/echo has the self-test: `echo:self-test` then answers `unavailable`. */
  selfTest: {
    signal(): Int16Array;
    measure(played24k: Int16Array, recorded16k: Int16Array): Promise<EchoPathMeasurement>;
  } | null;
};

export type EchoFallbackReason = 'self-test' | 'canceller-failed' | 'no-canceller';

export type EffectiveDuplex = {
  mode: 'half' | 'full';
  /** The microphone is echo-cancelled (the wake word may be trusted while the assistant speaks). */
  cancelling: boolean;
  /** Auto fell back to half duplex, and why. */
  fallback?: EchoFallbackReason;
};

export type CancellerHealth = 'running' | 'failed' | 'none';

/** Pure: the mode in effect for a setting, the last self-test and the canceller's health. */
export function effectiveDuplex(setting: DuplexSetting, echoTest: EchoTestResult | null, canceller: CancellerHealth): EffectiveDuplex {
  if (setting === 'half') return { mode: 'half', cancelling: false };
  // Full: a headset, or speakers the user trusts: the raw microphone, as before auto existed.
  if (setting === 'full') return { mode: 'full', cancelling: false };
  if (echoTest?.recommended === 'half') return { mode: 'half', cancelling: false, fallback: 'self-test' };
  if (canceller === 'failed') return { mode: 'half', cancelling: false, fallback: 'canceller-failed' };
  if (canceller === 'none') return { mode: 'half', cancelling: false, fallback: 'no-canceller' };
  return { mode: 'full', cancelling: true };
}

export type EchoControlEvents = {
  /** Auto fell back to half duplex (once per cause until the setting or the self-test changes). */
  notice: [notice: AssistantError];
  changed: [duplex: EffectiveDuplex];
};

export type EchoControlOptions = {
  /** Null: no canceller in this build or host (auto then means half duplex). */
  canceller: EchoCanceller | null;
  /** What made the canceller, for the self-test's signal and measurement. */
  engine?: EchoEngine | null;
  player: Player;
  settings: () => { duplex: DuplexSetting; echoTest: EchoTestResult | null };
};

export class EchoControl extends TypedEmitter<EchoControlEvents> {
  readonly #canceller: EchoCanceller | null;
  readonly engine: EchoEngine | null;
  readonly #settings: EchoControlOptions['settings'];
  readonly #offs: Array<() => void> = [];
  #failed = false;
  /** While true (the self-test), the canceller passes the raw microphone through. */
  #suspended = false;
  #current: EffectiveDuplex | undefined;
  #noticed = new Set<string>();

  constructor(options: EchoControlOptions) {
    super();
    this.#canceller = options.canceller;
    this.engine = options.engine ?? null;
    this.#settings = options.settings;
    const canceller = this.#canceller;
    if (canceller) {
      this.#offs.push(
        options.player.on('played', (audio) => {
          if (this.#current?.cancelling) canceller.pushPlayed(audio);
        }),
        canceller.on('error', (error) => {
          if (error.code?.startsWith('echo')) this.#fail(error.message);
        }),
      );
    }
    this.current();
  }

  get canceller(): EchoCanceller | null {
    return this.#canceller;
  }

  get failed(): boolean {
    return this.#failed;
  }

  /** The mode in effect now; switches the canceller on or off when it changed. */
  current(): EffectiveDuplex {
    const { duplex, echoTest } = this.#settings();
    const next = effectiveDuplex(duplex, echoTest, this.#canceller === null ? 'none' : this.#failed ? 'failed' : 'running');
    const previous = this.#current;
    // Told once per cause, to the first listener (the app subscribes after the engine is assembled).
    if (next.fallback && next.fallback !== 'no-canceller' && this.listenerCount('notice') > 0)
      this.#notice(next.fallback, duplex, echoTest);
    if (previous && previous.mode === next.mode && previous.cancelling === next.cancelling && previous.fallback === next.fallback)
      return previous;
    this.#current = next;
    this.#canceller?.setEnabled(next.cancelling && !this.#suspended);
    log.info({ setting: duplex, ...next }, 'duplex in effect');
    if (previous) this.emit('changed', next);
    return next;
  }

  stats(): EchoStats | null {
    return this.#canceller?.stats() ?? null;
  }

  /** The self-test records the raw microphone: the canceller passes it through until `resume()`. */
  suspend(): void {
    this.#suspended = true;
    this.#canceller?.setEnabled(false);
  }

  resume(): void {
    if (!this.#suspended) return;
    this.#suspended = false;
    this.#current = undefined;
    this.current();
  }

  /** The self-test measured this delay: the canceller starts its search there. */
  setDelayHint(delayMs: number | null): void {
    this.#canceller?.setDelayHint?.(delayMs);
  }

  async dispose(): Promise<void> {
    for (const off of this.#offs.splice(0)) off();
    await this.#canceller?.dispose?.();
  }

  #fail(why: string): void {
    if (this.#failed) return;
    this.#failed = true;
    log.warn({ why }, 'echo canceller failed');
    this.current();
  }

  #notice(reason: EchoFallbackReason, setting: DuplexSetting, echoTest: EchoTestResult | null): void {
    // Once per cause: a new self-test or a failure after a recovery may say it again.
    const key = `${reason}:${echoTest?.at ?? ''}`;
    if (this.#noticed.has(key) || setting !== 'auto') return;
    this.#noticed.add(key);
    const message =
      reason === 'self-test'
        ? 'The echo test found too much echo on this device: Hearth closes the microphone while it speaks. Interrupt with the wake word, the hotkey or Stop, or use a headset.'
        : 'Echo cancellation stopped working: Hearth closes the microphone while it speaks until it restarts.';
    this.emit('notice', new AppError(message, { category: 'application', permanent: false, code: `echo_${reason.replace(/-/g, '_')}` }));
  }
}
