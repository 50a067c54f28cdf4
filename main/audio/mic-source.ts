import type { EventSource } from '../util/typed-emitter.js';
import type { AssistantError } from '../util/errors.js';
import { samplesToMs } from './pcm.js';

/** The engine's microphone format: 16 kHz, 16-bit, mono, in frames of 512 samples (32 ms), as PvRecorder delivers. */
export const MIC_SAMPLE_RATE = 16_000;
export const MIC_FRAME_SAMPLES = 512;
export const MIC_FRAME_MS = samplesToMs(MIC_FRAME_SAMPLES, MIC_SAMPLE_RATE);

export type PcmFrame = {
  samples: Int16Array;
  /** Stream time of the frame's first sample, in ms since the source started. */
  timestampMs: number;
};

export type MicStatus = 'stopped' | 'starting' | 'running' | 'error';

/** For a VU meter, about 10 times a second. */
export type MicLevel = {
  /** RMS of the last ~100 ms relative to full scale, in dB (full-scale sine ≈ -3); -100 for silence. */
  rmsDbfs: number;
  /** Largest absolute sample of the same window, 0..1 of full scale. */
  peak: number;
};

export type MicSourceEvents = {
  frame: [frame: PcmFrame];
  status: [status: MicStatus];
  error: [error: AssistantError];
  /** The input is exhausted (only sources with an end, such as a WAV file; silence may still follow). */
  end: [];
  /** Sources that measure their level emit this (a live microphone does). */
  level: [level: MicLevel];
};

export interface MicSource extends EventSource<MicSourceEvents> {
  readonly status: MicStatus;
  readonly muted: boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Muted = capture stopped entirely (the device is released), not merely silenced. */
  setMuted(muted: boolean): Promise<void>;
}
