/**
 * First run: from nothing to a first spoken answer. The steps, when the user may go on, and the wake
 * word choices. Pure.
 */
import type { SettingsPatch } from '../../../preload/contract/channels.js';
import type { Settings } from '../../../preload/contract/settings-schema.js';
import type { TranscriptItem } from '../../../preload/contract/types.js';

export const ONBOARDING_STEPS = ['welcome', 'openai', 'home-assistant', 'listening', 'microphone', 'try'] as const;
export type OnboardingStep = (typeof ONBOARDING_STEPS)[number];

export function stepIndex(step: OnboardingStep): number {
  return ONBOARDING_STEPS.indexOf(step);
}

export function nextStep(step: OnboardingStep): OnboardingStep | null {
  return ONBOARDING_STEPS[stepIndex(step) + 1] ?? null;
}

export function previousStep(step: OnboardingStep): OnboardingStep | null {
  const index = stepIndex(step);
  return index > 0 ? ONBOARDING_STEPS[index - 1]! : null;
}

/** The openWakeWord models that ship with the app, and "no wake word" (push-to-talk only). */
export const WAKE_CHOICES = ['hey_jarvis', 'alexa', 'hey_mycroft', 'hey_rhasspy', 'none'] as const;
export type WakeChoice = (typeof WAKE_CHOICES)[number];

export function currentWakeChoice(settings: Settings): WakeChoice {
  if (settings.listening.wakeEngine === 'none') return 'none';
  const keyword = settings.listening.openWakeWord.keywords[0];
  return (WAKE_CHOICES as readonly string[]).includes(keyword ?? '') ? (keyword as WakeChoice) : 'hey_jarvis';
}

/** The settings patch of the listening step. */
export function listeningPatch(settings: Settings, choice: WakeChoice, hotkey: string, mode: 'toggle' | 'hold'): SettingsPatch {
  const pushToTalk = { hotkey: hotkey.trim(), mode };
  if (choice === 'none') return { listening: { wakeEngine: 'none', pushToTalk } };
  return {
    listening: {
      wakeEngine: settings.listening.wakeEngine === 'none' ? 'auto' : settings.listening.wakeEngine,
      openWakeWord: { ...settings.listening.openWakeWord, keywords: [choice] },
      pushToTalk,
    },
  };
}

/** The microphone check passes once the level has been above −45 dBFS (someone spoke). */
export const HEARD_DBFS = -45;

export function heardSomething(peakDbfs: number | null): boolean {
  return peakDbfs !== null && peakDbfs > HEARD_DBFS;
}

/** The try-it step succeeds when an assistant message has come in since it began. */
export function gotAnswer(items: readonly TranscriptItem[], knownIds: ReadonlySet<string>): boolean {
  return items.some((item) => item.kind === 'message' && item.role === 'assistant' && !knownIds.has(item.id) && item.text.trim() !== '');
}
