/** Messages of the capture worklet (pcm-capture.worklet.ts) to the page. Standard library only. */

/** The processor name given to `registerProcessor`. */
export const PCM_CAPTURE_PROCESSOR = 'hearth-pcm-capture';

/** One 512-sample frame of 16 kHz PCM16 (little-endian), transferred. */
export type CaptureFrameMessage = { type: 'frame'; pcm: ArrayBuffer };
