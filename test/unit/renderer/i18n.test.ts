import { describe, expect, it } from 'vitest';
import { en } from '../../../renderer/i18n/en.js';
import { fr } from '../../../renderer/i18n/fr.js';
import { ptPT } from '../../../renderer/i18n/pt-pt.js';
import { createTranslator, isLocalePreference, resolveFormatLocale, resolveLocale } from '../../../renderer/i18n/i18n.js';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('interface language', () => {
  it('picks the first supported language of the browser, European Portuguese for any Portuguese', () => {
    expect(resolveLocale('system', ['de-DE', 'fr-CA', 'en-US'])).toBe('fr');
    expect(resolveLocale('system', ['pt-BR'])).toBe('pt-PT');
    expect(resolveLocale('system', ['pt'])).toBe('pt-PT');
    expect(resolveLocale('system', ['es-ES', 'nl'])).toBe('en');
    expect(resolveLocale(null, [])).toBe('en');
  });

  it('lets the stored preference override the browser', () => {
    expect(resolveLocale('pt-PT', ['en-US'])).toBe('pt-PT');
    expect(resolveLocale('en', ['fr-FR'])).toBe('en');
    expect(isLocalePreference('fr')).toBe(true);
    expect(isLocalePreference('pt-BR')).toBe(false);
  });

  it('formats with the regional variant of the interface language', () => {
    expect(resolveFormatLocale('en', ['en-GB', 'fr'])).toBe('en-GB');
    expect(resolveFormatLocale('fr', ['en-GB', 'fr-CA'])).toBe('fr-CA');
    expect(resolveFormatLocale('pt-PT', ['pt-BR'])).toBe('pt-PT');
    expect(resolveFormatLocale('fr', ['en-US'])).toBe('fr');
  });

  it('every dictionary has every key, with the same placeholders, and no empty text', () => {
    for (const [name, dictionary] of [
      ['fr', fr],
      ['pt-PT', ptPT],
    ] as const) {
      expect(Object.keys(dictionary).sort(), name).toEqual(Object.keys(en).sort());
      for (const key of Object.keys(en) as Array<keyof typeof en>) {
        expect(placeholders(dictionary[key]), `${name} ${key}`).toEqual(placeholders(en[key]));
        expect(dictionary[key].trim(), `${name} ${key}`).not.toBe('');
      }
    }
  });

  it('European Portuguese uses the European words, not the Brazilian ones', () => {
    const all = Object.values(ptPT).join('\n');
    for (const brazilian of [/\btela\b/i, /\busuário/i, /\barquivo/i, /\bconfigurações\b/i, /\bsalvar\b/i, /\bcelular\b/i]) {
      expect(all).not.toMatch(brazilian);
    }
    expect(ptPT['nav.settings']).toBe('Definições');
    expect(ptPT['settings.save']).toBe('Guardar');
  });

  it('formats numbers, money, durations and plurals per language', () => {
    const en1 = createTranslator('en', 'en-GB');
    expect(en1.t('status.answeredIn', { duration: en1.seconds(812) })).toBe('answered in 0.8\u00a0s');
    expect(en1.usd(0.0213)).toBe('US$0.02');
    expect(en1.usd(0.001)).toBe('< US$0.01');
    expect(en1.plural('home.devices', 1)).toBe('1 device');
    expect(en1.plural('home.devices', 12)).toBe('12 devices');
    const frT = createTranslator('fr', 'fr-FR');
    expect(frT.seconds(812)).toBe('0,8\u00a0s');
    expect(frT.usd(0.02)).toMatch(/^0,02\s\$US$/);
    expect(frT.plural('home.devices', 0)).toBe('0 appareil');
    const pt = createTranslator('pt-PT');
    expect(pt.seconds(1250)).toBe('1,3\u00a0s');
    expect(pt.plural('home.areas', 2)).toBe('2 divisões');
    expect(pt.list(['A', 'B', 'C'])).toBe('A, B e C');
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    const t = createTranslator('en');
    expect(t.t('status.hint.wakeAndKey', { wake: '“Hey Jarvis”', key: 'Ctrl+Shift+Space' })).toBe(
      'Say “Hey Jarvis” or press Ctrl+Shift+Space',
    );
    expect(t.lookup('status.hint.wake')).toBe('Say {wake}');
  });
});
