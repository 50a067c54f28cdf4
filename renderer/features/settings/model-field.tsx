/** The model: a list of the known models with price and a short note, or "Custom…" with a name box. */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { catalogEntry, SELECTABLE_MODELS, type CatalogModel } from '../../../preload/contract/model-catalog.js';
import type { MessageKey, Translator } from '../../i18n/i18n.js';
import { useApp } from '../../ui/app-context.js';
import { FieldShell, TextInput, fieldId, useForm } from './fields.js';
import { setText, setValue } from './settings-model.js';

const CUSTOM = '__custom__';
const PATH = 'openai.model';

function priceText(model: CatalogModel, t: Translator): string {
  if (!model.price) return t.t('settings.model.priceUnknown');
  return t.t('settings.model.price', { input: t.usd(model.price.audioInput), output: t.usd(model.price.audioOutput) });
}

function noteText(model: CatalogModel, t: Translator): string {
  return t.lookup(`settings.model.note.${model.id}` as MessageKey);
}

export function ModelField(): JSX.Element {
  const { t } = useApp();
  const { form, update } = useForm();
  const current = form.draft.openai.model;
  const known = SELECTABLE_MODELS.find((m) => m.id === current);
  const [customChosen, setCustomChosen] = useState(!known);
  const custom = customChosen || !known;
  const described = known && !custom ? known : catalogEntry(current);
  const customId = `${fieldId(PATH)}-custom`;
  return (
    <FieldShell path={PATH} text="settings.openai.model" wide>
      {(aria) => (
        <>
          <select
            {...aria}
            class="input select"
            value={custom ? CUSTOM : current}
            aria-invalid={!custom && aria['aria-invalid']}
            onChange={(e) => {
              const value = e.currentTarget.value;
              if (value === CUSTOM) {
                setCustomChosen(true);
                return;
              }
              setCustomChosen(false);
              update((f) => setValue(f, PATH, value));
            }}
          >
            {SELECTABLE_MODELS.map((m) => (
              <option key={m.id} value={m.id}>
                {`${m.id}${m.status.kind === 'retiring' ? ` (${t.t('settings.model.retiringShort')})` : ''} · ${priceText(m, t)}`}
              </option>
            ))}
            <option value={CUSTOM}>{t.t('settings.model.custom')}</option>
          </select>
          {custom && (
            <div class="model-custom">
              <label class="field__label" for={customId}>
                {t.t('settings.model.customName')}
              </label>
              <TextInput
                id={customId}
                value={current}
                placeholder="gpt-realtime-2"
                spellcheck={false}
                aria-invalid={aria['aria-invalid']}
                aria-describedby={aria['aria-describedby']}
                onText={(text) => update((f) => setText(f, PATH, text))}
              />
            </div>
          )}
          {described && (
            <p class="field__help model-note" data-model-note={described.id}>
              {`${noteText(described, t)} ${priceText(described, t)}.`}
              {described.status.kind === 'retiring' &&
                ` ${t.t('settings.model.retiring', { date: described.status.date, replacement: described.status.replacement })}`}
            </p>
          )}
        </>
      )}
    </FieldShell>
  );
}
