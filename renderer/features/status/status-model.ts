/**
 * What the status looks like in words: the assistant's state, connection health, the last turn's
 * latency and the session cost. Pure (tested in Node); views add icons and colour, never colour alone.
 */
import type { AssistantState, ConnectionHealth, StatusView, TurnLatency } from '../../../preload/contract/types.js';
import type { WireError } from '../../../preload/contract/wire-error.js';
import type { MessageKey, Translator } from '../../i18n/i18n.js';
import { toolTitle } from '../transcript/transcript-model.js';
import { errorText } from '../../i18n/error-text.js';

export type Tone = 'idle' | 'ready' | 'active' | 'speaking' | 'busy' | 'warning' | 'error';

export type StateIcon = 'moon' | 'ear' | 'plug' | 'mic' | 'wave' | 'dots' | 'wrench' | 'speaker' | 'alert' | 'mic-off';

export type StateView = {
  icon: StateIcon;
  tone: Tone;
  /** A few words: "Listening", "Thinking", "Speaking". */
  title: string;
  /** A hint line: "Say “Hey Jarvis” or press Talk". */
  hint: string | null;
  /** A conversation is open or opening: the talk button stops it. */
  inConversation: boolean;
};

/** "hey_jarvis" → "Hey Jarvis"; "/models/ok_kitchen.onnx" → "Ok Kitchen". */
export function wakeWordLabel(keyword: string): string {
  const base = keyword.split(/[\\/]/).pop() ?? keyword;
  const name = base.replace(/\.(onnx|ppn|tflite)$/i, '').replace(/_v\d+(\.\d+)*$/i, '');
  return name
    .split(/[_\s-]+/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join(' ');
}

/** Electron accelerator → what the user presses: "CommandOrControl+Shift+Space" → "Ctrl+Shift+Space" (⌘ on a Mac). */
export function acceleratorLabel(accelerator: string, isMac: boolean): string {
  if (accelerator.trim() === '') return '';
  return accelerator
    .split('+')
    .map((part) => {
      switch (part.toLowerCase()) {
        case 'commandorcontrol':
        case 'cmdorctrl':
          return isMac ? '⌘' : 'Ctrl';
        case 'command':
        case 'cmd':
        case 'super':
        case 'meta':
          return isMac ? '⌘' : 'Super';
        case 'control':
        case 'ctrl':
          return isMac ? '⌃' : 'Ctrl';
        case 'alt':
        case 'option':
          return isMac ? '⌥' : 'Alt';
        case 'shift':
          return isMac ? '⇧' : 'Shift';
        default:
          return part;
      }
    })
    .join(isMac ? '' : '+');
}

/** How to start talking, given the wake word and push-to-talk setup. */
export function talkHint(status: StatusView, t: Translator, isMac: boolean): string {
  const keywords = status.wakeWord.engine === 'none' ? [] : status.wakeWord.keywords.map(wakeWordLabel);
  const hotkey = acceleratorLabel(status.pushToTalk.hotkey, isMac);
  if (keywords.length > 0 && hotkey) return t.t('status.hint.wakeAndKey', { wake: t.list(keywords.map(quote(t))), key: hotkey });
  if (keywords.length > 0) return t.t('status.hint.wake', { wake: t.list(keywords.map(quote(t))) });
  if (hotkey) return t.t('status.hint.key', { key: hotkey });
  return t.t('status.hint.button');
}

const quote = (t: Translator) => (text: string) => t.t('common.quoted', { text });

export function describeState(status: StatusView, t: Translator, isMac = false): StateView {
  const state: AssistantState = status.state;
  if (status.muted && (state.kind === 'idle' || state.kind === 'listening-for-wake-word')) {
    return { icon: 'mic-off', tone: 'warning', title: t.t('status.muted'), hint: t.t('status.hint.muted'), inConversation: false };
  }
  switch (state.kind) {
    case 'idle':
      return { icon: 'moon', tone: 'idle', title: t.t('status.idle'), hint: talkHint(status, t, isMac), inConversation: false };
    case 'listening-for-wake-word':
      return {
        icon: 'ear',
        tone: 'ready',
        title: t.t('status.waitingForWakeWord'),
        hint: talkHint(status, t, isMac),
        inConversation: false,
      };
    case 'connecting':
      return {
        icon: 'plug',
        tone: 'busy',
        title: state.reconnecting ? t.t('status.reconnecting') : t.t('status.connecting'),
        hint: null,
        inConversation: true,
      };
    case 'follow-up':
      return { icon: 'ear', tone: 'active', title: t.t('status.followUp'), hint: t.t('status.hint.followUp'), inConversation: true };
    case 'error':
      return { icon: 'alert', tone: 'error', title: t.t('status.error'), hint: errorText(state.error, t.locale), inConversation: false };
    case 'conversing':
      switch (state.phase) {
        case 'listening':
          return { icon: 'mic', tone: 'active', title: t.t('status.listening'), hint: null, inConversation: true };
        case 'user-speaking':
          return { icon: 'mic', tone: 'active', title: t.t('status.hearing'), hint: null, inConversation: true };
        case 'thinking':
          return { icon: 'dots', tone: 'busy', title: t.t('status.thinking'), hint: null, inConversation: true };
        case 'running-tool':
          return {
            icon: 'wrench',
            tone: 'busy',
            title: t.t('status.runningTool'),
            hint: state.tool ? toolTitle(state.tool, t) : null,
            inConversation: true,
          };
        case 'assistant-speaking':
          return { icon: 'speaker', tone: 'speaking', title: t.t('status.speaking'), hint: null, inConversation: true };
      }
  }
}

export type HealthView = { label: string; tone: 'ok' | 'busy' | 'off' | 'error'; icon: 'check' | 'dots' | 'dash' | 'alert' };

type HealthLook = Omit<HealthView, 'label'> & { key: MessageKey };

/**
 * Connection health in words. OpenAI is `disconnected` whenever no conversation is open (the session
 * closes when idle, to save cost): that is shown as "Idle", not as a problem.
 */
export function healthView(health: ConnectionHealth, t: Translator, service: 'openai' | 'home-assistant' = 'home-assistant'): HealthView {
  const { key, tone, icon } = service === 'openai' && health === 'disconnected' ? IDLE : HEALTH[health];
  return { label: t.lookup(key), tone, icon };
}

const IDLE: HealthLook = { key: 'health.idle', tone: 'off', icon: 'dash' };
const HEALTH: Record<ConnectionHealth, HealthLook> = {
  connected: { key: 'health.connected', tone: 'ok', icon: 'check' },
  connecting: { key: 'health.connecting', tone: 'busy', icon: 'dots' },
  reconnecting: { key: 'health.reconnecting', tone: 'busy', icon: 'dots' },
  disconnected: { key: 'health.disconnected', tone: 'off', icon: 'dash' },
  'not-configured': { key: 'health.notConfigured', tone: 'off', icon: 'dash' },
  error: { key: 'health.error', tone: 'error', icon: 'alert' },
};

/**
 * What is unreachable right now. OpenAI is only connected during a conversation (the session closes
 * when idle to save cost), so only `reconnecting` and `error` count; Home Assistant, when set up, should
 * always be connected.
 */
export function unreachable(status: StatusView): { openai: boolean; homeAssistant: boolean } {
  return {
    openai: status.openai === 'reconnecting' || status.openai === 'error',
    homeAssistant: status.homeAssistant === 'disconnected' || status.homeAssistant === 'reconnecting' || status.homeAssistant === 'error',
  };
}

/** "answered in 0.8 s" for the last turn, or null before the first answer. */
export function latencyText(lastTurn: TurnLatency | null, t: Translator): string | null {
  const ms = lastTurn?.endOfSpeechToFirstAudioMs ?? lastTurn?.endOfSpeechToFirstPlayedMs ?? null;
  if (ms === null || !Number.isFinite(ms) || ms < 0) return null;
  return t.t('status.answeredIn', { duration: t.seconds(ms) });
}

/** "$0.02", "< $0.01", or null when the model has no known price. */
export function costText(costUsd: number | null, t: Translator): string | null {
  if (costUsd === null || !Number.isFinite(costUsd)) return null;
  return t.usd(costUsd);
}

/** A short, translated heading for an error: what failed, by source and category. */
export function errorTitle(error: WireError, t: Translator): string {
  const source = {
    openai: t.t('errors.source.openai'),
    'home-assistant': t.t('errors.source.homeAssistant'),
    mic: t.t('errors.source.mic'),
    'wake-word': t.t('errors.source.wakeWord'),
    tool: t.t('errors.source.tool'),
    settings: t.t('errors.source.settings'),
    app: t.t('errors.source.app'),
  }[error.source];
  // A response that never came (the session's watchdog cancelled it) says so rather than "server error".
  if (error.source === 'openai' && error.code === 'response_timeout')
    return t.t('errors.title', { source, what: t.t('errors.responseTimeout') });
  const what = {
    authentication: t.t('errors.category.authentication'),
    authorization: t.t('errors.category.authorization'),
    invalid_request: t.t('errors.category.invalidRequest'),
    rate_limit: t.t('errors.category.rateLimit'),
    quota: t.t('errors.category.quota'),
    connectivity: t.t('errors.category.connectivity'),
    server: t.t('errors.category.server'),
    configuration: t.t('errors.category.configuration'),
    application: t.t('errors.category.application'),
    unknown: t.t('errors.category.unknown'),
  }[error.category];
  return t.t('errors.title', { source, what });
}

/** Whether fixing the error means changing a setting (then the banner offers to open Settings). */
export function errorNeedsSettings(error: WireError): boolean {
  return (
    error.permanent && (error.category === 'authentication' || error.category === 'configuration' || error.category === 'authorization')
  );
}

/** Mic level (dBFS) as 0–100 for the meter: −60 dBFS and below is empty, 0 dBFS full. */
export function meterPercent(rmsDbfs: number): number {
  if (!Number.isFinite(rmsDbfs)) return 0;
  return Math.round(Math.min(100, Math.max(0, ((rmsDbfs + 60) / 60) * 100)));
}
