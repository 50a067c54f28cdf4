import { ConfigError } from '../util/errors.js';

/**
 * Hotkeys in Electron accelerator syntax (https://www.electronjs.org/docs/latest/api/accelerator):
 * modifiers and one key joined by "+", case-insensitive, e.g. "CommandOrControl+Shift+Space", "Alt+F13",
 * "Ctrl+`". Pure: no Electron, no native hook.
 *
 * Beyond Electron: a side-specific modifier alone ("RightAlt", "RightCtrl", "LeftShift", …) is accepted as
 * the key. Only the keyboard hook (uiohook) can watch those; Electron's globalShortcut cannot register them,
 * so `hookOnly` is set.
 */

/** Electron's modifier names, in the order a normalised accelerator lists them. */
export const HOTKEY_MODIFIERS = ['CommandOrControl', 'Command', 'Control', 'Alt', 'AltGr', 'Shift', 'Super'] as const;
export type HotkeyModifier = (typeof HOTKEY_MODIFIERS)[number];

const MODIFIER_ALIASES: Record<string, HotkeyModifier> = {
  commandorcontrol: 'CommandOrControl',
  cmdorctrl: 'CommandOrControl',
  command: 'Command',
  cmd: 'Command',
  control: 'Control',
  ctrl: 'Control',
  alt: 'Alt',
  option: 'Alt',
  altgr: 'AltGr',
  shift: 'Shift',
  super: 'Super',
  meta: 'Super',
};

export type HotkeyKeyKind = 'letter' | 'digit' | 'punctuation' | 'function' | 'named' | 'navigation' | 'numpad' | 'media' | 'modifier';

type KeyInfo = { name: string; kind: HotkeyKeyKind; impliedShift?: boolean; base?: string };

/** Canonical key names (Electron's spelling) by lower-case alias. */
const KEYS = new Map<string, KeyInfo>();
const add = (name: string, kind: HotkeyKeyKind, aliases: string[] = [], extra: Partial<KeyInfo> = {}) => {
  for (const alias of [name, ...aliases]) KEYS.set(alias.toLowerCase(), { name, kind, ...extra });
};
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') add(c, 'letter');
for (const c of '0123456789') add(c, 'digit');
for (let i = 1; i <= 24; i++) add(`F${i}`, 'function');
for (const c of ['`', '-', '=', '[', ']', '\\', ';', "'", ',', '.', '/']) add(c, 'punctuation');
// Shifted punctuation (US layout): Electron implies Shift, e.g. "Ctrl+!" is Ctrl+Shift+1.
const SHIFTED: Record<string, string> = {
  '~': '`',
  '!': '1',
  '@': '2',
  '#': '3',
  $: '4',
  '%': '5',
  '^': '6',
  '&': '7',
  '*': '8',
  '(': '9',
  ')': '0',
  _: '-',
  Plus: '=',
  '{': '[',
  '}': ']',
  '|': '\\',
  ':': ';',
  '"': "'",
  '<': ',',
  '>': '.',
  '?': '/',
};
for (const [c, base] of Object.entries(SHIFTED)) add(c, 'punctuation', [], { impliedShift: true, base });
add('Space', 'named');
add('Tab', 'named');
add('Capslock', 'named');
add('Numlock', 'named');
add('Scrolllock', 'named');
add('Backspace', 'named');
add('Delete', 'named', ['Del']);
add('Insert', 'named', ['Ins']);
add('Return', 'named', ['Enter']);
add('Escape', 'named', ['Esc']);
add('PrintScreen', 'named');
add('Up', 'navigation');
add('Down', 'navigation');
add('Left', 'navigation');
add('Right', 'navigation');
add('Home', 'navigation');
add('End', 'navigation');
add('PageUp', 'navigation');
add('PageDown', 'navigation');
for (let i = 0; i <= 9; i++) add(`num${i}`, 'numpad');
for (const k of ['numdec', 'numadd', 'numsub', 'nummult', 'numdiv']) add(k, 'numpad');
for (const k of ['VolumeUp', 'VolumeDown', 'VolumeMute', 'MediaNextTrack', 'MediaPreviousTrack', 'MediaStop', 'MediaPlayPause'])
  add(k, 'media');
