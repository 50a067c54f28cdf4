import { describe, expect, it } from 'vitest';
import type { StatusView } from '../../../preload/contract/types.js';
import { createTranslator } from '../../../renderer/i18n/i18n.js';
import {
  acceleratorLabel,
  costText,
  describeState,
  errorNeedsSettings,
  errorTitle,
  healthView,
  latencyText,
  meterPercent,
  talkHint,
  unreachable,
  wakeWordLabel,
} from '../../../renderer/features/status/status-model.js';
import { defaultStatus, fakeError } from '../../fakes/fake-assistant-api.js';

const t = createTranslator('en');
const status = (patch: Partial<StatusView> = {}): StatusView => ({ ...defaultStatus(), ...patch });

describe('status in words', () => {
  it('says what the assistant is doing in every state', () => {
    const words = (state: StatusView['state']) => describeState(status({ state }), t).title;
    expect(words({ kind: 'idle' })).toBe('Ready');
    expect(words({ kind: 'listening-for-wake-word' })).toBe('Listening for the wake word');
    expect(words({ kind: 'connecting', source: 'wake-word', reconnecting: false })).toBe('Connecting…');
    expect(words({ kind: 'connecting', source: 'text', reconnecting: true })).toBe('Reconnecting…');
    expect(words({ kind: 'conversing', phase: 'listening' })).toBe('Listening');
    expect(words({ kind: 'conversing', phase: 'user-speaking' })).toBe('Hearing you');
    expect(words({ kind: 'conversing', phase: 'thinking' })).toBe('Thinking');
    expect(words({ kind: 'conversing', phase: 'running-tool', tool: 'set_light' })).toBe('Working on it');
    expect(words({ kind: 'conversing', phase: 'assistant-speaking' })).toBe('Speaking');
    expect(words({ kind: 'follow-up' })).toBe('Listening for a follow-up');
    expect(words({ kind: 'error', error: fakeError('bad key') })).toBe('Something went wrong');
    expect(describeState(status({ state: { kind: 'conversing', phase: 'running-tool', tool: 'set_light' } }), t).hint).toBe('Set a light');
  });

  it('shows muted while waiting, and knows when a conversation is open (talk becomes stop)', () => {
    expect(describeState(status({ muted: true }), t)).toMatchObject({ title: 'Microphone muted', tone: 'warning', inConversation: false });
    expect(describeState(status({ state: { kind: 'conversing', phase: 'thinking' } }), t).inConversation).toBe(true);
    expect(describeState(status({ state: { kind: 'follow-up' } }), t).inConversation).toBe(true);
    expect(describeState(status({ state: { kind: 'idle' } }), t).inConversation).toBe(false);
  });

  it('tells how to start talking from the wake word and push-to-talk setup', () => {
    expect(talkHint(status(), t, false)).toBe('Say “Hey Jarvis” or press Ctrl+Shift+Space');
    expect(talkHint(status(), t, true)).toBe('Say “Hey Jarvis” or press ⌘⇧Space');
    expect(talkHint(status({ wakeWord: { engine: 'none', keywords: [] } }), t, false)).toBe('Press Ctrl+Shift+Space or the Talk button');
    expect(talkHint(status({ pushToTalk: { hotkey: '', mode: 'hold' } }), t, false)).toBe('Say “Hey Jarvis”');
    expect(talkHint(status({ wakeWord: { engine: 'none', keywords: [] }, pushToTalk: { hotkey: '', mode: 'hold' } }), t, false)).toBe(
      'Press the Talk button to speak',
    );
    expect(talkHint(status({ wakeWord: { engine: 'porcupine', keywords: ['jarvis', 'computer'] } }), createTranslator('fr'), false)).toBe(
      'Dites « Jarvis » et « Computer » ou appuyez sur Ctrl+Shift+Space',
    );
  });

  it('names wake words and shortcuts for people', () => {
    expect(wakeWordLabel('hey_jarvis')).toBe('Hey Jarvis');
    expect(wakeWordLabel('/home/me/models/ok_kitchen_v0.1.onnx')).toBe('Ok Kitchen');
    expect(wakeWordLabel('C:\\wake\\computer.ppn')).toBe('Computer');
    expect(acceleratorLabel('CommandOrControl+Alt+K', false)).toBe('Ctrl+Alt+K');
    expect(acceleratorLabel('', false)).toBe('');
  });

  it('reports connection health in words, and what counts as unreachable', () => {
    expect(healthView('connected', t)).toMatchObject({ label: 'Connected', tone: 'ok' });
    expect(healthView('not-configured', t)).toMatchObject({ label: 'Not set up', tone: 'off' });
    expect(healthView('error', createTranslator('pt-PT')).label).toBe('Erro');
    // OpenAI closes its session when idle: that is "Idle", not "Offline"; Home Assistant offline is offline.
    expect(healthView('disconnected', t, 'openai').label).toBe('Idle');
    expect(healthView('disconnected', t, 'home-assistant').label).toBe('Offline');
    // OpenAI is disconnected whenever idle (to save cost): that is not a problem.
    expect(unreachable(status({ openai: 'disconnected', homeAssistant: 'connected' }))).toEqual({ openai: false, homeAssistant: false });
    expect(unreachable(status({ openai: 'reconnecting', homeAssistant: 'disconnected' }))).toEqual({ openai: true, homeAssistant: true });
    expect(unreachable(status({ homeAssistant: 'not-configured' })).homeAssistant).toBe(false);
  });

  it('formats the last turn latency and the session cost', () => {
    expect(latencyText({ endOfSpeechToFirstAudioMs: 812, endOfSpeechToFirstPlayedMs: 850, toolMs: [] }, t)).toBe('answered in 0.8\u00a0s');
    expect(latencyText({ endOfSpeechToFirstAudioMs: null, endOfSpeechToFirstPlayedMs: 1_260, toolMs: [] }, createTranslator('fr'))).toBe(
      'réponse en 1,3\u00a0s',
    );
    expect(latencyText(null, t)).toBeNull();
    expect(costText(0.0213, t)).toBe('$0.02');
    expect(costText(0, t)).toBe('$0.00');
    expect(costText(null, t)).toBeNull();
  });

  it('titles errors by source and category, and knows which need the settings', () => {
    const error = fakeError('Incorrect API key', { source: 'openai', category: 'authentication', permanent: true });
    expect(errorTitle(error, t)).toBe('OpenAI: the key or token was refused');
    expect(errorNeedsSettings(error)).toBe(true);
    expect(errorNeedsSettings(fakeError('down', { category: 'connectivity' }))).toBe(false);
  });

  it('titles a response the watchdog cancelled as "no answer came", translated', () => {
    const error = fakeError('OpenAI started an answer but sent nothing for 8 s', {
      source: 'openai',
      category: 'server',
      code: 'response_timeout',
    });
    expect(errorTitle(error, t)).toBe('OpenAI: no answer came');
    expect(errorTitle(error, createTranslator('fr'))).toBe('OpenAI : aucune réponse n’est venue');
    expect(errorTitle(error, createTranslator('pt-PT'))).toBe('OpenAI: não chegou nenhuma resposta');
    expect(errorTitle({ ...error, code: 'other' }, t)).toBe('OpenAI: server error');
  });

  it('maps the mic level to the meter', () => {
    expect(meterPercent(-60)).toBe(0);
    expect(meterPercent(-90)).toBe(0);
    expect(meterPercent(-30)).toBe(50);
    expect(meterPercent(3)).toBe(100);
    expect(meterPercent(Number.NEGATIVE_INFINITY)).toBe(0);
  });
});
