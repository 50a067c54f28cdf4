import { EchoCancellingMicSource } from '../audio/echo/echo-cancelling-mic-source.js';
import { measureEchoPath, selfTestSignal } from '../audio/echo/echo-self-test.js';
import type { EchoEngine } from './echo-control.js';

/** The echo engine every host uses (compose.ts): main/audio/echo's canceller (WebRTC AEC3 in a worker) and self-test. */
export const defaultEchoEngine: EchoEngine = {
  createCanceller: (mic, { clock, delayHintMs }) => new EchoCancellingMicSource(mic, { ...(clock ? { clock } : {}), delayHintMs }),
  selfTest: { signal: selfTestSignal, measure: measureEchoPath },
};
