import { describe, expect, it } from 'vitest';
import type { AssistantState, StatusView } from '../../../preload/contract/types.js';
import {
  TOOLTIP_MAX,
  TRAY_ICON_NAMES,
  keywordLabel,
  trayIconName,
  trayModel,
  type TrayIconName,
  type TrayMenuItem,
  type TrayModelInput,
} from '../../../main/shell/tray-model.js';
import { statusView } from '../../fakes/fake-app-facade.js';

const error = {
  name: 'OpenAIRealtimeError',
  source: 'openai',
  category: 'authentication',
  permanent: true,
  message: 'The OpenAI key was refused.',
} as const;

/** Every state the app can report, with the icon and tooltip the tray must show. */
const STATES: Array<{ state: AssistantState; icon: TrayIconName; tooltip: string; active: boolean }> = [
  { state: { kind: 'idle' }, icon: 'idle', tooltip: 'Hearth: ready (press Ctrl+Shift+Space to talk)', active: false },
  { state: { kind: 'listening-for-wake-word' }, icon: 'wake', tooltip: 'Hearth: listening for “hey jarvis”', active: false },
  {
    state: { kind: 'connecting', source: 'wake-word', reconnecting: false },
    icon: 'thinking',
    tooltip: 'Hearth: connecting…',
    active: true,
  },
  { state: { kind: 'connecting', source: 'menu', reconnecting: true }, icon: 'thinking', tooltip: 'Hearth: reconnecting…', active: true },
  { state: { kind: 'conversing', phase: 'listening' }, icon: 'listening', tooltip: 'Hearth: listening to you', active: true },
  { state: { kind: 'conversing', phase: 'user-speaking' }, icon: 'listening', tooltip: 'Hearth: listening to you', active: true },
  { state: { kind: 'conversing', phase: 'thinking' }, icon: 'thinking', tooltip: 'Hearth: thinking…', active: true },
  {
    state: { kind: 'conversing', phase: 'running-tool', tool: 'set_light' },
    icon: 'thinking',
    tooltip: 'Hearth: working on it…',
    active: true,
  },
  { state: { kind: 'conversing', phase: 'assistant-speaking' }, icon: 'speaking', tooltip: 'Hearth: speaking', active: true },
  { state: { kind: 'follow-up' }, icon: 'listening', tooltip: 'Hearth: listening for a follow-up', active: true },
  { state: { kind: 'error', error }, icon: 'error', tooltip: 'Hearth: The OpenAI key was refused.', active: false },
];

function input(status: StatusView | null, patch: Partial<TrayModelInput> = {}): TrayModelInput {
  return { status, kiosk: false, startAtLogin: { enabled: false, available: true }, platform: 'linux', ...patch };
}

function item(items: TrayMenuItem[], id: string) {
  const found = items.find((i) => i.kind === 'item' && i.id === id);
  if (!found || found.kind !== 'item') throw new Error(`no item ${id}`);
  return found;
}

function ids(items: TrayMenuItem[]): string[] {
  return items.map((i) => (i.kind === 'item' ? i.id : '---'));
}

describe('trayModel, for every state', () => {
  for (const { state, icon, tooltip, active } of STATES) {
    it(`${state.kind}${'phase' in state ? `/${state.phase}` : ''}${'reconnecting' in state && state.reconnecting ? '/reconnecting' : ''}`, () => {
      const model = trayModel(input(statusView(state)));
      expect(model.icon).toBe(icon);
      expect(model.iconFile).toBe(`${icon}.png`);
      expect(model.tooltip).toBe(tooltip);
      expect(ids(model.items)).toEqual([
        active ? 'stop' : 'talk',
        'toggle-mute',
        '---',
        'open',
        'settings',
        '---',
        'toggle-kiosk',
        'toggle-start-at-login',
        '---',
        'quit',
      ]);
      const first = item(model.items, active ? 'stop' : 'talk');
      expect(first.enabled).toBe(true);
      expect(first.label).toBe(active ? 'Stop' : 'Talk');
      expect(item(model.items, 'toggle-mute')).toMatchObject({ type: 'checkbox', checked: false, enabled: true });
      expect(item(model.items, 'quit')).toMatchObject({ label: 'Quit Hearth', enabled: true });
    });
  }

  it('covers every icon', () => {
    const used = new Set([...STATES.map((s) => s.icon), trayIconName(statusView({ kind: 'idle' }, { muted: true }))]);
    expect([...used].sort()).toEqual([...TRAY_ICON_NAMES].sort());
  });
});

