/**
 * Interface language: English, French and European Portuguese. Every string lives in a typed
 * dictionary (en.ts is the reference; a missing or extra key in fr.ts or pt-pt.ts is a compile error).
 * Numbers, money, durations and lists go through Intl. Pure: no DOM (the page passes navigator.languages
 * and the stored preference in).
 */
import { en, type MessageKey } from './en.js';
import { fr } from './fr.js';
import { ptPT } from './pt-pt.js';

export const LOCALES = ['en', 'fr', 'pt-PT'] as const;
export type Locale = (typeof LOCALES)[number];
export type LocalePreference = Locale | 'system';
/** Each language named in itself, for the language picker. */
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', fr: 'Français', 'pt-PT': 'Português (Portugal)' };

export type Messages = { readonly [K in MessageKey]: string };
const DICTIONARIES: Record<Locale, Messages> = { en, fr, 'pt-PT': ptPT };

function isLocale(value: unknown): value is Locale {
  return (LOCALES as readonly unknown[]).includes(value);
}

/** `pt-BR` → `pt`. */
function baseLanguage(tag: string): string | undefined {
  return tag.toLowerCase().split(/[-_]/)[0];
}

/** The first of the user's languages we have; Portuguese of any region gets European Portuguese. */
export function resolveLocale(preference: LocalePreference | null | undefined, languages: readonly string[]): Locale {
  if (isLocale(preference)) return preference;
  for (const language of languages) {
    const match = LOCALES.find((locale) => baseLanguage(locale) === baseLanguage(language));
    if (match) return match;
  }
  return 'en';
}

/**
 * The locale for numbers, dates and times: the user's own regional variant of the interface language
 * when they have one (en-GB gets a 24-hour clock), else the interface language itself.
 */
export function resolveFormatLocale(locale: Locale, languages: readonly string[]): string {
  if (locale === 'pt-PT') return 'pt-PT';
  const match = languages.find((language) => baseLanguage(language) === locale);
  try {
    return match ? (Intl.getCanonicalLocales(match)[0] ?? locale) : locale;
  } catch {
    return locale;
  }
}

export function isLocalePreference(value: unknown): value is LocalePreference {
  return value === 'system' || isLocale(value);
}

/** The `{name}` placeholders of an English message, as a union of names. */
type Placeholders<S extends string> = S extends `${string}{${infer P}}${infer Rest}` ? P | Placeholders<Rest> : never;
type ParamsOf<K extends MessageKey> = [Placeholders<(typeof en)[K]>] extends [never]
  ? []
  : [params: Record<Placeholders<(typeof en)[K]>, string | number>];

/** Keys that come in `.one` / `.other` pairs, by their base. */
type PluralBase = { [K in MessageKey]: K extends `${infer B}.one` ? (`${B}.other` extends MessageKey ? B : never) : never }[MessageKey];

export type Translator = {
  readonly locale: Locale;
  /** The locale Intl formats with (e.g. en-GB). */
  readonly formatLocale: string;
  t<K extends MessageKey>(key: K, ...params: ParamsOf<K>): string;
  /** A key chosen at run time (from a table): parameters are not checked. */
  lookup(key: MessageKey, params?: Record<string, string | number>): string;
  /** A message that depends on a count: `base.one` or `base.other`, with `{count}` formatted. */
  plural(base: PluralBase, count: number, params?: Record<string, string | number>): string;
  number(value: number, maximumFractionDigits?: number): string;
  /** US dollars; amounts under a cent show as "< $0.01". */
  usd(value: number): string;
  /** "0.8 s" / "0,8 s" (the SI symbol, the same in every language). */
  seconds(ms: number): string;
  percent(value: number): string;
  list(items: readonly string[]): string;
};

const cache = new Map<string, Translator>();

export function createTranslator(locale: Locale, formatLocale: string = locale): Translator {
  const cacheKey = `${locale}|${formatLocale}`;
  const cached = cache.get(cacheKey);
  if (cached) return cached;
  const messages = DICTIONARIES[locale];
  const format = (template: string, params?: Record<string, string | number>) =>
    params === undefined
      ? template
      : template.replace(/\{(\w+)\}/g, (whole, name: string) => {
          const value = params[name];
          if (value === undefined) return whole;
          return typeof value === 'number' ? numberFormat(2).format(value) : value;
        });
  const numberFormats = new Map<number, Intl.NumberFormat>();
  const numberFormat = (digits: number) => {
    let f = numberFormats.get(digits);
    if (!f) {
      f = new Intl.NumberFormat(formatLocale, { maximumFractionDigits: digits });
      numberFormats.set(digits, f);
    }
    return f;
  };
  const usd = new Intl.NumberFormat(formatLocale, {
    style: 'currency',
    currency: 'USD',
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });
  const secondsFormat = new Intl.NumberFormat(formatLocale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const percentFormat = new Intl.NumberFormat(formatLocale, { style: 'percent', maximumFractionDigits: 0 });
  const pluralRules = new Intl.PluralRules(locale);
  const listFormat = new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' });

  const translator: Translator = {
    locale,
    formatLocale,
    t: (key, ...params) => format(messages[key], params[0]),
    lookup: (key, params) => format(messages[key], params),
    plural: (base, count, params) => {
      const one = `${base}.one` as MessageKey;
      const other = `${base}.other` as MessageKey;
      const key = pluralRules.select(count) === 'one' ? one : other;
      return format(messages[key], { ...params, count: numberFormat(0).format(count) });
    },
    number: (value, digits = 1) => numberFormat(digits).format(value),
    usd: (value) => (value > 0 && value < 0.005 ? `< ${usd.format(0.01)}` : usd.format(value)),
    seconds: (ms) => `${secondsFormat.format(ms / 1000)}\u00a0s`,
    percent: (value) => percentFormat.format(value / 100),
    list: (items) => listFormat.format(items),
  };
  cache.set(cacheKey, translator);
  return translator;
}

export type { MessageKey };
