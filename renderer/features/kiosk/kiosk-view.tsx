/**
 * Kiosk (a kitchen PC or tablet, `?kiosk=1`): full screen, large type and high contrast (dark theme),
 * the recent exchange and the home's cards, big talk and mute buttons, no settings chrome. The cursor
 * hides after 5 s without activity; banners say while Home Assistant or OpenAI cannot be reached.
 */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useApp, useStore } from '../../ui/app-context.js';
import { Icon } from '../../ui/icons.js';
import { MuteButton, TalkButton } from '../conversation/conversation-view.js';
import { EntityGrid } from '../entities/home-view.js';
import { talkHint } from '../status/status-model.js';
import { Banners, HealthPills, PageMicControl, StateDisplay } from '../status/status-view.js';
import { Transcript } from '../transcript/transcript-view.js';
import { useIdle } from './idle-cursor.js';

export const KIOSK_CURSOR_IDLE_MS = 5_000;

function Clock(): JSX.Element {
  const { t } = useApp();
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 10_000);
    return () => clearInterval(timer);
  }, []);
  const time = new Intl.DateTimeFormat(t.formatLocale, { hour: '2-digit', minute: '2-digit' }).format(now);
  const date = new Intl.DateTimeFormat(t.formatLocale, { weekday: 'long', day: 'numeric', month: 'long' }).format(now);
  return (
    <div class="clock">
      <time class="clock__time" dateTime={now.toISOString()}>
        {time}
      </time>
      <span class="clock__date">{date}</span>
    </div>
  );
}

function KioskEmpty(): JSX.Element | null {
  const { controller, t, isMac } = useApp();
  const status = useStore(controller.store, (s) => s.status);
  if (!status) return null;
  return (
    <div class="kiosk-empty">
      <Icon name="ear" size={56} />
      <p>{talkHint(status, t, isMac)}</p>
    </div>
  );
}

export function KioskView(): JSX.Element {
  const { t } = useApp();
  const idle = useIdle(KIOSK_CURSOR_IDLE_MS);
  return (
    <div class={`kiosk ${idle ? 'kiosk--idle' : ''}`} data-idle={idle}>
      <header class="kiosk__bar">
        <StateDisplay size="large" />
        <div class="kiosk__bar-end">
          <HealthPills />
          <Clock />
        </div>
      </header>
      <Banners />
      <PageMicControl />
      <main class="kiosk__body" id="content">
        <section class="kiosk__transcript" aria-labelledby="kiosk-conversation-title">
          <h1 class="visually-hidden" id="kiosk-conversation-title">
            {t.t('nav.conversation')}
          </h1>
          <Transcript limit={6} empty={<KioskEmpty />} />
        </section>
        <section class="kiosk__home" aria-labelledby="kiosk-home-title">
          <h2 class="kiosk__section-title" id="kiosk-home-title">
            {t.t('nav.home')}
          </h2>
          <EntityGrid headingLevel={3} />
        </section>
      </main>
      <footer class="kiosk__footer">
        <TalkButton size="large" />
        <MuteButton />
      </footer>
    </div>
  );
}
