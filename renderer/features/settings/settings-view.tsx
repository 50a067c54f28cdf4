/**
 * Settings: every option of the settings schema, grouped in sections, validated field by field as the
 * user types (the schema's messages), saved with `settings:update` (main's issues go next to their
 * fields; what the user typed is never lost). Secrets are write-only (`secrets:set`).
 */
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import {
  HomeAssistantSettingsSchema,
  REASONING_EFFORTS,
  VOICES,
  type EchoTestResult,
  type Settings,
} from '../../../preload/contract/settings-schema.js';
import type { ConnectionTestResult, EchoSelfTestResult } from '../../../preload/contract/types.js';
import { LOCALE_NAMES, LOCALES, type LocalePreference } from '../../i18n/i18n.js';
import { useApp, useStore } from '../../ui/app-context.js';
import { Icon } from '../../ui/icons.js';
import { acceleratorLabel } from '../status/status-model.js';
import { supportsReasoning } from '../../../preload/contract/model-catalog.js';
import { ModelField } from './model-field.js';
import { ListeningNotes } from '../status/status-view.js';
import {
  CheckboxField,
  FieldShell,
  FormContext,
  ListField,
  NumberField,
  SelectField,
  Subsection,
  TextAreaField,
  TextField,
  fieldErrorText,
  fieldId,
  useForm,
  type Option,
} from './fields.js';
import { acceleratorFromKey } from './hotkey-model.js';
import { SecretField, SecretStorageNote } from './secret-field.js';
import {
  PRICE_FIELDS,
  addPriceRow,
  applySaved,
  applyServerIssues,
  canSave,
  clearPriceRow,
  createForm,
  displayText,
  fieldErrors,
  firstErrorField,
  isDirty,
  isModelName,
  markSubmitted,
  modulesText,
  priceRows,
  rebase,
  setMaxTokensUnlimited,
  setModulesText,
  setPriceText,
  setTurnDetectionType,
  setValue,
  settingsPatch,
  type SettingsForm,
} from './settings-model.js';

const SECTIONS = ['openai', 'conversation', 'listening', 'home-assistant', 'prices', 'logging', 'interface'] as const;
type Section = (typeof SECTIONS)[number];

function SectionBlock(props: { id: Section; title: string; description?: string; children: ComponentChildren }): JSX.Element {
  return (
    <section class="settings-section" id={`section-${props.id}`} aria-labelledby={`section-${props.id}-title`}>
      <h2 class="settings-section__title" id={`section-${props.id}-title`} tabIndex={-1}>
        {props.title}
      </h2>
      {props.description && <p class="settings-section__description">{props.description}</p>}
      {props.children}
    </section>
  );
}

