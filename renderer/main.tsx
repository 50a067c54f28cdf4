/** Entry: picks the host (Electron preload or web mode), starts the store and the audio sink, renders. */
import './zod-setup.js';
import { render } from 'preact';
import { App } from './app.js';
import { getAppApi } from './api.js';
import { startAudioSink } from './audio-sink.js';
import { isLocalePreference, type LocalePreference } from './i18n/i18n.js';
import { createAppController } from './state/app-controller.js';

/** The interface language is a preference of this page, not a setting of the app (a kiosk and a laptop may differ). */
const LOCALE_KEY = 'hearth.interfaceLanguage';

function loadLocalePreference(): LocalePreference {
  try {
    const stored = localStorage.getItem(LOCALE_KEY);
    return isLocalePreference(stored) ? stored : 'system';
  } catch {
    return 'system';
  }
}

function saveLocalePreference(preference: LocalePreference): void {
  try {
    if (preference === 'system') localStorage.removeItem(LOCALE_KEY);
    else localStorage.setItem(LOCALE_KEY, preference);
  } catch {
    // storage disabled: the choice lasts for this page only
  }
}

function isMacPlatform(): boolean {
  const data = (navigator as Navigator & { userAgentData?: { platform?: string } }).userAgentData;
  return /mac/i.test(data?.platform ?? navigator.platform ?? '');
}

const params = new URLSearchParams(location.search);
const kiosk = params.get('kiosk') === '1' || params.get('kiosk') === 'true';

const api = getAppApi();
const controller = createAppController(api);
const audio = startAudioSink({
  api,
  onError: (message) => controller.report({ name: 'AudioError', source: 'app', category: 'application', permanent: false, message }),
});

const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(
    <App
      controller={controller}
      audio={audio}
      kiosk={kiosk}
      isMac={isMacPlatform()}
      languages={navigator.languages.length > 0 ? navigator.languages : [navigator.language]}
      initialLocalePreference={loadLocalePreference()}
      saveLocalePreference={saveLocalePreference}
    />,
    root,
  );
}
void controller.start();
