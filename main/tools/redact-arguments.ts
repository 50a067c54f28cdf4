/** Argument names whose values are secrets the user spoke (an alarm code, a PIN). */
const SECRET_ARGUMENTS = new Set(['code', 'pin', 'password', 'passcode']);

/**
 * A tool call's JSON arguments as they may be shown, logged or carried over: secret values replaced.
 * The tool itself still gets the real arguments. Text that is not a JSON object is returned as is.
 */
export function redactArguments(argumentsJson: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(argumentsJson);
  } catch {
    return argumentsJson;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return argumentsJson;
  let redacted = false;
  const copy: Record<string, unknown> = { ...(parsed as Record<string, unknown>) };
  for (const key of Object.keys(copy)) {
    if (SECRET_ARGUMENTS.has(key.toLowerCase()) && copy[key] !== undefined && copy[key] !== null && copy[key] !== '') {
      copy[key] = '[redacted]';
      redacted = true;
    }
  }
  return redacted ? JSON.stringify(copy) : argumentsJson;
}
