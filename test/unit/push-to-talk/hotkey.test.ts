import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../main/util/errors.js';
import { describeHotkey, parseHotkey, requiredModifiers, validateHotkey } from '../../../main/push-to-talk/hotkey.js';

const message = (accelerator: string): string => {
  const result = validateHotkey(accelerator);
  if (result.ok) throw new Error(`expected '${accelerator}' to be rejected`);
  return result.message;
};

describe('parseHotkey: Electron accelerator syntax', () => {
  it.each([
    ['CommandOrControl+Shift+Space', 'CommandOrControl+Shift+Space', 'Space'],
    ['cmdorctrl+shift+space', 'CommandOrControl+Shift+Space', 'Space'],
    ['Shift + CmdOrCtrl + Space', 'CommandOrControl+Shift+Space', 'Space'],
    ['Alt+F13', 'Alt+F13', 'F13'],
    ['Ctrl+`', 'Control+`', '`'],
    ['Option+a', 'Alt+A', 'A'],
    ['Meta+Shift+7', 'Shift+Super+7', '7'],
    ['Cmd+Enter', 'Command+Return', 'Return'],
    ['ctrl+alt+esc', 'Control+Alt+Escape', 'Escape'],
    ['Super+PageDown', 'Super+PageDown', 'PageDown'],
    ['Ctrl+num5', 'Control+num5', 'num5'],
    ['F9', 'F9', 'F9'],
    ['mediaplaypause', 'MediaPlayPause', 'MediaPlayPause'],
    ['Insert', 'Insert', 'Insert'],
    ['RightAlt', 'RightAlt', 'RightAlt'],
    ['rightctrl', 'RightControl', 'RightControl'],
    ['AltGr+K', 'AltGr+K', 'K'],
  ])('%s → %s', (input, accelerator, key) => {
    const hotkey = parseHotkey(input);
    expect(hotkey.accelerator).toBe(accelerator);
    expect(hotkey.key).toBe(key);
  });

  it('marks a modifier alone as hook-only', () => {
    expect(parseHotkey('RightAlt')).toMatchObject({ key: 'RightAlt', keyKind: 'modifier', hookOnly: true, modifiers: [] });
    expect(parseHotkey('Ctrl+Shift+Space').hookOnly).toBe(false);
  });

  it('shifted punctuation implies Shift (US layout); Plus is the + key', () => {
    expect(parseHotkey('Ctrl+!')).toMatchObject({ key: '!', baseKey: '1', impliedShift: true });
    expect(parseHotkey('Ctrl+Plus')).toMatchObject({ accelerator: 'Control+Plus', baseKey: '=', impliedShift: true });
    expect(requiredModifiers(parseHotkey('Ctrl+!'), 'linux')).toEqual({ ctrl: true, alt: false, shift: true, meta: false });
  });

  it('CommandOrControl is Command on macOS, Control elsewhere', () => {
    const hotkey = parseHotkey('CommandOrControl+Shift+Space');
    expect(requiredModifiers(hotkey, 'linux')).toEqual({ ctrl: true, alt: false, shift: true, meta: false });
    expect(requiredModifiers(hotkey, 'win32')).toEqual({ ctrl: true, alt: false, shift: true, meta: false });
    expect(requiredModifiers(hotkey, 'darwin')).toEqual({ ctrl: false, alt: false, shift: true, meta: true });
    expect(describeHotkey(hotkey, 'linux')).toBe('Ctrl+Shift+Space');
    expect(describeHotkey(hotkey, 'darwin')).toBe('Cmd+Shift+Space');
    expect(requiredModifiers(parseHotkey('Super+X'), 'linux').meta).toBe(true);
  });

  it('throws ConfigError with the message', () => {
    expect(() => parseHotkey('Ctrl+Foo')).toThrow(ConfigError);
    try {
      parseHotkey('Ctrl+Foo');
    } catch (error) {
      expect((error as ConfigError).code).toBe('hotkey_invalid');
    }
  });
});

describe('validateHotkey: clear messages', () => {
  it('empty', () => expect(message('  ')).toMatch(/^The push-to-talk hotkey is empty \(e\.g\. CommandOrControl\+Shift\+Space/));
  it('unknown key', () =>
    expect(message('Ctrl+Foo')).toMatch(/^The hotkey 'Ctrl\+Foo' has an unknown key 'Foo'\. Use a letter, a digit, F1–F24/));
  it('"++" and trailing "+"', () => {
    expect(message('Ctrl++')).toMatch(/empty part.*write the \+ key as Plus/);
    expect(message('Ctrl+')).toMatch(/empty part/);
  });
  it('a space inside a name', () => expect(message('Ctrl+Sp ace')).toMatch(/contains a space.*write the space bar as Space/));
  it('modifiers only', () =>
    expect(message('Ctrl+Shift')).toMatch(
      /has only modifiers: add a key \(e\.g\. Control\+Shift\+Space\), or use a single side-specific modifier such as RightAlt/,
    ));
  it('two keys', () => expect(message('Ctrl+A+B')).toMatch(/more than one key \(A, B\)/));
  it('duplicate modifier', () => expect(message('Ctrl+Control+A')).toMatch(/lists Control twice/));
  it('CommandOrControl with Control', () =>
    expect(message('CmdOrCtrl+Ctrl+A')).toMatch(/CommandOrControl together with Command or Control/));
  it('a side modifier with other modifiers', () => expect(message('Ctrl+RightAlt')).toMatch(/combines RightAlt with other modifiers/));
  it('a typed key without modifier', () => {
    expect(message('A')).toMatch(/has no modifier, so it would fire whenever A is typed: add Ctrl, Alt or Super/);
    expect(message('Space')).toMatch(/has no modifier/);
  });
  it('Shift alone is not enough for typed keys', () => {
    expect(message('Shift+A')).toMatch(/is also typed as text \(Shift is its only modifier\)/);
    expect(message('Shift+Space')).toMatch(/is also typed as text/);
    expect(message('!')).toMatch(/is also typed as text/);
    expect(message('Shift+Up')).toMatch(/is used by other apps to select text/);
  });
  it('function keys, media keys and Shift+F-keys need no other modifier', () => {
    for (const ok of ['F13', 'Shift+F5', 'VolumeMute', 'PrintScreen']) expect(validateHotkey(ok).ok, ok).toBe(true);
  });
});
