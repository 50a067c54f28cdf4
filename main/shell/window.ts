import { BrowserWindow, shell, type BrowserWindowConstructorOptions, type WebContents } from 'electron';
import { createLogger } from '../util/logger.js';
import { appUrl, isAppUrl } from './app-protocol.js';

const log = createLogger('window');

export type WindowMode = 'normal' | 'kiosk';

export type MainWindowOptions = {
  mode: WindowMode;
  /** out/preload/index.cjs: one bundled CommonJS file (a sandboxed preload cannot require modules). */
  preloadPath: string;
  /** Window icon on Linux and Windows (macOS uses the bundle's icon). */
  iconPath?: string;
  platform?: NodeJS.Platform;
};

/**
 * The BrowserWindow options. Security flags are explicit even where they are Electron's defaults, so a
 * future default change or a careless edit shows up in review and in the test.
 */
export function mainWindowOptions(options: MainWindowOptions): BrowserWindowConstructorOptions {
  const kiosk = options.mode === 'kiosk';
  const platform = options.platform ?? process.platform;
  return {
    title: 'Hearth',
    width: 440,
    height: 760,
    minWidth: 360,
    minHeight: 480,
    show: false,
    backgroundColor: '#15171c',
    autoHideMenuBar: true,
    ...(options.iconPath !== undefined && platform !== 'darwin' ? { icon: options.iconPath } : {}),
    ...(kiosk ? { kiosk: true, fullscreen: true, frame: false } : {}),
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      // The assistant speaks without a click (wake word, hotkey), through the renderer's AudioWorklet.
      autoplayPolicy: 'no-user-gesture-required',
      // A tray app's window is hidden most of the time but still plays the replies and receives events.
      backgroundThrottling: false,
    },
  };
}

/** The page a window of this mode loads; `section` becomes the hash (e.g. `settings`). */
export function rendererUrl(mode: WindowMode, section?: string): string {
  return appUrl('index.html', mode === 'kiosk' ? { kiosk: '1' } : {}, section);
}

/** Only web links leave the app, and only to the system browser; credentials in the URL are refused. */
export function isSafeExternalUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'https:' || parsed.protocol === 'http:') && parsed.username === '' && parsed.password === '';
  } catch {
    return false;
  }
}

export async function openExternalSafely(
  url: string,
  open: (url: string) => Promise<void> = (u) => shell.openExternal(u),
): Promise<boolean> {
  if (!isSafeExternalUrl(url)) {
    log.warn({ url }, 'refused to open a non-web link');
    return false;
  }
  try {
    await open(url);
    return true;
  } catch (error) {
    log.warn({ err: error, url }, 'could not open a link in the browser');
    return false;
  }
}

/**
 * For every webContents the app creates: no navigation away from app://hearth (web links go to the
 * browser), no new windows, no <webview>.
 */
export function hardenWebContents(contents: WebContents, open?: (url: string) => Promise<void>): void {
  contents.setWindowOpenHandler(({ url }) => {
    void openExternalSafely(url, open);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    if (isAppUrl(url)) return;
    event.preventDefault();
    void openExternalSafely(url, open);
  });
  contents.on('will-frame-navigate', (event) => {
    if (isAppUrl(event.url)) return;
    event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (isAppUrl(url)) return;
    event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
  });
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  return new BrowserWindow(mainWindowOptions(options));
}
