import { AssistantError, ConfigError, errorMessage, WakeWordError, type ErrorCategory } from '../util/errors.js';
import { loadedPorcupineModule, PICOVOICE_CONSOLE, type PorcupineModule } from './porcupine-module.js';
import { labelFromPpnFile, PLATFORM_NAMES, type ResolvedKeyword } from './porcupine-keywords.js';

/** Porcupine's failures as WakeWordErrors a user can act on, with stable codes, never quoting the AccessKey. */

/** Stable codes of the errors createPorcupineEngine throws (WakeWordError unless noted). */
export const PORCUPINE_ERROR_CODES = [
  'porcupine_access_key_missing',
  'porcupine_access_key_invalid',
  'porcupine_access_key_platform',
  'porcupine_activation_failed',
  'porcupine_activation_limit',
  'porcupine_activation_throttled',
  'porcupine_activation_refused',
  'porcupine_license_expired',
  'porcupine_keyword_unknown', // ConfigError
  'porcupine_keyword_file', // ConfigError (missing / not a .ppn / other platform or language, found before init)
  'porcupine_keyword_file_invalid',
  'porcupine_model_file', // ConfigError (missing model before init)
  'porcupine_model_file_invalid',
  'porcupine_file_version',
  'porcupine_language_mismatch',
  'porcupine_sensitivity', // ConfigError
  'porcupine_invalid_argument',
  'porcupine_io',
  'porcupine_out_of_memory',
  'porcupine_unsupported_platform',
  'porcupine_failed',
] as const;
export type PorcupineErrorCode = (typeof PORCUPINE_ERROR_CODES)[number];

export type ErrorContext = { accessKey: string; keywords: ResolvedKeyword[]; modelPath: string | undefined; platform: string };

