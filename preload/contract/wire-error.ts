/** What kind of failure this is; decides the message the user sees and whether retrying can help. */
export type ErrorCategory =
  | 'authentication'
  | 'authorization'
  | 'invalid_request'
  | 'rate_limit'
  | 'quota'
  | 'connectivity'
  | 'server'
  | 'configuration'
  | 'application'
  | 'unknown';

export type ErrorSource = 'openai' | 'home-assistant' | 'mic' | 'wake-word' | 'tool' | 'settings' | 'app';

/** An error as plain data, the only form in which errors cross IPC, the event log or the web bridge. */
export type WireError = {
  name: string;
  source: ErrorSource;
  category: ErrorCategory;
  /** True when retrying cannot help until the user changes something (a key, a URL, a setting). */
  permanent: boolean;
  message: string;
  code?: string;
};

export type InvokeResult<T> = { ok: true; value: T } | { ok: false; error: WireError };

/**
 * Whether an answer has the InvokeResult shape: `ok: true`, or `ok: false` with an error that has a string
 * message. `value` is not required: JSON (the web bridge) drops `value: undefined`.
 */
export function isInvokeResult(value: unknown): value is InvokeResult<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const result = value as { ok?: unknown; error?: unknown };
  if (result.ok === true) return true;
  return (
    result.ok === false &&
    typeof result.error === 'object' &&
    result.error !== null &&
    typeof (result.error as WireError).message === 'string'
  );
}

/** The message of anything thrown: an Error's own message, or the value as text. */
export function errorMessage(value: unknown): string {
  return value instanceof Error ? value.message : String(value);
}
