import type { Settings } from '../app/settings.js';
import { WorkerWakeWordDetector } from '../wake-word/worker-wake-word-detector.js';
import type { WakeWordDetector } from '../wake-word/wake-word-detector.js';

/**
 * The configured wake word for headless mode. `--wake KEYWORD` (e.g. hey_jarvis, alexa, or a path
 * to a custom .onnx model) replaces the configured keywords for this run.
 */
export async function startWakeWord(
  settings: Settings,
  wakeOption: string | undefined,
  _env: NodeJS.ProcessEnv,
): Promise<WakeWordDetector | null> {
  const listening = settings.listening;
  if (listening.wakeEngine === 'none' && wakeOption === undefined) return null;
  const keywords = wakeOption !== undefined ? [wakeOption] : listening.openWakeWord.keywords;
  return WorkerWakeWordDetector.start({
    engine: {
      keywords: keywords.map((model) => ({ model, threshold: listening.openWakeWord.threshold })),
      patienceFrames: listening.openWakeWord.patienceFrames,
      debounceMs: listening.openWakeWord.debounceMs,
    },
  });
}
