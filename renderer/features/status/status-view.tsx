/** The status: state in words with an icon, connection health, latency and cost, the mic meter, banners. */
import type { ComponentChildren, JSX } from 'preact';
import type { ConnectionHealth } from '../../../preload/contract/types.js';
import type { AudioSinkState, PageMicState } from '../../audio-sink.js';
import { Store } from '../../state/store.js';
import { useApp, useStore } from '../../ui/app-context.js';
import { Icon, type IconName } from '../../ui/icons.js';
import {
  costText,
  describeState,
  errorNeedsSettings,
  errorTitle,
  healthView,
  latencyText,
  meterPercent,
  unreachable,
} from './status-model.js';
import { errorText } from '../../i18n/error-text.js';

export function StateDisplay(props: { size?: 'normal' | 'large' }): JSX.Element | null {
  const { controller, t, isMac } = useApp();
  const status = useStore(controller.store, (s) => s.status);
  if (!status) return null;
  const view = describeState(status, t, isMac);
  return (
    <div class={`state state--${view.tone} state--${props.size ?? 'normal'}`} role="status" aria-live="polite">
      <span class="state__icon" aria-hidden="true">
        <Icon name={view.icon as IconName} size={props.size === 'large' ? 40 : 28} />
      </span>
      <span class="state__text">
        <span class="state__title">{view.title}</span>
        {view.hint && <span class="state__hint">{view.hint}</span>}
      </span>
    </div>
  );
}

function HealthPill(props: { service: string; kind: 'openai' | 'home-assistant'; health: ConnectionHealth }): JSX.Element {
  const { t } = useApp();
  const view = healthView(props.health, t, props.kind);
  return (
    <li class={`health health--${view.tone}`}>
      <Icon name={view.icon} size={16} />
      <span class="health__service">{props.service}</span>
      <span class="health__label">{view.label}</span>
    </li>
  );
}

export function HealthPills(): JSX.Element | null {
  const { controller, t } = useApp();
  const status = useStore(controller.store, (s) => s.status);
  if (!status) return null;
  return (
    <ul class="health-list" aria-label={t.t('health.title')}>
      <HealthPill service={t.t('health.openai')} kind="openai" health={status.openai} />
      <HealthPill service={t.t('health.homeAssistant')} kind="home-assistant" health={status.homeAssistant} />
    </ul>
  );
}

export function TurnStats(): JSX.Element | null {
  const { controller, t } = useApp();
  const status = useStore(controller.store, (s) => s.status);
  if (!status) return null;
  const latency = latencyText(status.lastTurn, t);
  const cost = costText(status.costUsd, t);
  return (
    <dl class="stats">
      <div class="stats__row">
        <dt>{t.t('stats.lastTurn')}</dt>
        <dd>{latency ?? t.t('stats.noAnswerYet')}</dd>
      </div>
      <div class="stats__row">
        <dt>{t.t('stats.cost')}</dt>
        <dd>{cost ?? t.t('stats.costUnknown')}</dd>
      </div>
    </dl>
  );
}

/** What main notes about listening: a hotkey another app holds, hold-to-talk falling back to toggle, a wake word engine fallback. */
export function ListeningNotes(): JSX.Element | null {
  const { controller } = useApp();
  const ptt = useStore(controller.store, (s) => s.status?.pushToTalk.note);
  const wake = useStore(controller.store, (s) => s.status?.wakeWord.note);
  const notes = [wake, ptt].filter((note): note is string => Boolean(note));
  if (notes.length === 0) return null;
  return (
    <ul class="notes">
      {notes.map((note) => (
        <li key={note} class="note">
          <Icon name="info" size={16} />
          <span>{note}</span>
        </li>
      ))}
    </ul>
  );
}

export function MicMeter(props: { label?: string }): JSX.Element {
  const { controller, t } = useApp();
  const level = useStore(controller.micLevel, (l) => l);
  const muted = useStore(controller.store, (s) => s.status?.muted ?? false);
  const percent = muted || !level ? 0 : meterPercent(level.rmsDbfs);
  const label = props.label ?? t.t('mic.level');
  return (
    <div class="meter">
      <span class="meter__label" id="mic-meter-label">
        {label}
        {muted && <span class="meter__muted"> · {t.t('mic.mutedShort')}</span>}
      </span>
      <div
        class="meter__track"
        role="meter"
        aria-labelledby="mic-meter-label"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={t.percent(percent)}
      >
        <div class="meter__fill" style={{ transform: `scaleX(${percent / 100})` }} />
      </div>
    </div>
  );
}

function Banner(props: {
  tone: 'error' | 'warning' | 'info';
  icon: IconName;
  title: string;
  message?: string;
  role?: 'alert' | 'status';
  children?: ComponentChildren;
}): JSX.Element {
  return (
    <div class={`banner banner--${props.tone}`} role={props.role ?? 'status'}>
      <Icon name={props.icon} size={22} />
      <div class="banner__text">
        <strong class="banner__title">{props.title}</strong>
        {props.message && <span class="banner__message">{props.message}</span>}
      </div>
      {props.children && <div class="banner__actions">{props.children}</div>}
    </div>
  );
}

const NO_AUDIO = new Store<AudioSinkState>('waiting');
const NO_MIC = new Store<PageMicState>('off');
const NO_BUSY = new Store<string | null>(null);
const NO_NAME = new Store<string>('');

