import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

/**
 * Can the native keyboard hook (uiohook-napi) work here? A pure check of the platform and environment,
 * and on Linux a probe in a child process, because libuiohook does not fail gracefully there: with no
 * reachable X server its XOpenDisplay failure **aborts the whole process** (SIGABRT, measured with
 * uiohook-napi 1.5.5), so it must never be tried in the app's own process first.
 */

export type HookEnvironment = {
  platform: NodeJS.Platform;
  env: Readonly<Record<string, string | undefined>>;
  /** macOS: Electron's systemPreferences.isTrustedAccessibilityClient(false); undefined = unknown. */
  accessibilityTrusted?: boolean;
};

export type KeyHookSupport =
  | { ok: true }
  | {
      ok: false;
      code:
        | 'ptt_wayland'
        | 'ptt_no_display'
        | 'ptt_accessibility'
        | 'ptt_unsupported_platform'
        | 'ptt_x_unreachable'
        | 'ptt_no_xrecord'
        | 'ptt_hook_failed';
      /** Why, as a clause for a note: "on Wayland", "without an X11 display (DISPLAY is not set)"… */
      reason: string;
      /** A full sentence saying what to do. */
      message: string;
    };

export function isWaylandSession(env: HookEnvironment['env']): boolean {
  return env.XDG_SESSION_TYPE?.toLowerCase() === 'wayland' || (env.WAYLAND_DISPLAY ?? '') !== '';
}

/**
 * The environment check, without touching the native module. Linux: not on Wayland (a global X11 hook
 * there only sees keys typed into XWayland windows, so hold-to-talk would work only now and then), and
 * DISPLAY must be set. macOS: Accessibility permission when known. Windows: fine.
 */
export function detectKeyHookSupport(e: HookEnvironment): KeyHookSupport {
  switch (e.platform) {
    case 'linux':
      if (isWaylandSession(e.env)) {
        return {
          ok: false,
          code: 'ptt_wayland',
          reason: 'on Wayland',
          message:
            'Wayland does not let applications watch the keyboard globally, so the keyboard hook cannot see key releases ' +
            '(it would only see keys typed into X11 windows).',
        };
      }
      if ((e.env.DISPLAY ?? '') === '') {
        return {
          ok: false,
          code: 'ptt_no_display',
          reason: 'without an X11 display (DISPLAY is not set)',
          message: 'The keyboard hook needs an X11 display, and DISPLAY is not set.',
        };
      }
      return { ok: true };
    case 'darwin':
      if (e.accessibilityTrusted === false) {
        return {
          ok: false,
          code: 'ptt_accessibility',
          reason: 'until Hearth has Accessibility permission',
          message:
            'The keyboard hook needs Accessibility permission: System Settings → Privacy & Security → Accessibility → turn on Hearth, then restart Hearth.',
        };
      }
      return { ok: true };
    case 'win32':
      return { ok: true };
    default:
      return {
        ok: false,
        code: 'ptt_unsupported_platform',
        reason: `on ${e.platform}`,
        message: `The keyboard hook (uiohook-napi) has no build for ${e.platform}.`,
      };
  }
}

const PROBE_OK = 'HEARTH_UIOHOOK_PROBE_OK';
const PROBE_START_ERROR = 'HEARTH_UIOHOOK_START_ERROR';

/** Runs in a child process: load uiohook-napi, start the hook, stop it. Argument: the module's path. */
const PROBE_SCRIPT = `
let hook;
try { hook = require(process.argv[1]).uIOhook; } catch (e) { process.stderr.write('${PROBE_START_ERROR} LOAD ' + (e && e.message || e)); process.exit(4); }
try { hook.start(); } catch (e) { process.stderr.write('${PROBE_START_ERROR} ' + (e && e.code || '') + ' ' + (e && e.message || e)); process.exit(3); }
setTimeout(() => { try { hook.stop(); } catch {} process.stdout.write('${PROBE_OK}'); process.exit(0); }, 150);
`;

export type ProbeOptions = {
  env: Readonly<Record<string, string | undefined>>;
  /** Default 5000 ms. */
  timeoutMs?: number;
  /** The Node (or Electron, run as Node) binary. Default process.execPath. */
  execPath?: string;
  /** Path of uiohook-napi's entry. Default: resolved from here. */
  modulePath?: string;
};

export type ProbeResult = KeyHookSupport & { elapsedMs: number };

/**
 * Starts and stops the hook in a child process (`ELECTRON_RUN_AS_NODE=1`, so it also works from Electron's
 * main process) and reports whether it survived. About 100–200 ms.
 */
export function probeUiohook(options: ProbeOptions): Promise<ProbeResult> {
  const started = performance.now();
  let modulePath = options.modulePath;
  if (!modulePath) {
    try {
      modulePath = createRequire(import.meta.url).resolve('uiohook-napi');
    } catch (cause) {
      return Promise.resolve({
        ok: false,
        code: 'ptt_hook_failed',
        reason: 'because the keyboard hook is not installed',
        message: `The keyboard hook (uiohook-napi) is not installed: ${cause instanceof Error ? cause.message : String(cause)}`,
        elapsedMs: 0,
      });
    }
  }
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(options.env)) if (v !== undefined) env[k] = v;
  env.ELECTRON_RUN_AS_NODE = '1';
  return new Promise((resolve) => {
    execFile(
      options.execPath ?? process.execPath,
      ['-e', PROBE_SCRIPT, modulePath],
      { env, timeout: options.timeoutMs ?? 5000, windowsHide: true, encoding: 'utf8', maxBuffer: 1 << 20 },
      (error, stdout, stderr) => {
        const elapsedMs = performance.now() - started;
        if (!error && stdout.includes(PROBE_OK)) {
          resolve({ ok: true, elapsedMs });
          return;
        }
        resolve({ ...interpretProbeFailure(error, stderr, options.env.DISPLAY), elapsedMs });
      },
    );
  });
}

function interpretProbeFailure(
  error: (Error & { code?: unknown; signal?: unknown; killed?: boolean }) | null,
  stderr: string,
  display: string | undefined,
): Extract<KeyHookSupport, { ok: false }> {
  const text = stderr.replace(/\s+/g, ' ').trim();
  const how = error?.killed
    ? 'timed out'
    : error?.signal
      ? `was killed by ${String(error.signal)}`
      : `exited with code ${String(error?.code ?? '?')}`;
  if (/XOpenDisplay failure|UIOHOOK_ERROR_X_OPEN_DISPLAY/i.test(text)) {
    return {
      ok: false,
      code: 'ptt_x_unreachable',
      reason: `because the X display ${display ?? ''} cannot be opened`.replace('  ', ' '),
      message: `The keyboard hook cannot open the X display "${display ?? ''}" (no X server there, or no permission: check DISPLAY and XAUTHORITY).`,
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
  const detail = text.replace(new RegExp(`${PROBE_START_ERROR}\\s*`, 'g'), '').slice(0, 300);
  return {
    ok: false,
    code: 'ptt_hook_failed',
    reason: 'because the keyboard hook could not start',
    message: `The keyboard hook could not start (the test run ${how}${detail ? `: ${detail}` : ''}).`,
  };
}
