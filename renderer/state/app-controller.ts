/**
 * Wires the AppApi to the store: subscribes to every event, fetches `state:get` and `settings:get`
 * (again after every reconnect), and offers the actions the views call. DOM-free.
 */
import type {
  EntityActionResult,
  PublicSettings,
  SecretUpdateResult,
  SettingsPatch,
  SettingsUpdateResult,
} from '../../preload/contract/channels.js';
import type {
  ConnectionTestResult,
  EchoSelfTestResult,
  EntityAction,
  MicLevel,
  SecretKind,
  SecretsStatus,
} from '../../preload/contract/types.js';
import type { WireError } from '../../preload/contract/wire-error.js';
import { toWireError, type AppApi, type LinkState } from './app-api.js';
import {
  addNotice,
  applyEvent,
  applySettings,
  applySnapshot,
  awaitSnapshot,
  dismissNotice,
  expireNotices,
  initialAppState,
  markOnboarded,
  setLink,
  setLoadError,
  type AppState,
} from './app-state-model.js';
import { Store } from './store.js';

export type Clock = {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
};

const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export type AppController = {
  readonly api: AppApi;
  readonly store: Store<AppState>;
  /** The microphone level, kept apart so ~20 updates a second re-render only the meter. */
  readonly micLevel: Store<MicLevel | null>;
  start(): Promise<void>;
  dispose(): void;
  /** Fetches the snapshot and settings again (the retry button when loading failed). */
  refresh(): Promise<void>;
  startConversation(): Promise<void>;
  stopConversation(): Promise<void>;
  sendText(text: string): Promise<boolean>;
  clearConversation(): Promise<void>;
  setMuted(muted: boolean): Promise<void>;
  entityAction(action: EntityAction): Promise<EntityActionResult>;
  updateSettings(patch: SettingsPatch): Promise<SettingsUpdateResult>;
  /** `url`: the server the secret is for (the address typed next to it); default the one in the settings. */
  setSecret(kind: SecretKind, value: string, url?: string): Promise<SecretUpdateResult>;
  deleteSecret(kind: SecretKind): Promise<SecretsStatus | null>;
  testHomeAssistant(url: string, token?: string): Promise<ConnectionTestResult>;
  /** The echo self-test (about 5 s): plays a test signal and measures the echo on this device. */
  testEcho(): Promise<EchoSelfTestResult>;
  listMicrophones(): Promise<string[]>;
  completeOnboarding(): Promise<void>;
  dismissNotice(id: number): void;
  /** Shows an error in the banner (also used for failures in the page itself). */
  report(error: WireError): void;
};

