/** A live entity card: state in words, the controls main offers for it, the result of the last action. */
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { EntityAction, EntityCard, EntityControl } from '../../../preload/contract/types.js';
import { useApp } from '../../ui/app-context.js';
import { Icon } from '../../ui/icons.js';
import { cardSummary, climateStep, controlAction, domainIcon } from './entity-card-model.js';

type Run = (action: EntityAction | null) => void;

/** A slider that follows the live value, except while the user holds it; sends on release. */
function RangeControl(props: {
  id: string;
  label: string;
  value: number;
  min: number;
  max: number;
  step: number;
  format: (value: number) => string;
  disabled: boolean;
  onCommit: (value: number) => void;
}): JSX.Element {
  const [local, setLocal] = useState<number | null>(null);
  const shown = local ?? props.value;
  return (
    <div class="control control--range">
      <div class="control__row">
        <label for={props.id} class="control__label">
          {props.label}
        </label>
        <output for={props.id} class="control__value">
          {props.format(shown)}
        </output>
      </div>
      <input
        id={props.id}
        type="range"
        min={props.min}
        max={props.max}
        step={props.step}
        value={shown}
        disabled={props.disabled}
        aria-valuetext={props.format(shown)}
        onInput={(e) => setLocal(Number(e.currentTarget.value))}
        onChange={(e) => {
          const value = Number(e.currentTarget.value);
          setLocal(null);
          if (value !== props.value) props.onCommit(value);
        }}
      />
    </div>
  );
}

function Control(props: { card: EntityCard; control: EntityControl; run: Run; busy: boolean }): JSX.Element {
  const { t } = useApp();
  const { card, control, run } = props;
  const disabled = props.busy || card.state === 'unavailable';
  const id = (suffix: string) => `card-${card.id.replace(/[^\w-]/g, '_')}-${suffix}`;
  switch (control.kind) {
    case 'toggle':
      return (
        <button
          type="button"
          role="switch"
          aria-checked={control.on}
          aria-label={t.t('entity.toggleLabel', { name: card.name })}
          class={`switch ${control.on ? 'switch--on' : ''}`}
          disabled={disabled}
          onClick={() => run(controlAction(card, control))}
        >
          <span class="switch__track" aria-hidden="true">
            <span class="switch__thumb" />
          </span>
          <span class="switch__text">{control.on ? t.t('entity.state.on') : t.t('entity.state.off')}</span>
        </button>
      );
    case 'brightness':
      return (
        <RangeControl
          id={id('brightness')}
          label={t.t('entity.brightness')}
          value={control.percent}
          min={1}
          max={100}
          step={1}
          format={(v) => t.percent(v)}
          disabled={disabled}
          onCommit={(v) => run(controlAction(card, control, v))}
        />
      );
    case 'color-temperature':
      return (
        <RangeControl
          id={id('kelvin')}
          label={t.t('entity.colorTemperature')}
          value={control.kelvin}
          min={control.min}
          max={control.max}
          step={50}
          format={(v) => `${t.number(v, 0)} K`}
          disabled={disabled}
          onCommit={(v) => run(controlAction(card, control, v))}
        />
      );
    case 'cover-position':
      return (
        <RangeControl
          id={id('position')}
          label={t.t('entity.position')}
          value={control.percent}
          min={0}
          max={100}
          step={1}
          format={(v) => t.t('entity.positionValue', { percent: t.percent(v) })}
          disabled={disabled}
          onCommit={(v) => run(controlAction(card, control, v))}
        />
      );
    case 'climate-target': {
      const down = climateStep(control, -1);
      const up = climateStep(control, 1);
      const value = `${t.number(control.celsius, 1)} °C`;
      return (
        <div class="control control--stepper" role="group" aria-label={t.t('entity.target')}>
          <span class="control__label">{t.t('entity.target')}</span>
          <div class="stepper">
            <button
              type="button"
              class="icon-button"
              aria-label={t.t('entity.lower', { name: card.name })}
              disabled={disabled || down === null}
              onClick={() => down !== null && run(controlAction(card, control, down))}
            >
              <Icon name="minus" />
            </button>
            <span class="stepper__value" aria-live="polite">
              {value}
            </span>
            <button
              type="button"
              class="icon-button"
              aria-label={t.t('entity.raise', { name: card.name })}
              disabled={disabled || up === null}
              onClick={() => up !== null && run(controlAction(card, control, up))}
            >
              <Icon name="plus" />
            </button>
          </div>
        </div>
      );
    }
    case 'media':
      return (
        <div class="control control--media">
          <button type="button" class="button" disabled={disabled} onClick={() => run(controlAction(card, control))}>
            <Icon name={control.playing ? 'pause' : 'play'} size={18} />
            <span>{control.playing ? t.t('entity.pause') : t.t('entity.play')}</span>
          </button>
          {control.volumePercent !== null && (
            <RangeControl
              id={id('volume')}
              label={t.t('entity.volume')}
              value={control.volumePercent}
              min={0}
              max={100}
              step={1}
              format={(v) => t.percent(v)}
              disabled={disabled}
              onCommit={(v) => run(controlAction(card, control, v))}
            />
          )}
        </div>
      );
    case 'activate':
      return (
        <button type="button" class="button" disabled={disabled} onClick={() => run(controlAction(card, control))}>
          <Icon name={card.domain === 'script' ? 'play' : 'sparkles'} size={18} />
          <span>{card.domain === 'script' ? t.t('entity.run') : t.t('entity.activate')}</span>
        </button>
      );
  }
}

