/**
 * Can the native keyboard hook (uiohook-napi) work here? A pure check of the platform and environment,
 * before anything is started. What only trying can tell (an unreachable X server, no RECORD extension)
 * the hook's own process finds out (UiohookKeyHook; describeHostFailure words it).
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
