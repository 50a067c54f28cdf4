import { describe, expect, it } from 'vitest';
import { errorText, TRANSLATED_ERROR_CODES } from '../../../renderer/i18n/error-text.js';
import { LOCALES } from '../../../renderer/i18n/i18n.js';

describe("main's errors in the interface language", () => {
  const refused = { code: 'auth_invalid', message: 'Home Assistant at ha.local:8123 refused the access token (auth_invalid): …' };

  it('words a known code in the page language', () => {
    expect(errorText(refused, 'fr')).toMatch(/^Home Assistant a refusé le jeton/);
    expect(errorText(refused, 'pt-PT')).toMatch(/^O Home Assistant recusou o token/);
    expect(errorText(refused, 'en')).toMatch(/^Home Assistant refused the access token/);
  });

  it("falls back to main's own sentence for a code it does not know, or none", () => {
    expect(errorText({ code: 'some_new_code', message: 'Something new.' }, 'fr')).toBe('Something new.');
    expect(errorText({ message: 'No code.' }, 'pt-PT')).toBe('No code.');
  });

  it('has every code in every language, each its own sentence', () => {
    expect(TRANSLATED_ERROR_CODES.length).toBeGreaterThanOrEqual(10);
    for (const code of TRANSLATED_ERROR_CODES) {
      const texts = LOCALES.map((locale) => errorText({ code, message: '<fallback>' }, locale));
      expect(texts, code).not.toContain('<fallback>');
      expect(new Set(texts).size, code).toBe(LOCALES.length);
    }
  });
});
