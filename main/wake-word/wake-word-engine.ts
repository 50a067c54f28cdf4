export type WakeWordDetection = {
  /** The keyword's display name, e.g. "hey jarvis". */
  keyword: string;
  score: number;
};

/**
 * Synchronous and per frame: `process` takes exactly `frameLength` samples of 16 kHz mono PCM and
 * says whether a keyword ended in it.
 */
export interface WakeWordEngine {
  readonly name: string;
  readonly frameLength: number;
  readonly sampleRate: number;
  readonly keywords: readonly string[];
  process(frame: Int16Array): WakeWordDetection | null;
  reset(): void;
  dispose(): void;
}
