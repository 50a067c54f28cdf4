import type { WireError } from '../../preload/contract/wire-error.js';

/**
 * The conversation lifecycle as a pure function: (snapshot, event) → (snapshot, effects). The
 * controller executes the effects; nothing here touches a socket, a timer or a microphone.
 *
 *   idle / listening-for-wake-word ──trigger──▶ connecting ──ready──▶ conversing ──done──▶ follow-up
 *          ▲                                                     ▲          │                │
 *          └──────────── follow-up window / stop / goodbye ───────┼──────────┘◀── speech ─────┘
 *                                                                  error (permanent or gave up)
 */

import type { AssistantState, ConversingPhase, TriggerSource } from '../../preload/contract/types.js';

export type { AssistantState, ConversingPhase, TriggerSource };

export type MachineContext = {
  /** With a wake-word engine the app rests listening for it; without one it rests idle. */
  wakeWordEnabled: boolean;
  sessionOpen: boolean;
  /** The conversation uses the microphone (false for one started by typing). */
  voice: boolean;
  /** The model asked to end the conversation once its reply has played. */
  endRequested: boolean;
  /** Typed while the session was still connecting. */
  pendingText: string[];
  /** A push-to-talk key is held: no listen window, the release ends the turn. */
  holding: boolean;
  /** The key was released while connecting; commit the turn once the session is ready. */
  pendingCommit: boolean;
  followUpMs: number;
  idleTimeoutMs: number;
};

export type MachineSnapshot = { state: AssistantState; context: MachineContext };

export type TimerName = 'listen' | 'idle';

export type MachineEvent =
  /** `hold`: a push-to-talk key held down; the turn ends on release, not by voice detection. */
  | { type: 'trigger'; source: TriggerSource; text?: string; hold?: boolean }
  | { type: 'stop' }
  | { type: 'session_ready' }
  | { type: 'session_reconnecting' }
  | { type: 'session_closed' }
  | { type: 'session_failed'; error: WireError }
  | { type: 'speech_started' }
  | { type: 'speech_stopped' }
  | { type: 'response_started' }
  | { type: 'assistant_audio_started' }
  | { type: 'tool_started'; name: string }
  | { type: 'tool_finished' }
  | { type: 'assistant_done' }
  | { type: 'end_requested' }
  | { type: 'timer_expired'; timer: TimerName }
  /** The state outlived its watchdog limit (see `watchdogLimitMs`): something upstream hangs. */
  | { type: 'stuck'; error: WireError }
  | { type: 'ptt_released' }
  | { type: 'clear_context' }
  | { type: 'wake_word_enabled'; enabled: boolean }
  | { type: 'timeouts_changed'; followUpMs: number; idleTimeoutMs: number };

export type Effect =
  | { type: 'open-session' }
  | { type: 'close-session' }
  | { type: 'mic-gate'; open: boolean }
  | { type: 'send-text'; text: string }
  | { type: 'interrupt' }
  | { type: 'commit-turn' }
  /** Push-to-talk hold turns are committed by the key, so the server must not detect turns meanwhile. */
  | { type: 'manual-turns'; on: boolean }
  | { type: 'start-timer'; timer: TimerName; ms: number }
  | { type: 'cancel-timer'; timer: TimerName }
  | { type: 'clear-context' };

export type Transition = { snapshot: MachineSnapshot; effects: Effect[] };

export function initialSnapshot(options: { wakeWordEnabled: boolean; followUpMs: number; idleTimeoutMs: number }): MachineSnapshot {
  const context: MachineContext = {
    wakeWordEnabled: options.wakeWordEnabled,
    sessionOpen: false,
    voice: false,
    endRequested: false,
    pendingText: [],
    holding: false,
    pendingCommit: false,
    followUpMs: options.followUpMs,
    idleTimeoutMs: options.idleTimeoutMs,
  };
  return { state: restingState(context), context };
}

export function restingState(context: MachineContext): AssistantState {
  return context.wakeWordEnabled ? { kind: 'listening-for-wake-word' } : { kind: 'idle' };
}

export function isResting(state: AssistantState): boolean {
  return state.kind === 'idle' || state.kind === 'listening-for-wake-word';
}

const conversing = (phase: ConversingPhase, tool?: string): AssistantState =>
  tool === undefined ? { kind: 'conversing', phase } : { kind: 'conversing', phase, tool };

/**
 * How long each state may last before the assistant gives up on it. A lost event (a speech_stopped
 * that never comes, a tool that never returns, a player that never drains) must not leave the
 * microphone open or the assistant deaf to its wake word; the limits are far above any real turn.
 */
