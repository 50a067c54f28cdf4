/**
 * Recording a push-to-talk shortcut: a key press (with modifiers) → an Electron accelerator such as
 * "CommandOrControl+Shift+Space". Pure: takes the fields of a KeyboardEvent.
 */
export type KeyPress = { key: string; code: string; ctrlKey: boolean; metaKey: boolean; altKey: boolean; shiftKey: boolean };

const MODIFIER_KEYS = new Set(['Control', 'Shift', 'Alt', 'Meta', 'AltGraph', 'OS']);

const NAMED: Record<string, string> = {
  Space: 'Space',
  Enter: 'Enter',
  NumpadEnter: 'Enter',
  Tab: 'Tab',
  Backspace: 'Backspace',
  Delete: 'Delete',
  Insert: 'Insert',
  Home: 'Home',
  End: 'End',
  PageUp: 'PageUp',
  PageDown: 'PageDown',
  ArrowUp: 'Up',
  ArrowDown: 'Down',
  ArrowLeft: 'Left',
  ArrowRight: 'Right',
  Minus: '-',
  Equal: '=',
  BracketLeft: '[',
  BracketRight: ']',
  Semicolon: ';',
  Quote: "'",
  Comma: ',',
  Period: '.',
  Slash: '/',
  Backslash: '\\',
  Backquote: '`',
  ScrollLock: 'Scrolllock',
  Pause: 'MediaPlayPause',
  CapsLock: 'Capslock',
};

/** The key part, from the physical key (layout-independent, like a global shortcut). */
function keyName(code: string): string | null {
  if (/^Key[A-Z]$/.test(code)) return code.slice(3);
  if (/^Digit\d$/.test(code)) return code.slice(5);
  if (/^F([1-9]|1\d|2[0-4])$/.test(code)) return code;
  if (/^Numpad\d$/.test(code)) return `num${code.slice(6)}`;
  return NAMED[code] ?? null;
}

/**
 * The accelerator for a key press; null while only modifiers are held, or for a key that cannot be a
 * global shortcut. Escape cancels recording (null too). A bare function key or Pause is allowed; any
 * other key needs a modifier, so typing never triggers the assistant.
 */
export function acceleratorFromKey(press: KeyPress, isMac: boolean): string | null {
  if (MODIFIER_KEYS.has(press.key) || press.key === 'Escape') return null;
  const key = keyName(press.code);
  if (key === null) return null;
  const modifiers: string[] = [];
  if (isMac ? press.metaKey : press.ctrlKey) modifiers.push('CommandOrControl');
  if (isMac && press.ctrlKey) modifiers.push('Control');
  if (!isMac && press.metaKey) modifiers.push('Super');
  if (press.altKey) modifiers.push('Alt');
  if (press.shiftKey) modifiers.push('Shift');
  const bare = /^F\d+$/.test(key) || key === 'MediaPlayPause' || key === 'Scrolllock';
  if (modifiers.length === 0 && !bare) return null;
  return [...modifiers, key].join('+');
}
