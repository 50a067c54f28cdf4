import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, dialog, globalShortcut, powerSaveBlocker, session, systemPreferences } from 'electron';
import type { EventChannel, EventChannels } from '../../preload/contract/channels.js';
import type { StatusView } from '../../preload/contract/types.js';
import { appPaths, type AppPaths } from '../app/app-paths.js';
import { isWaylandSession } from '../push-to-talk/key-hook-support.js';
import { toAssistantError } from '../util/errors.js';
import { createLogger } from '../util/logger.js';
import type { AppFacade, StartAssistantApp } from './app-facade.js';
import { installAppProtocol, registerAppScheme } from './app-protocol.js';
import { IpcBinder } from './ipc-binder.js';
import { installPermissionHandlers } from './permissions.js';
import { SECRET_KEY_FILE_NAME } from '../secrets/secret-cipher.js';
import { createSecretCipher } from './safe-storage-cipher.js';
import { ScreenKeeper } from './screen-wake.js';
import { parseShellArgs, readShellPreferences, shellPreferencesPath, writeShellPreferences, type ShellArgs } from './shell-preferences.js';
import { ShortcutRegistry } from './shortcuts.js';
import { createStartAtLogin, type StartAtLogin } from './start-at-login.js';
import { TrayController } from './tray.js';
import { trayModel, type StartAtLoginView, type TrayAction, type TrayModel } from './tray-model.js';
import { spawnUtilityHookHost } from './utility-hook-host.js';
import { WindowManager } from './window-manager.js';
import { hardenWebContents } from './window.js';

const log = createLogger('shell');

/** Where the build puts things, relative to out/main/shell/index.js. */
export function defaultOutDir(moduleUrl: string = import.meta.url): string {
  return resolve(dirname(fileURLToPath(moduleUrl)), '..', '..');
}

export type ShellLayout = { rendererRoot: string; preloadPath: string; trayIconDir: string; appIconPath: string };

export function shellLayout(outDir: string): ShellLayout {
  return {
    rendererRoot: join(outDir, 'renderer'),
    preloadPath: join(outDir, 'preload', 'index.cjs'),
    trayIconDir: join(outDir, 'images', 'tray'),
    appIconPath: join(outDir, 'images', 'icon.png'),
  };
}

export type RunShellOptions = {
  startAssistantApp: StartAssistantApp;
  argv?: readonly string[];
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  paths?: AppPaths;
  outDir?: string;
  /** How long quitting waits for the engine to close its sockets and microphone. */
  shutdownTimeoutMs?: number;
  /** The executable a login item starts (default process.execPath). */
  execPath?: string;
  /** Quit gracefully on SIGINT/SIGTERM (default true; tests turn it off). */
  handleSignals?: boolean;
};

/**
 * The Electron app's lifecycle. Before ready: the Chromium profile moves under the data folder, the app://
 * scheme is registered, and the single-instance lock is taken (a second start shows the running window, or
 * switches it with --kiosk / --no-kiosk). After ready: the engine, the IPC binder, the window, the tray,
 * the hotkey, start at login and the screen keeper. Closing every window does not quit (tray app);
 * quitting (tray menu, Cmd+Q, a signal) shuts the engine down first, within a time limit.
 */
export async function runShell(options: RunShellOptions): Promise<Shell | null> {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const args = parseShellArgs(options.argv ?? process.argv);
  const paths = options.paths ?? appPaths(env);

  // Chromium's profile (caches, Local State with the safeStorage key) in its own folder, not among the
  // user's settings. Must happen before the lock, which is per profile.
  app.setPath('userData', join(paths.data, 'electron'));
  registerAppScheme();
  // Windows: the same identity the installer gives the shortcuts (taskbar grouping, the Run entry's name).
  if (platform === 'win32') app.setAppUserModelId('app.hearth.desktop');
  if (platform === 'linux' && isWaylandSession(env)) {
    // Global shortcuts on native Wayland go through the desktop portal.
    app.commandLine.appendSwitch('enable-features', 'GlobalShortcutsPortal');
  }
  if (!app.requestSingleInstanceLock()) {
    log.info('Hearth is already running; handing over to it');
    app.quit();
    return null;
  }

  const shell = new Shell({ ...options, env, platform, args, paths, layout: shellLayout(options.outDir ?? defaultOutDir()) });
  app.on('second-instance', (_event, argv) => shell.onSecondInstance(parseShellArgs(argv)));
  // A tray app: closing the last window does not quit.
  app.on('window-all-closed', () => undefined);
  app.on('before-quit', () => shell.markQuitting());
  app.on('will-quit', (event) => {
    if (shell.isShutDown) return;
    event.preventDefault();
    void shell.shutdown().finally(() => app.exit(0));
  });
  app.on('activate', () => shell.showWindow());
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
  if (options.handleSignals ?? true) {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => app.quit());
  }

  await app.whenReady();
  await shell.start();
  return shell;
}

