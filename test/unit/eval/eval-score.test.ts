import { describe, expect, it } from 'vitest';
import { formatTable, parseCommandFile, scoreCommand, summarise, type EvalCommand } from '../../../bench/eval/eval-score.js';

const names = new Map([['light.kitchen_lights', 'Kitchen Lights']]);
const command = (over: Partial<EvalCommand> = {}): EvalCommand => ({
  id: 'c',
  text: 'Set the kitchen lights to 30 percent.',
  setup: [],
  accept: [{ tool: 'set_light', args: { entities: ['light.kitchen_lights'], brightness_pct: 30 } }],
  after: [{ entity: 'light.kitchen_lights', state: 'on', attributes: { brightness: 77 } }],
  ...over,
});
const call = (name: string, args: object) => ({ name, arguments: JSON.stringify(args), ok: true });
const on = (brightness: number) => [{ entity: 'light.kitchen_lights', state: 'on', attributes: { brightness } }];
const observed = (calls: ReturnType<typeof call>[], states = on(77)) => ({ calls, states, latencyMs: 10, costUsd: null });

describe('eval scoring', () => {
  it('passes the right tool and arguments (an entity by name, a number within 1) with the state reached', () => {
    const score = scoreCommand(command(), observed([call('set_light', { entities: ['kitchen lights'], brightness_pct: 31 })]), names);
    expect(score).toMatchObject({ pass: true, tool: true, args: true, state: true, why: '' });
  });

  it('names what is wrong: the tool, an argument, the state, a call where none belongs, no call', () => {
    const wrongTool = scoreCommand(command(), observed([call('turn_on_off', { entities: ['light.kitchen_lights'] })]), names);
    expect(wrongTool).toMatchObject({ pass: false, tool: false, why: 'called turn_on_off, wanted set_light' });
    const wrongArg = scoreCommand(
      command(),
      observed([call('set_light', { entities: ['light.kitchen_lights'], brightness_pct: 80 })]),
      names,
    );
    expect(wrongArg).toMatchObject({ pass: false, tool: true, args: false, why: 'brightness_pct: wanted 30, got 80' });
    const extraEntity = scoreCommand(
      command(),
      observed([call('set_light', { entities: ['light.kitchen_lights', 'light.bed_light'], brightness_pct: 30 })]),
      names,
    );
    expect(extraEntity.args).toBe(false);
    const state = scoreCommand(
      command(),
      observed([call('set_light', { entities: ['light.kitchen_lights'], brightness_pct: 30 })], on(200)),
      names,
    );
    expect(state).toMatchObject({ pass: false, args: true, state: false, why: 'light.kitchen_lights.brightness is 200, wanted 77' });
    const none = scoreCommand(command({ accept: [], after: [] }), observed([call('get_states', { entities: ['x'] })]), names);
    expect(none).toMatchObject({ pass: false, why: 'called get_states where no tool belongs' });
    const missing = scoreCommand(command(), observed([]), names);
    expect(missing).toMatchObject({ pass: false, why: 'no tool called (wanted set_light)' });
    const failed = scoreCommand(command(), { ...observed([]), error: 'model_not_found: …' }, names);
    expect(failed).toMatchObject({ pass: false, why: 'model_not_found: …' });
  });

  it('summarises and prints a row per model with the failed rows named', () => {
    const good = scoreCommand(command(), observed([call('set_light', { entities: ['light.kitchen_lights'], brightness_pct: 30 })]), names);
    const bad = scoreCommand(command({ id: 'd' }), observed([]), names);
    const result = summarise('gpt-realtime-2', { reasoningEffort: 'low', input: 'text', stand_in: null }, [good, bad]);
    expect(result).toMatchObject({ passed: 1, total: 2, accuracy: 0.5, meanLatencyMs: 10, costUsd: null });
    const table = formatTable([result]);
    expect(table).toContain('| gpt-realtime-2 | low    | text  | 1/2    | 50.0 %   |');
    expect(table).toContain('  FAIL d: no tool called (wanted set_light)');
  });

  it('a bad command file gets one clear message', () => {
    expect(() => parseCommandFile('{', 'f.json')).toThrow(/^f\.json is not JSON/);
    expect(() => parseCommandFile('{"commands":[{"id":"A b","text":"x","accept":[]}]}', 'f.json')).toThrow(/^f\.json: commands\.0\.id: /);
    expect(() => parseCommandFile('{"commands":[{"id":"a","text":"x","accept":[]},{"id":"a","text":"y","accept":[]}]}', 'f.json')).toThrow(
      'f.json: the id a is used twice',
    );
  });
});
