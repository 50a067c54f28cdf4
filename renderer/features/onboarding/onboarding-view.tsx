/**
 * First run, from nothing to a first spoken answer: OpenAI key (checked by trying it), Home Assistant
 * (optional, with a test), wake word or push-to-talk, a microphone check, then "say …". Skippable at
 * every step; `onboarding:complete` at the end.
 */
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { HomeAssistantSettingsSchema } from '../../../preload/contract/settings-schema.js';
import { useApp, useStore } from '../../ui/app-context.js';
import { Brand } from '../../ui/brand.js';
import { Icon } from '../../ui/icons.js';
import { MuteButton, TalkButton } from '../conversation/conversation-view.js';
import { SecretField, SecretStorageNote } from '../settings/secret-field.js';
import { EchoTest, HotkeyField } from '../settings/listening-section.js';
import { HomeAssistantTest } from '../settings/home-assistant-section.js';
import { LanguageSelect } from '../settings/interface-section.js';
import { Banners, MicMeter, StateDisplay } from '../status/status-view.js';
import { wakeWordLabel } from '../status/status-model.js';
import { Transcript } from '../transcript/transcript-view.js';
import {
  ONBOARDING_STEPS,
  WAKE_CHOICES,
  currentWakeChoice,
  gotAnswer,
  heardSomething,
  listeningPatch,
  nextStep,
  previousStep,
  stepIndex,
  type OnboardingStep,
  type WakeChoice,
} from './onboarding-model.js';

type StepProps = { next: () => void };

function StepTitle(props: { title: string; step: OnboardingStep }): JSX.Element {
  const ref = useRef<HTMLHeadingElement>(null);
  // A new step moves focus to its title (screen readers read it); not on first load.
  useEffect(() => {
    if (props.step !== 'welcome') ref.current?.focus();
  }, [props.step]);
  return (
    <h1 class="onboarding__title" tabIndex={-1} ref={ref}>
      {props.title}
    </h1>
  );
}

function Welcome(props: StepProps): JSX.Element {
  const { t } = useApp();
  return (
    <>
      <StepTitle step="welcome" title={t.t('onboarding.welcome.title')} />
      <p class="onboarding__lead">{t.t('onboarding.welcome.lead')}</p>
      <ul class="onboarding__list">
        <li>{t.t('onboarding.welcome.point1')}</li>
        <li>{t.t('onboarding.welcome.point2')}</li>
        <li>{t.t('onboarding.welcome.point3')}</li>
      </ul>
      <LanguageSelect id="onboarding-language" />
      <div class="onboarding__actions">
        <button type="button" class="button button--primary button--large" onClick={props.next}>
          {t.t('onboarding.start')}
        </button>
      </div>
    </>
  );
}

function OpenAIStep(props: StepProps): JSX.Element {
  const { controller, t } = useApp();
  const hasKey = useStore(controller.store, (s) => s.settings?.secrets.present.openai ?? false);
  return (
    <>
      <StepTitle step="openai" title={t.t('onboarding.openai.title')} />
      <p class="onboarding__lead">{t.t('onboarding.openai.lead')}</p>
      <SecretStorageNote />
      <SecretField kind="openai" label={t.t('settings.openai.key')} help={t.t('onboarding.openai.help')} placeholder="sk-…" />
      <div class="onboarding__actions">
        <button type="button" class="button button--primary button--large" disabled={!hasKey} onClick={props.next}>
          {t.t('onboarding.continue')}
        </button>
        {!hasKey && <p class="onboarding__note">{t.t('onboarding.openai.needed')}</p>}
      </div>
    </>
  );
}

