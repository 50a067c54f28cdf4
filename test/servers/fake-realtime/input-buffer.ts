/**
 * The session's input audio: every appended byte (kept for observability and for the audio of
 * committed items), the uncommitted part (the input audio buffer, from `startByte`), and the VAD
 * that watches it. Positions are bytes/ms since the start of all audio of the session, which is
 * what `audio_start_ms` / `audio_end_ms` count (ms of audio since the buffer's start, 24 kHz).
 */
import { bytesToMs, bytesToSamples, PcmStore, SAMPLE_RATE } from './audio.js';
import { newId } from './ids.js';
import type { TurnDetectionConfig } from './types.js';
import { EnergyVad, vadSettingsFor, type VadEvent } from './vad.js';

export class InputAudioBuffer {
  private readonly all = new PcmStore();
  private oddByte: number | null = null;
  private startByte = 0;
  private vad: EnergyVad | null = null;
  /** The user item being spoken: set by speech_started, used by speech_stopped or a manual commit. */
  private speech: { itemId: string; startByte: number } | null = null;

  get totalBytes(): number {
    return this.all.bytes;
  }

  /** Bytes appended since the last commit or clear. */
  get bufferedBytes(): number {
    return this.all.bytes - this.startByte;
  }

  get bufferStartMs(): number {
    return Math.ceil(bytesToMs(this.startByte));
  }

  pcm(): Int16Array {
    return bytesToSamples(this.all.slice());
  }

  /** Follows `audio.input.turn_detection`; null switches VAD off (no VAD events at all). */
  configure(td: TurnDetectionConfig | null): void {
    if (td === null) {
      this.vad = null;
      this.speech = null;
      return;
    }
    const settings = vadSettingsFor(td);
    if (this.vad) this.vad.settings = settings;
    else this.vad = new EnergyVad(settings);
  }

  /** Stores the bytes and runs VAD over them; `onVad` is called synchronously per event. */
  append(decoded: Buffer, onVad: (event: VadEvent) => void): void {
    if (decoded.length === 0) return;
    const firstSample = Math.floor(this.all.bytes / 2);
    this.all.append(decoded);
    // Whole samples only; a dangling odd byte joins the next append.
    const bytes = this.oddByte === null ? decoded : Buffer.concat([Buffer.from([this.oddByte]), decoded]);
    this.oddByte = bytes.length % 2 === 1 ? (bytes[bytes.length - 1] ?? 0) : null;
    this.vad?.feed(bytesToSamples(bytes), firstSample, onVad);
  }

  /** speech_started: a new user item id; `audio_start_ms` is floored at the buffer start. */
  beginSpeech(audioStartMs: number): { itemId: string; audioStartMs: number } {
    const start = Math.max(audioStartMs, this.bufferStartMs);
    this.speech = { itemId: newId('item'), startByte: start * 48 };
    return { itemId: this.speech.itemId, audioStartMs: start };
  }

  /** speech_stopped: the speech's item id and audio (start − padding .. end of the silence). */
  endSpeech(endSample: number): { itemId: string; audio: PcmStore } {
    const speech = this.speech ?? { itemId: newId('item'), startByte: this.startByte };
    this.speech = null;
    return { itemId: speech.itemId, audio: this.take(speech.startByte, endSample * 2) };
  }

  /** `input_audio_buffer.commit`: everything buffered (the caller checks the 100 ms minimum). */
  commitAll(): { itemId: string; audio: PcmStore } {
    const itemId = this.speech?.itemId ?? newId('item');
    this.speech = null;
    this.vad?.reset();
    return { itemId, audio: this.take(this.startByte, this.all.bytes) };
  }

  /** idle_timeout_ms fired: the (mostly silent) buffer up to `atSample`. */
  commitIdle(atSample: number): { itemId: string; audioStartMs: number; audioEndMs: number; audio: PcmStore } {
    const audioStartMs = this.bufferStartMs;
    return {
      itemId: newId('item'),
      audioStartMs,
      audioEndMs: Math.round((atSample * 1000) / SAMPLE_RATE),
      audio: this.take(this.startByte, atSample * 2),
    };
  }

  clear(): void {
    this.vad?.reset();
    this.speech = null;
    this.startByte = this.all.bytes;
  }

  /** Arms idle_timeout_ms: fires once this many ms of further audio pass without speech (null disarms). */
  armIdleTimeout(afterMs: number | null): void {
    if (!this.vad) return;
    this.vad.idleDeadlineSample = afterMs === null ? null : Math.floor(this.all.bytes / 2 + (afterMs * SAMPLE_RATE) / 1000);
  }

  private take(fromByte: number, toByte: number): PcmStore {
    const audio = new PcmStore();
    audio.append(this.all.slice(fromByte, toByte));
    this.startByte = Math.max(this.startByte, toByte);
    return audio;
  }
}
