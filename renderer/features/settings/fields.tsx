/** Settings form fields: a label, the control, help, and the field's error right under it. */
import {
  createContext,
  type ComponentChildren,
  type InputHTMLAttributes,
  type JSX,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
} from 'preact';
import { useContext } from 'preact/hooks';
import type { MessageKey, Translator } from '../../i18n/i18n.js';
import type { en } from '../../i18n/en.js';
import { useApp } from '../../ui/app-context.js';
import {
  displayText,
  getAt,
  setListText,
  setNumberListText,
  setNumberText,
  setText,
  setValue,
  type FieldError,
  type SettingsForm,
} from './settings-model.js';
import { linesText, type ParseError } from './settings-text-model.js';

export type FormContextValue = {
  form: SettingsForm;
  errors: Partial<Record<string, FieldError>>;
  update(change: (form: SettingsForm) => SettingsForm): void;
};

export const FormContext = createContext<FormContextValue | null>(null);

export function useForm(): FormContextValue {
  const value = useContext(FormContext);
  if (!value) throw new Error('useForm outside FormContext');
  return value;
}

export function fieldId(path: string): string {
  return `field-${path.replace(/[^\w-]/g, '-')}`;
}

const PARSE_ERRORS: Record<ParseError, MessageKey> = {
  number: 'settings.error.number',
  integer: 'settings.error.integer',
  'module-line': 'settings.error.moduleLine',
};

/** The message of a field's error, in the interface language for what does not parse. */
export function fieldErrorText(error: FieldError, t: Translator): string {
  return error.kind === 'parse' ? t.lookup(PARSE_ERRORS[error.error]) : error.message;
}

/** The error of a settings form's field (none outside a form). */
export function useFieldError(path: string): string | null {
  const context = useContext(FormContext);
  const { t } = useApp();
  const error = context?.errors[path];
  return error ? fieldErrorText(error, t) : null;
}

/**
 * Message keys that name a field: each has a `…Help` key for the field's help (settings.ha.url →
 * settings.ha.urlHelp), and neither takes parameters.
 */
export type FieldKey = {
  [K in MessageKey]: [Plain<K> | Plain<`${K}Help`>] extends [never] ? never : [Plain<`${K}Help`>] extends [never] ? never : Plain<K>;
}[MessageKey];
type Plain<K> = K extends MessageKey ? ((typeof en)[K] extends `${string}{${string}}${string}` ? never : K) : never;

/** A field's words: a label (and help) of its own, or the message key of both. */
export type FieldWords =
  { label: string; help?: string | undefined; text?: undefined } | { text: FieldKey; label?: undefined; help?: undefined };

/** The label and help of a field. */
export function useFieldWords(words: FieldWords): { label: string; help: string | undefined } {
  const { t } = useApp();
  if (words.text === undefined) return { label: words.label, help: words.help };
  return { label: t.lookup(words.text), help: t.lookup(`${words.text}Help` as MessageKey) };
}

type ShellProps = FieldWords & {
  path: string;
  wide?: boolean | undefined;
  /** An error from outside a settings form (a form shows its own error for `path`). */
  error?: string | null | undefined;
  children: (aria: AriaProps) => ComponentChildren;
};
export type AriaProps = { id: string; 'aria-invalid': boolean; 'aria-describedby': string | undefined };