function HomeAssistantStep(props: StepProps): JSX.Element {
  const { controller, t } = useApp();
  const settings = useStore(controller.store, (s) => s.settings);
  const [url, setUrl] = useState(settings?.settings.homeAssistant.url ?? '');
  const [token, setToken] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const urlCheck = HomeAssistantSettingsSchema.shape.url.safeParse(url);
  const urlError = url.trim() !== '' && !urlCheck.success ? (urlCheck.error.issues[0]?.message ?? null) : null;
  const hasToken = settings?.secrets.present['home-assistant'] ?? false;

  const save = async () => {
    setSaving(true);
    setError(null);
    const updated = await controller.updateSettings({ homeAssistant: { url: url.trim() } });
    if (!updated.ok) {
      setSaving(false);
      setError(updated.issues.map((i) => i.message).join(' '));
      return;
    }
    if (token.trim() !== '') {
      const secret = await controller.setSecret('home-assistant', token.trim(), url.trim());
      if (!secret.ok) {
        setSaving(false);
        setError(secret.message);
        return;
      }
    }
    setSaving(false);
    props.next();
  };
  return (
    <>
      <StepTitle step="home-assistant" title={t.t('onboarding.ha.title')} />
      <p class="onboarding__lead">{t.t('onboarding.ha.lead')}</p>
      <div class={`field field--wide ${urlError ? 'field--invalid' : ''}`}>
        <label class="field__label" for="onboarding-ha-url">
          {t.t('settings.ha.url')}
        </label>
        <input
          id="onboarding-ha-url"
          class="input"
          type="url"
          value={url}
          placeholder="http://homeassistant.local:8123"
          aria-invalid={urlError !== null}
          aria-describedby={urlError ? 'onboarding-ha-url-error' : undefined}
          onInput={(e) => setUrl(e.currentTarget.value)}
        />
        {urlError && (
          <p class="field__error" id="onboarding-ha-url-error">
            {urlError}
          </p>
        )}
      </div>
      <div class="field field--wide">
        <label class="field__label" for="onboarding-ha-token">
          {t.t('settings.ha.token')}
          {hasToken && <span class="badge badge--ok">{t.t('secret.set')}</span>}
        </label>
        <input
          id="onboarding-ha-token"
          class="input"
          type="password"
          autocomplete="off"
          value={token}
          placeholder={hasToken ? t.t('secret.replacePlaceholder') : ''}
          aria-describedby="onboarding-ha-token-help"
          onInput={(e) => setToken(e.currentTarget.value)}
        />
        <p class="field__help" id="onboarding-ha-token-help">
          {t.t('settings.ha.tokenHelp')}
        </p>
      </div>
      <HomeAssistantTest url={url} token={token} />
      {error && (
        <p class="field__error" role="alert">
          {error}
        </p>
      )}
      <div class="onboarding__actions">
        <button
          type="button"
          class="button button--primary button--large"
          disabled={saving || url.trim() === '' || urlError !== null || (token.trim() === '' && !hasToken)}
          onClick={() => void save()}
        >
          {saving ? t.t('settings.saving') : t.t('onboarding.saveContinue')}
        </button>
        <button type="button" class="button button--quiet" onClick={props.next}>
          {t.t('onboarding.ha.skip')}
        </button>
      </div>
    </>
  );
}

function ListeningStep(props: StepProps): JSX.Element {
  const { controller, t } = useApp();
  const settings = useStore(controller.store, (s) => s.settings?.settings ?? null);
  const [choice, setChoice] = useState<WakeChoice>(() => (settings ? currentWakeChoice(settings) : 'hey_jarvis'));
  const [hotkey, setHotkey] = useState(settings?.listening.pushToTalk.hotkey ?? '');
  const [mode, setMode] = useState<'toggle' | 'hold'>(settings?.listening.pushToTalk.mode ?? 'toggle');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const save = async () => {
    if (!settings) return;
    setSaving(true);
    setError(null);
    const result = await controller.updateSettings(listeningPatch(settings, choice, hotkey, mode));
    setSaving(false);
    if (result.ok) props.next();
    else setError(result.issues.map((i) => i.message).join(' '));
  };
  return (
    <>
      <StepTitle step="listening" title={t.t('onboarding.listening.title')} />
      <p class="onboarding__lead">{t.t('onboarding.listening.lead')}</p>
      <fieldset class="choices">
        <legend class="field__label">{t.t('onboarding.listening.wake')}</legend>
        {WAKE_CHOICES.map((option) => (
          <label class={`choice ${choice === option ? 'choice--selected' : ''}`} key={option}>
            <input type="radio" name="wake" value={option} checked={choice === option} onChange={() => setChoice(option)} />
            <span>{option === 'none' ? t.t('onboarding.listening.none') : t.t('common.quoted', { text: wakeWordLabel(option) })}</span>
          </label>
        ))}
      </fieldset>
      {settings && (
        <div class="fields">
          <HotkeyField value={hotkey} onChange={setHotkey} path="onboarding.hotkey" error={error} />
          <div class="field">
            <label class="field__label" for="onboarding-ptt-mode">
              {t.t('settings.ptt.mode')}
            </label>
            <select
              id="onboarding-ptt-mode"
              class="input select"
              value={mode}
              onChange={(e) => setMode(e.currentTarget.value === 'hold' ? 'hold' : 'toggle')}
            >
              <option value="toggle">{t.t('settings.ptt.toggle')}</option>
              <option value="hold">{t.t('settings.ptt.hold')}</option>
            </select>
          </div>
        </div>
      )}
      <div class="onboarding__actions">
        <button
          type="button"
          class="button button--primary button--large"
          disabled={saving || (choice === 'none' && hotkey.trim() === '')}
          onClick={() => void save()}
        >
          {saving ? t.t('settings.saving') : t.t('onboarding.saveContinue')}
        </button>
        {choice === 'none' && hotkey.trim() === '' && <p class="onboarding__note">{t.t('onboarding.listening.needHotkey')}</p>}
      </div>
    </>
  );
}

