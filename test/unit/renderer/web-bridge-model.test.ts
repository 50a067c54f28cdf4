import { describe, expect, it } from 'vitest';
import {
  encodeClientFrame,
  pairingFromStatus,
  parseServerFrame,
  reconnectDelayMs,
  socketUrl,
  unpairedRetryDelayMs,
  withoutToken,
} from '../../../renderer/web-bridge-model.js';

describe('web bridge wire format', () => {
  it('encodes invokes and sends exactly as the server reads them', () => {
    expect(JSON.parse(encodeClientFrame({ type: 'invoke', id: 7, channel: 'state:get', args: [] }))).toEqual({
      type: 'invoke',
      id: 7,
      channel: 'state:get',
      args: [],
    });
    expect(JSON.parse(encodeClientFrame({ type: 'send', channel: 'audio:ready', args: [{ sampleRate: 24000 }] }))).toEqual({
      type: 'send',
      channel: 'audio:ready',
      args: [{ sampleRate: 24000 }],
    });
  });

  it('parses results and contract events, and drops anything else', () => {
    expect(parseServerFrame('{"type":"result","id":3,"result":{"ok":true,"value":null}}')).toEqual({
      type: 'result',
      id: 3,
      result: { ok: true, value: null },
    });
    const error = { name: 'E', source: 'app', category: 'unknown', permanent: false, message: 'x' };
    expect(parseServerFrame(JSON.stringify({ type: 'result', id: 4, result: { ok: false, error } }))).toMatchObject({
      result: { ok: false, error },
    });
    expect(parseServerFrame('{"type":"event","channel":"mic:level","payload":{"rmsDbfs":-20,"peak":0.1}}')).toEqual({
      type: 'event',
      channel: 'mic:level',
      payload: { rmsDbfs: -20, peak: 0.1 },
    });
    for (const bad of [
      'not json',
      '42',
      '{"type":"event","channel":"shell:open","payload":1}',
      '{"type":"event","channel":"mic:level"}',
      '{"type":"result","id":"3","result":{"ok":true}}',
      '{"type":"result","id":3,"result":{"ok":false}}',
      '{"type":"hello"}',
    ]) {
      expect(parseServerFrame(bad), bad).toBeNull();
    }
    expect(parseServerFrame(new ArrayBuffer(2))).toBeNull();
  });

  it('backs off from 0.5 s to 10 s with jitter', () => {
    expect(reconnectDelayMs(0, 0.5)).toBe(500);
    expect(reconnectDelayMs(1, 0.5)).toBe(1000);
    expect(reconnectDelayMs(10, 0.5)).toBe(10_000);
    expect(reconnectDelayMs(0, 0)).toBe(400);
    expect(reconnectDelayMs(0, 1)).toBe(600);
  });

  it('retries more slowly while unpaired: 15 s ± 20 %, never sooner than a plain reconnect', () => {
    expect(unpairedRetryDelayMs(0.5)).toBe(15_000);
    expect(unpairedRetryDelayMs(0)).toBe(12_000);
    expect(unpairedRetryDelayMs(1)).toBe(18_000);
    expect(unpairedRetryDelayMs(0)).toBeGreaterThanOrEqual(reconnectDelayMs(100, 1));
  });

  it('reads only a 401 from the server as "not paired"', () => {
    expect(pairingFromStatus(401)).toBe('unpaired');
    expect(pairingFromStatus(200)).toBe('paired');
    for (const status of [0, 302, 403, 404, 421, 429, 500, 502, 503]) expect(pairingFromStatus(status), String(status)).toBe('unknown');
  });

  it('builds socket URLs on the page’s own server and strips the pairing token from the page URL', () => {
    expect(socketUrl('http://192.168.1.5:8080/?token=abc&kiosk=1#home', '/api/ws')).toBe('ws://192.168.1.5:8080/api/ws');
    expect(socketUrl('https://hearth.local/', '/api/audio')).toBe('wss://hearth.local/api/audio');
    expect(withoutToken('http://h:1/?token=abc&kiosk=1#home')).toBe('http://h:1/?kiosk=1#home');
    expect(withoutToken('http://h:1/?kiosk=1')).toBeNull();
  });
});
