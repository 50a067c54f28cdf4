import type { z } from 'zod';
import type { ListeningSettingsSchema } from '../../preload/contract/settings-schema.js';
import { ConfigError, WakeWordError, toAssistantError, type AssistantError } from '../util/errors.js';
import { createLogger } from '../util/logger.js';
import { createOpenWakeWordEngine } from './open-wake-word-engine.js';
import { isOpenWakeWordModelPath, labelFromModelFile, type OpenWakeWordEngineOptions } from './open-wake-word-options.js';
import { createPorcupineEngine, type PorcupineEngineOptions } from './porcupine-wake-word-engine.js';
import type { WakeWordEngine } from './wake-word-engine.js';
import { WorkerWakeWordDetector, type WorkerWakeWordDetectorOptions } from './worker-wake-word-detector.js';

const log = createLogger('wake-word');

export type ListeningSettings = z.infer<typeof ListeningSettingsSchema>;
export type WakeWordSecrets = { picovoiceAccessKey?: string };
export type WakeWordEngineKind = 'porcupine' | 'openwakeword';

/** How to build each engine. Defaults build them on this thread; startWakeWordDetector builds them in a worker. */
export type WakeWordEngineFactories<E> = {
  createPorcupine?: (options: PorcupineEngineOptions) => E | Promise<E>;
  createOpenWakeWord?: (options: OpenWakeWordEngineOptions) => E | Promise<E>;
};

export type WakeWordEngineSelection<E> = {
  /** null for `wakeEngine: 'none'`, or when no engine could start (see `error`). */
  engine: E | null;
  kind: WakeWordEngineKind | null;
  /** Why the engine is not the one asked for (Porcupine without a key, or Porcupine failed): show it to the user. */
  notice?: AssistantError;
  /** The engine that should have run could not start; the app runs without a wake word (push-to-talk still works). */
  error?: AssistantError;
};

/** The settings' openWakeWord section as engine options (one threshold for every keyword). */
export function openWakeWordOptionsFromSettings(listening: ListeningSettings): OpenWakeWordEngineOptions {
  const oww = listening.openWakeWord;
  return {
    keywords: oww.keywords.map((model) => ({ model, threshold: oww.threshold })),
    patienceFrames: oww.patienceFrames,
    debounceMs: oww.debounceMs,
  };
}

/** The settings' Porcupine section as engine options. The AccessKey comes from the secret store, never from settings. */
export function porcupineOptionsFromSettings(listening: ListeningSettings, accessKey: string): PorcupineEngineOptions {
  const p = listening.porcupine;
  const options: PorcupineEngineOptions = { accessKey, keywords: [...p.keywords], sensitivities: [...p.sensitivities] };
  if (p.modelPath.trim() !== '') options.modelPath = p.modelPath.trim();
  return options;
}

/**
 * Picks and starts the wake-word engine, falling back to openWakeWord whenever Porcupine cannot run:
 *
 * - `none` → no engine.
 * - `openwakeword` → openWakeWord.
 * - `auto` → Porcupine when a Picovoice AccessKey is set, openWakeWord otherwise (no notice: that is the default).
 * - `porcupine` without an AccessKey → openWakeWord, with a notice.
 * - Porcupine fails for any reason (invalid key, activation limit, throttling, expired licence, bad keyword
 *   file…) → openWakeWord, with a notice carrying Porcupine's error (its `code`, `category` and `permanent`:
 *   `porcupine_activation_throttled` is not permanent, so the caller may try Porcupine again later).
 * - openWakeWord fails → `engine: null` and `error` (never throws).
 *
 * Generic over what the factories return, so the same rules pick a worker-hosted detector (startWakeWordDetector).
 */
