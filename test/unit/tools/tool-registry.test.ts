import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { defineTool } from '../../../main/tools/define-tool.js';
import { DefaultToolRegistry, entityIdsIn } from '../../../main/tools/tool-registry.js';
import { createConversationTools } from '../../../main/tools/conversation-tools.js';

const brightness = defineTool({
  name: 'set_brightness',
  description: 'Set a light brightness.',
  parameters: z.object({ entity_id: z.string(), percent: z.number().int().min(0).max(100) }),
  execute: ({ entity_id, percent }) => ({ entity_id, brightness_pct: percent }),
});
const slow = defineTool({
  name: 'slow',
  description: 'Never finishes in time.',
  parameters: z.object({}),
  timeoutMs: 30,
  execute: (_args, { signal }) => new Promise((resolve) => signal.addEventListener('abort', () => resolve('aborted'))),
});
const broken = defineTool({
  name: 'broken',
  description: 'Throws.',
  parameters: z.object({}),
  execute: () => {
    throw new Error('the bulb exploded');
  },
});

const registry = new DefaultToolRegistry(() => [brightness, slow, broken]);
const call = (name: string, argumentsJson: string) => registry.execute({ callId: 'call_1', name, argumentsJson }, { userTurn: 1 });

describe('tool registry', () => {
  it('offers flat GA function definitions with JSON Schema from zod', () => {
    const [definition] = registry.definitions();
    expect(definition).toMatchObject({ type: 'function', name: 'set_brightness', description: 'Set a light brightness.' });
    expect(definition!.parameters).toMatchObject({
      type: 'object',
      properties: { percent: { type: 'integer', minimum: 0, maximum: 100 } },
      required: ['entity_id', 'percent'],
    });
    expect(definition!.parameters).not.toHaveProperty('$schema');
  });

  it('runs a valid call and returns its result as a string', async () => {
    const result = await call('set_brightness', '{"entity_id":"light.kitchen","percent":50}');
    expect(result.ok).toBe(true);
    expect(JSON.parse(result.output)).toEqual({ entity_id: 'light.kitchen', brightness_pct: 50 });
  });

  it('gives the result as data too, with the entities it names', async () => {
    const lights = defineTool({
      name: 'read_lights',
      description: 'Reads lights.',
      parameters: z.object({}),
      execute: () => ({
        results: [
          { id: 'light.kitchen', state: 'on' },
          { id: 'light.porch', state: 'off', note: 'id: not.this' },
        ],
      }),
    });
    const result = await new DefaultToolRegistry(() => [lights]).execute(
      { callId: 'c', name: 'read_lights', argumentsJson: '{}' },
      { userTurn: 1 },
    );
    expect(result.value).toEqual({
      results: [
        { id: 'light.kitchen', state: 'on' },
        { id: 'light.porch', state: 'off', note: 'id: not.this' },
      ],
    });
    expect(result.entityIds).toEqual(['light.kitchen', 'light.porch']);
    expect(entityIdsIn('{"id":"light.kitchen"}')).toEqual([]);
    expect(entityIdsIn({ id: 'not an entity', devices: [{ id: 'switch.fan_2' }] })).toEqual(['switch.fan_2']);
  });

  it('runs the app’s own calls (structured arguments) with the same checks, time limit and wrapping', async () => {
    const ok = await registry.run('set_brightness', { entity_id: 'light.kitchen', percent: 40 }, { callId: 'card', userTurn: 0 });
    expect(ok).toMatchObject({ ok: true, value: { entity_id: 'light.kitchen', brightness_pct: 40 } });
    const invalid = await registry.run('set_brightness', { entity_id: 'light.kitchen', percent: 400 }, { callId: 'card', userTurn: 0 });
    expect(invalid.ok).toBe(false);
    expect(invalid.error?.category).toBe('application');
    expect((await registry.run('slow', {}, { callId: 'card', userTurn: 0 })).output).toMatch(/took longer than/);
    expect((await registry.run('broken', {}, { callId: 'card', userTurn: 0 })).value).toEqual({
      error: 'broken failed: the bulb exploded',
    });
    expect((await registry.run('nothing', {}, { callId: 'card', userTurn: 0 })).value).toEqual({
      error: 'There is no tool named "nothing". Available tools: set_brightness, slow, broken.',
    });
  });

  it('turns every failure into text the model can read, never a throw', async () => {
    const unknown = await call('fly_to_the_moon', '{}');
    expect(unknown.ok).toBe(false);
    expect(JSON.parse(unknown.output).error).toMatch(/no tool named "fly_to_the_moon".*set_brightness/);
    expect((await call('set_brightness', '{not json')).output).toMatch(/not valid JSON/);
    expect((await call('set_brightness', '{"entity_id":"x","percent":150}')).output).toMatch(/percent.*100/);
    expect((await call('broken', '{}')).output).toMatch(/the bulb exploded/);
    const timedOut = await call('slow', '{}');
    expect(timedOut.ok).toBe(false);
    expect(timedOut.output).toMatch(/took longer than/);
    expect(timedOut.error?.category).toBe('application');
  });

  it('end_conversation asks for no spoken follow-up and tells the app', async () => {
    const reasons: string[] = [];
    const tools = new DefaultToolRegistry(() => createConversationTools((r) => reasons.push(r)));
    const result = await tools.execute({ callId: 'c', name: 'end_conversation', argumentsJson: '{"reason":"bye"}' }, { userTurn: 1 });
    expect(result).toMatchObject({ ok: true, respond: false });
    expect(reasons).toEqual(['bye']);
  });
});
