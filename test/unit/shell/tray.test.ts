import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { TrayAction } from '../../../main/shell/tray-model.js';
import { FakeTray, resetFakeElectron } from '../../fakes/fake-electron.js';
import { statusView } from '../../fakes/fake-app-facade.js';

vi.mock('electron', async () => (await import('../../fakes/fake-electron.js')).fakeElectron);

const { TrayController } = await import('../../../main/shell/tray.js');
const { trayModel } = await import('../../../main/shell/tray-model.js');

beforeEach(() => resetFakeElectron());

function setup(platform: NodeJS.Platform = 'linux') {
  const clicked: TrayAction[] = [];
  const actions = Object.fromEntries(
    (['talk', 'stop', 'toggle-mute', 'open', 'settings', 'toggle-kiosk', 'toggle-start-at-login', 'quit'] as const).map((id) => [
      id,
      () => {
        clicked.push(id);
      },
    ]),
  ) as Record<TrayAction, () => void>;
  const model = (status = statusView()) => trayModel({ status, kiosk: false, startAtLogin: { enabled: false, available: true }, platform });
  const controller = new TrayController({ iconDir: '/icons', platform, actions, initial: model() });
  const tray = FakeTray.instances[0]!;
  return { controller, tray, clicked, model };
}

describe('TrayController', () => {
  it('shows the model: image, tooltip and menu whose items call the actions', () => {
    const { tray, clicked } = setup();
    expect(tray.image.path).toBe('/icons/wake.png');
    expect(tray.tooltip).toBe('Hearth: listening for “hey jarvis”');
    const template = tray.menu!.template as Electron.MenuItemConstructorOptions[];
    expect(template.map((i) => i.label ?? i.type)).toEqual([
      'Talk',
      'Mute microphone',
      'separator',
      'Open Hearth',
      'Settings…',
      'separator',
      'Kiosk mode',
      'Start at login',
      'separator',
      'Quit Hearth',
    ]);
    expect(template[0]).toMatchObject({ accelerator: 'CommandOrControl+Shift+Space', registerAccelerator: false });
    expect(template[1]).toMatchObject({ type: 'checkbox', checked: false });
    tray.menu!.click('talk');
    tray.menu!.click('quit');
    tray.emit('click');
    expect(clicked).toEqual(['talk', 'quit', 'open']);
  });

  it('updates the image and tooltip on every change, the menu only when its items change', () => {
    const { controller, tray, model } = setup();
    expect(tray.menuBuilds).toBe(1);
    controller.update(model(statusView({ kind: 'listening-for-wake-word' }, { costUsd: 0.12 })));
    expect(tray.menuBuilds).toBe(1);
    controller.update(model(statusView({ kind: 'conversing', phase: 'assistant-speaking' })));
    expect(tray.image.path).toBe('/icons/speaking.png');
    expect(tray.tooltip).toBe('Hearth: speaking');
    expect(tray.menuBuilds).toBe(2);
    expect((tray.menu!.template[0] as Electron.MenuItemConstructorOptions).label).toBe('Stop');
    controller.update(model(statusView({ kind: 'conversing', phase: 'thinking' })));
    expect(tray.image.path).toBe('/icons/thinking.png');
    expect(tray.menuBuilds).toBe(2);
  });

  it('on macOS a click opens the menu (no window toggle) and the icons are template images', () => {
    const { tray, clicked } = setup('darwin');
    expect(tray.image.path).toBe('/icons/wakeTemplate.png');
    tray.emit('click');
    expect(clicked).toEqual([]);
  });

  it('destroy removes the icon', () => {
    const { controller, tray, model } = setup();
    controller.destroy();
    expect(tray.destroyed).toBe(true);
    controller.update(model(statusView({ kind: 'idle' })));
    expect(tray.image.path).toBe('/icons/wake.png');
  });
});
