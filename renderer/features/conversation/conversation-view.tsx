/** The conversation: transcript, a text box instead of speaking, the talk/stop and mute buttons, status. */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { useApp, useStore } from '../../ui/app-context.js';
import { Icon } from '../../ui/icons.js';
import { EntityCardView } from '../entities/entity-card-view.js';
import { highlighted } from '../entities/entity-card-model.js';
import { describeState, talkHint } from '../status/status-model.js';
import { ListeningNotes, MicMeter, PageMicControl, StateDisplay, TurnStats } from '../status/status-view.js';
import { Transcript } from '../transcript/transcript-view.js';

export function TalkButton(props: { size?: 'normal' | 'large' }): JSX.Element | null {
  const { controller, t, isMac } = useApp();
  const status = useStore(controller.store, (s) => s.status);
  if (!status) return null;
  const active = describeState(status, t, isMac).inConversation;
  return (
    <button
      type="button"
      class={`talk ${active ? 'talk--active' : ''} talk--${props.size ?? 'normal'}`}
      onClick={() => void (active ? controller.stopConversation() : controller.startConversation())}
    >
      <span class="talk__icon" aria-hidden="true">
        <Icon name={active ? 'stop' : 'mic'} size={props.size === 'large' ? 44 : 34} />
      </span>
      <span class="talk__label">{active ? t.t('talk.stop') : t.t('talk.start')}</span>
    </button>
  );
}

export function MuteButton(props: { compact?: boolean }): JSX.Element | null {
  const { controller, t } = useApp();
  const muted = useStore(controller.store, (s) => s.status?.muted);
  if (muted === undefined) return null;
  return (
    <button
      type="button"
      class={`toggle-button ${muted ? 'toggle-button--on' : ''} ${props.compact ? 'toggle-button--compact' : ''}`}
      aria-pressed={muted}
      onClick={() => void controller.setMuted(!muted)}
    >
      <Icon name={muted ? 'mic-off' : 'mic'} size={20} />
      <span>{muted ? t.t('mic.muted') : t.t('mic.mute')}</span>
    </button>
  );
}

export function Composer(): JSX.Element {
  const { controller, t } = useApp();
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const message = text.trim();
    if (!message || sending) return;
    setSending(true);
    const sent = await controller.sendText(message);
    setSending(false);
    if (sent) setText(''); // on failure the text stays, to send again
  };
  return (
    <form class="composer" onSubmit={(e) => void submit(e)}>
      <label class="visually-hidden" for="composer-input">
        {t.t('composer.label')}
      </label>
      <input
        id="composer-input"
        class="input composer__input"
        type="text"
        autocomplete="off"
        placeholder={t.t('composer.placeholder')}
        value={text}
        onInput={(e) => setText(e.currentTarget.value)}
        maxLength={4000}
      />
      <button type="submit" class="button button--primary" disabled={sending || text.trim() === ''}>
        <Icon name="send" size={18} />
        <span>{t.t('composer.send')}</span>
      </button>
    </form>
  );
}

function EmptyConversation(): JSX.Element | null {
  const { controller, t, isMac } = useApp();
  const status = useStore(controller.store, (s) => s.status);
  if (!status) return null;
  return (
    <div class="empty">
      <Icon name="chat" size={40} />
      <h2 class="empty__title">{t.t('conversation.emptyTitle')}</h2>
      <p class="empty__text">{talkHint(status, t, isMac)}</p>
      <p class="empty__text">{t.t('conversation.emptyType')}</p>
    </div>
  );
}

function TouchedCards(): JSX.Element | null {
  const { controller, t } = useApp();
  const cards = useStore(controller.store, (s) => s.entities);
  const touched = highlighted(cards);
  if (touched.length === 0) return null;
  return (
    <section class="panel-section" aria-labelledby="touched-title">
      <h2 class="panel-section__title" id="touched-title">
        {t.t('conversation.touched')}
      </h2>
      <div class="touched">
        {touched.slice(0, 3).map((card) => (
          <EntityCardView key={card.id} card={card} />
        ))}
      </div>
    </section>
  );
}

export function ConversationView(): JSX.Element {
  const { controller, t } = useApp();
  const hasItems = useStore(controller.store, (s) => s.transcript.length > 0);
  return (
    <div class="conversation">
      <section class="conversation__main" aria-labelledby="conversation-title">
        <header class="view-header">
          <h1 class="view-title" id="conversation-title">
            {t.t('nav.conversation')}
          </h1>
          {hasItems && (
            <button type="button" class="button button--quiet" onClick={() => void controller.clearConversation()}>
              <Icon name="trash" size={18} />
              <span>{t.t('conversation.clear')}</span>
            </button>
          )}
        </header>
        <Transcript empty={<EmptyConversation />} />
        <Composer />
      </section>
      <aside class="assistant-panel" aria-label={t.t('conversation.panel')}>
        <StateDisplay size="large" />
        <TalkButton />
        <MuteButton />
        <MicMeter />
        <PageMicControl />
        <TurnStats />
        <ListeningNotes />
        <TouchedCards />
      </aside>
    </div>
  );
}
