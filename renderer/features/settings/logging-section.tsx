/** Settings → Logging. */
import type { JSX } from 'preact';
import { useApp } from '../../ui/app-context.js';
import { FieldShell, SelectField, TextArea, messageOptions, useForm } from './fields.js';
import { displayText, setModulesText } from './settings-model.js';
import { modulesText } from './settings-text-model.js';
import { SectionBlock } from './section-block.js';

export function LoggingSection(): JSX.Element {
  const { t } = useApp();
  const { form, update } = useForm();
  return (
    <SectionBlock id="logging" title={t.t('settings.logging')}>
      <div class="fields">
        <SelectField
          path="logging.level"
          label={t.t('settings.logging.level')}
          options={messageOptions(t, 'settings.logging', ['trace', 'debug', 'info', 'warn', 'error', 'silent'])}
        />
        <FieldShell path="logging.modules" text="settings.logging.modules" wide>
          {(aria) => (
            <TextArea
              {...aria}
              rows={3}
              spellcheck={false}
              placeholder="realtime=debug"
              value={displayText(form, 'logging.modules', (modules) => modulesText(modules as Record<string, string>))}
              onText={(text) => update((f) => setModulesText(f, text))}
            />
          )}
        </FieldShell>
      </div>
    </SectionBlock>
  );
}