export function EntityCardView(props: { card: EntityCard }): JSX.Element {
  const { controller, t } = useApp();
  const { card } = props;
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; message: string } | null>(null);
  const clearTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => clearTimeout(clearTimer.current ?? undefined), []);

  const run: Run = (action) => {
    if (action === null || busy) return;
    setBusy(true);
    void controller.entityAction(action).then((answer) => {
      setBusy(false);
      setResult(answer);
      clearTimeout(clearTimer.current ?? undefined);
      clearTimer.current = setTimeout(() => setResult(null), answer.ok ? 5_000 : 10_000);
    });
  };

  const summary = cardSummary(card, t);
  const titleId = `card-title-${card.id.replace(/[^\w-]/g, '_')}`;
  return (
    <article
      class={`card ${card.highlighted ? 'card--highlighted' : ''} ${card.state === 'on' || card.state === 'playing' || card.state === 'open' ? 'card--active' : ''}`}
      aria-labelledby={titleId}
      data-entity-id={card.id}
    >
      <header class="card__head">
        <span class="card__icon" aria-hidden="true">
          <Icon name={domainIcon(card.domain)} size={22} />
        </span>
        <div class="card__heading">
          <h3 class="card__name" id={titleId}>
            {card.name}
          </h3>
          {(summary.state || summary.detail) && (
            <p class="card__state">
              <span class="card__state-word">{summary.state}</span>
              {summary.detail && <span class="card__detail"> · {summary.detail}</span>}
            </p>
          )}
        </div>
      </header>
      {(card.sensitive || card.highlighted) && (
        <div class="card__badges">
          {card.sensitive && (
            <span class="badge badge--sensitive" title={t.t('entity.sensitiveHelp')}>
              <Icon name="lock" size={14} />
              {t.t('entity.sensitive')}
            </span>
          )}
          {card.highlighted && (
            <span class="badge badge--highlight">
              <Icon name="sparkles" size={14} />
              {t.t('entity.justChanged')}
            </span>
          )}
        </div>
      )}
      {card.controls.length > 0 && (
        <div class="card__controls">
          {card.controls.map((control) => (
            <Control key={control.kind} card={card} control={control} run={run} busy={busy} />
          ))}
        </div>
      )}
      <p class={`card__result ${result ? (result.ok ? 'card__result--ok' : 'card__result--error') : ''}`} role="status" aria-live="polite">
        {busy && t.t('entity.working')}
        {!busy && result && (
          <>
            <Icon name={result.ok ? 'check' : 'alert'} size={14} />
            {result.message}
          </>
        )}
      </p>
    </article>
  );
}