type ShellInit = RunShellOptions & {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  args: ShellArgs;
  paths: AppPaths;
  layout: ShellLayout;
};

export class Shell {
  readonly #init: ShellInit;
  #facade: AppFacade | undefined;
  #binder: IpcBinder | undefined;
  #windows: WindowManager | undefined;
  #tray: TrayController | undefined;
  #shortcuts: ShortcutRegistry | undefined;
  #screen: ScreenKeeper | undefined;
  #startAtLogin: StartAtLogin | undefined;
  #login: StartAtLoginView = { enabled: false, available: false };
  #status: StatusView | null = null;
  #kiosk = false;
  #quitting = false;
  #shutdown: Promise<void> | undefined;
  #shutDown = false;
  #pendingSecondInstance: ShellArgs | undefined;
  #offEvents: (() => void) | undefined;

  constructor(init: ShellInit) {
    this.#init = init;
  }

  get kiosk(): boolean {
    return this.#kiosk;
  }

  get isQuitting(): boolean {
    return this.#quitting;
  }

  get isShutDown(): boolean {
    return this.#shutDown;
  }

  get windows(): WindowManager | undefined {
    return this.#windows;
  }

  get startAtLoginView(): StartAtLoginView {
    return this.#login;
  }

  markQuitting(): void {
    this.#quitting = true;
  }

