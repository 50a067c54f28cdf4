/** Settings → Interface: the language. */
import type { JSX } from 'preact';
import { LOCALE_NAMES, LOCALES, type LocalePreference } from '../../i18n/i18n.js';
import { useApp } from '../../ui/app-context.js';
import { SectionBlock } from './section-block.js';

export function LanguageSelect(props: { id?: string }): JSX.Element {
  const { t, localePreference, setLocalePreference } = useApp();
  const id = props.id ?? 'interface-language';
  return (
    <div class="field">
      <label class="field__label" for={id}>
        {t.t('settings.language')}
      </label>
      <select
        id={id}
        class="input select"
        value={localePreference}
        onChange={(e) => setLocalePreference(e.currentTarget.value as LocalePreference)}
      >
        <option value="system">{t.t('settings.language.system')}</option>
        {LOCALES.map((locale) => (
          <option key={locale} value={locale} lang={locale}>
            {LOCALE_NAMES[locale]}
          </option>
        ))}
      </select>
    </div>
  );
}

export function InterfaceSection(): JSX.Element {
  const { t } = useApp();
  return (
    <SectionBlock id="interface" title={t.t('settings.interface')} description={t.t('settings.interfaceDescription')}>
      <div class="fields">
        <LanguageSelect />
      </div>
    </SectionBlock>
  );
}