/** Porcupine's messages quote the AccessKey ("Failed to parse AccessKey `…`"): never let it through. */
export function redactAccessKey(text: string, accessKey: string | undefined): string {
  let out = text.replace(/AccessKey `[^`]*`/g, 'AccessKey `[redacted]`');
  const key = accessKey?.trim();
  if (key && key.length >= 4) out = out.split(key).join('[redacted]');
  return out;
}

function porcupineClassName(error: unknown, mod: PorcupineModule | undefined): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const classes = mod?.PorcupineErrors;
  if (classes) {
    const names = [
      'PorcupineActivationLimitReachedError',
      'PorcupineActivationThrottledError',
      'PorcupineActivationRefusedError',
      'PorcupineActivationError',
      'PorcupineInvalidArgumentError',
      'PorcupineIOError',
      'PorcupineOutOfMemoryError',
      'PorcupineRuntimeError',
      'PorcupineInvalidStateError',
      'PorcupineKeyError',
      'PorcupineStopIterationError',
      'PorcupineError',
    ] as const;
    for (const name of names) {
      const cls = classes[name] as unknown;
      if (typeof cls === 'function' && error instanceof (cls as new (...args: never[]) => Error)) return name;
    }
  }
  const ctor = error.constructor?.name;
  return ctor?.startsWith('Porcupine') ? ctor : undefined;
}

function stackOf(error: unknown): string[] {
  const stack = (error as { messageStack?: unknown } | null)?.messageStack;
  return Array.isArray(stack) ? stack.map(String) : [];
}

/** The native message stack without build hashes: "Failed to parse AccessKey `[redacted]`." */
function details(error: unknown, ctx: ErrorContext): string {
  const lines = stackOf(error)
    .map((line) => line.replace(/^[0-9a-f]{7} [0-9A-F]{8}: /, '').trim())
    .filter((line) => line !== '' && line !== 'Picovoice Error.' && !/^[0-9a-f]{7}$/.test(line));
  const text = lines.length > 0 ? lines.join(' ') : errorMessage(error).split('\n')[0]!;
  return redactAccessKey(text, ctx.accessKey);
}

function wakeWordError(
  message: string,
  code: PorcupineErrorCode,
  category: ErrorCategory,
  permanent: boolean,
  original: unknown,
  ctx: ErrorContext,
) {
  return new WakeWordError(message, { category, permanent, code, cause: sanitisedCause(original, ctx) });
}

/** A copy of the Porcupine error without the AccessKey, kept as `cause` for the logs. */
function sanitisedCause(original: unknown, ctx: ErrorContext): Error {
  const copy = new Error(redactAccessKey(errorMessage(original), ctx.accessKey));
  copy.name = (original instanceof Error && original.constructor?.name) || 'Error';
  return copy;
}

/**
 * Maps anything Porcupine throws to an AssistantError with a message a user can act on. Exported for the
 * tests and for callers that construct Porcupine themselves.
 */
export function porcupineErrorToAssistantError(
  error: unknown,
  ctx: { accessKey?: string; keywordFiles?: string[]; modelPath?: string; platform?: string } = {},
  mod: PorcupineModule | undefined = loadedPorcupineModule(),
): AssistantError {
  if (error instanceof AssistantError) return error;
  const context: ErrorContext = {
    accessKey: ctx.accessKey ?? '',
    keywords: (ctx.keywordFiles ?? []).map((file) => ({ label: labelFromPpnFile(file), keyword: file, file })),
    modelPath: ctx.modelPath,
    platform: ctx.platform ?? 'this platform',
  };
  const cls = porcupineClassName(error, mod);
  const message = errorMessage(error);
  const stack = stackOf(error).join('\n');
  const all = `${message}\n${stack}`;
  const info = details(error, context);
  const keyHelp = `Copy the AccessKey again from ${PICOVOICE_CONSOLE} into Settings → Listening, or switch the wake engine to openWakeWord.`;

  if (/No AccessKey provided/i.test(message)) {
    return wakeWordError(
      `No Picovoice AccessKey is set. Porcupine needs one: get a free AccessKey from ${PICOVOICE_CONSOLE} and add it in Settings → Listening.`,
      'porcupine_access_key_missing',
      'authentication',
      true,
      error,
      context,
    );
  }
  if (/License is expired|licen[cs]e (has )?expired/i.test(all)) {
    return wakeWordError(
      `The Picovoice licence for this AccessKey has expired. Renew it (or create a new AccessKey) in ${PICOVOICE_CONSOLE}, or switch the wake engine to openWakeWord.`,
      'porcupine_license_expired',
      'authorization',
      true,
      error,
      context,
    );
  }
  if (/Platform is not supported by this AccessKey/i.test(all)) {
    return wakeWordError(
      `This Picovoice AccessKey is not allowed on ${PLATFORM_NAMES[context.platform] ?? context.platform} (its plan does not cover this platform). Check the AccessKey's plan in ${PICOVOICE_CONSOLE}.`,
      'porcupine_access_key_platform',
      'authorization',
      true,
      error,
      context,
    );
  }
  switch (cls) {
    case 'PorcupineActivationLimitReachedError':
      return wakeWordError(
        `This Picovoice AccessKey has reached its device limit: every computer, reinstall, container or new user profile that ` +
          `runs Porcupine counts as a device. Free up devices or upgrade the plan in ${PICOVOICE_CONSOLE} (free-tier activations reset monthly), ` +
          `or switch the wake engine to openWakeWord.`,
        'porcupine_activation_limit',
        'quota',
        true,
        error,
        context,
      );
    case 'PorcupineActivationThrottledError':
      return wakeWordError(
        `Picovoice is throttling activations for this AccessKey (too many in a short time). This is temporary: try again later.`,
        'porcupine_activation_throttled',
        'rate_limit',
        false,
        error,
        context,
      );
    case 'PorcupineActivationRefusedError':
      return wakeWordError(
        `Picovoice refused this AccessKey (it may be revoked, disabled or from another account). ${keyHelp}`,
        'porcupine_activation_refused',
        'authorization',
        true,
        error,
        context,
      );
    case 'PorcupineActivationError':
      return wakeWordError(
        `Porcupine could not activate the AccessKey with Picovoice's server. It needs internet access on first start and now and ` +
          `then to renew its licence; check the connection (proxy, firewall) and try again. (${info})`,
        'porcupine_activation_failed',
        'connectivity',
        false,
        error,
        context,
      );
    case 'PorcupineInvalidArgumentError':
    case undefined:
    default:
      break;
  }
  if (/AccessKey is invalid|Failed to parse AccessKey|Unable to get the AccessKey/i.test(all)) {
    return wakeWordError(
      `The Picovoice AccessKey is not valid (Porcupine could not parse it). ${keyHelp}`,
      'porcupine_access_key_invalid',
      'authentication',
      true,
      error,
      context,
    );
  }
  const fileIn = (pattern: RegExp): string | undefined => pattern.exec(all)?.[1];
  if (/Keyword file \(\.ppn\) file has incorrect format or belongs to a different platform/i.test(all)) {
    const file = fileIn(/Loading keyword file at `([^`]+)`/) ?? context.keywords.map((k) => k.file).join(', ');
    return wakeWordError(
      `The keyword file ${file} is not a Porcupine keyword for this computer: it is damaged or made for another platform. ` +
        `Download the ${PLATFORM_NAMES[context.platform] ?? context.platform} version from ${PICOVOICE_CONSOLE}.`,
      'porcupine_keyword_file_invalid',
      'configuration',
      true,
      error,
      context,
    );
  }
  if (/Model \(\.pv\) file has incorrect format or belongs to a different platform/i.test(all)) {
    return wakeWordError(
      `The Porcupine language model ${context.modelPath ?? ''} is not a valid .pv file (damaged or for another platform). ` +
        `Use a porcupine_params*.pv file that matches the Porcupine version, or leave the model empty for English.`,
      'porcupine_model_file_invalid',
      'configuration',
      true,
      error,
      context,
    );
  }
  if (/belongs to a different version of the library/i.test(all)) {
    return wakeWordError(
      `A Porcupine file was made for a different Porcupine version (${info}). Download keyword and model files for Porcupine 4 from ${PICOVOICE_CONSOLE}.`,
      'porcupine_file_version',
      'configuration',
      true,
      error,
      context,
    );
  }
  if (/should belong to the same language|languages should match|Internal languages/i.test(all)) {
    return wakeWordError(
      `The wake-word keyword and the Porcupine language model are in different languages (${info}). ` +
        `Use the language model (porcupine_params_<language>.pv) that matches the keyword, and keywords of one language only.`,
      'porcupine_language_mismatch',
      'configuration',
      true,
      error,
      context,
    );
  }
  if (/File not found/i.test(message)) {
    return wakeWordError(
      `Porcupine could not find a file: ${redactAccessKey(message, context.accessKey)}`,
      'porcupine_keyword_file',
      'configuration',
      true,
      error,
      context,
    );
  }
  if (error instanceof RangeError) {
    return new ConfigError(`Porcupine rejected a sensitivity: ${error.message}`, { code: 'porcupine_sensitivity', cause: error });
  }
  switch (cls) {
    case 'PorcupineInvalidArgumentError':
      return wakeWordError(`Porcupine rejected its settings: ${info}`, 'porcupine_invalid_argument', 'configuration', true, error, context);
    case 'PorcupineIOError':
      return wakeWordError(
        `Porcupine hit an I/O error (reading its model or keyword files, or talking to Picovoice's server): ${info}`,
        'porcupine_io',
        'unknown',
        false,
        error,
        context,
      );
    case 'PorcupineOutOfMemoryError':
      return wakeWordError(`Porcupine ran out of memory: ${info}`, 'porcupine_out_of_memory', 'application', false, error, context);
    case 'PorcupineRuntimeError':
      if (/Unsupported CPU|not supported by this library/i.test(all)) return unsupportedPlatform(info, error, context);
      break;
    default:
      // The native loader throws a bare string when the library does not run here.
      if (typeof error === 'string' && /not supported by this library/i.test(error)) return unsupportedPlatform(error, error, context);
      break;
  }
  return wakeWordError(`Porcupine failed: ${info}`, 'porcupine_failed', 'application', false, error, context);
}

function unsupportedPlatform(detail: string, error: unknown, context: ErrorContext): AssistantError {
  return wakeWordError(
    `Porcupine does not support this computer: ${detail}`,
    'porcupine_unsupported_platform',
    'configuration',
    true,
    error,
    context,
  );
}

export function contextForMapping(ctx: ErrorContext) {
  return {
    accessKey: ctx.accessKey,
    keywordFiles: ctx.keywords.flatMap((k) => (k.file ? [k.file] : [])),
    modelPath: ctx.modelPath,
    platform: ctx.platform,
  };
}