function OpenAISection(): JSX.Element {
  const { t } = useApp();
  const { form, update } = useForm();
  const o = form.draft.openai;
  const unlimited = o.maxOutputTokens === 'inf';
  const voiceOptions: Option[] = VOICES.map((v) => ({ value: v, label: v[0]!.toUpperCase() + v.slice(1) }));
  return (
    <SectionBlock id="openai" title={t.t('settings.openai')} description={t.t('settings.openaiDescription')}>
      <SecretStorageNote />
      <div class="fields">
        <SecretField
          kind="openai"
          label={t.t('settings.openai.key')}
          help={t.t('settings.openai.keyHelp')}
          placeholder="sk-…"
          serverUrl={form.draft.openai.realtimeUrl}
        />
        <ModelField />
        <SelectField path="openai.voice" label={t.t('settings.openai.voice')} options={voiceOptions} />
        <NumberField path="openai.speed" label={t.t('settings.openai.speed')} help={t.t('settings.openai.speedHelp')} />
        <SelectField
          path="openai.outputModality"
          label={t.t('settings.openai.output')}
          options={[
            { value: 'audio', label: t.t('settings.openai.output.audio') },
            { value: 'text', label: t.t('settings.openai.output.text') },
          ]}
        />
        <TextAreaField
          path="openai.instructions"
          label={t.t('settings.openai.instructions')}
          help={t.t('settings.openai.instructionsHelp')}
          rows={5}
        />
      </div>
      <Subsection title={t.t('settings.turn')} description={t.t('settings.turnDescription')}>
        <SelectField
          path="openai.turnDetection.type"
          label={t.t('settings.turn.type')}
          options={[
            { value: 'server_vad', label: t.t('settings.turn.server') },
            { value: 'semantic_vad', label: t.t('settings.turn.semantic') },
          ]}
          onSelect={(value) => update((f) => setTurnDetectionType(f, value === 'semantic_vad' ? 'semantic_vad' : 'server_vad'))}
        />
        {o.turnDetection.type === 'server_vad' ? (
          <>
            <NumberField
              path="openai.turnDetection.threshold"
              label={t.t('settings.turn.threshold')}
              help={t.t('settings.turn.thresholdHelp')}
            />
            <NumberField path="openai.turnDetection.prefixPaddingMs" label={t.t('settings.turn.prefix')} integer unit="ms" />
            <NumberField
              path="openai.turnDetection.silenceDurationMs"
              label={t.t('settings.turn.silence')}
              help={t.t('settings.turn.silenceHelp')}
              integer
              unit="ms"
            />
          </>
        ) : (
          <SelectField
            path="openai.turnDetection.eagerness"
            label={t.t('settings.turn.eagerness')}
            options={(['auto', 'low', 'medium', 'high'] as const).map((v) => ({ value: v, label: t.t(`settings.eagerness.${v}`) }))}
          />
        )}
      </Subsection>
      <Subsection title={t.t('settings.transcription')}>
        <CheckboxField path="openai.transcription.enabled" label={t.t('settings.transcription.enabled')} wide />
        <TextField path="openai.transcription.model" label={t.t('settings.transcription.model')} />
        <TextField
          path="openai.transcription.language"
          label={t.t('settings.transcription.language')}
          help={t.t('settings.transcription.languageHelp')}
          placeholder="pt"
        />
        <TextAreaField
          path="openai.transcription.prompt"
          label={t.t('settings.transcription.prompt')}
          help={t.t('settings.transcription.promptHelp')}
          rows={2}
        />
      </Subsection>
      <Subsection title={t.t('settings.advanced')}>
        <SelectField
          path="openai.noiseReduction"
          label={t.t('settings.noise')}
          options={(['far_field', 'near_field', 'off'] as const).map((v) => ({ value: v, label: t.t(`settings.noise.${v}`) }))}
        />
        {supportsReasoning(o.model) && (
          <SelectField
            path="openai.reasoningEffort"
            label={t.t('settings.reasoning')}
            help={t.t('settings.reasoningHelp')}
            options={REASONING_EFFORTS.map((v) => ({ value: v, label: t.t(`settings.reasoning.${v}`) }))}
          />
        )}
        <CheckboxField
          path="openai.maxOutputTokens.unlimited"
          label={t.t('settings.maxTokens.unlimited')}
          checked={unlimited}
          onToggle={(checked) => update((f) => setMaxTokensUnlimited(f, checked))}
        />
        {unlimited ? null : (
          <NumberField path="openai.maxOutputTokens" label={t.t('settings.maxTokens')} help={t.t('settings.maxTokensHelp')} integer />
        )}
        <TextField path="openai.realtimeUrl" label={t.t('settings.realtimeUrl')} help={t.t('settings.realtimeUrlHelp')} type="url" wide />
      </Subsection>
    </SectionBlock>
  );
}

