import { createRequire } from 'node:module';
import { errorMessage, WakeWordError } from '../util/errors.js';
import type * as PorcupineModuleValue from '@picovoice/porcupine-node';

/** Loading `@picovoice/porcupine-node` and what its package tells without an AccessKey. */

/** Where users make AccessKeys, keyword files and language models. */
export const PICOVOICE_CONSOLE = 'Picovoice Console (console.picovoice.ai)';

export type PorcupineModule = typeof PorcupineModuleValue;
export type PorcupineInstance = InstanceType<PorcupineModule['Porcupine']>;

let cachedModule: PorcupineModule | undefined;

/** The Porcupine package, loaded on first use (a missing native library becomes one WakeWordError). */
export function loadPorcupineModule(): PorcupineModule {
  if (cachedModule) return cachedModule;
  try {
    const require = createRequire(import.meta.url);
    cachedModule = require('@picovoice/porcupine-node') as PorcupineModule;
    return cachedModule;
  } catch (cause) {
    throw new WakeWordError(`Porcupine could not be loaded (@picovoice/porcupine-node): ${errorMessage(cause)}`, {
      category: 'configuration',
      permanent: true,
      code: 'porcupine_unsupported_platform',
      cause,
    });
  }
}

/** The built-in keyword names of the installed Porcupine package (its `BuiltinKeyword` enum). */
export function porcupineBuiltinKeywords(): readonly string[] {
  return Object.values(loadPorcupineModule().BuiltinKeyword) as string[];
}

/** Porcupine's platform folder name for this machine: linux, mac, windows or raspberry-pi. */
export function porcupinePlatform(): string {
  try {
    const require = createRequire(import.meta.url);
    const platforms = require('@picovoice/porcupine-node/dist/platforms.js') as { getPlatform: () => string };
    return platforms.getPlatform();
  } catch (cause) {
    throw new WakeWordError(`Porcupine does not support this computer (${process.platform}/${process.arch}): ${errorMessage(cause)}`, {
      category: 'configuration',
      permanent: true,
      code: 'porcupine_unsupported_platform',
      cause,
    });
  }
}

/**
 * Frame length, sample rate and version straight from Porcupine's native library, which answers without
 * an AccessKey (Porcupine 4.0.2 on linux x86_64: 512 samples at 16 kHz, version 4.0.0).
 */
export function readPorcupineFormat(libraryPath?: string): { frameLength: number; sampleRate: number; version: string } {
  const require = createRequire(import.meta.url);
  let file = libraryPath;
  if (!file) {
    const platforms = require('@picovoice/porcupine-node/dist/platforms.js') as { getSystemLibraryPath: () => string };
    file = platforms.getSystemLibraryPath();
  }
  const native = require(file) as { frame_length(): number; sample_rate(): number; version(): string };
  return { frameLength: native.frame_length(), sampleRate: native.sample_rate(), version: native.version() };
}

/** The package if it has been loaded already (error mapping must not load it). */
export function loadedPorcupineModule(): PorcupineModule | undefined {
  return cachedModule;
}
