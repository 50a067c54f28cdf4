/**
 * Web mode: this device's microphone, captured in an AudioWorklet (pcm-capture.worklet.ts) on the
 * player's AudioContext and delivered as 16 kHz PCM16 frames of 512 samples. The browser asks for
 * permission when capture starts; a refusal or a missing microphone is a `PageMicError` with its reason.
 */
import { PCM_CAPTURE_PROCESSOR, type CaptureFrameMessage } from './capture-protocol.js';
import { errorMessage } from '../../preload/contract/wire-error.js';

export type PageMicFailure = 'denied' | 'no-device' | 'unsupported' | 'failed';

export class PageMicError extends Error {
  override readonly name = 'PageMicError';
  readonly reason: PageMicFailure;
  constructor(reason: PageMicFailure, message: string) {
    super(message);
    this.reason = reason;
  }
}

export type PageCapture = { stop(): void };

const loaded = new WeakMap<BaseAudioContext, Promise<void>>();

/** The reason a getUserMedia failure stands for (DOMException names, as the Media Capture spec lists them). */
export function failureOf(error: unknown): PageMicFailure {
  const name = error instanceof Error || (typeof error === 'object' && error !== null) ? String((error as { name?: unknown }).name) : '';
  if (name === 'NotAllowedError' || name === 'SecurityError' || name === 'PermissionDeniedError') return 'denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError' || name === 'DevicesNotFoundError') return 'no-device';
  if (name === 'NotSupportedError' || name === 'TypeError') return 'unsupported';
  return 'failed';
}

export async function startPageCapture(context: AudioContext, moduleUrl: string, onFrame: (pcm: Int16Array) => void): Promise<PageCapture> {
  if (typeof navigator.mediaDevices?.getUserMedia !== 'function')
    throw new PageMicError('unsupported', 'This browser offers no microphone to this page (it needs https:// or localhost).');
  let stream: MediaStream;
  try {
    // The microphone as it is: Chromium's echo cancellation, noise suppression and gain control all
    // change the audio (with echo cancellation alone the command's audio matched the spoken one at
    // 0.79 instead of 0.99 in the end-to-end test). While Hearth speaks on this page the server keeps
    // the page's microphone closed (half duplex), so there is no echo to cancel.
    stream = await navigator.mediaDevices.getUserMedia({
      audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: false },
    });
  } catch (error) {
    throw new PageMicError(failureOf(error), errorMessage(error));
  }
  try {
    let ready = loaded.get(context);
    if (!ready) {
      ready = context.audioWorklet.addModule(moduleUrl);
      loaded.set(context, ready);
    }
    await ready;
    const source = context.createMediaStreamSource(stream);
    const node = new AudioWorkletNode(context, PCM_CAPTURE_PROCESSOR, {
      numberOfInputs: 1,
      numberOfOutputs: 1,
      outputChannelCount: [1],
      channelCount: 1,
      channelCountMode: 'explicit',
    });
    node.port.onmessage = (event: MessageEvent<CaptureFrameMessage>) => {
      if (event.data?.type === 'frame') onFrame(new Int16Array(event.data.pcm));
    };
    source.connect(node);
    // Silent output, connected so the browser keeps calling the worklet.
    node.connect(context.destination);
    return {
      stop: () => {
        node.port.onmessage = null;
        source.disconnect();
        node.disconnect();
        for (const track of stream.getTracks()) track.stop();
      },
    };
  } catch (error) {
    for (const track of stream.getTracks()) track.stop();
    loaded.delete(context);
    throw new PageMicError('failed', errorMessage(error));
  }
}
