/** A secret (API key, token): write-only. Shows whether one is set, never its value. */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { SecretKind } from '../../../preload/contract/types.js';
import { useApp, useStore } from '../../ui/app-context.js';
import { Icon } from '../../ui/icons.js';
import { useFieldWords, type FieldWords } from './fields.js';

export function SecretField(
  props: FieldWords & {
    kind: SecretKind;
    placeholder?: string;
    /**
     * The server address typed in this form: the secret is bound to it (and only ever sent there), so a
     * token saved before the address is saved goes to that address, not to whatever is set later.
     */
    serverUrl?: string;
    /** Controlled value (the Home Assistant section tests the token before it is saved). */
    value?: string;
    onValue?: (value: string) => void;
    onSaved?: () => void;
  },
): JSX.Element {
  const { controller, t } = useApp();
  const { label, help } = useFieldWords(props);
  const secrets = useStore(controller.store, (s) => s.settings?.secrets ?? null);
  const [own, setOwn] = useState('');
  const value = props.value ?? own;
  const setValue = props.onValue ?? setOwn;
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; message: string } | null>(null);
  const present = secrets?.present[props.kind] ?? false;
  const otherHost = present ? undefined : secrets?.hosts[props.kind];
  const id = `secret-${props.kind}`;

  const save = async () => {
    if (value.trim() === '' || busy) return;
    setBusy(true);
    setResult(null);
    const answer = await controller.setSecret(props.kind, value.trim(), props.serverUrl);
    setBusy(false);
    if (answer.ok) {
      setValue('');
      setResult({ ok: true, message: t.t('secret.saved') });
      props.onSaved?.();
    } else setResult({ ok: false, message: answer.message });
  };
  const remove = async () => {
    setBusy(true);
    setResult(null);
    const status = await controller.deleteSecret(props.kind);
    setBusy(false);
    if (status) setResult({ ok: true, message: t.t('secret.removed') });
  };

  const describedBy = [result ? `${id}-result` : '', help ? `${id}-help` : '', `${id}-status`].filter(Boolean).join(' ');
  return (
    <div class="field field--wide field--secret" data-field={`secret.${props.kind}`}>
      <div class="field__label-row">
        <label class="field__label" for={id}>
          {label}
        </label>
        <span class={`badge ${present ? 'badge--ok' : 'badge--muted'}`} id={`${id}-status`}>
          <Icon name={present ? 'check' : 'dash'} size={14} />
          {present ? t.t('secret.set') : otherHost ? t.t('secret.otherServer', { host: otherHost }) : t.t('secret.notSet')}
        </span>
      </div>
      <form
        class="secret"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <input
          id={id}
          class="input"
          type="password"
          autocomplete="off"
          spellcheck={false}
          value={value}
          placeholder={present ? t.t('secret.replacePlaceholder') : (props.placeholder ?? '')}
          aria-describedby={describedBy}
          aria-invalid={result?.ok === false}
          onInput={(e) => setValue(e.currentTarget.value)}
        />
        <button
          type="submit"
          class="button button--primary"
          disabled={busy || value.trim() === ''}
          aria-label={busy ? undefined : t.t(present ? 'secret.replaceLabel' : 'secret.saveLabel', { label })}
        >
          <Icon name="key" size={18} />
          <span>{busy ? t.t('secret.checking') : present ? t.t('secret.replace') : t.t('secret.save')}</span>
        </button>
        {(present || otherHost) && (
          <button
            type="button"
            class="button button--quiet"
            disabled={busy}
            aria-label={t.t('secret.removeLabel', { label })}
            onClick={() => void remove()}
          >
            <Icon name="trash" size={18} />
            <span>{t.t('secret.remove')}</span>
          </button>
        )}
      </form>
      {result && (
        <p class={result.ok ? 'field__success' : 'field__error'} id={`${id}-result`} role={result.ok ? 'status' : 'alert'}>
          <Icon name={result.ok ? 'check' : 'alert'} size={14} />
          {result.message}
        </p>
      )}
      {help && (
        <p class="field__help" id={`${id}-help`}>
          {help}
        </p>
      )}
    </div>
  );
}

/** Plainly says when secrets are not encrypted by the OS (e.g. Linux without a keyring). */
export function SecretStorageNote(): JSX.Element | null {
  const { controller, t } = useApp();
  const storage = useStore(controller.store, (s) => s.settings?.secrets.storage ?? null);
  if (!storage || storage.encrypted) return null;
  return (
    <div class="callout callout--warning" role="note">
      <Icon name="alert" size={20} />
      <div>
        <strong>{t.t('secret.notEncrypted')}</strong>
        {storage.note && <p>{storage.note}</p>}
      </div>
    </div>
  );
}
