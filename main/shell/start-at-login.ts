import { readFile, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { App } from 'electron';
import { writeFileAtomic } from '../util/atomic-file.js';
import { createLogger } from '../util/logger.js';
import type { StartAtLoginView } from './tray-model.js';

const log = createLogger('start-at-login');

/** Passed by the login item: start in the tray without showing the window. */
export const HIDDEN_ARG = '--hidden';
export const KIOSK_ARG = '--kiosk';

export type LoginOptions = { kiosk: boolean };

export interface StartAtLogin {
  read(): Promise<StartAtLoginView>;
  /** Turns the login item on or off; `kiosk` adds --kiosk so the kitchen PC comes up in kiosk mode. */
  write(enabled: boolean, options: LoginOptions): Promise<StartAtLoginView>;
}

export function loginArgs(options: LoginOptions): string[] {
  return options.kiosk ? [HIDDEN_ARG, KIOSK_ARG] : [HIDDEN_ARG];
}

// ---------------------------------------------------------------------------------------------------------
// Linux: an XDG autostart entry (https://specifications.freedesktop.org/autostart-spec/).

export const AUTOSTART_FILE = 'hearth.desktop';

/** $XDG_CONFIG_HOME/autostart/hearth.desktop, or ~/.config/autostart/hearth.desktop. */
export function autostartPath(env: Readonly<Record<string, string | undefined>>, home: string = homedir()): string {
  const configured = env.XDG_CONFIG_HOME;
  // The spec: a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const base = configured && configured.startsWith('/') ? configured : join(home, '.config');
  return join(base, 'autostart', AUTOSTART_FILE);
}

const RESERVED = /[\s"'\\><~|&;$*?#()`]/;

/**
 * One argument of an Exec line (Desktop Entry spec, "The Exec key"): quoted when it holds a reserved
 * character, with `"`, `` ` ``, `$` and `\` escaped inside the quotes, `%` doubled (field codes), and then
 * backslashes doubled again for the string value.
 */
export function quoteExecArg(arg: string): string {
  if (/[\n\r\0]/.test(arg)) throw new Error('a launch argument cannot contain a line break');
  const percent = arg.replace(/%/g, '%%');
  const quoted = arg === '' || RESERVED.test(arg) ? `"${percent.replace(/(["`$\\])/g, '\\$1')}"` : percent;
  return quoted.replace(/\\/g, '\\\\');
}

export type LaunchContext = {
  execPath: string;
  /** AppImage: the image's own path (process.env.APPIMAGE); execPath points into its temporary mount. */
  appImage?: string;
  /** Unpackaged `electron .`: Electron itself plus the app's folder. */
  defaultApp?: boolean;
  appPath?: string;
};

/** The command that starts this installation of Hearth. */
export function launchCommand(context: LaunchContext): string[] {
  if (context.appImage) return [context.appImage];
  if (context.defaultApp && context.appPath) return [context.execPath, context.appPath];
  return [context.execPath];
}

