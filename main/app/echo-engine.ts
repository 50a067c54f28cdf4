import { EchoCancellingMicSource } from '../audio/echo/echo-cancelling-mic-source.js';
import type { EchoEngine } from './echo-control.js';

/**
 * The echo engine every host uses (compose.ts): main/audio/echo's canceller (WebRTC AEC3 in a worker).
 * The self-test's signal and measurement are not in main/audio/echo yet: `echo:self-test` answers
 * `unavailable` until they are.
 */
export const defaultEchoEngine: EchoEngine = {
  createCanceller: (mic, { clock, delayHintMs }) => new EchoCancellingMicSource(mic, { ...(clock ? { clock } : {}), delayHintMs }),
  selfTest: null,
};
