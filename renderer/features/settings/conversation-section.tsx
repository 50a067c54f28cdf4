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
        <NumberField path="conversation.followUpSeconds" text="settings.followUp" unit="s" />
        <NumberField path="conversation.idleTimeoutSeconds" text="settings.idle" unit="s" />
      </div>
    </SectionBlock>
  );
}
