/** Settings → Prices: the per-model price table behind the cost meter. */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { useApp } from '../../ui/app-context.js';
import { Icon } from '../../ui/icons.js';
import { fieldErrorText, fieldId, useForm } from './fields.js';
import { PRICE_FIELDS, addPriceRow, clearPriceRow, isModelName, priceRows, setPriceText } from './settings-model.js';
import { SectionBlock } from './section-block.js';

export function PricesSection(): JSX.Element {
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