function ConversationSection(): JSX.Element {
  const { t } = useApp();
  return (
    <SectionBlock id="conversation" title={t.t('settings.conversation')}>
      <div class="fields">
        <NumberField path="conversation.followUpSeconds" label={t.t('settings.followUp')} help={t.t('settings.followUpHelp')} unit="s" />
        <NumberField path="conversation.idleTimeoutSeconds" label={t.t('settings.idle')} help={t.t('settings.idleHelp')} unit="s" />
      </div>
    </SectionBlock>
  );
}

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
          <select
            {...aria}
            class="input select"
            value={current}
            onChange={(e) => {
              const value = e.currentTarget.value;
              update((f) => setValue(f, 'listening.micDevice', value));
            }}
          >
            {options.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
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
          <input
            {...aria}
            class="input"
            type="text"
            value={props.value}
            spellcheck={false}
            autocomplete="off"
            placeholder={t.t('settings.ptt.none')}
            onInput={(e) => props.onChange(e.currentTarget.value)}
          />
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

function ListeningSection(): JSX.Element {
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
          options={(['auto', 'openwakeword', 'porcupine', 'none'] as const).map((v) => ({ value: v, label: t.t(`settings.wake.${v}`) }))}
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
          <NumberField
            path="listening.openWakeWord.patienceFrames"
            label={t.t('settings.oww.patience')}
            help={t.t('settings.oww.patienceHelp')}
            integer
          />
          <NumberField
            path="listening.openWakeWord.debounceMs"
            label={t.t('settings.oww.debounce')}
            help={t.t('settings.oww.debounceHelp')}
            integer
            unit="ms"
          />
        </Subsection>
      )}
      {engine !== 'none' && engine !== 'openwakeword' && (
        <Subsection title={t.t('settings.porcupine')} description={t.t('settings.porcupineDescription')}>
          <SecretField kind="picovoice" label={t.t('settings.porcupine.key')} help={t.t('settings.porcupine.keyHelp')} />
          <ListField
            path="listening.porcupine.keywords"
            label={t.t('settings.wake.keywords')}
            help={t.t('settings.porcupine.keywordsHelp')}
          />
          <ListField
            path="listening.porcupine.sensitivities"
            label={t.t('settings.porcupine.sensitivities')}
            help={t.t('settings.porcupine.sensitivitiesHelp')}
            numbers
          />
          <TextField
            path="listening.porcupine.modelPath"
            label={t.t('settings.porcupine.model')}
            help={t.t('settings.porcupine.modelHelp')}
            wide
          />
        </Subsection>
      )}
      <Subsection title={t.t('settings.micSection')}>
        <MicrophoneField />
        <CheckboxField path="listening.muted" label={t.t('settings.muted')} help={t.t('settings.mutedHelp')} />
        <SelectField
          path="listening.duplex"
          label={t.t('settings.duplex')}
          wide
          options={[
            { value: 'auto', label: t.t('settings.duplex.auto') },
            { value: 'half', label: t.t('settings.duplex.half') },
            { value: 'full', label: t.t('settings.duplex.full') },
          ]}
        />
        <EchoTest last={l.echoTest} />
        {l.duplex !== 'full' && (
          <NumberField
            path="listening.halfDuplexTailMs"
            label={t.t('settings.duplex.tail')}
            help={t.t('settings.duplex.tailHelp')}
            integer
            unit="ms"
          />
        )}
      </Subsection>
      <Subsection title={t.t('settings.ptt')}>
        <HotkeyField
          value={displayText(form, 'listening.pushToTalk.hotkey')}
          onChange={(value) => update((f) => setValue(f, 'listening.pushToTalk.hotkey', value))}
        />
        <SelectField
          path="listening.pushToTalk.mode"
          label={t.t('settings.ptt.mode')}
          options={[
            { value: 'toggle', label: t.t('settings.ptt.toggle') },
            { value: 'hold', label: t.t('settings.ptt.hold') },
          ]}
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