export function desktopEntry(command: readonly string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Version=1.0',
    'Name=Hearth',
    'Comment=Voice assistant for Home Assistant',
    `Exec=${command.map(quoteExecArg).join(' ')}`,
    'Icon=hearth',
    'Terminal=false',
    'Categories=Utility;',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** Enabled when the entry exists and is not switched off (Hidden=true or X-GNOME-Autostart-enabled=false). */
export function isAutostartEntryEnabled(text: string): boolean {
  const lines = text.split(/\r?\n/).map((line) => line.trim());
  if (!lines.includes('[Desktop Entry]')) return false;
  return !lines.some((line) => /^Hidden\s*=\s*true$/i.test(line) || /^X-GNOME-Autostart-enabled\s*=\s*false$/i.test(line));
}

export class XdgAutostart implements StartAtLogin {
  readonly #path: string;
  readonly #context: LaunchContext;

  constructor(path: string, context: LaunchContext) {
    this.#path = path;
    this.#context = context;
  }

  get path(): string {
    return this.#path;
  }

  async read(): Promise<StartAtLoginView> {
    try {
      return { enabled: isAutostartEntryEnabled(await readFile(this.#path, 'utf8')), available: true };
    } catch {
      return { enabled: false, available: true };
    }
  }

  async write(enabled: boolean, options: LoginOptions): Promise<StartAtLoginView> {
    if (!enabled) {
      await rm(this.#path, { force: true });
      return { enabled: false, available: true };
    }
    await writeFileAtomic(this.#path, desktopEntry([...launchCommand(this.#context), ...loginArgs(options)]), { mode: 0o644 });
    log.info({ path: this.#path }, 'autostart entry written');
    return { enabled: true, available: true };
  }
}

// ---------------------------------------------------------------------------------------------------------
// Windows and macOS: Electron's login items.

export type LoginItemApp = Pick<App, 'setLoginItemSettings' | 'getLoginItemSettings'>;

/**
 * Windows: a Run registry value with our arguments (read back with the same path and args, as Electron
 * requires). macOS: a login item (SMAppService on macOS 13+); macOS cannot pass arguments to it, so kiosk
 * mode comes from the saved preference there, and the window stays hidden when `wasOpenedAtLogin`.
 */
export class ElectronLoginItem implements StartAtLogin {
  readonly #app: LoginItemApp;
  readonly #platform: NodeJS.Platform;
  readonly #execPath: string;

  constructor(app: LoginItemApp, platform: NodeJS.Platform, execPath: string) {
    this.#app = app;
    this.#platform = platform;
    this.#execPath = execPath;
  }

  async read(): Promise<StartAtLoginView> {
    if (this.#platform === 'win32') {
      // Electron matches the Run entry by path and arguments: look for either variant.
      const enabled = [false, true].some(
        (kiosk) => this.#app.getLoginItemSettings({ path: this.#execPath, args: loginArgs({ kiosk }) }).openAtLogin,
      );
      return { enabled, available: true };
    }
    const settings = this.#app.getLoginItemSettings();
    const view: StartAtLoginView = { enabled: settings.openAtLogin, available: true };
    if (settings.status === 'requires-approval') {
      view.note = 'Allow Hearth in System Settings → General → Login Items to start it at login.';
    }
    return view;
  }

  async write(enabled: boolean, options: LoginOptions): Promise<StartAtLoginView> {
    if (this.#platform === 'win32') {
      // Remove both variants first, so switching kiosk mode never leaves two entries.
      for (const kiosk of [false, true]) {
        this.#app.setLoginItemSettings({ openAtLogin: false, path: this.#execPath, args: loginArgs({ kiosk }) });
      }
      if (enabled) this.#app.setLoginItemSettings({ openAtLogin: true, path: this.#execPath, args: loginArgs(options) });
    } else {
      this.#app.setLoginItemSettings({ openAtLogin: enabled });
    }
    return this.read();
  }
}

export class UnavailableStartAtLogin implements StartAtLogin {
  async read(): Promise<StartAtLoginView> {
    return { enabled: false, available: false };
  }
  async write(): Promise<StartAtLoginView> {
    return this.read();
  }
}

export type CreateStartAtLoginOptions = {
  app: LoginItemApp;
  platform: NodeJS.Platform;
  env: Readonly<Record<string, string | undefined>>;
  execPath: string;
  defaultApp?: boolean;
  appPath?: string;
  home?: string;
};

export function createStartAtLogin(options: CreateStartAtLoginOptions): StartAtLogin {
  switch (options.platform) {
    case 'linux': {
      const context: LaunchContext = { execPath: options.execPath };
      if (options.env.APPIMAGE) context.appImage = options.env.APPIMAGE;
      if (options.defaultApp !== undefined) context.defaultApp = options.defaultApp;
      if (options.appPath !== undefined) context.appPath = options.appPath;
      return new XdgAutostart(autostartPath(options.env, options.home), context);
    }
    case 'win32':
    case 'darwin':
      return new ElectronLoginItem(options.app, options.platform, options.execPath);
    default:
      return new UnavailableStartAtLogin();
  }
}
