import { describe, expect, it } from 'vitest';
import { initialSnapshot, transition, type Effect, type MachineEvent, type MachineSnapshot } from '../../../main/app/assistant-machine.js';

const ERROR = { name: 'OpenAIRealtimeError', source: 'openai', category: 'authentication', permanent: true, message: 'bad key' } as const;

/** Events in, every (state, effects) out: the pipecat-style harness for the pure machine. */
function run(
  events: MachineEvent[],
  start: MachineSnapshot = initialSnapshot({ wakeWordEnabled: true, followUpMs: 8000, idleTimeoutMs: 30000 }),
) {
  let snapshot = start;
  const steps: Array<{ state: string; effects: Effect[] }> = [];
  for (const event of events) {
    const result = transition(snapshot, event);
    snapshot = result.snapshot;
    const s = snapshot.state;
    steps.push({ state: s.kind === 'conversing' ? `conversing:${s.phase}` : s.kind, effects: result.effects });
  }
  return { snapshot, steps, states: steps.map((s) => s.state), effects: steps.flatMap((s) => s.effects) };
}

/** The wake word, and the session ready: the conversation listens. */
const WOKEN: MachineEvent[] = [{ type: 'trigger', source: 'wake-word' }, { type: 'session_ready' }];
/** The user says something and stops. */
const USER_TURN: MachineEvent[] = [{ type: 'speech_started' }, { type: 'speech_stopped' }];

