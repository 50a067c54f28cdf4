import { systemClock, type Clock } from '../util/clock.js';
import { AppError, toAssistantError, type AssistantError } from '../util/errors.js';
import { createLogger } from '../util/logger.js';
import { GlobalShortcutKeyHook, type GlobalShortcutLike } from './global-shortcut-key-hook.js';
import { describeHotkey, validateHotkey, type Hotkey } from './hotkey.js';
import type { SpawnHookHost } from './hook-host-process.js';
import type { KeyHook } from './key-hook.js';
import { detectKeyHookSupport, type HookEnvironment } from './key-hook-support.js';
import { PushToTalkController } from './push-to-talk-controller.js';
import type { PushToTalkConfig, PushToTalkMode } from './push-to-talk-machine.js';
import { UiohookKeyHook } from './uiohook-key-hook.js';

const log = createLogger('push-to-talk');

/** The settings' `listening.pushToTalk` section. */
export type PushToTalkSettings = { hotkey: string; mode: PushToTalkMode };

export type PushToTalkEnvironment = HookEnvironment & {
  /** Electron's globalShortcut can be used (the desktop app; not the headless CLI). Default true. */
  globalShortcut?: boolean;
  /**
   * How this host starts the keyboard hook's process. Default child_process.fork, which only plain Node
   * can use: the Electron shell passes one on utilityProcess (main/shell/utility-hook-host.ts).
   */
  spawnHookHost?: SpawnHookHost;
};

export type PushToTalkPlan = {
  /** What the hotkey will do. `off`: no hotkey, an invalid one, or nothing can watch it here. */
  mode: PushToTalkMode | 'off';
  via: 'hook' | 'global-shortcut' | null;
  hotkey: Hotkey | null;
  /** A note to show the user when the plan is not what the settings asked for. */
  note?: string;
  /** Why (a code): hotkey_invalid, ptt_wayland, ptt_no_display, ptt_x_unreachable, ptt_accessibility, … */
  reason?: string;
};

const EXAMPLE = 'CommandOrControl+Shift+Space';

/**
 * Decides how push-to-talk can work here, before anything native is touched:
 *
 * - hold needs key-up, so the keyboard hook (uiohook). Where the hook cannot work (Wayland, no X display,
 *   macOS without Accessibility permission) the hotkey toggles through Electron's globalShortcut instead,
 *   with a note: "Hold-to-talk is not available on Wayland; the hotkey toggles instead."
 * - toggle uses globalShortcut (it swallows the keystroke and needs no permission); the hook only when
 *   there is no globalShortcut (headless) or the hotkey is a modifier alone (RightAlt), which
 *   globalShortcut cannot register.
 * - an empty hotkey is off (no note); an invalid one is off with the validation message.
 * startPushToTalk applies the plan and falls back the same way if the hook fails at run time.
 */
export function resolvePushToTalk(settings: PushToTalkSettings, environment: PushToTalkEnvironment): PushToTalkPlan {
  if (settings.hotkey.trim() === '') return { mode: 'off', via: null, hotkey: null };
  const parsed = validateHotkey(settings.hotkey);
  if (!parsed.ok) return { mode: 'off', via: null, hotkey: null, note: `Push-to-talk is off: ${parsed.message}`, reason: 'hotkey_invalid' };
  const hotkey = parsed.hotkey;
  const support = detectKeyHookSupport(environment);
  const shortcut = environment.globalShortcut ?? true;
  const name = describeHotkey(hotkey, environment.platform);

  if (settings.mode === 'hold' && support.ok) return { mode: 'hold', via: 'hook', hotkey };
  if (settings.mode === 'toggle') {
    if (shortcut && !hotkey.hookOnly) return { mode: 'toggle', via: 'global-shortcut', hotkey };
    if (support.ok) return { mode: 'toggle', via: 'hook', hotkey };
  }
  // The hook is needed and not available here.
  if (!support.ok) {
    if (hotkey.hookOnly) {
      return {
        mode: 'off',
        via: null,
        hotkey,
        reason: support.code,
        note: `${name} on its own needs the keyboard hook, which is not available ${support.reason}; push-to-talk is off. Choose a hotkey such as ${EXAMPLE}.`,
      };
    }
    if (shortcut) {
      return {
        mode: 'toggle',
        via: 'global-shortcut',
        hotkey,
        reason: support.code,
        note: `Hold-to-talk is not available ${support.reason}; the hotkey toggles instead.`,
      };
    }
    return {
      mode: 'off',
      via: null,
      hotkey,
      reason: support.code,
      note: `Push-to-talk is not available ${support.reason}: the keyboard hook cannot run and global shortcuts need the desktop app.`,
    };
  }
  return { mode: 'off', via: null, hotkey, reason: 'ptt_unavailable', note: 'Push-to-talk is not available here.' };
}

