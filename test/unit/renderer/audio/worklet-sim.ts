/**
 * The playback worklet simulated in Node: the real PcmPlayerCore rendered quantum by quantum against a
 * ManualClock, behind a PlayerPort. Messages are structured-cloned both ways (transfer lists detach the
 * sender's buffers, as a real MessagePort does) and delivered between render quanta.
 */
import type { PlayerPort } from '../../../../main/audio/renderer-player.js';
import type { ManualClock } from '../../../fakes/manual-clock.js';
import { PcmPlayerCore, type PcmPlayerCoreOptions } from '../../../../renderer/audio/pcm-player-core.js';
import {
  PLAYER_SAMPLE_RATE,
  RENDER_QUANTUM_FRAMES,
  type MainToWorkletMessage,
  type WorkletToMainMessage,
} from '../../../../preload/contract/player-protocol.js';

export type { MainToWorkletMessage, WorkletToMainMessage };
export const QUANTUM = RENDER_QUANTUM_FRAMES;
export const SAMPLE_RATE = PLAYER_SAMPLE_RATE;
export const QUANTUM_MS = (QUANTUM * 1000) / SAMPLE_RATE;

/** The core with its output recorded and its messages collected (cloned). */
export class CoreHarness {
  readonly core: PcmPlayerCore;
  readonly messages: WorkletToMainMessage[] = [];
  frame = 0;
  #recorded: Float32Array[] = [];

  constructor(options: Partial<PcmPlayerCoreOptions> = {}) {
    this.core = new PcmPlayerCore((message) => this.messages.push(structuredClone(message)), {
      sampleRate: SAMPLE_RATE,
      wallClock: () => 1_000_000 + (this.frame * 1000) / SAMPLE_RATE, // the audio clock, as wall time
      ...options,
    });
  }

  send(message: MainToWorkletMessage): void {
    const transfer = message.type === 'chunk' ? [message.pcm] : [];
    this.core.handleMessage(structuredClone(message, { transfer }), this.frame);
  }

  chunk(itemId: string, samples: Int16Array, seq = 0): void {
    this.send({ type: 'chunk', itemId, pcm: samples.slice().buffer, seq });
  }

  /** Renders `quanta` render quanta. */
  render(quanta = 1): void {
    for (let q = 0; q < quanta; q++) {
      const output = new Float32Array(QUANTUM).fill(Number.NaN);
      this.core.render(output, this.frame);
      if (output.some(Number.isNaN)) throw new Error(`render() left samples unwritten at frame ${this.frame}`);
      this.#recorded.push(output);
      this.frame += QUANTUM;
    }
  }

  /** Everything output so far as Int16 (exact: output = s / 32768). */
  output(): Int16Array {
    const all = new Int16Array(this.#recorded.length * QUANTUM);
    this.#recorded.forEach((quantum, q) => quantum.forEach((v, i) => (all[q * QUANTUM + i] = Math.round(v * 32_768))));
    return all;
  }

  /** Messages of one type, in order. */
  of<T extends WorkletToMainMessage['type']>(type: T): Extract<WorkletToMainMessage, { type: T }>[] {
    return this.messages.filter((m): m is Extract<WorkletToMainMessage, { type: T }> => m.type === type);
  }
}

/** A PlayerPort whose other end is the simulated worklet, running on a ManualClock. */
export class SimulatedWorkletPort implements PlayerPort {
  readonly worklet: CoreHarness;
  readonly received: MainToWorkletMessage[] = [];
  /** When false, the worklet neither answers nor plays (the renderer is gone). */
  alive = true;
  closed = false;
  readonly #clock: ManualClock;
  readonly #inbox: MainToWorkletMessage[] = [];
  readonly #listeners = new Set<(message: WorkletToMainMessage) => void>();
  #delivered = 0;

  constructor(clock: ManualClock, options: Partial<PcmPlayerCoreOptions> = {}) {
    this.#clock = clock;
    this.worklet = new CoreHarness(options);
  }

  postMessage(message: MainToWorkletMessage, transfer?: ArrayBuffer[]): void {
    const clone = structuredClone(message, { transfer: transfer ?? [] });
    this.received.push(clone);
    this.#inbox.push(clone);
  }

  onMessage(listener: (message: WorkletToMainMessage) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  close(): void {
    this.closed = true;
  }

  /** Lets `ms` of audio time pass: messages in, one quantum, messages out, clock forward; repeat. */
  run(ms: number): void {
    const quanta = Math.round(ms / QUANTUM_MS);
    for (let q = 0; q < quanta; q++) {
      if (this.alive) {
        for (const message of this.#inbox.splice(0)) this.worklet.core.handleMessage(message, this.worklet.frame);
        this.worklet.render();
        for (const message of this.worklet.messages.slice(this.#delivered)) for (const listener of [...this.#listeners]) listener(message);
        this.#delivered = this.worklet.messages.length;
      }
      this.#clock.advance(QUANTUM_MS);
    }
  }
}