export function HomeAssistantTest(props: { url: string; token: string }): JSX.Element {
  const { controller, t } = useApp();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ConnectionTestResult | null>(null);
  const urlValid = props.url.trim() !== '' && HomeAssistantSettingsSchema.shape.url.safeParse(props.url).success;
  // A result is about the address and token it tested: it goes when they change.
  useEffect(() => setResult(null), [props.url, props.token]);
  const test = async () => {
    setBusy(true);
    setResult(null);
    setResult(await controller.testHomeAssistant(props.url.trim(), props.token.trim() || undefined));
    setBusy(false);
  };
  return (
    <div class="field field--wide ha-test">
      <button type="button" class="button" disabled={busy || !urlValid} onClick={() => void test()}>
        <Icon name="refresh" size={18} />
        <span>{busy ? t.t('ha.testing') : t.t('ha.test')}</span>
      </button>
      <p class={`ha-test__result ${result ? (result.ok ? 'field__success' : 'field__error') : ''}`} role="status" aria-live="polite">
        {result &&
          (result.ok ? (
            <>
              <Icon name="check" size={14} />
              {t.t('ha.testOk', { version: result.version, entities: t.plural('ha.entities', result.entities) })}
            </>
          ) : (
            <>
              <Icon name="alert" size={14} />
              {result.message}
            </>
          ))}
      </p>
    </div>
  );
}

function HomeAssistantSection(): JSX.Element {
  const { t } = useApp();
  const { form } = useForm();
  const [token, setToken] = useState('');
  return (
    <SectionBlock id="home-assistant" title={t.t('settings.ha')} description={t.t('settings.haDescription')}>
      <div class="fields">
        <TextField
          path="homeAssistant.url"
          label={t.t('settings.ha.url')}
          help={t.t('settings.ha.urlHelp')}
          placeholder="http://homeassistant.local:8123"
          type="url"
          wide
        />
        <SecretField
          kind="home-assistant"
          label={t.t('settings.ha.token')}
          help={t.t('settings.ha.tokenHelp')}
          serverUrl={form.draft.homeAssistant.url}
          value={token}
          onValue={setToken}
        />
        <HomeAssistantTest url={form.draft.homeAssistant.url} token={token} />
        <ListField
          path="homeAssistant.include"
          label={t.t('settings.ha.include')}
          help={t.t('settings.ha.includeHelp')}
          multiline
          placeholder="light.*"
        />
        <ListField
          path="homeAssistant.exclude"
          label={t.t('settings.ha.exclude')}
          help={t.t('settings.ha.excludeHelp')}
          multiline
          placeholder="switch.server_rack"
        />
        <ListField
          path="homeAssistant.confirm"
          label={t.t('settings.ha.confirm')}
          help={t.t('settings.ha.confirmHelp')}
          multiline
          placeholder="lock"
        />
        <ListField
          path="homeAssistant.confirmNameWords"
          label={t.t('settings.ha.confirmWords')}
          help={t.t('settings.ha.confirmWordsHelp')}
          multiline
          placeholder="garage"
        />
        <CheckboxField path="homeAssistant.handOverToAssist" label={t.t('settings.ha.assist')} help={t.t('settings.ha.assistHelp')} wide />
        <CheckboxField
          path="homeAssistant.handOverWithSensitiveDevices"
          label={t.t('settings.ha.assistSensitive')}
          help={t.t('settings.ha.assistSensitiveHelp')}
          wide
        />
        <CheckboxField
          path="homeAssistant.allowSelfSignedCertificate"
          label={t.t('settings.ha.selfSigned')}
          help={t.t('settings.ha.selfSignedHelp')}
          wide
        />
      </div>
    </SectionBlock>
  );
}