const MIC_PROBLEMS = {
  denied: ['mic.denied', 'mic.deniedDetail'],
  'no-device': ['mic.noDevice', 'mic.noDeviceDetail'],
  unsupported: ['mic.unsupported', 'mic.unsupportedDetail'],
  failed: ['mic.failed', 'mic.failedDetail'],
} as const;

/** Web mode: "Use this device's microphone" (remembered by this browser) and the device's name as others see it. */
export function PageMicControl(): JSX.Element | null {
  const { t, audio } = useApp();
  const state = useStore(audio?.mic ?? NO_MIC, (m) => m);
  const name = useStore(audio?.micName ?? NO_NAME, (n) => n);
  if (!audio?.micAvailable) return null;
  const enabled = state !== 'off';
  return (
    <div class="page-mic" data-mic-state={state}>
      <div class="checkbox">
        <input
          id="page-mic-toggle"
          type="checkbox"
          checked={enabled}
          aria-describedby="page-mic-help"
          onChange={(e) => void audio.setMicEnabled(e.currentTarget.checked)}
        />
        <label for="page-mic-toggle">{t.t('mic.useThisDevice')}</label>
      </div>
      <p class="field__help" id="page-mic-help">
        {state === 'on' ? t.t('mic.on') : state === 'starting' ? t.t('mic.starting') : t.t('mic.useThisDeviceHelp')}
      </p>
      {enabled && (
        <div class="field">
          <label for="page-mic-name">{t.t('mic.name')}</label>
          <input
            id="page-mic-name"
            type="text"
            maxLength={40}
            value={name}
            placeholder={t.t('mic.namePlaceholder')}
            onChange={(e) => audio.setMicName(e.currentTarget.value)}
          />
        </div>
      )}
    </div>
  );
}

/** Why this device's microphone cannot be used, and "busy in <device>" when its wake word was turned away. */
function PageMicBanners(): JSX.Element {
  const { t, audio } = useApp();
  const state = useStore(audio?.mic ?? NO_MIC, (m) => m);
  const busy = useStore(audio?.micBusy ?? NO_BUSY, (b) => b);
  const problem = state === 'denied' || state === 'no-device' || state === 'unsupported' || state === 'failed' ? MIC_PROBLEMS[state] : null;
  return (
    <>
      {problem && (
        <Banner tone="warning" icon="mic-off" title={t.t(problem[0])} message={t.t(problem[1])} role="alert">
          <button type="button" class="button button--small" onClick={() => void audio?.setMicEnabled(true)}>
            {t.t('app.retry')}
          </button>
        </Banner>
      )}
      {busy !== null && <Banner tone="info" icon="mic" title={t.t('mic.busy', { owner: busy })} message={t.t('mic.busyDetail')} />}
    </>
  );
}

/** Web mode: the server refuses this page (its device was unpaired); what to do about it. */
export function UnpairedBanner(): JSX.Element {
  const { t } = useApp();
  return <Banner tone="error" icon="key" title={t.t('banner.unpaired')} message={t.t('banner.unpairedDetail')} role="alert" />;
}

/** Everything that needs the user's attention now; each clears itself when the cause is gone. */
export function Banners(): JSX.Element {
  const { controller, t, kiosk, navigate, audio } = useApp();
  const link = useStore(controller.store, (s) => s.link);
  const status = useStore(controller.store, (s) => s.status);
  const notices = useStore(controller.store, (s) => s.notices);
  const audioState = useStore(audio?.state ?? NO_AUDIO, (a) => a);
  const down = status ? unreachable(status) : { openai: false, homeAssistant: false };
  const ready = useStore(controller.store, (s) => s.ready);
  return (
    <div class="banners">
      {link === 'unpaired' && <UnpairedBanner />}
      {(link === 'reconnecting' || (link === 'connecting' && ready)) && (
        <Banner tone="warning" icon="wifi-off" title={t.t('banner.linkLost')} message={t.t('banner.linkLostDetail')} role="alert" />
      )}
      {down.homeAssistant && (
        <Banner tone="warning" icon="home" title={t.t('banner.haUnreachable')} message={t.t('banner.haUnreachableDetail')} role="alert" />
      )}
      {down.openai && (
        <Banner
          tone="warning"
          icon="wifi-off"
          title={t.t('banner.openaiUnreachable')}
          message={t.t('banner.openaiUnreachableDetail')}
          role="alert"
        />
      )}
      {audioState === 'suspended' && (
        <Banner tone="info" icon="speaker" title={t.t('banner.soundOff')} message={t.t('banner.soundOffDetail')}>
          <button type="button" class="button button--small" onClick={() => void audio?.resume()}>
            {t.t('banner.enableSound')}
          </button>
        </Banner>
      )}
      {audioState === 'unsupported' && (
        <Banner tone="info" icon="speaker" title={t.t('banner.soundUnsupported')} message={t.t('banner.soundUnsupportedDetail')} />
      )}
      <PageMicBanners />
      {notices.map((notice) => (
        <Banner
          key={notice.id}
          tone="error"
          icon="alert"
          title={errorTitle(notice.error, t)}
          message={errorText(notice.error, t.locale)}
          role="alert"
        >
          {!kiosk && errorNeedsSettings(notice.error) && (
            <button type="button" class="button button--small" onClick={() => navigate('settings')}>
              {t.t('banner.openSettings')}
            </button>
          )}
          <button
            type="button"
            class="icon-button icon-button--small"
            aria-label={t.t('banner.dismiss')}
            onClick={() => controller.dismissNotice(notice.id)}
          >
            <Icon name="close" size={18} />
          </button>
        </Banner>
      ))}
    </div>
  );
}
