import { statSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../util/errors.js';
import { editDistance } from '../util/edit-distance.js';
import { PICOVOICE_CONSOLE, porcupineBuiltinKeywords } from './porcupine-module.js';

/** Porcupine's options resolved: keyword names or .ppn files, language models, sensitivities. */

const DEFAULT_SENSITIVITY = 0.5;

export type ResolvedKeyword = { label: string; keyword: string; file?: string };

/** Keyword file names from Picovoice Console: `<phrase>_<lang>_<platform>_v<major>_<minor>_<patch>.ppn`. */
const PPN_NAME = /^(.+?)_([a-z]{2})_(linux|mac|windows|raspberry-pi|wasm|android|ios|jetson|beaglebone)_v\d+(?:_\d+)*\.ppn$/i;
/** Language models: porcupine_params.pv (English) or porcupine_params_<lang>.pv. */
const PV_NAME = /^porcupine_params(?:_([a-z]{2}))?\.pv$/i;

export const PLATFORM_NAMES: Record<string, string> = {
  linux: 'Linux',
  mac: 'macOS',
  windows: 'Windows',
  'raspberry-pi': 'Raspberry Pi',
  wasm: 'the web (WASM)',
  android: 'Android',
  ios: 'iOS',
  jetson: 'Jetson',
  beaglebone: 'BeagleBone',
};

function normaliseKeywordName(name: string): string {
  return name.trim().toLowerCase().replace(/[_-]+/g, ' ').replace(/\s+/g, ' ');
}

/** "hey jarvis" → "jarvis", "okay google" → "ok google", "jarvs" → "jarvis". */
export function suggestPorcupineKeyword(name: string, builtins: readonly string[] = porcupineBuiltinKeywords()): string | undefined {
  const norm = normaliseKeywordName(name);
  const candidates = [norm, norm.replace(/^okay /, 'ok '), norm.replace(/^(hey|hi|hello|ok|okay) /, '')];
  const direct = candidates.find((c) => builtins.includes(c));
  if (direct) return direct;
  let best: { name: string; distance: number } | undefined;
  for (const builtin of builtins) {
    const distance = editDistance(norm, builtin, 2);
    if (distance <= 2 && (!best || distance < best.distance)) best = { name: builtin, distance };
  }
  return best?.name;
}

/** "Ambrosio_es_linux_v3_0_0.ppn" → "Ambrosio"; "hey-ambrosio.ppn" → "hey ambrosio". */
export function labelFromPpnFile(file: string): string {
  const base = path.basename(file);
  const match = PPN_NAME.exec(base);
  const stem = match ? match[1]! : base.replace(/\.ppn$/i, '');
  return stem.replace(/[_-]+/g, ' ').trim();
}

export function resolveKeyword(raw: string, builtins: readonly string[], platform: string): ResolvedKeyword {
  const trimmed = raw.trim();
  if (trimmed === '') {
    throw new ConfigError('A Porcupine keyword is empty: use a built-in keyword such as jarvis, or the path to a .ppn file', {
      code: 'porcupine_keyword_unknown',
    });
  }
  const looksLikePath = /[\\/]/.test(trimmed) || /\.ppn$/i.test(trimmed);
  if (!looksLikePath) {
    const norm = normaliseKeywordName(trimmed);
    if (builtins.includes(norm)) return { label: norm, keyword: norm };
    const suggestion = suggestPorcupineKeyword(trimmed, builtins);
    const hint =
      suggestion !== undefined
        ? ` Did you mean '${suggestion}'?` +
          (norm === 'hey jarvis' ? ' (Porcupine has no "hey jarvis"; its built-in is "jarvis". openWakeWord has hey_jarvis.)' : '')
        : ` For a custom wake word such as '${trimmed}', create it in ${PICOVOICE_CONSOLE} for ${PLATFORM_NAMES[platform] ?? platform}, ` +
          `download the .ppn file and give its path instead of the name.`;
    throw new ConfigError(`'${trimmed}' is not a built-in Porcupine keyword.${hint} Built-in keywords: ${builtins.join(', ')}.`, {
      code: 'porcupine_keyword_unknown',
    });
  }
  const file = path.resolve(trimmed);
  if (!/\.ppn$/i.test(file)) {
    throw new ConfigError(
      `The Porcupine keyword file ${file} is not a .ppn file (custom keywords come from ${PICOVOICE_CONSOLE} as .ppn files)`,
      {
        code: 'porcupine_keyword_file',
      },
    );
  }
  if (!isFile(file)) {
    throw new ConfigError(`The Porcupine keyword file ${file} does not exist`, { code: 'porcupine_keyword_file' });
  }
  const match = PPN_NAME.exec(path.basename(file));
  const filePlatform = match?.[3]?.toLowerCase();
  if (filePlatform && filePlatform !== platform) {
    throw new ConfigError(
      `The Porcupine keyword file ${file} was made for ${PLATFORM_NAMES[filePlatform] ?? filePlatform}, ` +
        `but this computer needs the ${PLATFORM_NAMES[platform] ?? platform} version: download it from ${PICOVOICE_CONSOLE}`,
      { code: 'porcupine_keyword_file' },
    );
  }
  return { label: labelFromPpnFile(file), keyword: file, file };
}

function keywordLanguage(k: ResolvedKeyword): string | undefined {
  if (!k.file) return 'en'; // the built-in keywords are English
  return PPN_NAME.exec(path.basename(k.file))?.[2]?.toLowerCase();
}

export function checkLanguages(keywords: ResolvedKeyword[], modelPath: string | undefined): void {
  const modelLanguage = languageOfModel(modelPath);
  for (const k of keywords) {
    const language = keywordLanguage(k);
    if (!language || !modelLanguage || language === modelLanguage) continue;
    const what = k.file ? `The keyword file ${k.file} is in language '${language}'` : `'${k.label}' is a built-in (English) keyword`;
    const fix =
      language === 'en'
        ? 'leave the Porcupine language model empty (English)'
        : `set the Porcupine language model to porcupine_params_${language}.pv (from Picovoice's GitHub, lib/common/)`;
    throw new ConfigError(
      `${what}, but the Porcupine language model ${modelPath ? path.basename(modelPath) : '(default, English)'} is '${modelLanguage}': ` +
        `keyword and model must be in the same language; ${fix}`,
      { code: 'porcupine_language_mismatch' },
    );
  }
}

/** 'en' for the default model and porcupine_params.pv, 'de' for porcupine_params_de.pv, undefined if unknown. */
function languageOfModel(modelPath: string | undefined): string | undefined {
  if (!modelPath) return 'en';
  const match = PV_NAME.exec(path.basename(modelPath));
  if (!match) return undefined;
  return match[1]?.toLowerCase() ?? 'en';
}

export function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

export function resolveSensitivities(sensitivities: readonly number[] | undefined, count: number): number[] {
  const given = sensitivities ?? [];
  if (given.length > count) {
    throw new ConfigError(
      `${given.length} Porcupine sensitivities for ${count} keyword${count === 1 ? '' : 's'}: give at most one per keyword`,
      {
        code: 'porcupine_sensitivity',
      },
    );
  }
  given.forEach((s, i) => {
    if (typeof s !== 'number' || !Number.isFinite(s) || s < 0 || s > 1) {
      throw new ConfigError(`Porcupine sensitivity #${i + 1} is ${String(s)}; it must be between 0 and 1`, {
        code: 'porcupine_sensitivity',
      });
    }
  });
  return Array.from({ length: count }, (_, i) => given[i] ?? DEFAULT_SENSITIVITY);
}