function MicrophoneStep(props: StepProps): JSX.Element {
  const { controller, t } = useApp();
  const level = useStore(controller.micLevel, (l) => l);
  const muted = useStore(controller.store, (s) => s.status?.muted ?? false);
  const echoTest = useStore(controller.store, (s) => s.settings?.settings.listening.echoTest ?? null);
  const [heard, setHeard] = useState(false);
  useEffect(() => {
    if (!heard && level && heardSomething(level.rmsDbfs)) setHeard(true);
  }, [level, heard]);
  return (
    <>
      <StepTitle step="microphone" title={t.t('onboarding.mic.title')} />
      <p class="onboarding__lead">{t.t('onboarding.mic.lead')}</p>
      <MicMeter />
      <p class={`onboarding__check ${heard ? 'onboarding__check--ok' : ''}`} role="status" aria-live="polite">
        <Icon name={heard ? 'check' : 'ear'} size={20} />
        {heard ? t.t('onboarding.mic.heard') : muted ? t.t('onboarding.mic.muted') : t.t('onboarding.mic.waiting')}
      </p>
      {muted && <MuteButton />}
      <p class="onboarding__note">{t.t('onboarding.mic.help')}</p>
      <p class="onboarding__note">{t.t('onboarding.mic.echo')}</p>
      <EchoTest last={echoTest} />
      <div class="onboarding__actions">
        <button type="button" class="button button--primary button--large" onClick={props.next}>
          {heard ? t.t('onboarding.continue') : t.t('onboarding.mic.skip')}
        </button>
      </div>
    </>
  );
}

function TryStep(props: { finish: () => void }): JSX.Element {
  const { controller, t } = useApp();
  const status = useStore(controller.store, (s) => s.status);
  const items = useStore(controller.store, (s) => s.transcript);
  const known = useRef<Set<string> | null>(null);
  known.current ??= new Set(items.map((i) => i.id));
  const answered = gotAnswer(items, known.current);
  const keyword = status && status.wakeWord.engine !== 'none' ? status.wakeWord.keywords[0] : undefined;
  return (
    <>
      <StepTitle step="try" title={t.t('onboarding.try.title')} />
      <p class="onboarding__say">{keyword ? t.t('onboarding.try.say', { wake: wakeWordLabel(keyword) }) : t.t('onboarding.try.press')}</p>
      <div class="onboarding__try">
        <StateDisplay />
        <TalkButton />
      </div>
      <Transcript limit={4} />
      {answered && (
        <p class="onboarding__check onboarding__check--ok" role="status">
          <Icon name="check" size={20} />
          {t.t('onboarding.try.success')}
        </p>
      )}
      <div class="onboarding__actions">
        <button type="button" class="button button--primary button--large" onClick={props.finish}>
          {t.t('onboarding.finish')}
        </button>
      </div>
    </>
  );
}

export function OnboardingView(props: { onDone: () => void }): JSX.Element {
  const { controller, t } = useApp();
  const [step, setStep] = useState<OnboardingStep>('welcome');
  const settingsLoaded = useStore(controller.store, (s) => s.settings !== null);
  const titles: Record<OnboardingStep, string> = {
    welcome: t.t('onboarding.steps.welcome'),
    openai: t.t('onboarding.steps.openai'),
    'home-assistant': t.t('onboarding.steps.ha'),
    listening: t.t('onboarding.steps.listening'),
    microphone: t.t('onboarding.steps.mic'),
    try: t.t('onboarding.steps.try'),
  };
  const finish = () => {
    void controller.completeOnboarding();
    props.onDone();
  };
  const next = () => {
    const following = nextStep(step);
    if (following) setStep(following);
    else finish();
  };
  const back = previousStep(step);
  return (
    <div class="onboarding">
      <header class="onboarding__header">
        <Brand />
        <button type="button" class="button button--quiet" onClick={finish}>
          {t.t('onboarding.skip')}
        </button>
      </header>
      <Banners />
      <main class="onboarding__main" id="content">
        <nav aria-label={t.t('onboarding.progress')}>
          <p class="onboarding__progress-text">{t.t('onboarding.stepOf', { step: stepIndex(step) + 1, total: ONBOARDING_STEPS.length })}</p>
          <ol class="progress">
            {ONBOARDING_STEPS.map((s, index) => (
              <li
                key={s}
                class={`progress__step ${index < stepIndex(step) ? 'progress__step--done' : ''} ${s === step ? 'progress__step--current' : ''}`}
                aria-current={s === step ? 'step' : undefined}
              >
                <span class="progress__dot" aria-hidden="true">
                  {index < stepIndex(step) ? <Icon name="check" size={14} /> : index + 1}
                </span>
                <span class="progress__label">{titles[s]}</span>
              </li>
            ))}
          </ol>
        </nav>
        <div class="onboarding__card">
          {!settingsLoaded ? (
            <p class="loading">{t.t('app.loading')}</p>
          ) : step === 'welcome' ? (
            <Welcome next={next} />
          ) : step === 'openai' ? (
            <OpenAIStep next={next} />
          ) : step === 'home-assistant' ? (
            <HomeAssistantStep next={next} />
          ) : step === 'listening' ? (
            <ListeningStep next={next} />
          ) : step === 'microphone' ? (
            <MicrophoneStep next={next} />
          ) : (
            <TryStep finish={finish} />
          )}
          {back && (
            <button type="button" class="button button--quiet onboarding__back" onClick={() => setStep(back)}>
              {t.t('onboarding.back')}
            </button>
          )}
        </div>
      </main>
    </div>
  );
}