function PricesSection(): JSX.Element {
  const { t } = useApp();
  const { form, update, errors } = useForm();
  const [model, setModel] = useState('');
  const rows = priceRows(form);
  const modelValid = model.trim() === '' || isModelName(model);
  return (
    <SectionBlock id="prices" title={t.t('settings.prices')} description={t.t('settings.pricesDescription')}>
      <div class="table-wrap">
        <table class="prices">
          <caption class="visually-hidden">{t.t('settings.prices')}</caption>
          <thead>
            <tr>
              <th scope="col">{t.t('settings.prices.model')}</th>
              {PRICE_FIELDS.map((field) => (
                <th scope="col" key={field}>
                  {t.t(`settings.prices.${field}`)}
                </th>
              ))}
              <th scope="col">
                <span class="visually-hidden">{t.t('settings.prices.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 && (
              <tr>
                <td colSpan={PRICE_FIELDS.length + 2} class="prices__empty">
                  {t.t('settings.prices.none')}
                </td>
              </tr>
            )}
            {rows.map((row) => (
              <tr key={row}>
                <th scope="row">{row}</th>
                {PRICE_FIELDS.map((field) => {
                  const path = `prices.${row}.${field}`;
                  const error = errors[path];
                  const value =
                    form.raw[path] ?? (form.draft.prices[row]?.[field] === undefined ? '' : String(form.draft.prices[row]?.[field]));
                  return (
                    <td key={field}>
                      <input
                        class={`input input--cell ${error ? 'input--invalid' : ''}`}
                        id={fieldId(path)}
                        type="text"
                        inputMode="decimal"
                        value={value}
                        placeholder={t.t('settings.prices.builtIn')}
                        aria-label={t.t('settings.prices.cell', { model: row, field: t.t(`settings.prices.${field}`) })}
                        aria-invalid={Boolean(error)}
                        title={error ? fieldErrorText(error, t) : undefined}
                        onInput={(e) => {
                          const text = e.currentTarget.value;
                          update((f) => setPriceText(f, row, field, text));
                        }}
                      />
                    </td>
                  );
                })}
                <td>
                  <button
                    type="button"
                    class="icon-button"
                    aria-label={t.t('settings.prices.clear', { model: row })}
                    onClick={() => update((f) => clearPriceRow(f, row))}
                  >
                    <Icon name="trash" size={18} />
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {Object.entries(errors)
        .filter(([path]) => path.startsWith('prices.'))
        .map(([path, error]) => (
          <p class="field__error" key={path}>
            {path.slice('prices.'.length)}: {error && fieldErrorText(error, t)}
          </p>
        ))}
      <form
        class="input-row price-add"
        onSubmit={(e) => {
          e.preventDefault();
          if (!isModelName(model)) return;
          update((f) => addPriceRow(f, model));
          setModel('');
        }}
      >
        <label class="visually-hidden" for="price-model">
          {t.t('settings.prices.newModel')}
        </label>
        <input
          id="price-model"
          class="input"
          type="text"
          value={model}
          placeholder={t.t('settings.prices.newModel')}
          aria-invalid={!modelValid}
          onInput={(e) => setModel(e.currentTarget.value)}
        />
        <button type="submit" class="button" disabled={model.trim() === '' || !modelValid}>
          <Icon name="plus" size={18} />
          <span>{t.t('settings.prices.add')}</span>
        </button>
      </form>
    </SectionBlock>
  );
}

function LoggingSection(): JSX.Element {
  const { t } = useApp();
  const { form, update } = useForm();
  return (
    <SectionBlock id="logging" title={t.t('settings.logging')}>
      <div class="fields">
        <SelectField
          path="logging.level"
          label={t.t('settings.logging.level')}
          options={(['trace', 'debug', 'info', 'warn', 'error', 'silent'] as const).map((v) => ({
            value: v,
            label: t.t(`settings.logging.${v}`),
          }))}
        />
        <FieldShell path="logging.modules" label={t.t('settings.logging.modules')} help={t.t('settings.logging.modulesHelp')} wide>
          {(aria) => (
            <textarea
              {...aria}
              class="input textarea"
              rows={3}
              spellcheck={false}
              placeholder="realtime=debug"
              value={displayText(form, 'logging.modules', (modules) => modulesText(modules as Record<string, string>))}
              onInput={(e) => {
                const text = e.currentTarget.value;
                update((f) => setModulesText(f, text));
              }}
            />
          )}
        </FieldShell>
      </div>
    </SectionBlock>
  );
}

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

function InterfaceSection(): JSX.Element {
  const { t } = useApp();
  return (
    <SectionBlock id="interface" title={t.t('settings.interface')} description={t.t('settings.interfaceDescription')}>
      <div class="fields">
        <LanguageSelect />
      </div>
    </SectionBlock>
  );
}

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
