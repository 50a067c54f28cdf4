/** Settings → Listening: microphone, wake word, push-to-talk hotkey, duplex mode and the echo self-test. */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { EchoTestResult } from '../../../preload/contract/settings-schema.js';
import type { EchoSelfTestResult } from '../../../preload/contract/types.js';
import { useApp } from '../../ui/app-context.js';
import { Icon } from '../../ui/icons.js';
import { acceleratorLabel } from '../status/status-model.js';
import { ListeningNotes } from '../status/status-view.js';
import {
  CheckboxField,
  FieldShell,
  ListField,
  NumberField,
  Select,
  SelectField,
  Subsection,
  TextField,
  TextInput,
  useForm,
  type Option,
  messageOptions,
} from './fields.js';
import { acceleratorFromKey } from './hotkey-model.js';
import { SecretField } from './secret-field.js';
import { displayText, setValue } from './settings-model.js';
import { SectionBlock } from './section-block.js';

function MicrophoneField(): JSX.Element {
  const { controller, t } = useApp();
  const { form, update } = useForm();
  const [devices, setDevices] = useState<string[] | null>(null);
  const load = () => {
    setDevices(null);
    void controller.listMicrophones().then(setDevices);
  };
  useEffect(load, []);
  const current = form.draft.listening.micDevice;
  const options: Option[] = [{ value: '', label: t.t('settings.mic.default') }, ...(devices ?? []).map((d) => ({ value: d, label: d }))];
  if (current && !(devices ?? []).includes(current))
    options.push({ value: current, label: t.t('settings.mic.missing', { name: current }) });
  return (
    <FieldShell path="listening.micDevice" label={t.t('settings.mic')} help={devices === null ? t.t('settings.mic.loading') : undefined}>
      {(aria) => (
        <div class="input-row">
          <Select
            {...aria}
            value={current}
            options={options}
            onValue={(value) => update((f) => setValue(f, 'listening.micDevice', value))}
          />
          <button type="button" class="icon-button" aria-label={t.t('settings.mic.refresh')} onClick={load}>
            <Icon name="refresh" />
          </button>
        </div>
      )}
    </FieldShell>
  );
}

/** The push-to-talk shortcut: typed, or recorded from a key press. */
export function HotkeyField(props: {
  value: string;
  onChange: (value: string) => void;
  path?: string;
  /** For a field outside the settings form. */
  error?: string | null;
}): JSX.Element {
  const { t, isMac } = useApp();
  const [recording, setRecording] = useState(false);
  const path = props.path ?? 'listening.pushToTalk.hotkey';
  return (
    <FieldShell
      path={path}
      error={props.error}
      label={t.t('settings.ptt.hotkey')}
      help={t.t('settings.ptt.hotkeyHelp', { example: acceleratorLabel('CommandOrControl+Shift+Space', isMac) })}
    >
      {(aria) => (
        <div class="input-row">
          <TextInput {...aria} value={props.value} spellcheck={false} placeholder={t.t('settings.ptt.none')} onText={props.onChange} />
          <button
            type="button"
            class={`button ${recording ? 'button--recording' : ''}`}
            aria-pressed={recording}
            onClick={() => setRecording(!recording)}
            onBlur={() => setRecording(false)}
            onKeyDown={(e) => {
              if (!recording) return;
              if (e.key === 'Tab') return;
              e.preventDefault();
              if (e.key === 'Escape') return setRecording(false);
              const accelerator = acceleratorFromKey(e, isMac);
              if (accelerator) {
                props.onChange(accelerator);
                setRecording(false);
              }
            }}
          >
            <Icon name="keyboard" size={18} />
            <span>{recording ? t.t('settings.ptt.pressKeys') : t.t('settings.ptt.record')}</span>
          </button>
        </div>
      )}
    </FieldShell>
  );
}

