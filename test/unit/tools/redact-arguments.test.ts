import { describe, expect, it } from 'vitest';
import { redactArguments } from '../../../main/tools/redact-arguments.js';

describe('redactArguments', () => {
  it('replaces spoken secrets and leaves everything else as it was', () => {
    expect(JSON.parse(redactArguments('{"entity":"alarm.home","action":"disarm","code":"1234"}'))).toEqual({
      entity: 'alarm.home',
      action: 'disarm',
      code: '[redacted]',
    });
    expect(redactArguments('{"entity":"light.kitchen"}')).toBe('{"entity":"light.kitchen"}');
    expect(redactArguments('{"PIN": 42}')).toBe('{"PIN":"[redacted]"}');
    expect(redactArguments('not json')).toBe('not json');
    expect(redactArguments('[1,2]')).toBe('[1,2]');
  });
});
