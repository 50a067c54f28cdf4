import { describe, expect, it } from 'vitest';
import {
  classifyClose,
  classifyHandshakeStatus,
  classifyNetworkError,
  classifyServerError,
  redactSecrets,
} from '../../../main/realtime/error-classifier.js';
import { parseServerFrame } from '../../../main/realtime/server-frame.js';

describe('error classification', () => {
  it('makes authentication and quota permanent, network and server errors transient', () => {
    expect(classifyHandshakeStatus(401, 'api.openai.com')).toMatchObject({ category: 'authentication', permanent: true });
    expect(
      classifyServerError({
        type: 'invalid_request_error',
        code: 'invalid_api_key',
        message: 'Incorrect API key provided: sk-abc123456789',
      }),
    ).toMatchObject({ category: 'authentication', permanent: true });
    expect(classifyServerError({ code: 'insufficient_quota', message: 'no money' })).toMatchObject({ category: 'quota', permanent: true });
    expect(classifyServerError({ code: 'rate_limit_exceeded', message: 'slow down' })).toMatchObject({
      category: 'rate_limit',
      permanent: false,
    });
    expect(classifyServerError({ type: 'server_error', message: 'boom' })).toMatchObject({ category: 'server', permanent: false });
    expect(classifyNetworkError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), '127.0.0.1:9')).toMatchObject({
      category: 'connectivity',
      permanent: false,
    });
    expect(classifyClose(4000, 'beta', 'h')).toMatchObject({ category: 'invalid_request', permanent: true });
    expect(classifyClose(1006, '', 'h')).toMatchObject({ category: 'connectivity', permanent: false });
  });

  it('never repeats a key in a message', () => {
    const error = classifyServerError({ code: 'invalid_api_key', message: 'Incorrect API key provided: sk-proj-ABCDEFGH1234****5678.' });
    expect(error.message).not.toMatch(/ABCDEFGH/);
    expect(redactSecrets('key sk-live_abcdef and ek_x')).toBe('key sk-… and ek_x');
  });
});

describe('server frame parsing', () => {
  it('accepts any object with a string type and rejects the rest without throwing', () => {
    expect(parseServerFrame('{"type":"future.event","x":1}')).toEqual({ ok: true, event: { type: 'future.event', x: 1 } });
    expect(parseServerFrame('not json')).toEqual({ ok: false, reason: 'not JSON' });
    expect(parseServerFrame('[1,2]')).toEqual({ ok: false, reason: 'not a JSON object' });
    expect(parseServerFrame('{"type":7}')).toEqual({ ok: false, reason: 'no "type" field' });
  });
});
