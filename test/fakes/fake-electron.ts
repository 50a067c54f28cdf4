/**
 * A hand-written fake of the few Electron main-process APIs main/shell uses, for Node tests:
 *
 *   vi.mock('electron', async () => (await import('../../fakes/fake-electron.js')).fakeElectron);
 *
 * Each fake declares `implements Pick<Electron.X, …>` for the methods it fakes, so a signature change in
 * electron.d.ts breaks this file at compile time instead of silently diverging. The global `Electron`
 * namespace comes from electron.d.ts (type-only; nothing here loads the real module). Event methods come
 * from Node's EventEmitter; tests drive events with the helpers (`finishLoad`, `invoke`, `press`…).
 */
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { PassThrough } from 'node:stream';

/** An Electron-style event: `preventDefault()` is recorded. */
export class FakeEvent {
  defaultPrevented = false;
  constructor(readonly url = '') {}
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Frames, webContents, windows

export class FakeWebFrameMain {
  constructor(
    public url: string,
    public parent: FakeWebFrameMain | null = null,
  ) {}
}

let nextContentsId = 1;

export class FakeWebContents
  extends EventEmitter
  implements
    Pick<Electron.WebContents, 'id' | 'send' | 'postMessage' | 'isDestroyed' | 'isCrashed' | 'getURL' | 'reload' | 'setWindowOpenHandler'>
{
  readonly id = nextContentsId++;
  readonly sent: Array<{ channel: string; args: unknown[] }> = [];
  readonly posted: Array<{ channel: string; message: unknown; transfer: Electron.MessagePortMain[] }> = [];
  readonly mainFrame = new FakeWebFrameMain('');
  windowOpenHandler: ((details: Electron.HandlerDetails) => Electron.WindowOpenHandlerResponse) | undefined;
  destroyed = false;
  crashed = false;
  reloads = 0;

  send(channel: string, ...args: any[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    this.sent.push({ channel, args });
  }

  postMessage(channel: string, message: any, transfer: Electron.MessagePortMain[] = []): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    this.posted.push({ channel, message, transfer });
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  isCrashed(): boolean {
    return this.crashed;
  }

  getURL(): string {
    return this.mainFrame.url;
  }

  reload(): void {
    this.reloads++;
    this.crashed = false;
    this.emit('did-finish-load');
  }

  setWindowOpenHandler(handler: (details: Electron.HandlerDetails) => Electron.WindowOpenHandlerResponse): void {
    this.windowOpenHandler = handler;
  }

  // --- test helpers ---
  /** A page finished loading at `url` (the audio port is handed over on this). */
  finishLoad(url = this.mainFrame.url): void {
    this.mainFrame.url = url;
    this.emit('did-finish-load');
  }

  crash(reason: Electron.RenderProcessGoneDetails['reason'] = 'crashed'): void {
    this.crashed = true;
    this.emit('render-process-gone', new FakeEvent(), { reason, exitCode: 1 });
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.emit('destroyed');
  }

  /** Simulates a renderer-initiated navigation; returns whether it was prevented. */
  navigate(url: string): boolean {
    const event = new FakeEvent(url);
    this.emit('will-navigate', event, url);
    return event.defaultPrevented;
  }

  /** What an IPC event from this page's main frame (or a given frame) looks like. */
  ipcEvent(frame: FakeWebFrameMain | null = this.mainFrame): Electron.IpcMainInvokeEvent & Electron.IpcMainEvent {
    return { sender: this, senderFrame: frame, frameId: 1, processId: 1, type: 'frame' } as unknown as Electron.IpcMainInvokeEvent &
      Electron.IpcMainEvent;
  }
}

function sameDocument(from: string, to: string): boolean {
  if (from === '') return false;
  const a = new URL(from);
  const b = new URL(to);
  a.hash = '';
  b.hash = '';
  return a.toString() === b.toString() && new URL(to).hash !== '';
}

export class FakeBrowserWindow
  extends EventEmitter
  implements
    Pick<
      Electron.BrowserWindow,
      'loadURL' | 'show' | 'hide' | 'focus' | 'isDestroyed' | 'destroy' | 'isMinimized' | 'restore' | 'isVisible' | 'close'
    >
{
  static instances: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  readonly loaded: string[] = [];
  visible = false;
  minimized = false;
  destroyed = false;
  focused = 0;

  constructor(readonly options: Electron.BrowserWindowConstructorOptions = {}) {
    super();
    FakeBrowserWindow.instances.push(this);
  }

  async loadURL(url: string): Promise<void> {
    this.loaded.push(url);
    const inPage = sameDocument(this.webContents.mainFrame.url, url);
    this.webContents.mainFrame.url = url;
    await Promise.resolve();
    if (this.destroyed) return;
    if (inPage) {
      this.webContents.emit('did-navigate-in-page', new FakeEvent(), url, true);
      return;
    }
    this.webContents.emit('did-finish-load');
    this.emit('ready-to-show');
  }

  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
  }
  focus(): void {
    this.focused++;
  }
  isVisible(): boolean {
    return this.visible;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  restore(): void {
    this.minimized = false;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  close(): void {
    const event = new FakeEvent();
    this.emit('close', event);
    if (!event.defaultPrevented) this.destroy();
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.visible = false;
    this.webContents.destroy();
    this.emit('closed');
  }
}

// ---------------------------------------------------------------------------------------------------------
// IPC and message ports

type InvokeListener = (event: Electron.IpcMainInvokeEvent, ...args: any[]) => Promise<any> | any;

export class FakeIpcMain extends EventEmitter implements Pick<Electron.IpcMain, 'handle' | 'removeHandler'> {
  readonly handlers = new Map<string, InvokeListener>();

  handle(channel: string, listener: InvokeListener): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }

  /** What ipcRenderer.invoke does: Electron rejects when no handler is registered. */
  async invoke(channel: string, event: Electron.IpcMainInvokeEvent, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`);
    return handler(event, ...args);
  }

  /** What ipcRenderer.send does. */
  sendFromRenderer(channel: string, event: Electron.IpcMainEvent, ...args: unknown[]): void {
    this.emit(channel, event, ...args);
  }
}

export class FakeMessagePortMain extends EventEmitter implements Pick<Electron.MessagePortMain, 'postMessage' | 'start' | 'close'> {
  peer: FakeMessagePortMain | undefined;
  started = false;
  closed = false;

  postMessage(message: any): void {
    if (this.closed) return;
    const peer = this.peer;
    if (peer && !peer.closed) queueMicrotask(() => peer.emit('message', { data: message, ports: [] }));
  }
  start(): void {
    this.started = true;
  }
  close(): void {
    this.closed = true;
    this.emit('close');
  }
}

export class FakeMessageChannelMain implements Pick<Electron.MessageChannelMain, 'port1' | 'port2'> {
  static instances: FakeMessageChannelMain[] = [];
  readonly port1: Electron.MessagePortMain;
  readonly port2: Electron.MessagePortMain;
  readonly fakePort1 = new FakeMessagePortMain();
  readonly fakePort2 = new FakeMessagePortMain();

  constructor() {
    this.fakePort1.peer = this.fakePort2;
    this.fakePort2.peer = this.fakePort1;
    this.port1 = this.fakePort1 as unknown as Electron.MessagePortMain;
    this.port2 = this.fakePort2 as unknown as Electron.MessagePortMain;
    FakeMessageChannelMain.instances.push(this);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Protocol, session, shell

type ProtocolHandler = (request: Request) => Response | Promise<Response>;

export class FakeProtocol implements Pick<Electron.Protocol, 'registerSchemesAsPrivileged' | 'handle'> {
  readonly privileged: Electron.CustomScheme[] = [];
  readonly handlers = new Map<string, ProtocolHandler>();

  registerSchemesAsPrivileged(schemes: Electron.CustomScheme[]): void {
    this.privileged.push(...schemes);
  }
  handle(scheme: string, handler: ProtocolHandler): void {
    this.handlers.set(scheme, handler);
  }
  /** A request the renderer would make. */
  async fetch(url: string, init?: RequestInit): Promise<Response> {
    const handler = this.handlers.get(new URL(url).protocol.replace(/:$/, ''));
    if (!handler) throw new Error(`no handler for ${url}`);
    return handler(new Request(url, init));
  }
}

type PermissionRequestHandler = Parameters<Electron.Session['setPermissionRequestHandler']>[0];
type PermissionCheckHandler = Parameters<Electron.Session['setPermissionCheckHandler']>[0];
type DevicePermissionHandler = Parameters<Electron.Session['setDevicePermissionHandler']>[0];

export class FakeSession implements Pick<
  Electron.Session,
  'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'
> {
  requestHandler: PermissionRequestHandler = null;
  checkHandler: PermissionCheckHandler = null;
  deviceHandler: DevicePermissionHandler = null;

  setPermissionRequestHandler(handler: PermissionRequestHandler): void {
    this.requestHandler = handler;
  }
  setPermissionCheckHandler(handler: PermissionCheckHandler): void {
    this.checkHandler = handler;
  }
  setDevicePermissionHandler(handler: DevicePermissionHandler): void {
    this.deviceHandler = handler;
  }
}

export class FakeShell implements Pick<Electron.Shell, 'openExternal'> {
  readonly opened: string[] = [];
  async openExternal(url: string): Promise<void> {
    this.opened.push(url);
  }
}

// ---------------------------------------------------------------------------------------------------------
// safeStorage

export class FakeSafeStorage implements Pick<
  Electron.SafeStorage,
  'encryptString' | 'decryptString' | 'isEncryptionAvailable' | 'getSelectedStorageBackend' | 'setUsePlainTextEncryption'
> {
  backend: ReturnType<Electron.SafeStorage['getSelectedStorageBackend']> = 'gnome_libsecret';
  available = true;
  plainText = false;

  encryptString(plainText: string): Buffer {
    if (!this.isEncryptionAvailable())
      throw new Error('Error while encrypting the text provided to safeStorage.encryptString. Encryption is not available.');
    return Buffer.concat([Buffer.from(this.plainText ? 'v10' : 'v11'), Buffer.from(plainText, 'utf8').map((b) => b ^ 0x5a)]);
  }
  decryptString(encrypted: Buffer): string {
    const prefix = encrypted.subarray(0, 3).toString();
    if (prefix !== 'v10' && prefix !== 'v11')
      throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    return Buffer.from(encrypted.subarray(3).map((b) => b ^ 0x5a)).toString('utf8');
  }
  isEncryptionAvailable(): boolean {
    return this.available || (this.plainText && this.backend === 'basic_text');
  }
  getSelectedStorageBackend(): ReturnType<Electron.SafeStorage['getSelectedStorageBackend']> {
    return this.backend;
  }
  setUsePlainTextEncryption(usePlainText: boolean): void {
    this.plainText = usePlainText;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Tray, Menu, nativeImage

export class FakeNativeImage implements Pick<Electron.NativeImage, 'isEmpty'> {
  constructor(readonly path: string) {}
  isEmpty(): boolean {
    return !existsSync(this.path);
  }
}

export const fakeNativeImage = {
  createFromPath: (path: string): Electron.NativeImage => new FakeNativeImage(path) as unknown as Electron.NativeImage,
};

export class FakeMenu {
  constructor(readonly template: Array<Electron.MenuItemConstructorOptions | Electron.MenuItem>) {}
  static buildFromTemplate(template: Array<Electron.MenuItemConstructorOptions | Electron.MenuItem>): Electron.Menu {
    return new FakeMenu(template) as unknown as Electron.Menu;
  }
  /** Clicks the item with this id, as Electron would. */
  click(id: string): void {
    const item = this.template.find((entry) => entry.id === id) as Electron.MenuItemConstructorOptions | undefined;
    if (!item?.click) throw new Error(`no menu item ${id}`);
    item.click({} as Electron.MenuItem, undefined, {} as Electron.KeyboardEvent);
  }
}

export class FakeTray
  extends EventEmitter
  implements Pick<Electron.Tray, 'setImage' | 'setToolTip' | 'setContextMenu' | 'destroy' | 'isDestroyed'>
{
  static instances: FakeTray[] = [];
  image: FakeNativeImage;
  tooltip = '';
  menu: FakeMenu | null = null;
  menuBuilds = 0;
  destroyed = false;

  constructor(image: Electron.NativeImage | string) {
    super();
    this.image = typeof image === 'string' ? new FakeNativeImage(image) : (image as unknown as FakeNativeImage);
    FakeTray.instances.push(this);
  }
  setImage(image: Electron.NativeImage | string): void {
    this.image = typeof image === 'string' ? new FakeNativeImage(image) : (image as unknown as FakeNativeImage);
  }
  setToolTip(toolTip: string): void {
    this.tooltip = toolTip;
  }
  setContextMenu(menu: Electron.Menu | null): void {
    this.menu = menu as unknown as FakeMenu | null;
    this.menuBuilds++;
  }
  destroy(): void {
    this.destroyed = true;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

// ---------------------------------------------------------------------------------------------------------
// globalShortcut, powerSaveBlocker, app, dialog, systemPreferences

export class FakeGlobalShortcut implements Pick<Electron.GlobalShortcut, 'register' | 'unregister' | 'unregisterAll' | 'isRegistered'> {
  /** Accelerators "held by another application": register returns false. */
  readonly taken = new Set<string>();
  readonly callbacks = new Map<string, () => void>();

  register(accelerator: string, callback: () => void): boolean {
    if (this.taken.has(accelerator) || this.callbacks.has(accelerator)) return false;
    this.callbacks.set(accelerator, callback);
    return true;
  }
  unregister(accelerator: string): void {
    this.callbacks.delete(accelerator);
  }
  unregisterAll(): void {
    this.callbacks.clear();
  }
  isRegistered(accelerator: string): boolean {
    return this.callbacks.has(accelerator);
  }
  press(accelerator: string): void {
    this.callbacks.get(accelerator)?.();
  }
}

export class FakePowerSaveBlocker implements Pick<Electron.PowerSaveBlocker, 'start' | 'stop' | 'isStarted'> {
  readonly active = new Map<number, string>();
  started = 0;
  #next = 1;
  start(type: 'prevent-app-suspension' | 'prevent-display-sleep'): number {
    const id = this.#next++;
    this.active.set(id, type);
    this.started++;
    return id;
  }
  stop(id: number): boolean {
    return this.active.delete(id);
  }
  isStarted(id: number): boolean {
    return this.active.has(id);
  }
}

type LoginItemCall = Electron.Settings;

export class FakeApp
  extends EventEmitter
  implements
    Pick<
      Electron.App,
      | 'requestSingleInstanceLock'
      | 'quit'
      | 'exit'
      | 'whenReady'
      | 'setPath'
      | 'getPath'
      | 'getAppPath'
      | 'setLoginItemSettings'
      | 'getLoginItemSettings'
      | 'setAppUserModelId'
    >
{
  gotLock = true;
  quits = 0;
  exitCode: number | undefined;
  readonly paths = new Map<string, string>();
  readonly switches: Array<[string, string | undefined]> = [];
  readonly loginItemCalls: LoginItemCall[] = [];
  loginItems = new Map<string, boolean>();
  loginStatus: Electron.LoginItemSettings['status'] = 'not-registered';
  wasOpenedAtLogin = false;
  appUserModelId: string | undefined;
  readonly commandLine = {
    appendSwitch: (name: string, value?: string): void => {
      this.switches.push([name, value]);
    },
  };

  setAppUserModelId(id: string): void {
    this.appUserModelId = id;
  }
  requestSingleInstanceLock(): boolean {
    return this.gotLock;
  }
  /** Like Electron: before-quit, then will-quit (which may be prevented), then the app would exit. */
  quit(): void {
    this.quits++;
    this.emit('before-quit', new FakeEvent());
    const willQuit = new FakeEvent();
    this.emit('will-quit', willQuit);
    if (!willQuit.defaultPrevented && this.exitCode === undefined) this.exitCode = 0;
  }
  exit(exitCode = 0): void {
    this.exitCode = exitCode;
  }
  whenReady(): Promise<void> {
    return Promise.resolve();
  }
  setPath(name: string, path: string): void {
    this.paths.set(name, path);
  }
  getPath(name: string): string {
    return this.paths.get(name) ?? `/tmp/fake-electron/${name}`;
  }
  getAppPath(): string {
    return '/opt/Hearth/resources/app.asar';
  }
  setLoginItemSettings(settings: Electron.Settings): void {
    this.loginItemCalls.push(settings);
    this.loginItems.set(JSON.stringify([settings.path ?? null, settings.args ?? []]), settings.openAtLogin ?? false);
  }
  getLoginItemSettings(options?: Electron.LoginItemSettingsOptions): Electron.LoginItemSettings {
    const key = JSON.stringify([options?.path ?? null, options?.args ?? []]);
    return {
      openAtLogin: this.loginItems.get(key) ?? false,
      wasOpenedAtLogin: this.wasOpenedAtLogin,
      status: this.loginStatus,
      executableWillLaunchAtLogin: false,
      launchItems: [],
    };
  }
}

export class FakeDialog implements Pick<Electron.Dialog, 'showErrorBox'> {
  readonly errors: Array<{ title: string; content: string }> = [];
  showErrorBox(title: string, content: string): void {
    this.errors.push({ title, content });
  }
}

export class FakeSystemPreferences implements Pick<Electron.SystemPreferences, 'isTrustedAccessibilityClient'> {
  trusted = true;
  isTrustedAccessibilityClient(_prompt: boolean): boolean {
    return this.trusted;
  }
}

// ---------------------------------------------------------------------------------------------------------
// utilityProcess

let nextUtilityPid = 50_000;

/**
 * A utility process that runs nothing: tests read what it was forked with and drive it by hand
 * (`post` = the child's parentPort.postMessage, `write`, `exit`). Like Electron, pid is undefined after exit.
 */
export class FakeUtilityProcess
  extends EventEmitter
  implements Pick<Electron.UtilityProcess, 'pid' | 'kill' | 'postMessage' | 'stdout' | 'stderr'>
{
  static instances: FakeUtilityProcess[] = [];
  pid: number | undefined = nextUtilityPid++;
  readonly stdout: NodeJS.ReadableStream | null;
  readonly stderr: NodeJS.ReadableStream | null;
  readonly posted: unknown[] = [];
  kills = 0;

  constructor(
    readonly modulePath: string,
    readonly args: string[],
    readonly options: Electron.ForkOptions,
  ) {
    super();
    const piped = options.stdio === 'pipe';
    this.stdout = piped ? new PassThrough() : null;
    this.stderr = piped ? new PassThrough() : null;
    FakeUtilityProcess.instances.push(this);
  }

  postMessage(message: any): void {
    this.posted.push(message);
  }

  kill(): boolean {
    this.kills++;
    return true;
  }

  post(message: unknown): void {
    this.emit('message', message);
  }

  write(stream: 'stdout' | 'stderr', text: string): void {
    (this[stream] as PassThrough | null)?.write(text);
  }

  exit(code: number): void {
    this.pid = undefined;
    this.emit('exit', code);
  }
}

export const fakeUtilityProcess = {
  fork(modulePath: string, args: string[] = [], options: Electron.ForkOptions = {}): FakeUtilityProcess {
    return new FakeUtilityProcess(modulePath, args, options);
  },
} satisfies Record<'fork', (...args: Parameters<typeof Electron.UtilityProcess.fork>) => unknown>;

// ---------------------------------------------------------------------------------------------------------
// The module

function createFakeElectron() {
  const ipcMain = new FakeIpcMain();
  const protocol = new FakeProtocol();
  const defaultSession = new FakeSession();
  return {
    app: new FakeApp(),
    BrowserWindow: FakeBrowserWindow,
    MessageChannelMain: FakeMessageChannelMain,
    Menu: FakeMenu,
    Tray: FakeTray,
    nativeImage: fakeNativeImage,
    ipcMain,
    protocol,
    session: { defaultSession },
    shell: new FakeShell(),
    safeStorage: new FakeSafeStorage(),
    globalShortcut: new FakeGlobalShortcut(),
    powerSaveBlocker: new FakePowerSaveBlocker(),
    dialog: new FakeDialog(),
    systemPreferences: new FakeSystemPreferences(),
    utilityProcess: fakeUtilityProcess,
  };
}

export type FakeElectron = ReturnType<typeof createFakeElectron>;

/**
 * The mocked module. `resetFakeElectron()` swaps fresh fakes into this same object; the shell reads
 * `electron.app` & co. through the mock at call time, so it sees the fresh ones.
 */
export const fakeElectron: FakeElectron = createFakeElectron();

/** Fresh fakes for the next test (call in beforeEach). */
export function resetFakeElectron(): void {
  Object.assign(fakeElectron, createFakeElectron());
  FakeBrowserWindow.instances = [];
  FakeMessageChannelMain.instances = [];
  FakeTray.instances = [];
  FakeUtilityProcess.instances = [];
}
