/**
 * The echo path's shared types (issue 10). The echo canceller lives in `main/audio/echo/`; the app
 * wires it between the microphone and everything that listens to it (wake word, session), and
 * feeds it what the player reports as played.
 */

/** Assistant audio exactly as it left the player: 24 kHz (PLAYER_SAMPLE_RATE) PCM16 mono. */
export type PlayedAudio = {
  samples: Int16Array;
  /** When the first of these samples was played, on the app's clock (`Clock.now()`, ms). */
  playedAtMs: number;
};

/** What the running canceller knows about the echo path, for logs, the settings page and the bench. */
export type EchoStats = {
  /** False while the canceller passes the microphone through untouched (half duplex, headset). */
  enabled: boolean;
  /** The bulk delay from player to microphone currently compensated, ms (null: not yet estimated). */
  delayMs: number | null;
  /** Echo return loss enhancement over the last second in which Hearth spoke, dB (null: not measured). */
  erleDb: number | null;
  framesProcessed: number;
  /** Mean processing time per 32 ms frame, ms. */
  meanProcessMs: number;
};

/** The echo self-test's result: measured on this device, with the duplex mode it recommends. */
export type EchoPathMeasurement = {
  /** Player-to-microphone delay, ms (null: no echo found, e.g. a headset or a muted speaker). */
  delayMs: number | null;
  /** Echo level at the microphone relative to the played signal, dB (null: no echo found). */
  echoLevelDb: number | null;
  /** ERLE once converged (the test signal's last part), dB. */
  erleDb: number | null;
  /** ERLE over the test signal's first second, dB. */
  erleFirstSecondDb: number | null;
  /** `full`: cancel and listen while speaking; `half`: the echo path is too bad, close the mic. */
  recommended: 'full' | 'half';
  /** Why, in one sentence (English; the renderer shows its own text by `reason`). */
  reason: 'no-echo' | 'cancelled' | 'too-much-echo' | 'no-signal' | 'delay-out-of-range';
};
