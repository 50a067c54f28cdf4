import type { EventSource } from '../util/typed-emitter.js';
import type { AssistantError } from '../util/errors.js';

/** The engine's microphone format: 16 kHz, 16-bit, mono, in frames of 512 samples (32 ms), as PvRecorder delivers. */
export const MIC_SAMPLE_RATE = 16_000;
export const MIC_FRAME_SAMPLES = 512;

export type PcmFrame = {
  samples: Int16Array;
  /** Stream time of the frame's first sample, in ms since the source started. */
  timestampMs: number;
};

export type MicStatus = 'stopped' | 'starting' | 'running' | 'error';

export type MicSourceEvents = {
  frame: [frame: PcmFrame];
  status: [status: MicStatus];
  error: [error: AssistantError];
  /** The input is exhausted (only sources with an end, such as a WAV file; silence may still follow). */
  end: [];
};

export interface MicSource extends EventSource<MicSourceEvents> {
  readonly status: MicStatus;
  start(): Promise<void>;
  stop(): Promise<void>;
}
