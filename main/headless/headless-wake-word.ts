import type { Settings } from '../../preload/contract/settings-schema.js';
import type { AssistantError } from '../util/errors.js';
import { startWakeWordDetector } from '../wake-word/create-wake-word-engine.js';
import type { WakeWordDetector } from '../wake-word/wake-word-detector.js';

export type HeadlessWakeWord = { detector: WakeWordDetector | null; notice?: AssistantError };

/**
 * The configured wake word for headless mode: Porcupine when PICOVOICE_ACCESS_KEY is set (falling
 * back to openWakeWord with a notice if it cannot start), openWakeWord otherwise. `--wake KEYWORD`
 * replaces the configured openWakeWord keywords for this run (hey_jarvis, alexa, or a .onnx path).
 */
export async function startWakeWord(settings: Settings, wakeOption: string | undefined, env: NodeJS.ProcessEnv): Promise<HeadlessWakeWord> {
  let listening = settings.listening;
  if (wakeOption !== undefined) {
    listening = { ...listening, wakeEngine: 'openwakeword', openWakeWord: { ...listening.openWakeWord, keywords: [wakeOption] } };
  }
  const accessKey = env.PICOVOICE_ACCESS_KEY?.trim();
  const selection = await startWakeWordDetector(listening, accessKey ? { picovoiceAccessKey: accessKey } : {});
  if (selection.error) throw selection.error;
  return { detector: selection.engine ?? null, ...(selection.notice ? { notice: selection.notice } : {}) };
}
