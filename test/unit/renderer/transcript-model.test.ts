import { describe, expect, it } from 'vitest';
import type { TranscriptItem } from '../../../preload/contract/types.js';
import { createTranslator } from '../../../renderer/i18n/i18n.js';
import {
  describeArguments,
  isStreaming,
  recentEntries,
  summarizeOutput,
  toolTitle,
  transcriptEntries,
} from '../../../renderer/features/transcript/transcript-model.js';

const t = createTranslator('en');
const msg = (id: string, role: 'user' | 'assistant', text: string, final = true, interrupted?: boolean): TranscriptItem => ({
  kind: 'message',
  id,
  role,
  text,
  final,
  ...(interrupted ? { interrupted } : {}),
});
const tool = (id: string, name: string, args: string, output?: string, ok?: boolean): TranscriptItem => ({
  kind: 'tool',
  id,
  callId: `call_${id}`,
  name,
  arguments: args,
  ...(output !== undefined ? { output } : {}),
  ...(ok !== undefined ? { ok } : {}),
});

describe('transcript grouping', () => {
  it('groups consecutive tool calls into one actions block between the messages', () => {
    const entries = transcriptEntries(
      [
        msg('u1', 'user', 'Lights off downstairs'),
        tool('t1', 'find_devices', '{"area":"downstairs"}', '{"total":2,"devices":[]}', true),
        tool('t2', 'turn_on_off', '{"entities":["light.a","light.b"],"action":"turn_off"}', undefined),
        msg('a1', 'assistant', 'Done.'),
      ],
      t,
    );
    expect(entries.map((e) => e.kind)).toEqual(['message', 'actions', 'message']);
    const actions = entries[1]!;
    expect(actions.kind === 'actions' && actions.calls.map((c) => [c.title, c.status])).toEqual([
      ['Find devices', 'done'],
      ['Turn on or off', 'running'],
    ]);
  });

  it('names the speaker once per run of messages, again after actions', () => {
    const entries = transcriptEntries(
      [
        msg('a1', 'assistant', 'Hello.'),
        msg('a2', 'assistant', 'Anything else?'),
        msg('u1', 'user', 'Yes'),
        tool('t', 'get_states', '{}', '{}'),
        msg('u2', 'user', 'and?'),
      ],
      t,
    );
    const firsts = entries.filter((e) => e.kind === 'message').map((e) => (e.kind === 'message' ? [e.id, e.first] : null));
    expect(firsts).toEqual([
      ['a1', true],
      ['a2', false],
      ['u1', true],
      ['u2', true],
    ]);
  });

  it('marks assistant preambles (phase commentary) apart from answers; the speaker is named once', () => {
    const entries = transcriptEntries(
      [
        msg('u1', 'user', 'How warm is it?'),
        { ...msg('a1', 'assistant', 'Checking the thermostat…'), phase: 'commentary' } as TranscriptItem,
        tool('t1', 'get_states', '{}', '{}'),
        { ...msg('a2', 'assistant', 'It is 21 degrees.'), phase: 'final_answer' } as TranscriptItem,
        msg('a3', 'assistant', 'Anything else?'),
      ],
      t,
    );
    const messages = entries.filter((e) => e.kind === 'message');
    expect(messages.map((e) => e.kind === 'message' && [e.id, e.preamble])).toEqual([
      ['u1', false],
      ['a1', true],
      ['a2', false],
      ['a3', false],
    ]);
  });

  it('keeps streaming and interrupted replies marked, and drops empty final user turns', () => {
    const entries = transcriptEntries(
      [msg('u0', 'user', '  ', true), msg('a1', 'assistant', 'It is 12 degr', true, true), msg('a2', 'assistant', 'Str', false)],
      t,
    );
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({ id: 'a1', interrupted: true, final: true });
    expect(entries[1]).toMatchObject({ id: 'a2', final: false });
    expect(isStreaming([msg('a', 'assistant', 'x', false)])).toBe(true);
    expect(isStreaming([tool('t', 'get_states', '{}')])).toBe(true);
    expect(isStreaming([msg('a', 'assistant', 'x', true), tool('t', 'get_states', '{}', '{}')])).toBe(false);
  });

  it('keeps only the last entries for the kiosk', () => {
    const entries = transcriptEntries([msg('1', 'user', 'a'), msg('2', 'assistant', 'b'), msg('3', 'user', 'c')], t);
    expect(recentEntries(entries, 2).map((e) => e.id)).toEqual(['2', '3']);
  });
});

describe('tool calls in words', () => {
  it('turns arguments into label/value pairs, entity lists joined, confirmed hidden', () => {
    expect(describeArguments('{"entities":["light.kitchen","light.hall"],"brightness_pct":40,"confirmed":true}', t)).toEqual([
      { label: 'Devices', value: 'light.kitchen, light.hall' },
      { label: 'Brightness', value: '40\u00a0%' },
    ]);
    expect(describeArguments('{"entity":"climate.lounge","temperature":21.5,"hvac_mode":"heat"}', createTranslator('fr'))).toEqual([
      { label: 'Appareil', value: 'climate.lounge' },
      { label: 'Température', value: '21,5°' },
      { label: 'Mode', value: 'heat' },
    ]);
    expect(describeArguments('{}', t)).toEqual([]);
    expect(describeArguments('not json', t)).toEqual([{ label: 'Input', value: 'not json' }]);
  });

  it('summarises a control result per device, with what is still pending', () => {
    const output = JSON.stringify({
      results: [
        { id: 'light.kitchen', name: 'Kitchen', state: 'on', brightness_pct: 40, changed: true },
        { id: 'light.hall', name: 'Hall', state: 'off', pending: true },
      ],
      note: 'Home Assistant accepted the command; the new state is not visible yet.',
    });
    expect(summarizeOutput(output, true, t)).toEqual({
      status: 'done',
      lines: [
        'Kitchen: on · brightness 40\u00a0%',
        'Hall: off (not confirmed yet)',
        'Home Assistant accepted the command; the new state is not visible yet.',
      ],
    });
  });

  it('shows sensor values with their unit, errors as failures, confirmations as such', () => {
    expect(summarizeOutput('{"states":[{"id":"sensor.t","name":"Outside","state":"12.4","unit":"°C"}]}', true, t).lines).toEqual([
      'Outside: 12.4 °C',
    ]);
    expect(summarizeOutput('{"error":"There is no exposed device called \\"garage\\"."}', false, t)).toEqual({
      status: 'failed',
      lines: ['There is no exposed device called "garage".'],
    });
    expect(summarizeOutput('{"confirmation_required":true,"message":"Ask the user"}', true, t)).toEqual({
      status: 'needs-confirmation',
      lines: ['Nothing done yet: Hearth asks you to confirm first.'],
    });
    expect(summarizeOutput('{"total":3,"devices":[{"id":"a","name":"A","state":"on"}]}', true, t).lines).toEqual([
      'Found 3 devices',
      'A: on',
    ]);
    expect(summarizeOutput('{"ok":true}', true, t).lines).toEqual(['Done.']);
    expect(summarizeOutput('plain words', true, t).lines).toEqual(['plain words']);
    expect(summarizeOutput(undefined, undefined, t)).toEqual({ status: 'running', lines: [] });
  });

  it('names known tools in the interface language and humanises unknown ones', () => {
    expect(toolTitle('set_light', t)).toBe('Set a light');
    expect(toolTitle('set_light', createTranslator('fr'))).toBe('Régler une lumière');
    expect(toolTitle('make_coffee', t)).toBe('Make coffee');
  });
});
