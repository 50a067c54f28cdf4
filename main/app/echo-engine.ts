import type { EchoEngine } from './echo-control.js';

/**
 * The echo engine every host uses (compose.ts), from main/audio/echo. Null until the canceller is part
 * of the build: auto duplex then means half duplex, and the self-test answers `unavailable`.
 */
export const defaultEchoEngine: EchoEngine | null = null;
