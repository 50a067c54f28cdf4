/** The app shell: header with navigation and connection health, banners, and the current view. */
import type { JSX } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { createTranslator, resolveFormatLocale, resolveLocale, type LocalePreference } from './i18n/i18n.js';
import type { AudioSink } from './audio-sink.js';
import { ConversationView } from './features/conversation/conversation-view.js';
import { HomeView } from './features/entities/home-view.js';
import { KioskView } from './features/kiosk/kiosk-view.js';
import { OnboardingView } from './features/onboarding/onboarding-view.js';
import { SettingsView } from './features/settings/settings-view.js';
import { Banners, HealthPills, UnpairedBanner } from './features/status/status-view.js';
import type { AppController } from './state/app-controller.js';
import { AppProvider, useApp, useStore, type AppContextValue, type View } from './ui/app-context.js';
import { Brand } from './ui/brand.js';
import { Icon, type IconName } from './ui/icons.js';

export type AppProps = {
  controller: AppController;
  audio: AudioSink | null;
  kiosk: boolean;
  isMac: boolean;
  /** The browser's languages (navigator.languages). */
  languages: readonly string[];
  initialLocalePreference: LocalePreference;
  saveLocalePreference(preference: LocalePreference): void;
};

/** `#home`, `#settings`, `#settings/home-assistant` → the view and the settings section to open. */
export function parseRoute(hash: string): { view: View; section: string | null } {
  const [name, section] = hash.replace(/^#/, '').split('/');
  if (name === 'home') return { view: 'home', section: null };
  if (name === 'settings') return { view: 'settings', section: section ? `section-${section}` : null };
  return { view: 'conversation', section: null };
}

function NavLink(props: { view: View; icon: IconName; label: string }): JSX.Element {
  const { view } = useApp();
  const current = view === props.view;
  return (
    <li>
      <a class={`nav__link ${current ? 'nav__link--current' : ''}`} href={`#${props.view}`} aria-current={current ? 'page' : undefined}>
        <Icon name={props.icon} size={20} />
        <span>{props.label}</span>
      </a>
    </li>
  );
}

function SkipLink(): JSX.Element {
  const { t } = useApp();
  return (
    <a
      class="skip-link"
      href="#content"
      onClick={(e) => {
        e.preventDefault();
        const main = document.getElementById('content');
        main?.focus();
      }}
    >
      {t.t('app.skip')}
    </a>
  );
}

function Header(): JSX.Element {
  const { t } = useApp();
  return (
    <header class="topbar">
      <Brand />
      <nav class="nav" aria-label={t.t('nav.label')}>
        <ul>
          <NavLink view="conversation" icon="chat" label={t.t('nav.conversation')} />
          <NavLink view="home" icon="home" label={t.t('nav.home')} />
          <NavLink view="settings" icon="settings" label={t.t('nav.settings')} />
        </ul>
      </nav>
      <HealthPills />
    </header>
  );
}

function Loading(): JSX.Element {
  const { controller, t } = useApp();
  const loadError = useStore(controller.store, (s) => s.loadError);
  const unpaired = useStore(controller.store, (s) => s.link === 'unpaired');
  return (
    <div class="splash">
      <Brand large />
      {unpaired ? (
        <UnpairedBanner />
      ) : loadError ? (
        <div class="splash__error" role="alert">
          <p>
            <strong>{t.t('app.loadFailed')}</strong>
          </p>
          <p>{loadError.message}</p>
          <button type="button" class="button button--primary" onClick={() => void controller.refresh()}>
            <Icon name="refresh" size={18} />
            <span>{t.t('app.retry')}</span>
          </button>
        </div>
      ) : (
        <p class="splash__text" role="status">
          {t.t('app.loading')}
        </p>
      )}
    </div>
  );
}

function Shell(props: { section: string | null }): JSX.Element {
  const { view, t } = useApp();
  const mainRef = useRef<HTMLElement>(null);
  const first = useRef(true);
  // After navigating, focus goes to the new view's heading (screen readers announce it).
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    if (props.section) return;
    const heading = mainRef.current?.querySelector<HTMLElement>('h1');
    if (heading) {
      heading.tabIndex = -1;
      heading.focus();
    }
  }, [view]);
  useEffect(() => {
    document.title = `${{ conversation: t.t('nav.conversation'), home: t.t('nav.home'), settings: t.t('nav.settings') }[view]} · Hearth`;
  }, [view, t]);
  return (
    <div class={`app app--${view}`}>
      <SkipLink />
      <Header />
      <Banners />
      <main class="main" id="content" tabIndex={-1} ref={mainRef}>
        {view === 'conversation' && <ConversationView />}
        {view === 'home' && <HomeView />}
        {view === 'settings' && <SettingsView focusSection={props.section} />}
      </main>
    </div>
  );
}

function Root(props: { section: string | null }): JSX.Element {
  const { controller, kiosk } = useApp();
  // Once a snapshot has been shown, the app stays up through reconnects (with a banner), never the splash again.
  const ready = useStore(controller.store, (s) => s.status !== null);
  const onboarded = useStore(controller.store, (s) => s.onboarded);
  const [skipped, setSkipped] = useState(false);
  if (!ready) return <Loading />;
  if (kiosk) return <KioskView />;
  if (!onboarded && !skipped) return <OnboardingView onDone={() => setSkipped(true)} />;
  return <Shell section={props.section} />;
}

export function App(props: AppProps): JSX.Element {
  const [preference, setPreference] = useState<LocalePreference>(props.initialLocalePreference);
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  const t = useMemo(() => {
    const locale = resolveLocale(preference, props.languages);
    return createTranslator(locale, resolveFormatLocale(locale, props.languages));
  }, [preference, props.languages]);

  useEffect(() => {
    document.documentElement.lang = t.locale;
  }, [t]);
  useEffect(() => {
    const onHash = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => {
    document.documentElement.classList.toggle('theme-kiosk', props.kiosk);
  }, [props.kiosk]);

  const value: AppContextValue = {
    controller: props.controller,
    audio: props.audio,
    t,
    localePreference: preference,
    setLocalePreference: (next) => {
      setPreference(next);
      props.saveLocalePreference(next);
    },
    kiosk: props.kiosk,
    isMac: props.isMac,
    view: route.view,
    navigate: (view, section) => {
      const hash = view === 'settings' && section ? `#settings/${section.replace(/^section-/, '')}` : `#${view}`;
      if (location.hash !== hash) location.hash = hash;
      else setRoute(parseRoute(hash));
    },
  };
  return (
    <AppProvider value={value}>
      <Root section={route.section} />
    </AppProvider>
  );
}