describe('trayModel, switches and notes', () => {
  it('muted: the muted icon, Talk disabled, the checkbox checked', () => {
    const model = trayModel(input(statusView({ kind: 'idle' }, { muted: true })));
    expect(model.icon).toBe('muted');
    expect(model.tooltip).toBe('Hearth: microphone muted');
    expect(item(model.items, 'talk')).toMatchObject({ enabled: false, label: 'Talk (microphone muted)' });
    expect(item(model.items, 'toggle-mute')).toMatchObject({ checked: true });
  });

  it('an error outranks muted', () => {
    expect(trayIconName(statusView({ kind: 'error', error }, { muted: true }))).toBe('error');
  });

  it('before the engine has started: idle, "starting…", nothing to talk to yet', () => {
    const model = trayModel(input(null));
    expect(model.icon).toBe('idle');
    expect(model.tooltip).toBe('Hearth: starting…');
    expect(item(model.items, 'talk').enabled).toBe(false);
    expect(item(model.items, 'toggle-mute').enabled).toBe(false);
    expect(item(model.items, 'open').enabled).toBe(true);
  });

  it('kiosk and start at login are checkboxes reflecting their state', () => {
    const model = trayModel(input(statusView(), { kiosk: true, startAtLogin: { enabled: true, available: true } }));
    expect(item(model.items, 'toggle-kiosk')).toMatchObject({ type: 'checkbox', checked: true, label: 'Kiosk mode' });
    expect(item(model.items, 'toggle-start-at-login')).toMatchObject({
      type: 'checkbox',
      checked: true,
      enabled: true,
      label: 'Start at login',
    });
    const unavailable = trayModel(input(statusView(), { startAtLogin: { enabled: false, available: false } }));
    expect(item(unavailable.items, 'toggle-start-at-login').enabled).toBe(false);
  });

  it('shows the hotkey next to Talk, but not a hook-only key or one with a problem', () => {
    const talk = (pushToTalk: StatusView['pushToTalk']) =>
      item(trayModel(input(statusView({ kind: 'idle' }, { pushToTalk }))).items, 'talk');
    expect(talk({ hotkey: 'CommandOrControl+Shift+Space', mode: 'toggle' }).accelerator).toBe('CommandOrControl+Shift+Space');
    expect(talk({ hotkey: 'RightAlt', mode: 'hold' }).accelerator).toBeUndefined();
    expect(talk({ hotkey: '', mode: 'toggle' }).accelerator).toBeUndefined();
    expect(talk({ hotkey: 'Ctrl+Shift+Space', mode: 'toggle', note: 'taken' }).accelerator).toBeUndefined();
  });

  it('adds notes (push-to-talk, start at login) to the tooltip', () => {
    const model = trayModel(
      input(
        statusView({ kind: 'idle' }, { pushToTalk: { hotkey: 'Ctrl+Shift+Space', mode: 'toggle', note: 'Ctrl+Shift+Space is taken.' } }),
        { startAtLogin: { enabled: true, available: true, note: 'Allow Hearth in Login Items.' } },
      ),
    );
    expect(model.tooltip).toBe('Hearth: ready\nCtrl+Shift+Space is taken.\nAllow Hearth in Login Items.');
  });

  it('keeps the tooltip within what Windows shows', () => {
    const long = { ...error, message: 'x'.repeat(400) };
    const model = trayModel(input(statusView({ kind: 'error', error: long })));
    expect(model.tooltip.length).toBe(TOOLTIP_MAX);
    expect(model.tooltip.endsWith('…')).toBe(true);
  });

  it('uses template images on macOS and names the keys the macOS way', () => {
    const model = trayModel(input(statusView({ kind: 'idle' }), { platform: 'darwin' }));
    expect(model.iconFile).toBe('idleTemplate.png');
    expect(model.tooltip).toBe('Hearth: ready (press Cmd+Shift+Space to talk)');
  });

  it('lists several wake words and custom models readably', () => {
    const status = statusView(
      { kind: 'listening-for-wake-word' },
      { wakeWord: { engine: 'porcupine', keywords: ['jarvis', '/models/Hey-Kitchen_en_linux_v3_0_0.ppn'] } },
    );
    expect(trayModel(input(status)).tooltip).toBe('Hearth: listening for “jarvis” or “Hey Kitchen”');
    expect(keywordLabel('hey_jarvis_v0.1.onnx')).toBe('hey jarvis');
    const none = statusView({ kind: 'listening-for-wake-word' }, { wakeWord: { engine: 'none', keywords: [] } });
    expect(trayModel(input(none)).tooltip).toBe('Hearth: listening for the wake word');
  });
});
