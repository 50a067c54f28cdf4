import { describe, expect, it } from 'vitest';
import { parseHomeAssistantUrl, validateAccessToken } from '../../../main/home-assistant/ha-connection-input.js';
import {
  featuresForVersion,
  parseAreas,
  parseConversationResult,
  parseEntityEntries,
  parseExposure,
  parseServiceResult,
  parseStates,
} from '../../../main/home-assistant/ha-messages.js';

describe('URL validation: one clear sentence per mistake', () => {
  it('normalizes good URLs and derives the WebSocket address', () => {
    expect(parseHomeAssistantUrl(' http://homeassistant.local:8123/ ')).toEqual({
      ok: true,
      value: {
        baseUrl: 'http://homeassistant.local:8123',
        wsUrl: 'ws://homeassistant.local:8123/api/websocket',
        secure: false,
        host: 'homeassistant.local:8123',
      },
    });
    expect(parseHomeAssistantUrl('wss://ha.example.com/api/websocket')).toMatchObject({
      ok: true,
      value: { baseUrl: 'https://ha.example.com', secure: true },
    });
  });

  it.each([
    ['', /is empty/],
    ['homeassistant.local:8123', /has no scheme: it must start with http:\/\/ or https:\/\/, e\.g\. http:\/\/homeassistant\.local:8123/],
    ['ftp://ha.local', /must start with http:\/\/ or https:\/\/, not ftp:/],
    ['http://user:pw@ha.local', /must not contain a user name or password/],
    ['http://ha.local:8123/lovelace/0', /without a path/],
    ['http://[::1', /not a valid URL/],
  ])('refuses %j', (input, message) => {
    const result = parseHomeAssistantUrl(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });

  it('validates the token', () => {
    expect(validateAccessToken(' abc.def.ghi\n')).toEqual({ ok: true, value: 'abc.def.ghi' });
    expect(validateAccessToken('  ')).toMatchObject({ ok: false, message: expect.stringMatching(/token is empty/) });
    expect(validateAccessToken('abc def')).toMatchObject({ ok: false, message: expect.stringMatching(/spaces or line breaks/) });
    expect(validateAccessToken('abcé')).toMatchObject({ ok: false });
  });
});

describe('lenient readers: malformed replies never throw', () => {
  it('skips malformed entries and reads wrong shapes as empty', () => {
    for (const garbage of [null, 'x', 42, {}, [null, 1, 'a'], { exposed_entities: 'no' }]) {
      expect(() => parseAreas(garbage)).not.toThrow();
      expect(() => parseStates(garbage)).not.toThrow();
      expect(() => parseEntityEntries(garbage)).not.toThrow();
      expect(() => parseExposure(garbage)).not.toThrow();
      expect(() => parseConversationResult(garbage)).not.toThrow();
      expect(parseServiceResult(garbage)).toEqual({ contextId: null });
    }
    expect(
      parseStates([{ entity_id: 'light.a', state: 'on' }, { entity_id: 'BAD ID', state: 'on' }, { entity_id: 'light.b' }]),
    ).toHaveLength(1);
    expect(
      parseExposure({ exposed_entities: { 'light.a': { conversation: true }, 'light.b': {}, 'light.c': { conversation: 'yes' } } }),
    ).toEqual(new Map([['light.a', true]]));
  });

  it('reads the conversation result of 2024.3', () => {
    const result = parseConversationResult({
      response: {
        speech: { plain: { speech: 'Turned on the light', extra_data: null } },
        response_type: 'action_done',
        data: { targets: [], success: [{ name: 'Kitchen Lights', type: 'entity', id: 'light.kitchen_lights' }], failed: [] },
      },
      conversation_id: null,
    });
    expect(result).toEqual({
      speech: 'Turned on the light',
      responseType: 'action_done',
      errorCode: null,
      successIds: ['light.kitchen_lights'],
      failedIds: [],
      conversationId: null,
    });
  });

  it('feature-detects by version', () => {
    expect(featuresForVersion('2024.3.3')).toEqual({
      exposeEntityList: true,
      floors: true,
      labels: true,
      entityAliases: true,
      conversation: true,
    });
    expect(featuresForVersion('2023.4.0')).toMatchObject({ exposeEntityList: false, floors: false });
    expect(featuresForVersion('2024.2.5')).toMatchObject({ floors: false, labels: false });
    expect(featuresForVersion('2026.11.0')).toEqual({
      exposeEntityList: true,
      floors: true,
      labels: true,
      entityAliases: true,
      conversation: true,
    });
    expect(featuresForVersion('garbage').exposeEntityList).toBe(false);
  });
});
