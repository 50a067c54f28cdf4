import { describe, expect, it } from 'vitest';
import { parseHeadlessArgs, UsageError } from '../../../main/headless/headless-options.js';

describe('--conversation-timeout', () => {
  it('accepts seconds up to the follow-up setting’s limit of 120', () => {
    expect(parseHeadlessArgs(['--conversation-timeout', '8']).conversationTimeoutSeconds).toBe(8);
    expect(parseHeadlessArgs(['--conversation-timeout', '120']).conversationTimeoutSeconds).toBe(120);
  });

  it('refuses more than 120 s, zero or a non-number with its own message', () => {
    for (const value of ['121', '3600', '0', 'soon']) {
      expect(() => parseHeadlessArgs(['--conversation-timeout', value])).toThrow(UsageError);
      expect(() => parseHeadlessArgs(['--conversation-timeout', value])).toThrow(
        `--conversation-timeout must be a number of seconds above 0 and at most 120, not "${value}".`,
      );
    }
  });
});