export function ListeningSection(): JSX.Element {
  const { t } = useApp();
  const { form, update } = useForm();
  const l = form.draft.listening;
  const engine = l.wakeEngine;
  return (
    <SectionBlock id="listening" title={t.t('settings.listening')}>
      <ListeningNotes />
      <div class="fields">
        <SelectField
          path="listening.wakeEngine"
          label={t.t('settings.wake.engine')}
          wide
          options={messageOptions(t, 'settings.wake', ['auto', 'openwakeword', 'porcupine', 'none'])}
        />
      </div>
      {engine !== 'none' && engine !== 'porcupine' && (
        <Subsection title={t.t('settings.oww')} description={t.t('settings.owwDescription')}>
          <ListField
            path="listening.openWakeWord.keywords"
            label={t.t('settings.wake.keywords')}
            help={t.t('settings.oww.keywordsHelp')}
            wide
          />
          <NumberField
            path="listening.openWakeWord.threshold"
            label={t.t('settings.wake.threshold')}
            help={t.t('settings.oww.thresholdHelp')}
          />
          <NumberField path="listening.openWakeWord.patienceFrames" text="settings.oww.patience" integer />
          <NumberField path="listening.openWakeWord.debounceMs" text="settings.oww.debounce" integer unit="ms" />
        </Subsection>
      )}
      {engine !== 'none' && engine !== 'openwakeword' && (
        <Subsection title={t.t('settings.porcupine')} description={t.t('settings.porcupineDescription')}>
          <SecretField kind="picovoice" text="settings.porcupine.key" />
          <ListField
            path="listening.porcupine.keywords"
            label={t.t('settings.wake.keywords')}
            help={t.t('settings.porcupine.keywordsHelp')}
          />
          <ListField path="listening.porcupine.sensitivities" text="settings.porcupine.sensitivities" numbers />
          <TextField path="listening.porcupine.modelPath" text="settings.porcupine.model" wide />
        </Subsection>
      )}
      <Subsection title={t.t('settings.micSection')}>
        <MicrophoneField />
        <CheckboxField path="listening.muted" text="settings.muted" />
        <SelectField
          path="listening.duplex"
          label={t.t('settings.duplex')}
          wide
          options={messageOptions(t, 'settings.duplex', ['auto', 'half', 'full'])}
        />
        <EchoTest last={l.echoTest} />
        {l.duplex !== 'full' && <NumberField path="listening.halfDuplexTailMs" text="settings.duplex.tail" integer unit="ms" />}
      </Subsection>
      <Subsection title={t.t('settings.ptt')}>
        <HotkeyField
          value={displayText(form, 'listening.pushToTalk.hotkey')}
          onChange={(value) => update((f) => setValue(f, 'listening.pushToTalk.hotkey', value))}
        />
        <SelectField
          path="listening.pushToTalk.mode"
          label={t.t('settings.ptt.mode')}
          options={messageOptions(t, 'settings.ptt', ['toggle', 'hold'])}
        />
      </Subsection>
    </SectionBlock>
  );
}

/** The echo self-test: a button, then the delay, the ERLE and the recommended mode (or why it did not run). */
export function EchoTest(props: { last: EchoTestResult | null }): JSX.Element {
  const { controller, t } = useApp();
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState<EchoSelfTestResult | null>(null);
  const shown = answer ?? (props.last ? { ok: true as const, result: props.last, duplex: props.last.recommended } : null);
  const test = async () => {
    setBusy(true);
    setAnswer(null);
    setAnswer(await controller.testEcho());
    setBusy(false);
  };
  const db = (value: number | null) => (value === null ? '—' : t.t('echo.db', { value: value.toFixed(1) }));
  return (
    <div class="field field--wide echo-test">
      <button type="button" class="button" disabled={busy} onClick={() => void test()}>
        <Icon name="refresh" size={18} />
        <span>{busy ? t.t('echo.testing') : t.t('echo.test')}</span>
      </button>
      <p class="field__help">{t.t('echo.help')}</p>
      <div class={`echo-test__result ${shown ? (shown.ok ? 'field__success' : 'field__error') : ''}`} role="status" aria-live="polite">
        {shown &&
          (shown.ok ? (
            <dl class="echo-test__numbers">
              <dt>{t.t('echo.delay')}</dt>
              <dd data-testid="echo-delay">
                {shown.result.delayMs === null ? '—' : t.t('echo.ms', { value: Math.round(shown.result.delayMs) })}
              </dd>
              <dt>{t.t('echo.erle')}</dt>
              <dd data-testid="echo-erle">{db(shown.result.erleDb)}</dd>
              <dt>{t.t('echo.recommended')}</dt>
              <dd data-testid="echo-recommended">
                {shown.result.recommended === 'full' ? t.t('echo.recommended.full') : t.t('echo.recommended.half')}
                {' — '}
                {t.t(`echo.reason.${shown.result.reason}`)}
              </dd>
            </dl>
          ) : (
            <>
              <Icon name="alert" size={14} />
              {shown.message}
            </>
          ))}
      </div>
    </div>
  );
}
