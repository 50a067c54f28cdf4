/** Settings → OpenAI: key, model, voice, reasoning, turn detection, transcription. */
import type { JSX } from 'preact';
import { REASONING_EFFORTS, VOICES } from '../../../preload/contract/settings-schema.js';
import { useApp } from '../../ui/app-context.js';
import { supportsReasoning } from '../../../preload/contract/model-catalog.js';
import { ModelField } from './model-field.js';
import {
  CheckboxField,
  NumberField,
  SelectField,
  Subsection,
  TextAreaField,
  TextField,
  useForm,
  type Option,
  messageOptions,
} from './fields.js';
import { SecretField, SecretStorageNote } from './secret-field.js';
import { setMaxTokensUnlimited, setTurnDetectionType } from './settings-model.js';
import { SectionBlock } from './section-block.js';

export function OpenAISection(): JSX.Element {
  const { t } = useApp();
  const { form, update } = useForm();
  const o = form.draft.openai;
  const unlimited = o.maxOutputTokens === 'inf';
  const voiceOptions: Option[] = VOICES.map((v) => ({ value: v, label: v[0]!.toUpperCase() + v.slice(1) }));
  return (
    <SectionBlock id="openai" title={t.t('settings.openai')} description={t.t('settings.openaiDescription')}>
      <SecretStorageNote />
      <div class="fields">
        <SecretField kind="openai" text="settings.openai.key" placeholder="sk-…" serverUrl={form.draft.openai.realtimeUrl} />
        <ModelField />
        <SelectField path="openai.voice" label={t.t('settings.openai.voice')} options={voiceOptions} />
        <NumberField path="openai.speed" text="settings.openai.speed" />
        <SelectField
          path="openai.outputModality"
          label={t.t('settings.openai.output')}
          options={messageOptions(t, 'settings.openai.output', ['audio', 'text'])}
        />
        <TextAreaField path="openai.instructions" text="settings.openai.instructions" rows={5} />
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
            <NumberField path="openai.turnDetection.threshold" text="settings.turn.threshold" />
            <NumberField path="openai.turnDetection.prefixPaddingMs" label={t.t('settings.turn.prefix')} integer unit="ms" />
            <NumberField path="openai.turnDetection.silenceDurationMs" text="settings.turn.silence" integer unit="ms" />
          </>
        ) : (
          <SelectField
            path="openai.turnDetection.eagerness"
            label={t.t('settings.turn.eagerness')}
            options={messageOptions(t, 'settings.eagerness', ['auto', 'low', 'medium', 'high'])}
          />
        )}
      </Subsection>
      <Subsection title={t.t('settings.transcription')}>
        <CheckboxField path="openai.transcription.enabled" label={t.t('settings.transcription.enabled')} wide />
        <TextField path="openai.transcription.model" label={t.t('settings.transcription.model')} />
        <TextField path="openai.transcription.language" text="settings.transcription.language" placeholder="pt" />
        <TextAreaField path="openai.transcription.prompt" text="settings.transcription.prompt" rows={2} />
      </Subsection>
      <Subsection title={t.t('settings.advanced')}>
        <SelectField
          path="openai.noiseReduction"
          label={t.t('settings.noise')}
          options={messageOptions(t, 'settings.noise', ['far_field', 'near_field', 'off'])}
        />
        {supportsReasoning(o.model) && (
          <SelectField
            path="openai.reasoningEffort"
            text="settings.reasoning"
            options={messageOptions(t, 'settings.reasoning', REASONING_EFFORTS)}
          />
        )}
        <CheckboxField
          path="openai.maxOutputTokens.unlimited"
          label={t.t('settings.maxTokens.unlimited')}
          checked={unlimited}
          onToggle={(checked) => update((f) => setMaxTokensUnlimited(f, checked))}
        />
        {unlimited ? null : <NumberField path="openai.maxOutputTokens" text="settings.maxTokens" integer />}
        <TextField path="openai.realtimeUrl" text="settings.realtimeUrl" type="url" wide />
      </Subsection>
    </SectionBlock>
  );
}
