/** Settings → Home Assistant: address, token, the connection test, exposure and confirmations. */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { HomeAssistantSettingsSchema } from '../../../preload/contract/settings-schema.js';
import type { ConnectionTestResult } from '../../../preload/contract/types.js';
import { useApp } from '../../ui/app-context.js';
import { Icon } from '../../ui/icons.js';
import { CheckboxField, ListField, TextField, useForm } from './fields.js';
import { SecretField } from './secret-field.js';
import { SectionBlock } from './section-block.js';

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

export function HomeAssistantSection(): JSX.Element {
  const { t } = useApp();
  const { form } = useForm();
  const [token, setToken] = useState('');
  return (
    <SectionBlock id="home-assistant" title={t.t('settings.ha')} description={t.t('settings.haDescription')}>
      <div class="fields">
        <TextField path="homeAssistant.url" text="settings.ha.url" placeholder="http://homeassistant.local:8123" type="url" wide />
        <SecretField
          kind="home-assistant"
          text="settings.ha.token"
          serverUrl={form.draft.homeAssistant.url}
          value={token}
          onValue={setToken}
        />
        <HomeAssistantTest url={form.draft.homeAssistant.url} token={token} />
        <ListField path="homeAssistant.include" text="settings.ha.include" multiline placeholder="light.*" />
        <ListField path="homeAssistant.exclude" text="settings.ha.exclude" multiline placeholder="switch.server_rack" />
        <ListField path="homeAssistant.confirm" text="settings.ha.confirm" multiline placeholder="lock" />
        <ListField path="homeAssistant.confirmNameWords" text="settings.ha.confirmWords" multiline placeholder="garage" />
        <CheckboxField path="homeAssistant.handOverToAssist" text="settings.ha.assist" wide />
        <CheckboxField path="homeAssistant.handOverWithSensitiveDevices" text="settings.ha.assistSensitive" wide />
        <CheckboxField path="homeAssistant.allowSelfSignedCertificate" text="settings.ha.selfSigned" wide />
      </div>
    </SectionBlock>
  );
}
