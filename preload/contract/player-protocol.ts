/**
 * The messages between the main process (`RendererPlayer`) and the playback worklet
 * (`pcm-player.worklet.ts`), both ways. Standard library only: this file is compiled for the worklet,
 * the page and Node.
 *
 * Transport: structured clone over a MessagePort (Electron: MessageChannelMain → renderer → worklet,
 * the renderer's main thread not in the path), or the WebSocket wire format below, relayed by the page
 * (web mode, tests).
 *
 * Positions are exact: `playedSamples` counts samples of the item that have left the worklet (been
 * written to its output), at 24 kHz. Frames (`atFrame`, `frame`) are AudioContext frames
 * (`currentFrame` in the worklet, `contextTime * sampleRate`), so they can be mapped to a clock with
 * `ping`/`pong` or `AudioContext.getOutputTimestamp()`.
 */

/** The worklet's sample rate; the AudioContext must be created at this rate. */
export const PLAYER_SAMPLE_RATE = 24_000;
/** Web Audio's render quantum at the default `renderSizeHint`. */
export const RENDER_QUANTUM_FRAMES = 128;
export const DEFAULT_PREBUFFER_MS = 60;
/** Ring size in the worklet: 60 s of audio (5.8 MB of Float32). */
export const DEFAULT_RING_SECONDS = 60;
/** Progress is reported every 2,400 frames (100 ms) while playing. */
export const PROGRESS_INTERVAL_FRAMES = 2_400;
/** The processor name given to `registerProcessor`. */
export const PCM_PLAYER_PROCESSOR = 'hearth-pcm-player';

// ---------------------------------------------------------------------------------------------------
// main → worklet

/** Audio for an item. `pcm` is Int16 little-endian mono at 24 kHz and is transferred, not copied. */
export type ChunkMessage = { type: 'chunk'; itemId: string; pcm: ArrayBuffer; seq: number };
/** Stop at once and drop everything queued; answered by `flushed`. */
export type FlushMessage = { type: 'flush'; requestId: number };
/**
 * Playback settings. `prebufferMs`: audio to accumulate before starting and after running dry (it also
 * starts once it has waited that long). `timing`: report `chunk-output` for every chunk (bench).
 */
export type ConfigureMessage = { type: 'configure'; prebufferMs?: number; timing?: boolean };
/** Clock probe, answered by `pong` from inside the next `process()` call. */
export type PingMessage = { type: 'ping'; id: number };

export type MainToWorkletMessage = ChunkMessage | FlushMessage | ConfigureMessage | PingMessage;

// ---------------------------------------------------------------------------------------------------
// worklet → main

/** The first sample of an item was played. */
export type StartedMessage = { type: 'started'; itemId: string };
/**
 * Every 100 ms of playback, when an item ends and before `drained`. `bufferedSamples` is what is queued
 * in the worklet and `lastSeq` the last chunk it has received, for flow control in main.
 */
export type ProgressMessage = { type: 'progress'; itemId: string; playedSamples: number; bufferedSamples: number; lastSeq: number };
/**
 * Answer to `flush`, sent from inside `process()` in the first render quantum after the flush, which is
 * silent. `itemId`/`playedSamples`: the item that was playing or last played since the previous flush
 * (null and 0 if none) and exactly how many of its samples were output. `atFrame`: the first frame of
 * that silent quantum, rendered at `wallMs` (`Date.now()`); `receivedAtFrame`: `currentFrame` when the
 * flush message was handled (in Chromium, the frame of the next quantum to render).
 */
export type FlushedMessage = {
  type: 'flushed';
  requestId: number;
  itemId: string | null;
  playedSamples: number;
  atFrame: number;
  receivedAtFrame: number;
  wallMs: number;
};
/** Everything queued has been played (the output is silent from here). */
export type DrainedMessage = { type: 'drained'; itemId: string; lastSeq: number };
/**
 * More audio arrived for an item after it had run dry: the feed was late and the listener heard a gap.
 * `count` is cumulative since the worklet started.
 */
export type UnderrunMessage = { type: 'underrun'; count: number };
/** Samples refused because the ring (or the item-boundary queue) was full; cumulative. */
export type OverflowMessage = { type: 'overflow'; droppedSamples: number };
/**
 * Timing (bench, `configure {timing: true}`): the first sample of chunk `seq` was output at `frame`, by a
 * `process()` call that ran at `wallMs` (`Date.now()` in the worklet: the system clock, whole ms).
 */
export type ChunkOutputMessage = { type: 'chunk-output'; seq: number; frame: number; wallMs: number };
/** Answer to `ping`: `frame` is `currentFrame` of the `process()` call that answered, run at `wallMs`. */
export type PongMessage = { type: 'pong'; id: number; frame: number; wallMs: number };
export type WorkletErrorMessage = { type: 'error'; message: string };

export type WorkletToMainMessage =
  | StartedMessage
  | ProgressMessage
  | FlushedMessage
  | DrainedMessage
  | UnderrunMessage
  | OverflowMessage
  | ChunkOutputMessage
  | PongMessage
  | WorkletErrorMessage;

// ---------------------------------------------------------------------------------------------------
// page → worklet (never from main)

/**
 * Hands the worklet a MessagePort that main holds the other end of: from then on the worklet reads
 * main's messages from it (as well as from `node.port`) and sends its own messages to it only.
 */
export type AttachPortMessage<Port = unknown> = { type: 'attach-port'; port: Port };

/** `processorOptions` of the AudioWorkletNode. */
export type PcmPlayerProcessorOptions = { ringSeconds?: number; prebufferMs?: number; timing?: boolean };

/** The ArrayBuffers to transfer with a message (the chunk's PCM). */
export function transferablesOf(message: MainToWorkletMessage): ArrayBuffer[] {
  return message.type === 'chunk' ? [message.pcm] : [];
}
