import type { AssistantState, StatusView } from '../../preload/contract/types.js';
import { describeHotkey, validateHotkey } from '../push-to-talk/hotkey.js';

/**
 * What the tray shows, as a pure function of the app's status and the shell's own switches, so every state
 * is tested in Node; tray.ts only turns this into Electron's Tray and Menu.
 */

export const TRAY_ICON_NAMES = ['idle', 'wake', 'listening', 'thinking', 'speaking', 'muted', 'error'] as const;
/**
 * idle: ready, no wake word (hotkey or menu); wake: listening for the wake word; listening: in a conversation,
 * hearing you; thinking: connecting, thinking or running a tool; speaking; muted; error.
 */
export type TrayIconName = (typeof TRAY_ICON_NAMES)[number];

export type TrayAction = 'talk' | 'stop' | 'toggle-mute' | 'open' | 'settings' | 'toggle-kiosk' | 'toggle-start-at-login' | 'quit';

export type TrayMenuItem =
  | {
      kind: 'item';
      id: TrayAction;
      label: string;
      type: 'normal' | 'checkbox';
      enabled: boolean;
      checked?: boolean;
      /** Shown next to the label only (the hotkey itself is registered by shortcuts.ts). */
      accelerator?: string;
    }
  | { kind: 'separator' };

export type StartAtLoginView = { enabled: boolean; available: boolean; note?: string };

export type TrayModelInput = {
  /** null until the engine has started. */
  status: StatusView | null;
  kiosk: boolean;
  startAtLogin: StartAtLoginView;
  platform: NodeJS.Platform;
};

export type TrayModel = {
  icon: TrayIconName;
  /** The file for this icon on this platform (macOS uses monochrome template images). */
  iconFile: string;
  tooltip: string;
  items: TrayMenuItem[];
};

/** Windows truncates tray tooltips at 127 characters. */
export const TOOLTIP_MAX = 127;

export function isConversationActive(state: AssistantState): boolean {
  return state.kind === 'connecting' || state.kind === 'conversing' || state.kind === 'follow-up';
}

export function trayIconName(status: StatusView | null): TrayIconName {
  if (status === null) return 'idle';
  const { state } = status;
  if (state.kind === 'error') return 'error';
  if (status.muted) return 'muted';
  switch (state.kind) {
    case 'idle':
      return 'idle';
    case 'listening-for-wake-word':
      return 'wake';
    case 'connecting':
      return 'thinking';
    case 'follow-up':
      return 'listening';
    case 'conversing':
      switch (state.phase) {
        case 'listening':
        case 'user-speaking':
          return 'listening';
        case 'assistant-speaking':
          return 'speaking';
        case 'thinking':
        case 'running-tool':
          return 'thinking';
      }
  }
  return 'idle';
}

/**
 * `hey_jarvis` → `hey jarvis`; a custom model path → the phrase in its file name, without the extension and
 * Porcupine's `_en_linux_v3_0_0` or openWakeWord's `_v0.1` suffix.
 */
export function keywordLabel(keyword: string): string {
  const base = keyword.split(/[\\/]/).pop() ?? keyword;
  return base
    .replace(/\.(onnx|ppn|tflite)$/i, '')
    .replace(/_[a-z]{2}_(linux|mac|windows|raspberry-pi|wasm|android|ios)_v\d+(_\d+)*$/i, '')
    .replace(/_v\d+(\.\d+)*$/i, '')
    .replace(/[_-]+/g, ' ')
    .trim();
}

function hotkeyLabel(status: StatusView, platform: NodeJS.Platform): string | null {
  const parsed = validateHotkey(status.pushToTalk.hotkey);
  return parsed.ok ? describeHotkey(parsed.hotkey, platform) : null;
}

export function stateLine(status: StatusView | null, platform: NodeJS.Platform): string {
  if (status === null) return 'starting…';
  const { state } = status;
  if (state.kind === 'error') return state.error.message;
  if (status.muted) return 'microphone muted';
  switch (state.kind) {
    case 'idle': {
      const key = status.pushToTalk.note === undefined ? hotkeyLabel(status, platform) : null;
      return key ? `ready (press ${key} to talk)` : 'ready';
    }
    case 'listening-for-wake-word': {
      const words = status.wakeWord.keywords.map((k) => `“${keywordLabel(k)}”`);
      return words.length > 0 ? `listening for ${words.join(' or ')}` : 'listening for the wake word';
    }
    case 'connecting':
      return state.reconnecting ? 'reconnecting…' : 'connecting…';
    case 'follow-up':
      return 'listening for a follow-up';
    case 'conversing':
      switch (state.phase) {
        case 'listening':
        case 'user-speaking':
          return 'listening to you';
        case 'thinking':
          return 'thinking…';
        case 'running-tool':
          return 'working on it…';
        case 'assistant-speaking':
          return 'speaking';
      }
  }
  return 'ready';
}

export function trimTooltip(text: string, max = TOOLTIP_MAX): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

export function trayIconFile(icon: TrayIconName, platform: NodeJS.Platform): string {
  return platform === 'darwin' ? `${icon}Template.png` : `${icon}.png`;
}

export function trayModel(input: TrayModelInput): TrayModel {
  const { status, platform } = input;
  const icon = trayIconName(status);
  const notes: string[] = [];
  if (status?.pushToTalk.note) notes.push(status.pushToTalk.note);
  if (input.startAtLogin.note) notes.push(input.startAtLogin.note);
  const tooltip = trimTooltip([`Hearth: ${stateLine(status, platform)}`, ...notes].join('\n'));

  const active = status !== null && isConversationActive(status.state);
  const key = status && status.pushToTalk.note === undefined ? validateHotkey(status.pushToTalk.hotkey) : null;
  const accelerator = key?.ok && !key.hotkey.hookOnly ? key.hotkey.accelerator : undefined;
  const talk: TrayMenuItem = active
    ? { kind: 'item', id: 'stop', label: 'Stop', type: 'normal', enabled: true }
    : {
        kind: 'item',
        id: 'talk',
        label: status?.muted ? 'Talk (microphone muted)' : 'Talk',
        type: 'normal',
        enabled: status !== null && !status.muted,
        ...(accelerator !== undefined ? { accelerator } : {}),
      };

  const items: TrayMenuItem[] = [
    talk,
    {
      kind: 'item',
      id: 'toggle-mute',
      label: 'Mute microphone',
      type: 'checkbox',
      enabled: status !== null,
      checked: status?.muted ?? false,
    },
    { kind: 'separator' },
    { kind: 'item', id: 'open', label: 'Open Hearth', type: 'normal', enabled: true },
    { kind: 'item', id: 'settings', label: 'Settings…', type: 'normal', enabled: true },
    { kind: 'separator' },
    { kind: 'item', id: 'toggle-kiosk', label: 'Kiosk mode', type: 'checkbox', enabled: true, checked: input.kiosk },
    {
      kind: 'item',
      id: 'toggle-start-at-login',
      label: 'Start at login',
      type: 'checkbox',
      enabled: input.startAtLogin.available,
      checked: input.startAtLogin.enabled,
    },
    { kind: 'separator' },
    { kind: 'item', id: 'quit', label: 'Quit Hearth', type: 'normal', enabled: true },
  ];
  return { icon, iconFile: trayIconFile(icon, platform), tooltip, items };
}
