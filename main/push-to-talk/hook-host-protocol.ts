import type { RawKeyEvent } from './hotkey-matcher.js';

/**
 * The messages between the app and the keyboard hook's process (uiohook-host.cjs, plain CommonJS, which
 * cannot import this file: change both together). The host is trusted code, but what arrives over IPC is
 * still checked before use: a malformed message is dropped, never thrown on.
 */

export const HOOK_HOST_FILE = 'uiohook-host.cjs';

/** Exit codes the host uses for its own, reported failures. */
export const HOST_EXIT_START_FAILED = 3;
export const HOST_EXIT_LOAD_FAILED = 4;
/** What the host writes to stderr before a reported failure. */
export const HOST_FAILURE_MARKER = 'HEARTH_UIOHOOK_HOST';

export type HostToParent =
  | { type: 'ready' }
  /** `code`: uiohook-napi's error code (UIOHOOK_ERROR_…), 'LOAD' (the module did not load) or 'START'. */
  | { type: 'failed'; code: string; message: string }
  /** `at`: Date.now() in the host when it saw the key. */
  | ({ type: 'key'; event: RawKeyEvent['type']; at?: number } & Omit<RawKeyEvent, 'type'>);

export type ParentToHost = { type: 'stop' };

export function parseHostMessage(value: unknown): HostToParent | null {
  if (typeof value !== 'object' || value === null) return null;
  const m = value as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return { type: 'ready' };
    case 'failed':
      return { type: 'failed', code: String(m.code ?? ''), message: String(m.message ?? '') };
    case 'key': {
      if ((m.event !== 'down' && m.event !== 'up') || typeof m.keycode !== 'number') return null;
      const key: HostToParent = {
        type: 'key',
        event: m.event,
        keycode: m.keycode,
        ctrlKey: m.ctrlKey === true,
        altKey: m.altKey === true,
        shiftKey: m.shiftKey === true,
        metaKey: m.metaKey === true,
      };
      if (typeof m.at === 'number' && Number.isFinite(m.at)) key.at = m.at;
      return key;
    }
    default:
      return null;
  }
}

/** The host's command line: the key codes to forward (and, for tests, another module to load). */
export function hostArguments(keycodes: Iterable<number>, modulePath?: string): string[] {
  const args = ['--keycodes', [...new Set(keycodes)].join(',')];
  if (modulePath !== undefined) args.push('--module', modulePath);
  return args;
}