  async start(): Promise<void> {
    const { env, platform, args, paths, layout } = this.#init;
    installAppProtocol(layout.rendererRoot);
    installPermissionHandlers(session.defaultSession);
    const preferences = await readShellPreferences(shellPreferencesPath(paths.config));
    this.#kiosk = args.kiosk ?? preferences.kiosk;

    this.#startAtLogin = createStartAtLogin({
      app,
      platform,
      env,
      execPath: this.#init.execPath ?? process.execPath,
      defaultApp: process.defaultApp === true,
      appPath: app.getAppPath(),
    });
    this.#login = await this.#startAtLogin.read().catch((error: unknown) => {
      log.warn({ err: error }, 'could not read the start-at-login setting');
      return { enabled: false, available: false };
    });

    // The tray comes first ("starting…"): loading the engine (wake-word models, the microphone) takes a moment.
    this.#createTray();

    const shortcuts = new ShortcutRegistry(globalShortcut, { platform, env });
    this.#shortcuts = shortcuts;
    shortcuts.onChange(() => this.#refreshTray());
    let facade: AppFacade;
    try {
      const secretCipher = createSecretCipher({ keyFilePath: join(paths.data, SECRET_KEY_FILE_NAME), platform });
      facade = await this.#init.startAssistantApp({
        paths,
        secretCipher,
        kiosk: this.#kiosk,
        globalShortcut: shortcuts,
        pushToTalkEnvironment: {
          platform,
          env,
          globalShortcut: true,
          spawnHookHost: spawnUtilityHookHost,
          ...(platform === 'darwin' ? { accessibilityTrusted: systemPreferences.isTrustedAccessibilityClient(false) } : {}),
        },
      });
    } catch (error) {
      const message = toAssistantError(error).message;
      log.fatal({ error: message }, 'the engine could not start');
      dialog.showErrorBox('Hearth could not start', message);
      this.#shutDown = true;
      app.exit(1);
      return;
    }
    this.#facade = facade;

    const binder = new IpcBinder(facade);
    binder.bind();
    this.#binder = binder;
    this.#windows = new WindowManager({
      preloadPath: layout.preloadPath,
      iconPath: layout.appIconPath,
      platform,
      isQuitting: () => this.#quitting,
      onCreated: (contents) => binder.track(contents),
    });

    this.#screen = new ScreenKeeper({ powerSaveBlocker, platform, env, kiosk: () => this.#kiosk });

    this.#status = facade.status();
    this.#offEvents = facade.onEvent((channel, payload) => this.#onAppEvent(channel, payload));
    this.#onStatus(this.#status);

    // Opened started at login: stay in the tray (a kiosk always shows itself).
    const atLogin = args.hidden || (platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin);
    this.#windows.open(this.#kiosk ? 'kiosk' : 'normal', this.#kiosk || !atLogin);

    const pending = this.#pendingSecondInstance;
    this.#pendingSecondInstance = undefined;
    if (pending) this.onSecondInstance(pending);
  }

  onSecondInstance(args: ShellArgs): void {
    if (!this.#windows) {
      this.#pendingSecondInstance = args;
      return;
    }
    if (args.kiosk !== undefined && args.kiosk !== this.#kiosk) void this.setKiosk(args.kiosk);
    else this.showWindow();
  }

  showWindow(section?: 'settings'): void {
    if (this.#windows) this.#windows.show(section);
    else this.#pendingSecondInstance = { hidden: false };
  }

  async setKiosk(on: boolean): Promise<void> {
    this.#kiosk = on;
    this.#windows?.setMode(on ? 'kiosk' : 'normal');
    this.#refreshTray();
    try {
      await writeShellPreferences(shellPreferencesPath(this.#init.paths.config), { kiosk: on });
      if (this.#login.enabled && this.#startAtLogin) this.#login = await this.#startAtLogin.write(true, { kiosk: on });
    } catch (error) {
      log.warn({ err: error }, 'could not save the kiosk setting');
    }
    this.#refreshTray();
  }

  async setStartAtLogin(enabled: boolean): Promise<void> {
    if (!this.#startAtLogin) return;
    try {
      this.#login = await this.#startAtLogin.write(enabled, { kiosk: this.#kiosk });
    } catch (error) {
      log.warn({ err: error }, 'could not change start at login');
    }
    this.#refreshTray();
  }

  /** Stops everything the shell started, then the engine (at most shutdownTimeoutMs). Idempotent. */
  shutdown(): Promise<void> {
    this.#quitting = true;
    this.#shutdown ??= (async () => {
      this.#offEvents?.();
      this.#screen?.dispose();
      this.#binder?.dispose();
      this.#tray?.destroy();
      if (this.#facade) {
        const limit = this.#init.shutdownTimeoutMs ?? 5000;
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<void>((resolve) => {
          timer = setTimeout(() => {
            log.warn({ limitMs: limit }, 'the engine did not shut down in time; quitting anyway');
            resolve();
          }, limit);
        });
        await Promise.race([
          this.#facade.shutdown().catch((error: unknown) => log.error({ err: error }, 'engine shutdown failed')),
          timeout,
        ]);
        clearTimeout(timer);
      }
      // The engine's push-to-talk released its hotkey; make sure nothing of ours outlives the app (through
      // Electron, not the registry, whose changes would refresh the tray destroyed above).
      globalShortcut.unregisterAll();
      this.#shutDown = true;
    })();
    return this.#shutdown;
  }

  #actions(): Record<TrayAction, () => void> {
    const facade = (): AppFacade | undefined => this.#facade;
    return {
      talk: () => facade()?.startConversation('menu'),
      stop: () => facade()?.stopConversation(),
      'toggle-mute': () => {
        const f = facade();
        if (f) void f.setMuted(!f.muted).catch((error: unknown) => log.warn({ err: error }, 'could not change mute'));
      },
      open: () => this.showWindow(),
      settings: () => this.showWindow('settings'),
      'toggle-kiosk': () => void this.setKiosk(!this.#kiosk),
      'toggle-start-at-login': () => void this.setStartAtLogin(!this.#login.enabled),
      quit: () => {
        this.#quitting = true;
        app.quit();
      },
    };
  }

  #model(): TrayModel {
    let status = this.#status;
    // A refused hotkey: the plain sentence instead of push-to-talk's longer explanation.
    const taken = status?.pushToTalk.note !== undefined ? this.#shortcuts?.takenNote(status.pushToTalk.hotkey) : undefined;
    if (status && taken !== undefined) status = { ...status, pushToTalk: { ...status.pushToTalk, note: taken } };
    return trayModel({ status, kiosk: this.#kiosk, startAtLogin: this.#login, platform: this.#init.platform });
  }

  #createTray(): void {
    const actions = this.#actions();
    const guarded = Object.fromEntries(
      Object.entries(actions).map(([id, action]) => [
        id,
        () => {
          try {
            action();
          } catch (error) {
            log.error({ err: error, action: id }, 'a tray action failed');
          }
        },
      ]),
    ) as Record<TrayAction, () => void>;
    try {
      this.#tray = new TrayController({
        iconDir: this.#init.layout.trayIconDir,
        platform: this.#init.platform,
        actions: guarded,
        initial: this.#model(),
      });
    } catch (error) {
      // Some Linux desktops have no tray; the window (and kiosk mode) work without it.
      log.warn({ err: error }, 'no tray icon on this desktop');
    }
  }

  #refreshTray(): void {
    this.#tray?.update(this.#model());
  }

  #onStatus(status: StatusView): void {
    this.#status = status;
    this.#refreshTray();
    this.#screen?.onStatus(status);
  }

  #onAppEvent(channel: EventChannel, payload: unknown): void {
    if (channel === 'status:changed') {
      this.#onStatus((payload as EventChannels['status:changed']).status);
    }
  }
}