export type StartPushToTalkDeps = {
  /** Default: this process (platform, env), globalShortcut available when one is given. */
  environment?: PushToTalkEnvironment;
  /** Electron's globalShortcut (main/shell passes it); absent in the headless CLI. */
  globalShortcut?: GlobalShortcutLike;
  /** Default: a UiohookKeyHook for the environment. */
  createHook?: () => KeyHook;
  clock?: Clock;
  /** Machine timings (tapMs, maxHoldMs, repeatGapMs, stuckKeyMs). */
  timings?: Omit<PushToTalkConfig, 'mode' | 'keyUp'>;
  /**
   * Called when push-to-talk changed at run time because its keyboard hook stopped (see startPushToTalk):
   * `notice` is the new note (also in `ptt.notice`), for the status and a banner.
   */
  onFallback?: (notice: AssistantError) => void;
};

/** Live: `plan`, `hook` and `notice` change when the keyboard hook stops at run time (the same controller goes on). */
export type PushToTalk = {
  /** What actually runs (after any fallback, at start or later). */
  plan: PushToTalkPlan;
  /** Emits `command`s; null when push-to-talk is off. */
  controller: PushToTalkController | null;
  hook: KeyHook | null;
  /** The plan's note as an error to show (category configuration), when there is one. */
  notice?: AssistantError;
  stop(): Promise<void>;
};

/**
 * Resolves the plan, starts the key source and wires it to a PushToTalkController. If the keyboard hook
 * fails to start (e.g. the X display cannot be opened), hold falls back to toggle through globalShortcut
 * with a note saying why; if nothing can watch the hotkey, push-to-talk is off with a note. Never throws.
 *
 * The same at run time: when the running hook stops for good (its process keeps dying, or cannot be
 * restarted: UiohookKeyHook restarts it a few times first), the same controller goes on through
 * globalShortcut in toggle mode, a held turn is latched (the next press sends it), the note says so and
 * `onFallback` is called; without globalShortcut push-to-talk is off with a note.
 */