describe('assistant machine', () => {
  it('runs a whole voice turn from the wake word to rest', () => {
    const { states, steps } = run([
      ...WOKEN,
      ...USER_TURN,
      { type: 'response_started' },
      { type: 'assistant_audio_started' },
      { type: 'assistant_done' },
      { type: 'timer_expired', timer: 'listen' },
      { type: 'timer_expired', timer: 'idle' },
    ]);
    expect(states).toEqual([
      'connecting',
      'conversing:listening',
      'conversing:user-speaking',
      'conversing:thinking',
      'conversing:thinking',
      'conversing:assistant-speaking',
      'follow-up',
      'listening-for-wake-word',
      'listening-for-wake-word',
    ]);
    // The session opens before the gate, so the audio let through is kept while it connects.
    expect(steps[0]!.effects).toEqual([
      { type: 'cancel-timer', timer: 'idle' },
      { type: 'open-session' },
      { type: 'mic-gate', open: true },
    ]);
    expect(steps[6]!.effects).toContainEqual({ type: 'start-timer', timer: 'listen', ms: 8000 });
    expect(steps[7]!.effects).toEqual(
      expect.arrayContaining([
        { type: 'mic-gate', open: false },
        { type: 'start-timer', timer: 'idle', ms: 30000 },
      ]),
    );
    expect(steps[8]!.effects).toEqual([{ type: 'close-session' }]);
  });

  it('opens the microphone gate only after a trigger (privacy)', () => {
    const { effects } = run([{ type: 'speech_started' }, { type: 'response_started' }, { type: 'assistant_done' }]);
    expect(effects.filter((e) => e.type === 'mic-gate')).toEqual([]);
  });

  it('continues in the follow-up window without the wake word', () => {
    const { states, effects } = run([
      ...WOKEN,
      ...USER_TURN,
      { type: 'response_started' },
      { type: 'assistant_done' },
      { type: 'speech_started' },
    ]);
    expect(states.at(-2)).toBe('follow-up');
    expect(states.at(-1)).toBe('conversing:user-speaking');
    expect(effects.at(-1)).toEqual({ type: 'cancel-timer', timer: 'listen' });
  });

  it('reuses a warm session without connecting again', () => {
    const first = run([{ type: 'trigger', source: 'menu' }, { type: 'session_ready' }, { type: 'stop' }]);
    expect(first.states.at(-1)).toBe('listening-for-wake-word');
    const second = run([{ type: 'trigger', source: 'wake-word' }], first.snapshot);
    expect(second.states).toEqual(['conversing:listening']);
    expect(second.effects).not.toContainEqual({ type: 'open-session' });
    expect(second.effects).toContainEqual({ type: 'cancel-timer', timer: 'idle' });
  });

  it('holds text typed while connecting and sends it once ready, without opening the microphone', () => {
    const { states, effects } = run([
      { type: 'trigger', source: 'text', text: 'turn on the lights' },
      { type: 'trigger', source: 'text', text: 'and the fan' },
      { type: 'session_ready' },
      { type: 'response_started' },
      { type: 'assistant_done' },
    ]);
    expect(states).toEqual(['connecting', 'connecting', 'conversing:thinking', 'conversing:thinking', 'listening-for-wake-word']);
    expect(effects.filter((e) => e.type === 'send-text')).toEqual([
      { type: 'send-text', text: 'turn on the lights' },
      { type: 'send-text', text: 'and the fan' },
    ]);
    expect(effects).not.toContainEqual({ type: 'mic-gate', open: true });
  });

  it('interrupts the assistant on a wake word or stop, and rests', () => {
    const speaking = run([...WOKEN, { type: 'response_started' }, { type: 'assistant_audio_started' }]).snapshot;
    const wake = run([{ type: 'trigger', source: 'wake-word' }], speaking);
    expect(wake.states).toEqual(['conversing:listening']);
    expect(wake.effects).toContainEqual({ type: 'interrupt' });
    const stop = run([{ type: 'stop' }], speaking);
    expect(stop.states).toEqual(['listening-for-wake-word']);
    expect(stop.effects).toContainEqual({ type: 'interrupt' });
    expect(stop.effects).toContainEqual({ type: 'mic-gate', open: false });
  });

  it('ends after a goodbye by closing the session at once', () => {
    const { states, effects } = run([...WOKEN, { type: 'response_started' }, { type: 'end_requested' }, { type: 'assistant_done' }]);
    expect(states.at(-1)).toBe('listening-for-wake-word');
    expect(effects).toContainEqual({ type: 'close-session' });
    expect(effects).not.toContainEqual({ type: 'start-timer', timer: 'idle', ms: 30000 });
  });

  it('gives up listening when nobody speaks after the trigger', () => {
    const { states } = run([...WOKEN, { type: 'timer_expired', timer: 'listen' }]);
    expect(states.at(-1)).toBe('listening-for-wake-word');
  });

  it('shows tools running and goes back to thinking', () => {
    const { snapshot, states } = run([
      { type: 'trigger', source: 'menu' },
      { type: 'session_ready' },
      ...USER_TURN,
      { type: 'response_started' },
      { type: 'tool_started', name: 'light_turn_on' },
    ]);
    expect(snapshot.state).toEqual({ kind: 'conversing', phase: 'running-tool', tool: 'light_turn_on' });
    expect(run([{ type: 'tool_finished' }], snapshot).states).toEqual(['conversing:thinking']);
    expect(states).toContain('conversing:thinking');
  });

  it('enters an error state on a fatal failure and leaves it on the next trigger', () => {
    const failed = run([
      { type: 'trigger', source: 'wake-word' },
      { type: 'session_failed', error: ERROR },
    ]);
    expect(failed.snapshot.state).toEqual({ kind: 'error', error: ERROR });
    expect(failed.effects).toContainEqual({ type: 'mic-gate', open: false });
    const retry = run([{ type: 'trigger', source: 'wake-word' }], failed.snapshot);
    expect(retry.states).toEqual(['connecting']);
    expect(retry.effects).toContainEqual({ type: 'open-session' });
    expect(run([{ type: 'stop' }], failed.snapshot).states).toEqual(['listening-for-wake-word']);
  });

  it('shows a reconnect as connecting and returns to the conversation', () => {
    const { states } = run([
      { type: 'trigger', source: 'menu' },
      { type: 'session_ready' },
      { type: 'session_reconnecting' },
      { type: 'session_ready' },
    ]);
    expect(states).toEqual(['connecting', 'conversing:listening', 'connecting', 'conversing:listening']);
  });

  it('commits a push-to-talk hold turn on release, with voice detection off while held', () => {
    const { states, steps, effects } = run([
      { type: 'trigger', source: 'push-to-talk', hold: true },
      { type: 'session_ready' },
      { type: 'ptt_released' },
    ]);
    expect(states.at(-1)).toBe('conversing:thinking');
    expect(steps[0]!.effects[0]).toEqual({ type: 'manual-turns', on: true });
    // No listen window while the key is held: the user may think before speaking.
    expect(effects.filter((e) => e.type === 'start-timer' && e.timer === 'listen')).toEqual([]);
    expect(steps[2]!.effects).toEqual([
      { type: 'cancel-timer', timer: 'listen' },
      { type: 'commit-turn' },
      { type: 'manual-turns', on: false },
    ]);
  });

  it('commits a hold turn released while still connecting once the session is ready', () => {
    const { states, steps } = run([
      { type: 'trigger', source: 'push-to-talk', hold: true },
      { type: 'ptt_released' },
      { type: 'session_ready' },
    ]);
    expect(states).toEqual(['connecting', 'connecting', 'conversing:thinking']);
    expect(steps[2]!.effects).toEqual([{ type: 'commit-turn' }, { type: 'manual-turns', on: false }]);
  });

  it('rests idle instead of listening when there is no wake word', () => {
    const start = initialSnapshot({ wakeWordEnabled: false, followUpMs: 8000, idleTimeoutMs: 30000 });
    expect(start.state.kind).toBe('idle');
    const enabled = run([{ type: 'wake_word_enabled', enabled: true }], start);
    expect(enabled.states).toEqual(['listening-for-wake-word']);
  });

  it('passes the clear-context command through as an effect', () => {
    const { effects, states } = run([{ type: 'clear_context' }]);
    expect(effects).toEqual([{ type: 'clear-context' }]);
    expect(states).toEqual(['listening-for-wake-word']);
  });

  it('ignores assistant_done while the user is already speaking again', () => {
    const { states } = run([
      { type: 'trigger', source: 'menu' },
      { type: 'session_ready' },
      { type: 'response_started' },
      { type: 'speech_started' },
      { type: 'assistant_done' },
    ]);
    expect(states.at(-1)).toBe('conversing:user-speaking');
  });
});
