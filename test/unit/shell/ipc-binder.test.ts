import { beforeEach, describe, expect, it, vi } from 'vitest';
import { EVENT_CHANNELS, INVOKE_CHANNELS, SEND_CHANNELS } from '../../../preload/contract/channels.js';
import { AUDIO_PORT_CHANNEL } from '../../../preload/contract/types.js';
import { AppError } from '../../../main/util/errors.js';
import {
  FakeBrowserWindow,
  FakeMessageChannelMain,
  FakeWebContents,
  FakeWebFrameMain,
  fakeElectron,
  resetFakeElectron,
} from '../../fakes/fake-electron.js';
import { FakeAppFacade } from '../../fakes/fake-app-facade.js';

vi.mock('electron', async () => (await import('../../fakes/fake-electron.js')).fakeElectron);

const { IpcBinder, isPlainData } = await import('../../../main/shell/ipc-binder.js');

const PAGE = 'app://hearth/index.html';

function setup() {
  const app = new FakeAppFacade();
  const binder = new IpcBinder(app);
  binder.bind();
  const contents = new FakeWebContents();
  binder.track(contents as unknown as Electron.WebContents);
  contents.finishLoad(PAGE);
  return { app, binder, contents, ipc: fakeElectron.ipcMain };
}

beforeEach(() => resetFakeElectron());

describe('IpcBinder: registration', () => {
  it('handles exactly the contract channels, nothing else', () => {
    const { ipc } = setup();
    expect([...ipc.handlers.keys()].sort()).toEqual(Object.keys(INVOKE_CHANNELS).sort());
    for (const channel of Object.keys(SEND_CHANNELS)) expect(ipc.listenerCount(channel)).toBe(1);
  });

  it('refuses an unknown channel: no handler in ipcMain, and the dispatcher answers an error envelope', async () => {
    const { ipc, binder, contents, app } = setup();
    await expect(ipc.invoke('shell:run', contents.ipcEvent(), 'rm -rf /')).rejects.toThrow(/No handler registered/);
    const result = await binder.handleInvoke(contents.ipcEvent(), 'shell:run', []);
    expect(result).toMatchObject({ ok: false, error: { code: 'ipc_unknown_channel', category: 'invalid_request' } });
    expect(app.invocations).toEqual([]);
  });

  it('dispose removes every handler and listener and stops forwarding events', () => {
    const { ipc, binder, app } = setup();
    binder.dispose();
    expect(ipc.handlers.size).toBe(0);
    for (const channel of Object.keys(SEND_CHANNELS)) expect(ipc.listenerCount(channel)).toBe(0);
    expect(app.listenerCount).toBe(0);
    expect(binder.trackedCount).toBe(0);
  });
});