export function createAppController(api: AppApi, clock: Clock = systemClock): AppController {
  const store = new Store<AppState>(initialAppState(api.link.state));
  const micLevel = new Store<MicLevel | null>(null);
  const unsubscribe: Array<() => void> = [];
  let noticeId = 0;
  let expiryTimer: unknown = null;
  let fetching: Promise<void> | null = null;
  let disposed = false;

  const scheduleExpiry = () => {
    if (expiryTimer !== null) clock.clearTimeout(expiryTimer);
    expiryTimer = null;
    const notices = store.get().notices;
    if (notices.length === 0 || disposed) return;
    const next = Math.min(...notices.map((n) => n.expiresAt));
    expiryTimer = clock.setTimeout(
      () => {
        expiryTimer = null;
        store.update((s) => expireNotices(s, clock.now()));
        scheduleExpiry();
      },
      Math.max(0, next - clock.now()),
    );
  };

  const report = (error: WireError) => {
    store.update((s) => addNotice(s, error, clock.now(), ++noticeId));
    scheduleExpiry();
  };

  // A new `status.lastError` is shown in the banner like an `app:error` (and clears itself the same way).
  let lastErrorKey: string | null = null;
  store.subscribe((state) => {
    const error = state.status?.lastError ?? null;
    const key = error ? `${error.source}|${error.category}|${error.message}` : null;
    if (key === lastErrorKey) return;
    lastErrorKey = key;
    if (error) report(error);
  });

  const fetchAll = (): Promise<void> => {
    fetching ??= (async () => {
      store.update(awaitSnapshot);
      try {
        const [snapshot, settings] = await Promise.all([api.invoke('state:get'), api.invoke('settings:get')]);
        if (disposed) return;
        store.update((s) => applySettings(applySnapshot(s, snapshot), settings));
      } catch (error) {
        store.update((s) => setLoadError(s, toWireError(error)));
      } finally {
        fetching = null;
      }
    })();
    return fetching;
  };

  /** Runs an action; a failure is reported in the banner and answered with `fallback`. */
  const attempt = async <T>(run: () => Promise<T>, fallback: T): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      report(toWireError(error));
      return fallback;
    }
  };

  /** Runs an action whose answer says whether it worked; a failure to ask becomes a failed answer. */
  const attemptResult = async <T>(run: () => Promise<T>): Promise<T | { ok: false; message: string }> => {
    try {
      return await run();
    } catch (error) {
      return { ok: false, message: toWireError(error).message };
    }
  };

  const storeSecrets = (secrets: SecretsStatus) => store.update((s) => (s.settings ? applySettings(s, { ...s.settings, secrets }) : s));

  const controller: AppController = {
    api,
    store,
    micLevel,
    async start() {
      unsubscribe.push(
        api.on('status:changed', (payload) => store.update((s) => applyEvent(s, { channel: 'status:changed', payload }))),
        api.on('transcript:changed', (payload) => store.update((s) => applyEvent(s, { channel: 'transcript:changed', payload }))),
        api.on('entities:changed', (payload) => store.update((s) => applyEvent(s, { channel: 'entities:changed', payload }))),
        api.on('settings:changed', (settings) => store.update((s) => applySettings(s, settings))),
        api.on('mic:level', (level) => micLevel.set(level)),
        api.on('app:error', (error) => report(error)),
      );
      let previous: LinkState = api.link.state;
      unsubscribe.push(
        api.link.subscribe((link) => {
          store.update((s) => setLink(s, link));
          if (link === 'reconnecting' || link === 'connecting' || link === 'unpaired') store.update(awaitSnapshot);
          if (link === 'open' && previous !== 'open') void fetchAll();
          previous = link;
        }),
      );
      await fetchAll();
    },
    dispose() {
      disposed = true;
      for (const off of unsubscribe.splice(0)) off();
      if (expiryTimer !== null) clock.clearTimeout(expiryTimer);
    },
    refresh: fetchAll,
    startConversation: () => attempt(() => api.invoke('conversation:start', { source: 'button' }), undefined),
    stopConversation: () => attempt(() => api.invoke('conversation:stop'), undefined),
    sendText: (text) =>
      attempt(async () => {
        await api.invoke('conversation:send-text', { text });
        return true;
      }, false),
    clearConversation: () => attempt(() => api.invoke('conversation:clear'), undefined),
    setMuted: (muted) => attempt(() => api.invoke('mic:set-muted', { muted }), undefined),
    entityAction: (action) => attemptResult(() => api.invoke('ha:entity-action', action)),
    updateSettings: async (patch) => {
      try {
        const result = await api.invoke('settings:update', patch);
        if (result.ok) store.update((s) => applySettings(s, result.settings));
        return result;
      } catch (error) {
        return { ok: false, issues: [{ path: '', message: toWireError(error).message }] };
      }
    },
    setSecret: (kind, value, url) =>
      attemptResult(async () => {
        const result = await api.invoke('secrets:set', url?.trim() ? { kind, value, url: url.trim() } : { kind, value });
        if (result.ok) storeSecrets(result.secrets);
        return result;
      }),
    deleteSecret: (kind) =>
      attempt(async () => {
        const secrets = await api.invoke('secrets:delete', { kind });
        storeSecrets(secrets);
        return secrets;
      }, null),
    testHomeAssistant: (url, token) =>
      attemptResult(() => api.invoke('ha:test-connection', token === undefined || token === '' ? { url } : { url, token })),
    testEcho: async () => {
      try {
        return await api.invoke('echo:self-test');
      } catch (error) {
        return { ok: false, failure: 'failed', message: toWireError(error).message };
      }
    },
    listMicrophones: () => attempt(() => api.invoke('mic:list-devices'), []),
    completeOnboarding: async () => {
      store.update(markOnboarded);
      await attempt(() => api.invoke('onboarding:complete'), undefined);
    },
    dismissNotice: (id) => {
      store.update((s) => dismissNotice(s, id));
      scheduleExpiry();
    },
    report,
  };
  return controller;
}

export type { PublicSettings };
