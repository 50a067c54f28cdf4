import { describe, expect, it } from 'vitest';
import {
  reduceTranscript,
  summarizeForReseed,
  type TranscriptAction,
  type TranscriptEntry,
} from '../../../main/realtime/transcript-reducer.js';

const fold = (actions: TranscriptAction[]) => actions.reduce<TranscriptEntry[]>((s, a) => reduceTranscript(s, a), []);

describe('transcript reducer', () => {
  it('streams deltas into one message and finalises it', () => {
    const entries = fold([
      { type: 'message_started', id: 'u1', role: 'user' },
      { type: 'text_delta', id: 'a1', role: 'assistant', delta: 'Hel' },
      { type: 'text_delta', id: 'a1', role: 'assistant', delta: 'lo' },
      { type: 'text_done', id: 'u1', role: 'user', text: 'hi there' },
      { type: 'text_done', id: 'a1', role: 'assistant' },
    ]);
    expect(entries).toEqual([
      { kind: 'message', id: 'u1', role: 'user', text: 'hi there', final: true },
      { kind: 'message', id: 'a1', role: 'assistant', text: 'Hello', final: true },
    ]);
  });

  it('records tool calls with their results and marks interrupted replies', () => {
    const entries = fold([
      { type: 'tool_called', callId: 'c1', name: 'light_on', arguments: '{"id":"light.k"}' },
      { type: 'tool_finished', callId: 'c1', ok: true, output: 'on' },
      { type: 'text_delta', id: 'a1', role: 'assistant', delta: 'Done, and' },
      { type: 'interrupted', id: 'a1' },
    ]);
    expect(entries[0]).toMatchObject({ kind: 'tool', callId: 'c1', ok: true, output: 'on' });
    expect(entries[1]).toMatchObject({ interrupted: true, final: true });
  });

  it('is pure: the input array is never changed', () => {
    const before: TranscriptEntry[] = [];
    reduceTranscript(before, { type: 'text_delta', id: 'a', role: 'assistant', delta: 'x' });
    expect(before).toEqual([]);
  });

  it('summarises the conversation for a new session within a budget, newest kept', () => {
    const entries = fold([
      { type: 'text_done', id: 'u1', role: 'user', text: 'first question '.repeat(20) },
      { type: 'text_done', id: 'a1', role: 'assistant', text: 'first answer' },
      { type: 'tool_called', callId: 'c1', name: 'light_on', arguments: '{}' },
      { type: 'tool_finished', callId: 'c1', ok: true, output: '{"state":"on"}' },
      { type: 'text_done', id: 'u2', role: 'user', text: 'second question' },
    ]);
    const full = summarizeForReseed(entries);
    expect(full.split('\n')).toHaveLength(4);
    expect(full).toContain('Tool light_on({}) → {"state":"on"}');
    const short = summarizeForReseed(entries, 100);
    expect(short.endsWith('User: second question')).toBe(true);
    expect(short).not.toContain('first question');
  });

  it('keeps the phase of assistant messages (a preamble, then the answer) and labels preambles when carried over', () => {
    const entries = fold([
      { type: 'text_done', id: 'u1', role: 'user', text: 'How warm is it?' },
      { type: 'message_started', id: 'a1', role: 'assistant', phase: 'commentary' },
      { type: 'text_done', id: 'a1', role: 'assistant', text: 'Checking the thermostat.' },
      { type: 'text_delta', id: 'a2', role: 'assistant', delta: 'It is 21' },
      { type: 'message_started', id: 'a2', role: 'assistant', phase: 'final_answer' },
      { type: 'text_done', id: 'a2', role: 'assistant', text: 'It is 21 degrees.' },
    ]);
    expect(entries.map((e) => e.kind === 'message' && [e.id, e.phase, e.text])).toEqual([
      ['u1', undefined, 'How warm is it?'],
      ['a1', 'commentary', 'Checking the thermostat.'],
      ['a2', 'final_answer', 'It is 21 degrees.'],
    ]);
    expect(summarizeForReseed(entries)).toBe(
      'User: How warm is it?\nAssistant (preamble): Checking the thermostat.\nAssistant: It is 21 degrees.',
    );
  });
});
