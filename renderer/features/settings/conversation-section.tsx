/** Settings → Conversation: follow-up window and idle timeout. */
import type { JSX } from 'preact';
import { useApp } from '../../ui/app-context.js';
import { NumberField } from './fields.js';
import { SectionBlock } from './section-block.js';

export function ConversationSection(): JSX.Element {
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