/** Label, control, help and error, wired together for assistive technology. */
export function FieldShell(props: ShellProps): JSX.Element {
  const { label, help } = useFieldWords(props);
  const id = fieldId(props.path);
  const formError = useFieldError(props.path);
  const error = props.error || formError;
  const helpId = help ? `${id}-help` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [errorId, helpId].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field ${props.wide ? 'field--wide' : ''} ${error ? 'field--invalid' : ''}`} data-field={props.path}>
      <label class="field__label" for={id}>
        {label}
      </label>
      {props.children({ id, 'aria-invalid': error !== null, 'aria-describedby': describedBy })}
      {error && (
        <p class="field__error" id={errorId}>
          <span aria-hidden="true">⚠ </span>
          {error}
        </p>
      )}
      {help && (
        <p class="field__help" id={helpId}>
          {help}
        </p>
      )}
    </div>
  );
}

type Common = FieldWords & { path: string; wide?: boolean | undefined };

type Typed<A> = Omit<A, 'onInput' | 'value'> & { value: string; onText: (text: string) => void };

/** A one-line text box of the settings (no autocomplete unless asked): onText gets what was typed. */
export function TextInput({ onText, ...rest }: Typed<InputHTMLAttributes>): JSX.Element {
  return <input class="input" type="text" autocomplete="off" {...rest} onInput={(e) => onText(e.currentTarget.value)} />;
}

/** A text area of the settings: onText gets what was typed. */
export function TextArea({ onText, ...rest }: Typed<TextareaHTMLAttributes>): JSX.Element {
  return <textarea class="input textarea" {...rest} onInput={(e) => onText(e.currentTarget.value)} />;
}

export function TextField(
  props: Common & { placeholder?: string; list?: string; type?: 'text' | 'url'; autocomplete?: string },
): JSX.Element {
  const { form, update } = useForm();
  return (
    <FieldShell {...props}>
      {(aria) => (
        <TextInput
          {...aria}
          type={props.type ?? 'text'}
          value={displayText(form, props.path)}
          placeholder={props.placeholder}
          list={props.list}
          spellcheck={false}
          autocomplete={props.autocomplete ?? 'off'}
          onText={(text) => update((f) => setText(f, props.path, text))}
        />
      )}
    </FieldShell>
  );
}

export function NumberField(props: Common & { integer?: boolean; unit?: string; placeholder?: string }): JSX.Element {
  const { form, update } = useForm();
  return (
    <FieldShell {...props}>
      {(aria) => (
        <div class="input-with-unit">
          <TextInput
            {...aria}
            inputMode={props.integer ? 'numeric' : 'decimal'}
            value={displayText(form, props.path)}
            placeholder={props.placeholder}
            onText={(text) => update((f) => setNumberText(f, props.path, text, props.integer))}
          />
          {props.unit && (
            <span class="input-unit" aria-hidden="true">
              {props.unit}
            </span>
          )}
        </div>
      )}
    </FieldShell>
  );
}

export function TextAreaField(props: Common & { rows?: number }): JSX.Element {
  const { form, update } = useForm();
  return (
    <FieldShell {...props} wide>
      {(aria) => (
        <TextArea
          {...aria}
          rows={props.rows ?? 4}
          value={displayText(form, props.path)}
          onText={(text) => update((f) => setText(f, props.path, text))}
        />
      )}
    </FieldShell>
  );
}

/** A list: one item per line (multiline) or comma separated. */
export function ListField(props: Common & { multiline?: boolean; numbers?: boolean; placeholder?: string }): JSX.Element {
  const { form, update } = useForm();
  const text = props.multiline
    ? displayText(form, props.path, (list) => linesText((list as unknown[]) ?? []))
    : displayText(form, props.path);
  const onInput = (value: string) =>
    update((f) => (props.numbers ? setNumberListText(f, props.path, value) : setListText(f, props.path, value)));
  return (
    <FieldShell {...props} wide={props.wide ?? props.multiline}>
      {(aria) =>
        props.multiline ? (
          <TextArea {...aria} rows={3} value={text} placeholder={props.placeholder} spellcheck={false} onText={onInput} />
        ) : (
          <TextInput {...aria} value={text} placeholder={props.placeholder} spellcheck={false} onText={onInput} />
        )
      }
    </FieldShell>
  );
}

export type Option = { value: string; label: string };

/** Options labelled by the messages `prefix.value` (settings.duplex + half → settings.duplex.half). */
export function messageOptions<P extends string, V extends string>(
  t: Translator,
  prefix: P,
  values: readonly V[] & (`${P}.${V}` extends MessageKey ? unknown : never),
): Option[] {
  return values.map((value) => ({ value, label: t.lookup(`${prefix}.${value}` as MessageKey) }));
}

/** A drop-down of the settings: onValue gets the chosen option's value. */
export function Select({
  options,
  onValue,
  ...rest
}: Omit<SelectHTMLAttributes, 'onChange' | 'value'> & {
  value: string;
  options: readonly Option[];
  onValue: (value: string) => void;
}): JSX.Element {
  return (
    <select class="input select" {...rest} onChange={(e) => onValue(e.currentTarget.value)}>
      {options.map((option) => (
        <option key={option.value} value={option.value}>
          {option.label}
        </option>
      ))}
    </select>
  );
}

export function SelectField(props: Common & { options: readonly Option[]; onSelect?: (value: string) => void }): JSX.Element {
  const { form, update } = useForm();
  const current = String(getAt(form.draft, props.path) ?? '');
  const options = props.options.some((o) => o.value === current) ? props.options : [...props.options, { value: current, label: current }];
  return (
    <FieldShell {...props}>
      {(aria) => (
        <Select
          {...aria}
          value={current}
          options={options}
          onValue={props.onSelect ?? ((value) => update((f) => setValue(f, props.path, value)))}
        />
      )}
    </FieldShell>
  );
}

export function CheckboxField(props: Common & { checked?: boolean; onToggle?: (checked: boolean) => void }): JSX.Element {
  const { form, update } = useForm();
  const { label, help } = useFieldWords(props);
  const id = fieldId(props.path);
  const error = useFieldError(props.path);
  const checked = props.checked ?? getAt(form.draft, props.path) === true;
  const helpId = help ? `${id}-help` : undefined;
  return (
    <div class={`field field--checkbox ${props.wide ? 'field--wide' : ''}`} data-field={props.path}>
      <div class="checkbox">
        <input
          id={id}
          type="checkbox"
          checked={checked}
          aria-describedby={helpId}
          aria-invalid={error !== null}
          onChange={(e) => {
            const value = e.currentTarget.checked;
            if (props.onToggle) props.onToggle(value);
            else update((f) => setValue(f, props.path, value));
          }}
        />
        <label for={id}>{label}</label>
      </div>
      {error && <p class="field__error">{error}</p>}
      {help && (
        <p class="field__help" id={helpId}>
          {help}
        </p>
      )}
    </div>
  );
}

export function Subsection(props: { title: string; children: ComponentChildren; description?: string }): JSX.Element {
  return (
    <fieldset class="subsection">
      <legend class="subsection__title">{props.title}</legend>
      {props.description && <p class="subsection__description">{props.description}</p>}
      <div class="fields">{props.children}</div>
    </fieldset>
  );
}