// A side-specific modifier alone (hook only).
add('RightAlt', 'modifier', ['RightOption', 'AltRight']);
add('LeftAlt', 'modifier', ['LeftOption', 'AltLeft']);
add('RightControl', 'modifier', ['RightCtrl', 'ControlRight', 'CtrlRight']);
add('LeftControl', 'modifier', ['LeftCtrl', 'ControlLeft', 'CtrlLeft']);
add('RightShift', 'modifier', ['ShiftRight']);
add('LeftShift', 'modifier', ['ShiftLeft']);
add('RightSuper', 'modifier', ['RightMeta', 'RightCommand', 'RightCmd', 'RightWin', 'MetaRight']);
add('LeftSuper', 'modifier', ['LeftMeta', 'LeftCommand', 'LeftCmd', 'LeftWin', 'MetaLeft']);

/** Keys that make a sensible hotkey with no modifier: they are not typed in normal text. */
const BARE_OK: ReadonlySet<HotkeyKeyKind> = new Set(['function', 'media', 'modifier']);
const BARE_OK_NAMES = new Set(['Scrolllock', 'PrintScreen', 'Insert']);
const TYPED: ReadonlySet<HotkeyKeyKind> = new Set(['letter', 'digit', 'punctuation']);

export type Hotkey = {
  /** Normalised accelerator, e.g. "CommandOrControl+Shift+Space". Feed this to Electron's globalShortcut. */
  accelerator: string;
  /** Modifiers as written (canonical names, in HOTKEY_MODIFIERS order). */
  modifiers: readonly HotkeyModifier[];
  /** Canonical key name: "A", "7", "F13", "`", "Space", "num0", "VolumeUp", "RightAlt"… */
  key: string;
  keyKind: HotkeyKeyKind;
  /** Shifted punctuation ("!", "Plus"…): Shift is implied, the physical key is `baseKey` (US layout). */
  impliedShift: boolean;
  baseKey: string;
  /** A modifier alone: only the keyboard hook can watch it (Electron's globalShortcut cannot register it). */
  hookOnly: boolean;
};

const EXAMPLES = 'e.g. CommandOrControl+Shift+Space, Alt+F13, Ctrl+` or RightAlt';

/** Parses and checks an accelerator; throws ConfigError with a message fit for the settings page. */
export function parseHotkey(accelerator: string): Hotkey {
  const result = validateHotkey(accelerator);
  if (!result.ok) throw new ConfigError(result.message, { code: 'hotkey_invalid' });
  return result.hotkey;
}

