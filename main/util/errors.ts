import { errorMessage, type ErrorCategory, type ErrorSource, type WireError } from '../../preload/contract/wire-error.js';

export type { ErrorCategory, ErrorSource, WireError };
export { errorMessage };

type AssistantErrorOptions = {
  category: ErrorCategory;
  permanent?: boolean;
  code?: string;
  cause?: unknown;
};

/**
 * The root of every error the app reports. Long-lived components never throw these from callbacks;
 * they emit them, and `permanent` decides whether anything retries.
 */
export abstract class AssistantError extends Error {
  override readonly name: string;
  abstract readonly source: ErrorSource;
  readonly category: ErrorCategory;
  readonly permanent: boolean;
  readonly code: string | undefined;

  constructor(message: string, options: AssistantErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.category = options.category;
    this.permanent = options.permanent ?? isPermanentCategory(options.category);
    this.code = options.code;
  }

  toWire(): WireError {
    const wire: WireError = {
      name: this.name,
      source: this.source,
      category: this.category,
      permanent: this.permanent,
      message: this.message,
    };
    if (this.code !== undefined) wire.code = this.code;
    return wire;
  }
}

export class OpenAIRealtimeError extends AssistantError {
  readonly source = 'openai' as const;
}
export class HomeAssistantError extends AssistantError {
  readonly source = 'home-assistant' as const;
}
export class MicError extends AssistantError {
  readonly source = 'mic' as const;
}
export class WakeWordError extends AssistantError {
  readonly source = 'wake-word' as const;
}
export class ToolError extends AssistantError {
  readonly source = 'tool' as const;
}
/** Misuse or a bad setting: thrown synchronously, never retried. */
export class ConfigError extends AssistantError {
  readonly source = 'settings' as const;
  constructor(message: string, options: Partial<AssistantErrorOptions> = {}) {
    super(message, { category: 'configuration', permanent: true, ...options });
  }
}
export class AppError extends AssistantError {
  readonly source = 'app' as const;
}

export function isPermanentCategory(category: ErrorCategory): boolean {
  return (
    category === 'authentication' ||
    category === 'authorization' ||
    category === 'invalid_request' ||
    category === 'quota' ||
    category === 'configuration'
  );
}

/** Turns anything thrown into an AssistantError, keeping the original as the cause. */
export function toAssistantError(value: unknown, fallbackSource: ErrorSource = 'app'): AssistantError {
  if (value instanceof AssistantError) return value;
  const message = errorMessage(value);
  const options = { category: 'unknown' as const, permanent: false, cause: value };
  switch (fallbackSource) {
    case 'openai':
      return new OpenAIRealtimeError(message, options);
    case 'home-assistant':
      return new HomeAssistantError(message, options);
    case 'mic':
      return new MicError(message, options);
    case 'wake-word':
      return new WakeWordError(message, options);
    case 'tool':
      return new ToolError(message, options);
    case 'settings':
      return new ConfigError(message, options);
    case 'app':
      return new AppError(message, options);
  }
}