export function watchdogLimitMs(state: AssistantState): number | null {
  // Above the transport's own give-up (3 first attempts, 8 reconnects, 15 s each): this catches what it cannot see.
  if (state.kind === 'connecting') return state.reconnecting ? 240_000 : 60_000;
  if (state.kind !== 'conversing') return null;
  switch (state.phase) {
    case 'listening':
      return 150_000; // a held push-to-talk key; the listen window (at most 120 s) normally ends it first
    case 'user-speaking':
      return 60_000;
    case 'thinking':
      return 30_000;
    case 'running-tool':
      return 45_000;
    case 'assistant-speaking':
      return 300_000;
  }
}

export function transition(snapshot: MachineSnapshot, event: MachineEvent): Transition {
  const { state } = snapshot;
  const ctx = { ...snapshot.context, pendingText: [...snapshot.context.pendingText] };
  const effects: Effect[] = [];
  const to = (next: AssistantState): Transition => ({ snapshot: { state: next, context: ctx }, effects });
  const stay = (): Transition => to(state);

  /** Back to rest: the microphone stops going to OpenAI; the session stays warm until the idle timeout. */
  const rest = (): Transition => {
    effects.push({ type: 'mic-gate', open: false }, { type: 'cancel-timer', timer: 'listen' });
    ctx.voice = false;
    ctx.endRequested = false;
    if (ctx.holding) effects.push({ type: 'manual-turns', on: false });
    ctx.holding = false;
    ctx.pendingCommit = false;
    if (ctx.sessionOpen) effects.push({ type: 'start-timer', timer: 'idle', ms: ctx.idleTimeoutMs });
    return to(restingState(ctx));
  };
  const listenWindow = () => effects.push({ type: 'start-timer', timer: 'listen', ms: ctx.followUpMs });

  switch (event.type) {
    case 'trigger': {
      const isText = event.source === 'text';
      const text = event.text?.trim();
      const hold = event.hold === true && !isText;
      if (hold) {
        ctx.holding = true;
        effects.push({ type: 'manual-turns', on: true });
      }
      const window = () => {
        if (!hold) listenWindow();
      };
      if (state.kind === 'connecting') {
        if (isText && text) ctx.pendingText.push(text);
        if (!isText && !ctx.voice) {
          ctx.voice = true;
          effects.push({ type: 'mic-gate', open: true });
        }
        return stay();
      }
      if (state.kind === 'conversing' || state.kind === 'follow-up') {
        effects.push({ type: 'cancel-timer', timer: 'listen' });
        if (
          state.kind === 'conversing' &&
          (state.phase === 'assistant-speaking' || state.phase === 'thinking' || state.phase === 'running-tool')
        ) {
          if (!(isText && state.phase === 'running-tool')) effects.push({ type: 'interrupt' });
        }
        if (isText) {
          if (text) effects.push({ type: 'send-text', text });
          return to(conversing('thinking'));
        }
        if (!ctx.voice) {
          ctx.voice = true;
          effects.push({ type: 'mic-gate', open: true });
        }
        window();
        return to(conversing('listening'));
      }
      // From rest or an error: a new conversation. The session opens first so that audio the
      // gate lets through from now on is kept while it connects.
      if (isText && !text) return stay();
      effects.push({ type: 'cancel-timer', timer: 'idle' });
      ctx.voice = !isText;
      ctx.endRequested = false;
      if (!ctx.sessionOpen) effects.push({ type: 'open-session' });
      if (ctx.voice) effects.push({ type: 'mic-gate', open: true });
      if (ctx.sessionOpen) {
        if (text) {
          effects.push({ type: 'send-text', text });
          return to(conversing('thinking'));
        }
        window();
        return to(conversing('listening'));
      }
      if (text) ctx.pendingText = [text];
      return to({ kind: 'connecting', source: event.source, reconnecting: false });
    }

    case 'session_ready': {
      ctx.sessionOpen = true;
      if (state.kind !== 'connecting') return stay();
      const texts = ctx.pendingText;
      ctx.pendingText = [];
      for (const text of texts) effects.push({ type: 'send-text', text });
      if (texts.length > 0) return to(conversing('thinking'));
      if (ctx.pendingCommit) {
        ctx.pendingCommit = false;
        effects.push({ type: 'commit-turn' }, { type: 'manual-turns', on: false });
        return to(conversing('thinking'));
      }
      if (!ctx.voice) return rest();
      if (!ctx.holding) listenWindow();
      return to(conversing('listening'));
    }

    case 'session_reconnecting':
      if (state.kind === 'conversing' || state.kind === 'follow-up') {
        effects.push({ type: 'cancel-timer', timer: 'listen' });
        return to({ kind: 'connecting', source: 'menu', reconnecting: true });
      }
      return stay();

    case 'session_closed':
      ctx.sessionOpen = false;
      effects.push({ type: 'cancel-timer', timer: 'idle' });
      if (isResting(state) || state.kind === 'error') return stay();
      return rest();

    case 'session_failed':
      ctx.sessionOpen = false;
      ctx.pendingText = [];
      ctx.voice = false;
      ctx.holding = false;
      ctx.pendingCommit = false;
      effects.push({ type: 'mic-gate', open: false }, { type: 'cancel-timer', timer: 'listen' }, { type: 'cancel-timer', timer: 'idle' });
      return to({ kind: 'error', error: event.error });

    case 'speech_started':
      if (state.kind === 'follow-up' || state.kind === 'conversing') {
        effects.push({ type: 'cancel-timer', timer: 'listen' });
        return to(conversing('user-speaking'));
      }
      return stay();

    case 'speech_stopped':
      if (state.kind === 'conversing' && state.phase === 'user-speaking') return to(conversing('thinking'));
      return stay();

    case 'response_started':
      if (state.kind === 'follow-up' || (state.kind === 'conversing' && state.phase !== 'assistant-speaking')) {
        effects.push({ type: 'cancel-timer', timer: 'listen' });
        return to(conversing('thinking'));
      }
      return stay();

    case 'assistant_audio_started':
      if (state.kind === 'conversing' || state.kind === 'follow-up') return to(conversing('assistant-speaking'));
      return stay();

    case 'tool_started':
      if (state.kind === 'conversing' || state.kind === 'follow-up') return to(conversing('running-tool', event.name));
      return stay();

    case 'tool_finished':
      if (state.kind === 'conversing' && state.phase === 'running-tool') return to(conversing('thinking'));
      return stay();

    case 'assistant_done':
      if (state.kind !== 'conversing' || state.phase === 'user-speaking' || state.phase === 'listening') return stay();
      if (ctx.endRequested) {
        // A goodbye: close now rather than keep a warm session for the idle timeout.
        ctx.sessionOpen = false;
        effects.push({ type: 'close-session' });
        return rest();
      }
      if (ctx.voice && ctx.followUpMs > 0) {
        listenWindow();
        return to({ kind: 'follow-up' });
      }
      return rest();

    case 'end_requested':
      ctx.endRequested = true;
      return stay();

    case 'timer_expired':
      if (event.timer === 'listen') {
        if (state.kind === 'follow-up' || (state.kind === 'conversing' && state.phase === 'listening')) return rest();
        return stay();
      }
      if (isResting(state) && ctx.sessionOpen) {
        ctx.sessionOpen = false;
        effects.push({ type: 'close-session' });
      }
      return stay();

    case 'stuck':
      if (state.kind === 'connecting') {
        ctx.pendingText = [];
        ctx.sessionOpen = false;
        ctx.voice = false;
        ctx.holding = false;
        ctx.pendingCommit = false;
        effects.push({ type: 'close-session' }, { type: 'mic-gate', open: false }, { type: 'cancel-timer', timer: 'listen' });
        return to({ kind: 'error', error: event.error });
      }
      if (state.kind === 'conversing') {
        effects.push({ type: 'interrupt' });
        return rest();
      }
      return stay();

    case 'stop':
      if (state.kind === 'error') return to(restingState(ctx));
      if (state.kind === 'connecting') {
        ctx.pendingText = [];
        ctx.sessionOpen = false;
        effects.push({ type: 'close-session' });
        return rest();
      }
      if (state.kind === 'conversing' || state.kind === 'follow-up') {
        effects.push({ type: 'interrupt' });
        return rest();
      }
      return stay();

    case 'ptt_released': {
      const wasHolding = ctx.holding;
      ctx.holding = false;
      const afterCommit: Effect[] = wasHolding ? [{ type: 'manual-turns', on: false }] : [];
      if (state.kind === 'conversing' && (state.phase === 'listening' || state.phase === 'user-speaking')) {
        effects.push({ type: 'cancel-timer', timer: 'listen' }, { type: 'commit-turn' }, ...afterCommit);
        return to(conversing('thinking'));
      }
      if (state.kind === 'connecting' && wasHolding) {
        // Released before the session was ready: commit once it is (the audio is kept meanwhile).
        ctx.pendingCommit = true;
        return stay();
      }
      effects.push(...afterCommit);
      return stay();
    }

    case 'clear_context':
      effects.push({ type: 'clear-context' });
      return stay();

    case 'wake_word_enabled':
      ctx.wakeWordEnabled = event.enabled;
      return isResting(state) ? to(restingState(ctx)) : stay();

    case 'timeouts_changed':
      ctx.followUpMs = event.followUpMs;
      ctx.idleTimeoutMs = event.idleTimeoutMs;
      return stay();
  }
}
