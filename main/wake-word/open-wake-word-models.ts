import path from 'node:path';
import { ConfigError, errorMessage } from '../util/errors.js';
import { loadModel, type OrtRuntime, type SyncModel } from './onnx-sync-model.js';
import {
  EMBEDDING_DIM,
  EMBEDDING_WINDOW_FRAMES,
  MEL_BINS,
  MEL_CONTEXT_SAMPLES,
  OPEN_WAKE_WORD_STEP_SAMPLES,
} from './open-wake-word-features.js';
import type { KeywordModel } from './open-wake-word-keyword.js';
import type { ResolvedKeyword } from './open-wake-word-options.js';

const MAX_KEYWORD_WINDOW = 120;

export type OpenWakeWordModels = { mel: SyncModel; embedding: SyncModel; keywords: KeywordModel[] };

/**
 * Loads melspectrogram.onnx and embedding_model.onnx from `modelsDir` and every keyword's model, and
 * checks each one's shape with a test run: a ConfigError that names the file if one is missing,
 * unreadable, not ONNX or of the wrong shape (nothing stays loaded then).
 */
export async function loadOpenWakeWordModels(
  ort: OrtRuntime,
  modelsDir: string,
  keywords: readonly ResolvedKeyword[],
): Promise<OpenWakeWordModels> {
  const loaded: SyncModel[] = [];
  try {
    const mel = await loadModel(ort, path.join(modelsDir, 'melspectrogram.onnx'), 'melspectrogram');
    loaded.push(mel);
    checkMelModel(mel);
    const embedding = await loadModel(ort, path.join(modelsDir, 'embedding_model.onnx'), 'embedding');
    loaded.push(embedding);
    checkEmbeddingModel(embedding);
    const keywordModels: KeywordModel[] = [];
    for (const k of keywords) {
      const model = await loadModel(ort, k.file, `keyword ('${k.label}')`);
      loaded.push(model);
      keywordModels.push({ label: k.label, threshold: k.threshold, model, window: checkKeywordModel(model) });
    }
    return { mel, embedding, keywords: keywordModels };
  } catch (error) {
    for (const model of loaded) model.dispose();
    throw error;
  }
}

export function disposeOpenWakeWordModels(models: OpenWakeWordModels): void {
  models.mel.dispose();
  models.embedding.dispose();
  for (const k of models.keywords) k.model.dispose();
}

function checkMelModel(mel: SyncModel): void {
  let frames: number;
  try {
    const out = mel.run(new Float32Array(MEL_CONTEXT_SAMPLES + OPEN_WAKE_WORD_STEP_SAMPLES), [1, 1760]);
    frames = out.data.length / MEL_BINS;
    if (out.dims.at(-1) !== MEL_BINS || frames !== 8) throw new Error(`output dims [${out.dims.join(', ')}]`);
  } catch (cause) {
    throw new ConfigError(
      `${mel.file} is not the openWakeWord melspectrogram model (1760 samples must give 8 × 32 frames): ${errorMessage(cause)}`,
      { cause },
    );
  }
}

function checkEmbeddingModel(embedding: SyncModel): void {
  try {
    const out = embedding.run(new Float32Array(EMBEDDING_WINDOW_FRAMES * MEL_BINS), [1, 76, 32, 1]);
    if (out.data.length !== EMBEDDING_DIM) throw new Error(`output dims [${out.dims.join(', ')}]`);
  } catch (cause) {
    throw new ConfigError(
      `${embedding.file} is not the openWakeWord embedding model ([1, 76, 32, 1] → 96 values): ${errorMessage(cause)}`,
      { cause },
    );
  }
}

/** Returns the model's window (embedding vectors per input). */
function checkKeywordModel(model: SyncModel): number {
  const [, window, dim] = model.inputDims;
  const describe = `input [${model.inputDims.join(', ')}], output [${model.outputDims.join(', ')}]`;
  if (model.inputDims.length !== 3 || typeof window !== 'number' || window < 1 || window > MAX_KEYWORD_WINDOW || dim !== EMBEDDING_DIM) {
    throw new ConfigError(
      `${model.file} is not an openWakeWord keyword model (expected input [1, N, 96] with N ≤ ${MAX_KEYWORD_WINDOW}; it has ${describe})`,
    );
  }
  let values: number;
  try {
    values = model.run(new Float32Array(window * EMBEDDING_DIM), [1, window, EMBEDDING_DIM]).data.length;
  } catch (cause) {
    throw new ConfigError(`${model.file} failed a test run (${describe}): ${errorMessage(cause)}`, { cause });
  }
  if (values !== 1) {
    throw new ConfigError(`${model.file} gives ${values} scores per step; only single-score wake-word models are supported (${describe})`);
  }
  return window;
}