describe('IpcBinder: invoke', () => {
  it('passes a trusted call with plain arguments to the app and returns its envelope', async () => {
    const { ipc, contents, app } = setup();
    app.answer = async () => ({ ok: true, value: { saved: true } });
    const result = await ipc.invoke('mic:set-muted', contents.ipcEvent(), { muted: true });
    expect(result).toEqual({ ok: true, value: { saved: true } });
    expect(app.invocations).toEqual([{ channel: 'mic:set-muted', args: [{ muted: true }] }]);
  });

  it('refuses a sender that is not one of our windows', async () => {
    const { ipc, app } = setup();
    const stranger = new FakeWebContents();
    stranger.finishLoad(PAGE);
    const result = await ipc.invoke('state:get', stranger.ipcEvent());
    expect(result).toMatchObject({ ok: false, error: { code: 'ipc_untrusted_sender', category: 'authorization', permanent: true } });
    expect(app.invocations).toEqual([]);
  });

  it('refuses our window when it shows a foreign page, a sub-frame or a vanished frame', async () => {
    const { ipc, contents, app } = setup();
    contents.mainFrame.url = 'https://evil.example/';
    expect(await ipc.invoke('state:get', contents.ipcEvent())).toMatchObject({ ok: false, error: { code: 'ipc_untrusted_sender' } });
    contents.mainFrame.url = 'file:///etc/passwd';
    expect(await ipc.invoke('state:get', contents.ipcEvent())).toMatchObject({ ok: false, error: { code: 'ipc_untrusted_sender' } });
    contents.mainFrame.url = 'app://evil/index.html';
    expect(await ipc.invoke('state:get', contents.ipcEvent())).toMatchObject({ ok: false, error: { code: 'ipc_untrusted_sender' } });
    contents.mainFrame.url = PAGE;
    const child = new FakeWebFrameMain(PAGE, contents.mainFrame);
    expect(await ipc.invoke('state:get', contents.ipcEvent(child))).toMatchObject({ ok: false, error: { code: 'ipc_untrusted_sender' } });
    expect(await ipc.invoke('state:get', contents.ipcEvent(null))).toMatchObject({ ok: false, error: { code: 'ipc_untrusted_sender' } });
    expect(app.invocations).toEqual([]);
  });

  it('refuses a window that was closed', async () => {
    const { ipc, contents, binder } = setup();
    const event = contents.ipcEvent();
    contents.destroy();
    expect(binder.trackedCount).toBe(0);
    expect(await ipc.invoke('state:get', event)).toMatchObject({ ok: false, error: { code: 'ipc_untrusted_sender' } });
  });

  it('refuses arguments that are not plain data or of the wrong count', async () => {
    const { ipc, contents, app } = setup();
    const cases: unknown[][] = [
      [new Date()],
      [{ muted: new Map() }],
      [{ value: new Uint8Array(4) }],
      [{ n: Number.NaN }],
      [JSON.parse('{"__proto__": {"polluted": true}}')],
      [{ a: 1 }, { b: 2 }],
      [],
    ];
    for (const args of cases) {
      const result = await ipc.invoke('mic:set-muted', contents.ipcEvent(), ...args);
      expect(result, JSON.stringify(args)).toMatchObject({ ok: false, error: { code: 'ipc_invalid_arguments' } });
    }
    expect(await ipc.invoke('state:get', contents.ipcEvent(), 'extra')).toMatchObject({
      ok: false,
      error: { code: 'ipc_invalid_arguments' },
    });
    expect(app.invocations).toEqual([]);
  });

  it('turns an exception into an error envelope, never a rejected promise', async () => {
    const { ipc, contents, app } = setup();
    app.answer = async () => {
      throw new AppError('Home Assistant is not reachable right now.', { category: 'connectivity', code: 'ha_unreachable' });
    };
    await expect(ipc.invoke('ha:test-connection', contents.ipcEvent(), { url: 'http://ha.local:8123' })).resolves.toEqual({
      ok: false,
      error: {
        name: 'AppError',
        source: 'app',
        category: 'connectivity',
        permanent: false,
        message: 'Home Assistant is not reachable right now.',
        code: 'ha_unreachable',
      },
    });
    app.answer = () => {
      throw new TypeError('boom');
    };
    const result = await ipc.invoke('state:get', contents.ipcEvent());
    expect(result).toMatchObject({ ok: false, error: { message: 'boom' } });
  });

  it('refuses an answer that is not an InvokeResult', async () => {
    const { ipc, contents, app } = setup();
    app.answer = async () => 'raw' as never;
    expect(await ipc.invoke('state:get', contents.ipcEvent())).toMatchObject({ ok: false, error: { code: 'ipc_bad_result' } });
  });
});

describe('IpcBinder: send channels', () => {
  it('passes trusted messages and drops the rest', () => {
    const { ipc, contents, app } = setup();
    ipc.sendFromRenderer('audio:ready', contents.ipcEvent(), { sampleRate: 48_000 });
    const stranger = new FakeWebContents();
    stranger.finishLoad(PAGE);
    ipc.sendFromRenderer('audio:ready', stranger.ipcEvent(), { sampleRate: 48_000 });
    ipc.sendFromRenderer('audio:ready', contents.ipcEvent(), { sampleRate: new Date() });
    ipc.sendFromRenderer('audio:ready', contents.ipcEvent());
    expect(app.sends).toEqual([{ channel: 'audio:ready', args: [{ sampleRate: 48_000 }] }]);
  });
});

