import { requiredModifiers, type Hotkey, type ModifierState } from './hotkey.js';

/**
 * Hotkey → libuiohook virtual key codes (VC_* in libuiohook's uiohook.h, the values uiohook-napi reports as
 * `keycode` and exports as `UiohookKey`), and a pure matcher that turns the hook's raw key events into
 * down/up of the hotkey. Kept free of the native module so it is testable anywhere; a unit test checks the
 * numbers against uiohook-napi's own table.
 */

const VC: Record<string, number> = {
  A: 0x1e,
  B: 0x30,
  C: 0x2e,
  D: 0x20,
  E: 0x12,
  F: 0x21,
  G: 0x22,
  H: 0x23,
  I: 0x17,
  J: 0x24,
  K: 0x25,
  L: 0x26,
  M: 0x32,
  N: 0x31,
  O: 0x18,
  P: 0x19,
  Q: 0x10,
  R: 0x13,
  S: 0x1f,
  T: 0x14,
  U: 0x16,
  V: 0x2f,
  W: 0x11,
  X: 0x2d,
  Y: 0x15,
  Z: 0x2c,
  '1': 0x02,
  '2': 0x03,
  '3': 0x04,
  '4': 0x05,
  '5': 0x06,
  '6': 0x07,
  '7': 0x08,
  '8': 0x09,
  '9': 0x0a,
  '0': 0x0b,
  F1: 0x3b,
  F2: 0x3c,
  F3: 0x3d,
  F4: 0x3e,
  F5: 0x3f,
  F6: 0x40,
  F7: 0x41,
  F8: 0x42,
  F9: 0x43,
  F10: 0x44,
  F11: 0x57,
  F12: 0x58,
  F13: 0x5b,
  F14: 0x5c,
  F15: 0x5d,
  F16: 0x63,
  F17: 0x64,
  F18: 0x65,
  F19: 0x66,
  F20: 0x67,
  F21: 0x68,
  F22: 0x69,
  F23: 0x6a,
  F24: 0x6b,
  '`': 0x29,
  '-': 0x0c,
  '=': 0x0d,
  '[': 0x1a,
  ']': 0x1b,
  '\\': 0x2b,
  ';': 0x27,
  "'": 0x28,
  ',': 0x33,
  '.': 0x34,
  '/': 0x35,
  Space: 0x39,
  Tab: 0x0f,
  Capslock: 0x3a,
  Numlock: 0x45,
  Scrolllock: 0x46,
  Backspace: 0x0e,
  Delete: 0x0e53,
  Insert: 0x0e52,
  Return: 0x1c,
  Escape: 0x01,
  PrintScreen: 0x0e37,
  Up: 0xe048,
  Down: 0xe050,
  Left: 0xe04b,
  Right: 0xe04d,
  Home: 0x0e47,
  End: 0x0e4f,
  PageUp: 0x0e49,
  PageDown: 0x0e51,
  num0: 0x52,
  num1: 0x4f,
  num2: 0x50,
  num3: 0x51,
  num4: 0x4b,
  num5: 0x4c,
  num6: 0x4d,
  num7: 0x47,
  num8: 0x48,
  num9: 0x49,
  numdec: 0x53,
  numadd: 0x4e,
  numsub: 0x4a,
  nummult: 0x37,
  numdiv: 0x0e35,
  VolumeUp: 0xe030,
  VolumeDown: 0xe02e,
  VolumeMute: 0xe020,
  MediaNextTrack: 0xe019,
  MediaPreviousTrack: 0xe010,
  MediaStop: 0xe024,
  MediaPlayPause: 0xe022,
  LeftControl: 0x1d,
  RightControl: 0x0e1d,
  LeftAlt: 0x38,
  RightAlt: 0x0e38,
  LeftShift: 0x2a,
  RightShift: 0x36,
  LeftSuper: 0x0e5b,
  RightSuper: 0x0e5c,
};

const MODIFIER_OF_KEY: Record<string, keyof ModifierState> = {
  LeftControl: 'ctrl',
  RightControl: 'ctrl',
  LeftAlt: 'alt',
  RightAlt: 'alt',
  LeftShift: 'shift',
  RightShift: 'shift',
  LeftSuper: 'meta',
  RightSuper: 'meta',
};

/** The libuiohook key code of a canonical key name (Hotkey.baseKey), or undefined. */
export function uiohookKeycodeOf(key: string): number | undefined {
  return VC[key];
}

/** Every key name this table knows, for the cross-check against uiohook-napi. */
export function uiohookKeyNames(): string[] {
  return Object.keys(VC);
}

/** A key event as uiohook-napi reports it (the fields used here). */
export type RawKeyEvent = {
  type: 'down' | 'up';
  keycode: number;
  ctrlKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
  metaKey: boolean;
};

/**
 * Turns raw key events into the hotkey's down and up:
 *
 * - down: the hotkey's key goes down while exactly the required modifiers are held (either side; extra
 *   modifiers do not match, as with Electron's accelerators). Auto-repeat key-downs are reported again
 *   (the push-to-talk machine ignores them).
 * - up: while down, the key **or any of its required modifiers** goes up (releasing any part of the chord
 *   releases the hotkey).
 * - A side-specific modifier alone (RightAlt): down when that very key goes down with no other modifier
 *   held, up when it goes up.
 * Unrelated keys give null.
 */
export class HotkeyMatcher {
  readonly keycode: number;
  readonly required: ModifierState;
  readonly #bareModifier: keyof ModifierState | undefined;
  readonly #releaseCodes: Set<number>;
  #down = false;

  constructor(hotkey: Hotkey, platform: NodeJS.Platform) {
    const keycode = uiohookKeycodeOf(hotkey.baseKey);
    if (keycode === undefined) throw new Error(`No uiohook key code for '${hotkey.baseKey}'`);
    this.keycode = keycode;
    this.#bareModifier = hotkey.hookOnly ? MODIFIER_OF_KEY[hotkey.key] : undefined;
    this.required = this.#bareModifier
      ? { ctrl: false, alt: false, shift: false, meta: false, [this.#bareModifier]: true }
      : requiredModifiers(hotkey, platform);
    this.#releaseCodes = new Set([keycode]);
    if (!this.#bareModifier) {
      // Either key (left or right) of a required modifier releases the hotkey.
      for (const [key, modifier] of Object.entries(MODIFIER_OF_KEY)) if (this.required[modifier]) this.#releaseCodes.add(VC[key]!);
    }
  }

  /** Every key code whose events matter (the key and, for a chord, both keys of each required modifier). */
  get watchedKeycodes(): number[] {
    return [...this.#releaseCodes];
  }

  handle(event: RawKeyEvent): 'down' | 'up' | null {
    if (event.type === 'down') {
      if (event.keycode !== this.keycode) return null;
      if (!this.#modifiersMatch(event)) return null;
      this.#down = true;
      return 'down';
    }
    if (!this.#down || !this.#releaseCodes.has(event.keycode)) return null;
    this.#down = false;
    return 'up';
  }

  /** Forget a down whose up will never come (the hook stopped). */
  reset(): void {
    this.#down = false;
  }

  #modifiersMatch(event: RawKeyEvent): boolean {
    const held: ModifierState = { ctrl: event.ctrlKey, alt: event.altKey, shift: event.shiftKey, meta: event.metaKey };
    if (this.#bareModifier) {
      // The key's own flag may or may not be set on its own down, depending on the platform: ignore it.
      held[this.#bareModifier] = true;
    }
    return (
      held.ctrl === this.required.ctrl &&
      held.alt === this.required.alt &&
      held.shift === this.required.shift &&
      held.meta === this.required.meta
    );
  }
}
