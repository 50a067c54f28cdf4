/**
 * Push-to-talk as a pure function: (snapshot, event, config) → (snapshot, effects). Key events come from a
 * KeyHook (with key-up) or a global shortcut (key-down only); commands go to the lead's controller, which
 * maps them onto the lifecycle machine:
 *
 *   start { source: 'push-to-talk', hold }  →  trigger { source: 'push-to-talk' }   (hold: turn detection off)
 *   release                                 →  ptt_released                          (commit the turn)
 *   stop { reason }                         →  stop                                  (discard, close the mic)
 *   latch                                   →  nothing required (UI hint: "tap again to send")
 *
 * Rules (README.md has the table):
 *
 * toggle mode: a press starts a turn; the next press commits it (release). Key-ups are ignored.
 * hold mode:   key-down starts a turn, key-up commits it. A press shorter than `tapMs` latches instead (the
 *              mic stays open, turn detection stays off, the next press commits): tap-to-toggle.
 * both:        auto-repeat key-downs while the key is held are ignored (with key-up: any down while the key
 *              is down; key-down only: any down less than `repeatGapMs` after the previous down). A key-up
 *              with no press is ignored. `turn_ended` (the lifecycle machine left the user's turn: VAD
 *              committed, stop, error) returns to idle without a command.
 * lost key-up: in hold mode (holding or latched) the turn is stopped after `maxHoldMs` (60 s): the mic never
 *              stays open forever. With key-up, a key-down while the key is believed down counts as a new
 *              press once `stuckKeyMs` has passed since the last down (the up was lost); while holding that
 *              press just continues the hold, so its key-up commits.
 */

export type PushToTalkMode = 'hold' | 'toggle';

export type PushToTalkConfig = {
  mode: PushToTalkMode;
  /** The source reports key-up (uiohook). Electron's globalShortcut does not; hold mode needs it. */
  keyUp: boolean;
  /** Hold mode: a press shorter than this latches (tap-to-toggle). 0 turns latching off. Default 300. */
  tapMs?: number;
  /** Hold mode: stop a turn held (or latched) this long; covers a lost key-up. Default 60 000. */
  maxHoldMs?: number;
  /** Key-down-only sources: a down this soon after the previous down is auto-repeat. Default 500. */
  repeatGapMs?: number;
  /** Key-up sources: a down while the key is believed down is a new press after this long (lost key-up). Default 2000. */
  stuckKeyMs?: number;
};

export const PUSH_TO_TALK_DEFAULTS = { tapMs: 300, maxHoldMs: 60_000, repeatGapMs: 500, stuckKeyMs: 2_000 } as const;

export type PushToTalkPhase =
  /** Nothing going on. */
  | 'idle'
  /** Hold mode: the key is held, the user is talking. */
  | 'holding'
  /** Hold mode: a short tap left the mic open; the next press commits. */
  | 'latched'
  /** Toggle mode: the mic is open; the next press commits. */
  | 'toggled';

export type PushToTalkSnapshot = {
  phase: PushToTalkPhase;
  /** Whether the hotkey is believed to be down (sources with key-up). */
  keyDown: boolean;
  /** Time of the last key-down event, repeats included. */
  lastDownAtMs: number | null;
  /** When the current turn's press happened. */
  pressedAtMs: number | null;
};

export type PushToTalkEvent =
  | { type: 'key_down'; atMs: number }
  | { type: 'key_up'; atMs: number }
  /** The max-hold timer fired. */
  | { type: 'max_hold_elapsed' }
  /** The lifecycle machine is no longer taking the user's turn (committed by VAD, stopped, failed). */
  | { type: 'turn_ended' };

export type PushToTalkCommand =
  { type: 'start'; source: 'push-to-talk'; hold: boolean } | { type: 'release' } | { type: 'stop'; reason: 'max-hold' } | { type: 'latch' };

export type PushToTalkEffect = PushToTalkCommand | { type: 'start-max-hold-timer'; ms: number } | { type: 'cancel-max-hold-timer' };

export type PushToTalkTransition = { snapshot: PushToTalkSnapshot; effects: PushToTalkEffect[] };

export const INITIAL_PUSH_TO_TALK: PushToTalkSnapshot = Object.freeze({
  phase: 'idle',
  keyDown: false,
  lastDownAtMs: null,
  pressedAtMs: null,
});

export function pushToTalkTransition(snapshot: PushToTalkSnapshot, event: PushToTalkEvent, config: PushToTalkConfig): PushToTalkTransition {
  const tapMs = config.tapMs ?? PUSH_TO_TALK_DEFAULTS.tapMs;
  const maxHoldMs = config.maxHoldMs ?? PUSH_TO_TALK_DEFAULTS.maxHoldMs;
  const repeatGapMs = config.repeatGapMs ?? PUSH_TO_TALK_DEFAULTS.repeatGapMs;
  const stuckKeyMs = config.stuckKeyMs ?? PUSH_TO_TALK_DEFAULTS.stuckKeyMs;
  const hold = config.mode === 'hold' && config.keyUp;
  const next: PushToTalkSnapshot = { ...snapshot };
  const effects: PushToTalkEffect[] = [];
  const done = (): PushToTalkTransition => ({ snapshot: next, effects });
  const toIdle = (): PushToTalkTransition => {
    if (snapshot.phase === 'holding' || snapshot.phase === 'latched') effects.push({ type: 'cancel-max-hold-timer' });
    next.phase = 'idle';
    next.pressedAtMs = null;
    return done();
  };

  switch (event.type) {
    case 'key_down': {
      const sinceLast = snapshot.lastDownAtMs === null ? Number.POSITIVE_INFINITY : event.atMs - snapshot.lastDownAtMs;
      const repeat = config.keyUp ? snapshot.keyDown && sinceLast < stuckKeyMs : sinceLast < repeatGapMs;
      next.lastDownAtMs = event.atMs;
      next.keyDown = true;
      if (repeat) return done();
      switch (snapshot.phase) {
        case 'idle':
          next.phase = hold ? 'holding' : 'toggled';
          next.pressedAtMs = event.atMs;
          effects.push({ type: 'start', source: 'push-to-talk', hold });
          if (hold) effects.push({ type: 'start-max-hold-timer', ms: maxHoldMs });
          return done();
        case 'holding':
          // The previous key-up was lost and this is a new press: keep holding; its key-up commits.
          return done();
        case 'latched':
        case 'toggled':
          effects.push({ type: 'release' });
          return toIdle();
      }
      return done();
    }

    case 'key_up': {
      const wasDown = snapshot.keyDown;
      next.keyDown = false;
      if (!hold || snapshot.phase !== 'holding' || !wasDown) return done(); // toggle mode, or a release without a press
      const heldMs = event.atMs - (snapshot.pressedAtMs ?? event.atMs);
      if (tapMs > 0 && heldMs < tapMs) {
        next.phase = 'latched';
        effects.push({ type: 'latch' });
        return done();
      }
      effects.push({ type: 'release' });
      return toIdle();
    }

    case 'max_hold_elapsed':
      if (snapshot.phase !== 'holding' && snapshot.phase !== 'latched') return done();
      effects.push({ type: 'stop', reason: 'max-hold' });
      next.phase = 'idle';
      next.pressedAtMs = null;
      return done();

    case 'turn_ended':
      if (snapshot.phase === 'idle') return done();
      return toIdle();
  }
}
