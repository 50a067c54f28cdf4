import type { BrowserWindow, WebContents } from 'electron';
import { createLogger } from '../util/logger.js';
import { createMainWindow, rendererUrl, type WindowMode } from './window.js';

const log = createLogger('window');

export type WindowManagerOptions = {
  preloadPath: string;
  iconPath?: string;
  platform: NodeJS.Platform;
  /** True once the user chose Quit: windows may then close for real. */
  isQuitting: () => boolean;
  /** Every new window's webContents (the IPC binder trusts it and gives it an audio port). */
  onCreated: (contents: WebContents) => void;
  /** Injected in tests. */
  create?: typeof createMainWindow;
  reloadDelayMs?: number;
};

/**
 * The one app window. It exists from start to quit, hidden when not needed, because the replies are
 * played by its AudioWorklet: closing it only hides it (the tray keeps running), and a crashed page is
 * reloaded. Kiosk mode is a different window (full screen, frameless, `?kiosk=1`), so switching recreates it.
 */
export class WindowManager {
  readonly #options: WindowManagerOptions;
  #window: BrowserWindow | undefined;
  #mode: WindowMode = 'normal';

  constructor(options: WindowManagerOptions) {
    this.#options = options;
  }

  get window(): BrowserWindow | undefined {
    return this.#window && !this.#window.isDestroyed() ? this.#window : undefined;
  }

  get mode(): WindowMode {
    return this.#mode;
  }

  /** Creates the window for this mode if needed (hidden unless `show`). */
  open(mode: WindowMode, show: boolean): BrowserWindow {
    const existing = this.window;
    if (existing && this.#mode === mode) {
      if (show) this.#reveal(existing);
      return existing;
    }
    if (existing) this.#discard(existing);
    this.#mode = mode;
    const win = (this.#options.create ?? createMainWindow)({
      mode,
      preloadPath: this.#options.preloadPath,
      platform: this.#options.platform,
      ...(this.#options.iconPath !== undefined ? { iconPath: this.#options.iconPath } : {}),
    });
    this.#window = win;
    this.#options.onCreated(win.webContents);
    win.on('close', (event) => {
      if (this.#options.isQuitting()) return;
      event.preventDefault();
      // A kiosk has nowhere to go back to (it may have no tray): it stays.
      if (this.#mode !== 'kiosk') win.hide();
    });
    win.on('closed', () => {
      if (this.#window === win) this.#window = undefined;
    });
    win.webContents.on('render-process-gone', (_event, details) => {
      if (details.reason === 'clean-exit' || this.#options.isQuitting()) return;
      log.error({ reason: details.reason, exitCode: details.exitCode }, 'the window crashed; reloading it');
      setTimeout(() => {
        if (!win.isDestroyed()) win.webContents.reload();
      }, this.#options.reloadDelayMs ?? 1000);
    });
    if (show) win.once('ready-to-show', () => this.#reveal(win));
    void win.loadURL(rendererUrl(mode)).catch((error: unknown) => log.error({ err: error }, 'the window could not load the page'));
    return win;
  }

  /** Shows (and focuses) the window; `section` opens a part of the page, e.g. `settings`. */
  show(section?: 'settings'): void {
    const win = this.open(this.#mode, true);
    if (section !== undefined) {
      const target = rendererUrl(this.#mode, section);
      if (win.webContents.getURL() !== target) {
        // Only the fragment changes: a same-document navigation, the page (and its audio) stays.
        void win.loadURL(target).catch((error: unknown) => log.warn({ err: error }, 'could not open the settings'));
      }
    }
    this.#reveal(win);
  }

  /** Switches between the normal and the kiosk window. */
  setMode(mode: WindowMode): void {
    if (mode === this.#mode && this.window) return;
    this.open(mode, true);
  }

  destroy(): void {
    const win = this.window;
    if (win) this.#discard(win);
  }

  #reveal(win: BrowserWindow): void {
    if (win.isDestroyed()) return;
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  }

  #discard(win: BrowserWindow): void {
    if (this.#window === win) this.#window = undefined;
    // destroy() skips 'close', so the hide-on-close handler does not interfere.
    win.destroy();
  }
}