export async function startPushToTalk(settings: PushToTalkSettings, deps: StartPushToTalkDeps = {}): Promise<PushToTalk> {
  const environment: PushToTalkEnvironment = deps.environment ?? {
    platform: process.platform,
    env: process.env,
    globalShortcut: deps.globalShortcut !== undefined,
  };
  const clock = deps.clock ?? systemClock;
  const createHook =
    deps.createHook ??
    (() =>
      new UiohookKeyHook({
        platform: environment.platform,
        env: environment.env,
        clock,
        ...(environment.accessibilityTrusted === undefined ? {} : { accessibilityTrusted: environment.accessibilityTrusted }),
        ...(environment.spawnHookHost ? { spawnHost: environment.spawnHookHost } : {}),
      }));
  const shortcutAvailable = deps.globalShortcut !== undefined && (environment.globalShortcut ?? true);
  let plan = resolvePushToTalk(settings, { ...environment, globalShortcut: shortcutAvailable });

  const noticeOf = (next: PushToTalkPlan): AssistantError | undefined =>
    next.note
      ? new AppError(next.note, { category: 'configuration', permanent: true, ...(next.reason ? { code: next.reason } : {}) })
      : undefined;
  const logPlan = (next: PushToTalkPlan, notice: AssistantError | undefined): void => {
    if (notice) log.warn({ mode: next.mode, via: next.via, reason: next.reason }, notice.message);
    else log.info({ mode: next.mode, via: next.via, hotkey: next.hotkey?.accelerator }, 'push-to-talk ready');
  };
  /** Results whose stop() was called: a fallback still under way must not start anything for them. */
  const stopped = new WeakSet<PushToTalk>();
  const off = (next: PushToTalkPlan): PushToTalk => finish(next, null, null);
  const finish = (next: PushToTalkPlan, hook: KeyHook | null, controller: PushToTalkController | null): PushToTalk => {
    const notice = noticeOf(next);
    logPlan(next, notice);
    const result: PushToTalk = {
      plan: next,
      controller,
      hook,
      stop: async () => {
        stopped.add(result);
        result.controller?.dispose();
        await result.hook?.stop();
      },
    };
    if (notice) result.notice = notice;
    return result;
  };
  /** Replaces what runs, keeping the same controller (the engine listens to it). */
  const change = (result: PushToTalk, next: PushToTalkPlan, hook: KeyHook | null): void => {
    result.plan = next;
    result.hook = hook;
    // Off: nothing feeds the controller any more, but it stays until stop() so that a turn held when the
    // hook stopped is still ended by the max-hold limit.
    if (!hook) result.controller?.detach();
    const notice = noticeOf(next);
    logPlan(next, notice);
    if (notice) result.notice = notice;
    else delete result.notice;
    if (notice) deps.onFallback?.(notice);
  };
  /** The hook stopped for good while running: toggle through globalShortcut, or off. */
  const fallBack = async (result: PushToTalk, error: AssistantError): Promise<void> => {
    const hotkey = result.plan.hotkey!;
    const why = error.message.replace(/\.\s*$/, '');
    const reason = error.code ?? 'ptt_hook_failed';
    if (shortcutAvailable && !hotkey.hookOnly) {
      const shortcut = new GlobalShortcutKeyHook(deps.globalShortcut!, { clock });
      try {
        await shortcut.start(hotkey);
        if (stopped.has(result)) {
          await shortcut.stop();
          return;
        }
        result.controller?.switchSource(shortcut, 'toggle');
        change(
          result,
          {
            mode: 'toggle',
            via: 'global-shortcut',
            hotkey,
            reason,
            note: `Hold-to-talk stopped working (${why}); the hotkey toggles instead.`,
          },
          shortcut,
        );
        return;
      } catch (cause) {
        if (stopped.has(result)) return;
        const refused = toAssistantError(cause);
        change(
          result,
          { mode: 'off', via: null, hotkey, reason, note: `Push-to-talk stopped (${why}), and ${shortcutNote(refused, hotkey)}` },
          null,
        );
        return;
      }
    }
    change(result, { mode: 'off', via: null, hotkey, reason, note: `Push-to-talk stopped: ${why}.` }, null);
  };
  const shortcutNote = (error: AssistantError, hotkey: Hotkey): string =>
    error.code === 'ptt_shortcut_taken'
      ? `${describeHotkey(hotkey, environment.platform)} is taken by another application; choose another hotkey in Settings.`
      : `the hotkey could not be registered instead: ${error.message}`;
  const run = (hook: KeyHook, next: PushToTalkPlan): PushToTalk => {
    const mode = next.mode === 'hold' ? 'hold' : 'toggle';
    const controller = new PushToTalkController({ ...deps.timings, mode, keyUp: hook.reportsKeyUp }, clock);
    controller.attach(hook);
    const result = finish(next, hook, controller);
    hook.on('error', (error) => {
      log.error({ code: error.code, error: error.message }, 'push-to-talk key source failed');
      if (result.hook === hook && result.plan.via === 'hook') void fallBack(result, error);
    });
    return result;
  };
  const startShortcut = async (next: PushToTalkPlan): Promise<PushToTalk> => {
    const hook = new GlobalShortcutKeyHook(deps.globalShortcut!, { clock });
    try {
      await hook.start(next.hotkey!);
      return run(hook, next);
    } catch (cause) {
      const error = toAssistantError(cause);
      return off({
        mode: 'off',
        via: null,
        hotkey: next.hotkey,
        reason: error.code ?? 'ptt_shortcut_failed',
        // One short sentence the tray, the settings page and the status all show alike.
        note:
          error.code === 'ptt_shortcut_taken'
            ? `${describeHotkey(next.hotkey!, environment.platform)} is taken by another application; choose another hotkey in Settings.`
            : `Push-to-talk is off: ${error.message}`,
      });
    }
  };

  if (plan.mode === 'off' || !plan.hotkey) return off(plan);
  if (plan.via === 'global-shortcut') return startShortcut(plan);

  const hook = createHook();
  try {
    await hook.start(plan.hotkey);
    return run(hook, plan);
  } catch (cause) {
    const error = toAssistantError(cause);
    const hotkey = plan.hotkey;
    const reason = error.code ?? 'ptt_hook_failed';
    const why = error.message.replace(/\.\s*$/, '');
    if (shortcutAvailable && !hotkey.hookOnly) {
      plan = {
        mode: 'toggle',
        via: 'global-shortcut',
        hotkey,
        reason,
        note: `Hold-to-talk is not available (${why}); the hotkey toggles instead.`,
      };
      return startShortcut(plan);
    }
    return off({ mode: 'off', via: null, hotkey, reason, note: `Push-to-talk is off: ${why}.` });
  }
}