export async function createWakeWordEngine<E = WakeWordEngine>(
  listening: ListeningSettings,
  secrets: WakeWordSecrets,
  deps: WakeWordEngineFactories<E> = {},
): Promise<WakeWordEngineSelection<E>> {
  const createPorcupine = deps.createPorcupine ?? ((o: PorcupineEngineOptions) => createPorcupineEngine(o) as unknown as E);
  const createOpenWakeWord =
    deps.createOpenWakeWord ?? ((o: OpenWakeWordEngineOptions) => createOpenWakeWordEngine(o) as unknown as Promise<E>);
  const accessKey = secrets.picovoiceAccessKey?.trim() ?? '';
  const owwOptions = openWakeWordOptionsFromSettings(listening);
  const owwLabel = `openWakeWord (${listening.openWakeWord.keywords.map((k) => `"${owwKeywordLabel(k)}"`).join(', ')})`;

  const startOpenWakeWord = async (notice?: AssistantError): Promise<WakeWordEngineSelection<E>> => {
    try {
      const engine = await createOpenWakeWord(owwOptions);
      return notice ? { engine, kind: 'openwakeword', notice } : { engine, kind: 'openwakeword' };
    } catch (cause) {
      const error = toAssistantError(cause, 'wake-word');
      log.error({ code: error.code, error: error.message }, 'openWakeWord failed to start; running without a wake word');
      return notice ? { engine: null, kind: null, notice, error } : { engine: null, kind: null, error };
    }
  };

  switch (listening.wakeEngine) {
    case 'none':
      return { engine: null, kind: null };
    case 'openwakeword':
      return startOpenWakeWord();
    case 'auto':
    case 'porcupine': {
      if (accessKey === '') {
        if (listening.wakeEngine === 'auto') return startOpenWakeWord();
        const notice = new WakeWordError(
          `Porcupine is selected but no Picovoice AccessKey is set, so Hearth listens with ${owwLabel} instead. ` +
            `Add an AccessKey from Picovoice Console (console.picovoice.ai) in Settings → Listening to use Porcupine.`,
          { category: 'configuration', permanent: true, code: 'porcupine_access_key_missing' },
        );
        log.warn({ code: notice.code }, 'Porcupine selected without an AccessKey; using openWakeWord');
        return startOpenWakeWord(notice);
      }
      try {
        const engine = await createPorcupine(porcupineOptionsFromSettings(listening, accessKey));
        return { engine, kind: 'porcupine' };
      } catch (cause) {
        const error = toAssistantError(cause, 'wake-word');
        const notice = fallbackNotice(error, owwLabel);
        log.warn({ code: error.code, permanent: error.permanent, error: error.message }, 'Porcupine failed; falling back to openWakeWord');
        return startOpenWakeWord(notice);
      }
    }
  }
}

function owwKeywordLabel(model: string): string {
  return isOpenWakeWordModelPath(model) ? labelFromModelFile(model) : model.replace(/_/g, ' ');
}

/** Porcupine's error, same code/category/permanence, with the fallback spelled out. */
function fallbackNotice(error: AssistantError, owwLabel: string): AssistantError {
  const message = `${error.message.replace(/\s*$/, '')} For now Hearth listens with ${owwLabel}.`;
  const options = { category: error.category, permanent: error.permanent, cause: error, ...(error.code ? { code: error.code } : {}) };
  return error instanceof ConfigError ? new ConfigError(message, options) : new WakeWordError(message, options);
}

/**
 * The app's entry point: the same selection and fallback, with each engine built and run inside the
 * wake-word worker thread (WorkerWakeWordDetector), so neither Porcupine's blocking activation nor
 * openWakeWord's inference touches the main thread.
 */
export function startWakeWordDetector(
  listening: ListeningSettings,
  secrets: WakeWordSecrets,
  options: Omit<WorkerWakeWordDetectorOptions, 'engine'> = {},
): Promise<WakeWordEngineSelection<WorkerWakeWordDetector>> {
  return createWakeWordEngine<WorkerWakeWordDetector>(listening, secrets, {
    createPorcupine: (o) => WorkerWakeWordDetector.start({ ...options, engine: { kind: 'porcupine', options: o } }),
    createOpenWakeWord: (o) => WorkerWakeWordDetector.start({ ...options, engine: { kind: 'openwakeword', options: o } }),
  });
}
