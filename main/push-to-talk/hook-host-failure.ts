import { AppError } from '../util/errors.js';
import type { HookHostExit } from './hook-host-process.js';
import { HOST_FAILURE_MARKER } from './hook-host-protocol.js';
import type { KeyHookSupport } from './key-hook-support.js';

export type KeyHookFailure = Extract<KeyHookSupport, { ok: false }>;

/**
 * The keyboard hook cannot run: `message` is the full sentence for the user, `reason` the clause for a
 * note ("because the X display :1 cannot be opened"). Permanent: retrying cannot help until something
 * changes (a setting, a permission, the display).
 */
export class KeyHookError extends AppError {
  readonly reason: string;
  constructor(failure: KeyHookFailure, cause?: unknown) {
    super(failure.message, { category: 'configuration', permanent: true, code: failure.code, ...(cause === undefined ? {} : { cause }) });
    this.reason = failure.reason;
  }
}

/** What is known about a host that did not become ready. */
export type HostFailureEvidence = {
  /** The host's own report (a failed load or start). */
  reported?: { code: string; message: string };
  exit?: HookHostExit;
  timedOut?: boolean;
  /** The host's stdout and stderr (libuiohook and Xlib write their complaints there). */
  output: string;
  display: string | undefined;
};

const ACCESSIBILITY_MESSAGE =
  'The keyboard hook needs Accessibility permission: System Settings → Privacy & Security → Accessibility → turn on Hearth, then restart Hearth.';

/**
 * Why the keyboard hook could not start, from the host's report, its exit and its output: the same codes
 * and sentences whatever the platform said. libuiohook does not always report: on X11 an unreachable
 * display aborts the host (SIGABRT after "XOpenDisplay failure!"), so the text decides.
 */
export function describeHostFailure(evidence: HostFailureEvidence): KeyHookFailure {
  const reportedCode = evidence.reported?.code ?? '';
  const text = flatten(`${reportedCode} ${evidence.reported?.message ?? ''} ${evidence.output}`);
  const display = evidence.display ?? '';
  if (reportedCode === 'UIOHOOK_ERROR_AXAPI_DISABLED') {
    return { ok: false, code: 'ptt_accessibility', reason: 'until Hearth has Accessibility permission', message: ACCESSIBILITY_MESSAGE };
  }
  if (/XOpenDisplay failure|UIOHOOK_ERROR_X_OPEN_DISPLAY/i.test(text)) {
    return {
      ok: false,
      code: 'ptt_x_unreachable',
      reason: `because the X display ${display} cannot be opened`.replace('  ', ' '),
      message: `The keyboard hook cannot open the X display "${display}" (no X server there, or no permission: check DISPLAY and XAUTHORITY).`,
    };
  }
  if (/XRecord|X_RECORD/i.test(text)) {
    return {
      ok: false,
      code: 'ptt_no_xrecord',
      reason: "because the X server's RECORD extension is not available",
      message: "The keyboard hook needs the X server's RECORD extension, which is missing or disabled.",
    };
  }
  if (reportedCode === 'LOAD') {
    return {
      ok: false,
      code: 'ptt_hook_failed',
      reason: 'because the keyboard hook could not be loaded',
      message: `The keyboard hook (uiohook-napi) could not be loaded: ${evidence.reported?.message ?? ''}`,
    };
  }
  const how = evidence.timedOut ? 'did not start in time' : evidence.exit ? describeExit(evidence.exit) : 'failed';
  const detail = evidence.reported?.message || lastLines(evidence.output);
  return {
    ok: false,
    code: 'ptt_hook_failed',
    reason: 'because the keyboard hook could not start',
    message: `The keyboard hook could not start (its process ${how}${detail ? `: ${detail}` : ''}).`,
  };
}

/**
 * libuiohook's own words for a start that cannot succeed (xrecord_start/xrecord_query, logged before
 * hook_run returns its error). They matter because uiohook-napi 1.5.5's start() can then wait forever: its
 * hook thread signals the failure without holding the mutex hook_enable() waits on, so on a busy machine
 * the signal can come before the wait (seen: a host hanging until the start timeout, 15 s, on a display
 * that no longer existed). Seeing one of these lines, the app stops waiting.
 */
const NATIVE_START_FAILURE = /XOpenDisplay failure!|XRecord is not currently available!|XRecord\w+ failure!/;

export function nativeStartFailed(output: string): boolean {
  return NATIVE_START_FAILURE.test(output);
}

/** "exited with code 1: X connection to :5 broken (explicit kill or server shutdown)." — for a host that died running. */
export function describeHostExit(exit: HookHostExit, output: string): string {
  const detail = lastLines(output);
  return `${describeExit(exit)}${detail ? `: ${detail}` : ''}`;
}

function describeExit(exit: HookHostExit): string {
  if (exit.signal) return `was killed by ${exit.signal}`;
  return exit.code === null ? 'ended' : `exited with code ${exit.code}`;
}

function flatten(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The last distinct lines of the output, without our marker, at most 300 characters. */
function lastLines(output: string): string {
  const lines = output
    .split(/\r?\n/)
    .map((line) => line.replace(new RegExp(`^${HOST_FAILURE_MARKER}\\s*`), '').trim())
    .filter((line) => line !== '');
  const distinct = lines.filter((line, i) => lines.indexOf(line) === i);
  const text = flatten(distinct.slice(-3).join(' '));
  return text.length > 300 ? `…${text.slice(-299)}` : text;
}