/** Like parseHotkey, without throwing. */
export function validateHotkey(accelerator: string): { ok: true; hotkey: Hotkey } | { ok: false; message: string } {
  const fail = (message: string) => ({ ok: false as const, message });
  if (typeof accelerator !== 'string' || accelerator.trim() === '') return fail(`The push-to-talk hotkey is empty (${EXAMPLES}).`);
  const text = accelerator.trim();
  const quoted = `'${text}'`;
  if (/\s/.test(text.replace(/\s*\+\s*/g, '+'))) {
    return fail(`The hotkey ${quoted} contains a space: join keys with "+" and write the space bar as Space (${EXAMPLES}).`);
  }
  const parts = text.split(/\s*\+\s*/);
  if (parts.some((p) => p === '')) {
    return fail(`The hotkey ${quoted} has an empty part: join keys with a single "+", and write the + key as Plus (e.g. Ctrl+Plus).`);
  }
  const modifiers: HotkeyModifier[] = [];
  const keys: KeyInfo[] = [];
  for (const part of parts) {
    const modifier = MODIFIER_ALIASES[part.toLowerCase()];
    if (modifier) {
      if (modifiers.includes(modifier)) return fail(`The hotkey ${quoted} lists ${modifier} twice.`);
      modifiers.push(modifier);
      continue;
    }
    const key = KEYS.get(part.toLowerCase());
    if (!key) {
      return fail(
        `The hotkey ${quoted} has an unknown key '${part}'. Use a letter, a digit, F1–F24, punctuation such as \` or -, ` +
          `Space, Tab, Enter, Escape, Backspace, Delete, Insert, Home, End, PageUp, PageDown, Up, Down, Left, Right, ` +
          `num0–num9, a media key, or a single side-specific modifier such as RightAlt (${EXAMPLES}).`,
      );
    }
    keys.push(key);
  }
  if (keys.length === 0) {
    return fail(
      `The hotkey ${quoted} has only modifiers: add a key (e.g. ${[...modifiers, 'Space'].join('+')}), ` +
        `or use a single side-specific modifier such as RightAlt or RightCtrl on its own.`,
    );
  }
  if (keys.length > 1)
    return fail(`The hotkey ${quoted} has more than one key (${keys.map((k) => k.name).join(', ')}): use modifiers and one key.`);
  const key = keys[0]!;
  if (key.kind === 'modifier' && modifiers.length > 0) {
    return fail(
      `The hotkey ${quoted} combines ${key.name} with other modifiers: a side-specific modifier works only on its own (e.g. RightAlt).`,
    );
  }
  if (modifiers.includes('CommandOrControl') && (modifiers.includes('Command') || modifiers.includes('Control'))) {
    return fail(`The hotkey ${quoted} lists CommandOrControl together with Command or Control: use one of them.`);
  }
  const effective = new Set<HotkeyModifier>(modifiers);
  if (key.impliedShift) effective.add('Shift');
  const hasNonShift = [...effective].some((m) => m !== 'Shift');
  if (!hasNonShift && !BARE_OK.has(key.kind) && !BARE_OK_NAMES.has(key.name)) {
    if (effective.has('Shift')) {
      const why = TYPED.has(key.kind) || key.name === 'Space' ? 'is also typed as text' : 'is used by other apps to select text';
      return fail(`The hotkey ${quoted} ${why} (Shift is its only modifier): add Ctrl, Alt or Super, e.g. CommandOrControl+${text}.`);
    }
    return fail(
      `The hotkey ${quoted} has no modifier, so it would fire whenever ${key.name} is typed: add Ctrl, Alt or Super ` +
        `(e.g. CommandOrControl+Shift+${key.name}), or use a function key such as F13 or a side-specific modifier such as RightAlt.`,
    );
  }
  const ordered = HOTKEY_MODIFIERS.filter((m) => modifiers.includes(m));
  return {
    ok: true,
    hotkey: {
      accelerator: [...ordered, key.name].join('+'),
      modifiers: ordered,
      key: key.name,
      keyKind: key.kind,
      impliedShift: key.impliedShift ?? false,
      baseKey: key.base ?? key.name,
      hookOnly: key.kind === 'modifier',
    },
  };
}

export type ModifierState = { ctrl: boolean; alt: boolean; shift: boolean; meta: boolean };

/**
 * The modifier keys that must be held on this platform: CommandOrControl is Command (meta) on macOS and
 * Control elsewhere; Command and Super are meta; AltGr counts as Alt; shifted punctuation implies Shift.
 */
export function requiredModifiers(hotkey: Hotkey, platform: NodeJS.Platform): ModifierState {
  const m = new Set(hotkey.modifiers);
  return {
    ctrl: m.has('Control') || (m.has('CommandOrControl') && platform !== 'darwin'),
    alt: m.has('Alt') || m.has('AltGr'),
    shift: m.has('Shift') || hotkey.impliedShift,
    meta: m.has('Command') || m.has('Super') || (m.has('CommandOrControl') && platform === 'darwin'),
  };
}

/** How the hotkey reads on this platform, for notes: "Ctrl+Shift+Space" or "⌘+Shift+Space"-style names. */
export function describeHotkey(hotkey: Hotkey, platform: NodeJS.Platform): string {
  const mac = platform === 'darwin';
  const names = hotkey.modifiers.map((m) => {
    switch (m) {
      case 'CommandOrControl':
        return mac ? 'Cmd' : 'Ctrl';
      case 'Command':
        return 'Cmd';
      case 'Control':
        return 'Ctrl';
      case 'Alt':
        return mac ? 'Option' : 'Alt';
      case 'Super':
        return mac ? 'Cmd' : 'Super';
      default:
        return m;
    }
  });
  return [...names, hotkey.key].join('+');
}
