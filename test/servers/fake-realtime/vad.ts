/**
 * Energy-based stand-in for the service's turn detection.
 *
 * - The input is cut into 10 ms windows aligned to the start of the session's audio; each window's
 *   RMS level (dBFS) is compared with a threshold.
 * - Threshold mapping: `thresholdDbfs = -45 + (threshold - 0.5) * 40`. So threshold 0 → -65 dBFS,
 *   0.5 → -45, 0.8 → -33, 1 → -25. `semantic_vad` uses the 0.5 level.
 * - Speech starts after 30 ms (3 consecutive windows) above the threshold. `audio_start_ms` = start
 *   of the first loud window − `prefix_padding_ms` (floored at 0 and at the start of the current
 *   input buffer).
 * - Speech stops once `silence_duration_ms` of consecutive windows are below the threshold;
 *   `audio_end_ms` is the end of that silence (last loud window's end + silence_duration_ms, as
 *   the reference says it includes the silence window).
 * - `semantic_vad` has no silence setting; it waits 500 ms (eagerness high), 1000 ms (medium, auto)
 *   or 2000 ms (low) and uses a 300 ms prefix padding. (The service's maximum waits are 2/4/8 s;
 *   the fake is quicker so tests stay fast.)
 * - `idle_timeout_ms` (server_vad): counted in appended audio, not wall-clock time; see
 *   {@link EnergyVad.idleDeadlineSample}.
 */
import { rmsDbfs, SAMPLE_RATE } from './audio.js';
import type { TurnDetectionConfig } from './types.js';

export const VAD_WINDOW_SAMPLES = SAMPLE_RATE / 100; // 10 ms
export const VAD_MIN_SPEECH_WINDOWS = 3; // 30 ms
export const VAD_DB_PER_THRESHOLD_UNIT = 40;
/** The level that counts as speech at `threshold: 0.5`. */
export const VAD_BASE_DBFS = -45;

export type VadSettings = {
  thresholdDbfs: number;
  prefixPaddingMs: number;
  silenceDurationMs: number;
};

export function semanticSilenceMs(eagerness: 'low' | 'medium' | 'high' | 'auto'): number {
  return eagerness === 'high' ? 500 : eagerness === 'low' ? 2000 : 1000;
}

export function vadSettingsFor(td: TurnDetectionConfig): VadSettings {
  if (td.type === 'server_vad') {
    return {
      thresholdDbfs: VAD_BASE_DBFS + (td.threshold - 0.5) * VAD_DB_PER_THRESHOLD_UNIT,
      prefixPaddingMs: td.prefix_padding_ms,
      silenceDurationMs: td.silence_duration_ms,
    };
  }
  return { thresholdDbfs: VAD_BASE_DBFS, prefixPaddingMs: 300, silenceDurationMs: semanticSilenceMs(td.eagerness) };
}

export type VadEvent =
  | { kind: 'speech_started'; onsetSample: number; audioStartMs: number }
  | { kind: 'speech_stopped'; endSample: number; audioEndMs: number }
  | { kind: 'idle_timeout'; atSample: number };

const sampleToMs = (s: number): number => Math.round((s * 1000) / SAMPLE_RATE);

export class EnergyVad {
  private carry = new Int16Array(0);
  private carryStart = 0;
  private speaking = false;
  private loudRun = 0;
  private onsetSample = 0;
  private quietRun = 0;
  /** When set, an `idle_timeout` event fires at the first silent window ending at or after it. */
  idleDeadlineSample: number | null = null;

  constructor(public settings: VadSettings) {}

  get inSpeech(): boolean {
    return this.speaking;
  }

  /** Forgets any speech in progress (clear, manual commit, turn detection switched). */
  reset(): void {
    this.speaking = false;
    this.loudRun = 0;
    this.quietRun = 0;
  }

  /**
   * Feeds samples that start at absolute session sample `startSample` (feeds are contiguous).
   * `onEvent` runs synchronously for each event, in order, so the caller can react between windows.
   */
  feed(samples: Int16Array, startSample: number, onEvent: (event: VadEvent) => void): void {
    let buf: Int16Array;
    if (this.carry.length === 0) {
      buf = samples;
      this.carryStart = startSample;
    } else {
      buf = new Int16Array(this.carry.length + samples.length);
      buf.set(this.carry);
      buf.set(samples, this.carry.length);
    }
    // Keep windows aligned to absolute positions.
    let offset = (VAD_WINDOW_SAMPLES - (this.carryStart % VAD_WINDOW_SAMPLES)) % VAD_WINDOW_SAMPLES;
    offset = Math.min(offset, buf.length);
    let i = offset;
    for (; i + VAD_WINDOW_SAMPLES <= buf.length; i += VAD_WINDOW_SAMPLES) {
      const windowStart = this.carryStart + i;
      this.window(windowStart, rmsDbfs(buf, i, i + VAD_WINDOW_SAMPLES) > this.settings.thresholdDbfs, onEvent);
    }
    this.carry = buf.slice(i);
    this.carryStart += i;
  }

  private window(windowStart: number, loud: boolean, onEvent: (event: VadEvent) => void): void {
    const windowEnd = windowStart + VAD_WINDOW_SAMPLES;
    if (!this.speaking) {
      if (loud) {
        if (this.loudRun === 0) this.onsetSample = windowStart;
        this.loudRun++;
        if (this.loudRun >= VAD_MIN_SPEECH_WINDOWS) {
          this.speaking = true;
          this.quietRun = 0;
          this.idleDeadlineSample = null;
          const audioStartMs = Math.max(0, sampleToMs(this.onsetSample) - this.settings.prefixPaddingMs);
          onEvent({ kind: 'speech_started', onsetSample: this.onsetSample, audioStartMs });
        }
        return;
      }
      this.loudRun = 0;
      if (this.idleDeadlineSample !== null && windowEnd >= this.idleDeadlineSample) {
        this.idleDeadlineSample = null;
        onEvent({ kind: 'idle_timeout', atSample: windowEnd });
      }
      return;
    }
    if (loud) {
      this.quietRun = 0;
      return;
    }
    this.quietRun++;
    if (this.quietRun * 10 >= this.settings.silenceDurationMs) {
      this.speaking = false;
      this.loudRun = 0;
      this.quietRun = 0;
      onEvent({ kind: 'speech_stopped', endSample: windowEnd, audioEndMs: sampleToMs(windowEnd) });
    }
  }
}
