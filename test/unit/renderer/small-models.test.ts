import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../../preload/contract/settings-schema.js';
import { acceleratorFromKey, type KeyPress } from '../../../renderer/features/settings/hotkey-model.js';
import {
  currentWakeChoice,
  gotAnswer,
  heardSomething,
  listeningPatch,
  nextStep,
  previousStep,
} from '../../../renderer/features/onboarding/onboarding-model.js';

const press = (code: string, key: string, mods: Partial<KeyPress> = {}): KeyPress => ({
  code,
  key,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  ...mods,
});

describe('recording a push-to-talk shortcut', () => {
  it('turns a key press into an Electron accelerator', () => {
    expect(acceleratorFromKey(press('Space', ' ', { ctrlKey: true, shiftKey: true }), false)).toBe('CommandOrControl+Shift+Space');
    expect(acceleratorFromKey(press('Space', ' ', { metaKey: true, shiftKey: true }), true)).toBe('CommandOrControl+Shift+Space');
    expect(acceleratorFromKey(press('KeyJ', 'j', { altKey: true }), false)).toBe('Alt+J');
    expect(acceleratorFromKey(press('F9', 'F9'), false)).toBe('F9');
    expect(acceleratorFromKey(press('Digit1', '!', { ctrlKey: true, shiftKey: true }), false)).toBe('CommandOrControl+Shift+1');
  });

  it('waits while only modifiers are held, and refuses bare letters and Escape', () => {
    expect(acceleratorFromKey(press('ControlLeft', 'Control', { ctrlKey: true }), false)).toBeNull();
    expect(acceleratorFromKey(press('KeyA', 'a'), false)).toBeNull();
    expect(acceleratorFromKey(press('Escape', 'Escape', { ctrlKey: true }), false)).toBeNull();
    expect(acceleratorFromKey(press('IntlRo', 'ro', { ctrlKey: true }), false)).toBeNull();
  });
});

describe('onboarding', () => {
  it('walks the steps in order', () => {
    expect(nextStep('welcome')).toBe('openai');
    expect(nextStep('try')).toBeNull();
    expect(previousStep('openai')).toBe('welcome');
    expect(previousStep('welcome')).toBeNull();
  });

  it('saves the wake word choice and the shortcut', () => {
    const settings = defaultSettings();
    expect(currentWakeChoice(settings)).toBe('hey_jarvis');
    expect(listeningPatch(settings, 'alexa', ' F9 ', 'hold')).toEqual({
      listening: {
        wakeEngine: 'auto',
        openWakeWord: { ...settings.listening.openWakeWord, keywords: ['alexa'] },
        pushToTalk: { hotkey: 'F9', mode: 'hold' },
      },
    });
    expect(listeningPatch(settings, 'none', 'F9', 'toggle')).toEqual({
      listening: { wakeEngine: 'none', pushToTalk: { hotkey: 'F9', mode: 'toggle' } },
    });
    const none = { ...settings, listening: { ...settings.listening, wakeEngine: 'none' as const } };
    expect(currentWakeChoice(none)).toBe('none');
    expect(listeningPatch(none, 'hey_mycroft', '', 'toggle').listening?.wakeEngine).toBe('auto');
  });

  it('knows when the microphone heard something and when the assistant answered', () => {
    expect(heardSomething(null)).toBe(false);
    expect(heardSomething(-60)).toBe(false);
    expect(heardSomething(-30)).toBe(true);
    const items = [{ kind: 'message' as const, id: 'a1', role: 'assistant' as const, text: 'I can turn on lights.', final: false }];
    expect(gotAnswer(items, new Set())).toBe(true);
    expect(gotAnswer(items, new Set(['a1']))).toBe(false);
  });
});