describe('IpcBinder: events', () => {
  it('forwards contract events to every live window of ours, dropping destroyed and crashed ones', () => {
    const { app, binder, contents } = setup();
    const second = new FakeWebContents();
    const gone = new FakeWebContents();
    const crashed = new FakeWebContents();
    const stranger = new FakeWebContents();
    for (const c of [second, gone, crashed]) binder.track(c as unknown as Electron.WebContents);
    gone.destroyed = true;
    crashed.crashed = true;
    app.emit('mic:level', { rmsDbfs: -30, peak: 0.1 });
    expect(contents.sent).toEqual([{ channel: 'mic:level', args: [{ rmsDbfs: -30, peak: 0.1 }] }]);
    expect(second.sent).toHaveLength(1);
    expect(gone.sent).toEqual([]);
    expect(crashed.sent).toEqual([]);
    expect(stranger.sent).toEqual([]);
  });

  it('does not forward events outside the contract', () => {
    const { app, contents } = setup();
    app.emit('secrets:leak', { key: 'sk-…' });
    expect(contents.sent).toEqual([]);
    for (const channel of Object.keys(EVENT_CHANNELS)) app.emit(channel, {});
    expect(contents.sent.map((s) => s.channel)).toEqual(Object.keys(EVENT_CHANNELS));
  });
});

describe('IpcBinder: audio port', () => {
  it('hands each page load a fresh MessagePort and attaches the other end to the app', async () => {
    const { app, contents } = setup();
    expect(FakeMessageChannelMain.instances).toHaveLength(1);
    const [channel] = FakeMessageChannelMain.instances;
    expect(contents.posted).toEqual([{ channel: AUDIO_PORT_CHANNEL, message: null, transfer: [channel!.port2] }]);
    expect(app.ports).toHaveLength(1);
    expect(channel!.fakePort1.started).toBe(true);

    // The worklet's messages reach the app's player port.
    const received: unknown[] = [];
    app.ports[0]!.onMessage((message) => received.push(message));
    channel!.fakePort2.postMessage({ type: 'underrun', count: 1 });
    await Promise.resolve();
    expect(received).toEqual([{ type: 'underrun', count: 1 }]);

    // Reload: the old port is detached and closed, a new one attached.
    contents.finishLoad();
    expect(app.detached).toEqual([app.ports[0]]);
    expect(app.ports).toHaveLength(2);
    expect(FakeMessageChannelMain.instances).toHaveLength(2);
    expect(contents.posted).toHaveLength(2);
  });

  it('detaches when the page crashes or the window is destroyed', () => {
    const { app, contents } = setup();
    contents.crash();
    expect(app.detached).toHaveLength(1);
    contents.finishLoad();
    expect(app.ports).toHaveLength(2);
    contents.destroy();
    expect(app.detached).toHaveLength(2);
  });

  it('works with a real BrowserWindow-shaped fake', async () => {
    const app = new FakeAppFacade();
    const binder = new IpcBinder(app);
    binder.bind();
    const win = new FakeBrowserWindow();
    binder.track(win.webContents as unknown as Electron.WebContents);
    await win.loadURL(PAGE);
    expect(app.ports).toHaveLength(1);
    await win.loadURL(`${PAGE}#settings`);
    expect(app.ports).toHaveLength(1);
    win.destroy();
    expect(app.detached).toHaveLength(1);
  });
});

describe('isPlainData', () => {
  it('accepts JSON-like values', () => {
    expect(isPlainData([{ a: [1, 'x', true, null, { b: -0.5 }] }, Object.create(null)])).toBe(true);
  });
  it('rejects everything else', () => {
    for (const value of [undefined, () => 1, Symbol('s'), 10n, new ArrayBuffer(2), new Set(), new (class Thing {})(), Infinity]) {
      expect(isPlainData([value]), String(typeof value)).toBe(false);
    }
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(isPlainData([cyclic])).toBe(false);
    let deep: unknown = 1;
    for (let i = 0; i < 20; i++) deep = [deep];
    expect(isPlainData([deep])).toBe(false);
    expect(isPlainData(['x'.repeat(1_000_001)])).toBe(false);
    expect(isPlainData([{ [Symbol('k')]: 1 }])).toBe(false);
  });
});
