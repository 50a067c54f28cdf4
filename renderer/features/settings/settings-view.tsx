/**
 * Settings: every option of the settings schema, grouped in sections, validated field by field as the
 * user types (the schema's messages), saved with `settings:update` (main's issues go next to their
 * fields; what the user typed is never lost). Secrets are write-only (`secrets:set`).
 */
import type { JSX } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Settings } from '../../../preload/contract/settings-schema.js';
import { useApp, useStore } from '../../ui/app-context.js';
import { Icon } from '../../ui/icons.js';
import { FormContext, fieldId } from './fields.js';
import {
  applySaved,
  applyServerIssues,
  canSave,
  createForm,
  fieldErrors,
  firstErrorField,
  isDirty,
  markSubmitted,
  rebase,
  settingsPatch,
  type SettingsForm,
} from './settings-model.js';
import { SECTIONS, type Section } from './section-block.js';
import { OpenAISection } from './openai-section.js';
import { ConversationSection } from './conversation-section.js';
import { ListeningSection } from './listening-section.js';
import { HomeAssistantSection } from './home-assistant-section.js';
import { PricesSection } from './prices-section.js';
import { LoggingSection } from './logging-section.js';
import { InterfaceSection } from './interface-section.js';

function LoadIssues(): JSX.Element | null {
  const { controller, t } = useApp();
  const issues = useStore(controller.store, (s) => s.settings?.loadIssues ?? []);
  if (issues.length === 0) return null;
  return (
    <div class="callout callout--warning" role="note">
      <Icon name="alert" size={20} />
      <div>
        <strong>{t.t('settings.loadIssues')}</strong>
        <ul>
          {issues.map((issue) => (
            <li key={issue.path}>
              <code>{issue.path}</code>: {issue.message}
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}

function useSettingsForm(settings: Settings) {
  const [form, setForm] = useState<SettingsForm>(() => createForm(settings));
  const formRef = useRef(form);
  formRef.current = form;
  useEffect(() => setForm((f) => rebase(f, settings)), [settings]);
  return { form, setForm, formRef };
}

function SettingsEditor(props: { settings: Settings }): JSX.Element {
  const { controller, t } = useApp();
  const { form, setForm } = useSettingsForm(props.settings);
  const [saving, setSaving] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const errors = useMemo(() => fieldErrors(form), [form]);
  const dirty = isDirty(form);
  const errorCount = Object.keys(errors).length;
  const context = useMemo(
    () => ({
      form,
      errors,
      update: (change: (f: SettingsForm) => SettingsForm) => {
        setMessage(null);
        setForm(change);
      },
    }),
    [form, errors, setForm],
  );

  const focusFirstError = (all: typeof errors) => {
    const first = firstErrorField(all);
    if (!first) return;
    requestAnimationFrame(() => document.getElementById(fieldId(first))?.focus());
  };

  const save = async () => {
    const submitted = markSubmitted(form);
    if (!canSave(submitted)) {
      setForm(submitted);
      setMessage({ ok: false, text: t.t('settings.fixErrors') });
      focusFirstError(fieldErrors(submitted));
      return;
    }
    setSaving(true);
    const result = await controller.updateSettings(settingsPatch(form));
    setSaving(false);
    if (result.ok) {
      setForm((f) => applySaved(f, result.settings.settings));
      setMessage({ ok: true, text: t.t('settings.saved') });
    } else {
      const next = applyServerIssues(form, result.issues);
      setForm(next);
      setMessage({ ok: false, text: t.t('settings.refused') });
      focusFirstError(fieldErrors(next));
    }
  };

  return (
    <FormContext.Provider value={context}>
      <div class="settings-body">
        <LoadIssues />
        {form.generalIssues.length > 0 && (
          <div class="callout callout--error" role="alert">
            <Icon name="alert" size={20} />
            <ul>
              {form.generalIssues.map((issue) => (
                <li key={issue}>{issue}</li>
              ))}
            </ul>
          </div>
        )}
        <OpenAISection />
        <ConversationSection />
        <ListeningSection />
        <HomeAssistantSection />
        <PricesSection />
        <LoggingSection />
        <InterfaceSection />
      </div>
      <div class={`savebar ${dirty ? 'savebar--dirty' : ''}`}>
        <p class={`savebar__status ${message && !message.ok ? 'savebar__status--error' : ''}`} role="status" aria-live="polite">
          {message
            ? message.text
            : dirty
              ? errorCount > 0
                ? t.plural('settings.errorCount', errorCount)
                : t.t('settings.unsaved')
              : t.t('settings.upToDate')}
        </p>
        <button type="button" class="button button--quiet" disabled={!dirty || saving} onClick={() => setForm(createForm(props.settings))}>
          {t.t('settings.revert')}
        </button>
        <button type="button" class="button button--primary" disabled={!dirty || saving} onClick={() => void save()}>
          <Icon name="check" size={18} />
          <span>{saving ? t.t('settings.saving') : t.t('settings.save')}</span>
        </button>
      </div>
    </FormContext.Provider>
  );
}

export function SettingsView(props: { focusSection?: string | null }): JSX.Element {
  const { controller, t } = useApp();
  const settings = useStore(controller.store, (s) => s.settings?.settings ?? null);
  const titles: Record<Section, string> = {
    openai: t.t('settings.openai'),
    conversation: t.t('settings.conversation'),
    listening: t.t('settings.listening'),
    'home-assistant': t.t('settings.ha'),
    prices: t.t('settings.prices'),
    logging: t.t('settings.logging'),
    interface: t.t('settings.interface'),
  };
  const goTo = (id: string) => {
    const heading = document.getElementById(`${id}-title`);
    const section = document.getElementById(id);
    const scroller = section?.closest<HTMLElement>('.settings-body');
    if (!heading || !section || !scroller) return;
    // Scroll only the settings pane (scrollIntoView would move every scrollable ancestor).
    scroller.scrollTop += section.getBoundingClientRect().top - scroller.getBoundingClientRect().top - 16;
    heading.focus({ preventScroll: true });
  };
  useEffect(() => {
    if (props.focusSection) requestAnimationFrame(() => goTo(props.focusSection!));
  }, [props.focusSection, settings !== null]);
  return (
    <div class="settings">
      <nav class="settings-nav" aria-label={t.t('settings.sections')}>
        <h1 class="view-title">{t.t('nav.settings')}</h1>
        <ul>
          {SECTIONS.map((section) => (
            <li key={section}>
              <button type="button" class="settings-nav__link" onClick={() => goTo(`section-${section}`)}>
                {titles[section]}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <div class="settings-main">{settings ? <SettingsEditor settings={settings} /> : <p class="loading">{t.t('app.loading')}</p>}</div>
    </div>
  );
}
