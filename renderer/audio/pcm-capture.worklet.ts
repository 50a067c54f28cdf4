/**
 * AudioWorkletProcessor that captures the page's microphone for web mode: a thin shell around
 * `PcmCaptureCore` (any context rate → 16 kHz PCM16 frames of 512 samples), built by esbuild into one
 * self-contained file like the player's worklet. Each frame is posted to the page (its buffer
 * transferred), which sends it on the audio socket. Outputs nothing; lives until disconnected.
 */
import { PcmCaptureCore } from './pcm-capture-core.js';
import { PCM_CAPTURE_PROCESSOR, type CaptureFrameMessage } from './capture-protocol.js';

class PcmCaptureProcessor extends AudioWorkletProcessor implements AudioWorkletProcessorImpl {
  readonly #core = new PcmCaptureCore(sampleRate, (frame) => {
    const message: CaptureFrameMessage = { type: 'frame', pcm: frame.buffer as ArrayBuffer };
    this.port.postMessage(message, [frame.buffer as ArrayBuffer]);
  });

  process(inputs: Float32Array[][]): boolean {
    const channel = inputs[0]?.[0];
    if (channel && channel.length > 0) this.#core.process(channel);
    return true;
  }
}

registerProcessor(PCM_CAPTURE_PROCESSOR, PcmCaptureProcessor);
