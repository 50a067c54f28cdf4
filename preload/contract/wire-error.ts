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
