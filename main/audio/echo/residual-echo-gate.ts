import { RunningQuantile } from '../../util/running-quantile.js';

/**
 * The residual echo gate: what AEC3 leaves of Hearth's voice, attenuated while Hearth speaks.
 *
 * AEC3 cancels the echo by 30–40 dB once converged, but for a block or two at the start of some
 * replies its output still holds the echo at only ~7 dB below the microphone (measured in the test
 * room: -42 dBFS for 100 ms against an echo of -35 dBFS), which a server VAD can take for speech and
 * so interrupt Hearth with its own voice. So, per 10 ms block while the reference is active, the
 * block is attenuated when its energy after cancellation stays under what the echo alone would bring
 * (the loudest recent reference times the echo path's gain, learnt from blocks AEC3 clearly cancelled,
 * plus a margin): the user talking over Hearth is louder than the echo at the microphone and passes;
 * the echo's remains do not. With no echo path learnt yet, or Hearth silent, nothing is touched.
 *
 * In the first half second after Hearth starts speaking (after 300 ms of silence), where those leaks
 * happen, the echo is bounded by its loud end, not its mean: the mean lies about 8 dB under the
 * echo's loud syllables, and one of those, left by AEC3 at 5 dB under the loudest reference, got
 * through (echo test room: learnt mean -12.9 dB, 90th percentile -5 dB). Later, during double talk,
 * the mean stays the bound, so that a user quieter than the echo is not gated away.
 */

/** A reference block counts as "Hearth speaking" above this mean energy (float full scale: -50 dBFS). */
export const SPEAKING_ENERGY = 1e-5;

/** How much louder than the mean echo a block may be and still count as echo, dB. */
const MARGIN_DB = 3;
/** How much a block judged echo is attenuated, as a gain (-30 dB). */
const ATTENUATION = 10 ** (-30 / 20);
/** A block AEC3 cancelled by more than this is clearly echo only: it teaches the echo path, dB. */
const LEARN_ERLE_DB = 15;
/** The reference's loudness counts for this many blocks (the room's reverberation, 300 ms). */
const REFERENCE_MEMORY_BLOCKS = 30;
/** Blocks of learning before the gate acts (half a second of cancelled echo). */
const MIN_LEARNT_BLOCKS = 50;
const LEARN_RATE = 0.05;
/** Blocks after Hearth starts speaking in which the loud end bounds the echo (500 ms). */
const ONSET_BLOCKS = 50;

export class ResidualEchoGate {
  #recentReference = new Float64Array(REFERENCE_MEMORY_BLOCKS);
  #slot = 0;
  /** Mean of 10·log10(echo energy at the microphone / loudest recent reference energy), dB. */
  #echoGainDb = 0;
  /** The loud end of the same: its 90th percentile, tracked in steps of 0.5 dB. */
  #loudGainDb = new RunningQuantile(0.9, 0.5);
  /** Blocks since the recent reference became loud (0 while Hearth is silent). */
  #speakingBlocks = 0;
  #learnt = 0;
  #gated = 0;

  /** Blocks attenuated so far (for the stats and the tests). */
  get gatedBlocks(): number {
    return this.#gated;
  }

  /** Echo path gain learnt so far, dB (null: not enough yet). */
  get echoGainDb(): number | null {
    return this.#learnt >= MIN_LEARNT_BLOCKS ? this.#echoGainDb : null;
  }

  /**
   * `out` (AEC3's output for this block) is attenuated in place when it holds only echo; `energies`
   * are the block's mean energies (reference, microphone, and `out` as AEC3 left it).
   */
  process(energies: BlockEnergies, out: Float32Array): void {
    const { reference: ref, capture: cap, residual } = energies;
    this.#recentReference[this.#slot] = ref;
    this.#slot = (this.#slot + 1) % REFERENCE_MEMORY_BLOCKS;
    let loudest = 0;
    for (const e of this.#recentReference) if (e > loudest) loudest = e;
    if (loudest < SPEAKING_ENERGY) {
      this.#speakingBlocks = 0;
      return;
    }
    this.#speakingBlocks++;
    if (cap > 0 && residual * 10 ** (LEARN_ERLE_DB / 10) < cap) {
      const gainDb = 10 * Math.log10(cap / loudest);
      this.#echoGainDb = this.#learnt === 0 ? gainDb : this.#echoGainDb + LEARN_RATE * (gainDb - this.#echoGainDb);
      this.#loudGainDb.push(gainDb);
      this.#learnt++;
    }
    if (this.#learnt < MIN_LEARNT_BLOCKS) return;
    const gainDb = this.#speakingBlocks <= ONSET_BLOCKS ? this.#loudGainDb.value! : this.#echoGainDb;
    const echoBound = loudest * 10 ** ((gainDb + MARGIN_DB) / 10);
    if (residual >= echoBound) return;
    for (let i = 0; i < out.length; i++) out[i] = out[i]! * ATTENUATION;
    this.#gated++;
  }
}

export type BlockEnergies = { reference: number; capture: number; residual: number };

export function meanEnergy(block: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < block.length; i++) sum += block[i]! * block[i]!;
  return sum / block.length;
}
