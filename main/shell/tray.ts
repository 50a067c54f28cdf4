import { join } from 'node:path';
import { Menu, nativeImage, Tray, type MenuItemConstructorOptions, type NativeImage } from 'electron';
import { createLogger } from '../util/logger.js';
import type { TrayAction, TrayMenuItem, TrayModel } from './tray-model.js';

const log = createLogger('tray');

export type TrayControllerOptions = {
  /** The folder with the generated tray icons (out/images/tray: idle.png, idle@2x.png, idleTemplate.png…). */
  iconDir: string;
  platform: NodeJS.Platform;
  actions: Record<TrayAction, () => void>;
  initial: TrayModel;
};

export function menuTemplate(items: readonly TrayMenuItem[], actions: Record<TrayAction, () => void>): MenuItemConstructorOptions[] {
  return items.map((item): MenuItemConstructorOptions => {
    if (item.kind === 'separator') return { type: 'separator' };
    return {
      id: item.id,
      label: item.label,
      type: item.type,
      enabled: item.enabled,
      ...(item.type === 'checkbox' ? { checked: item.checked ?? false } : {}),
      ...(item.accelerator !== undefined ? { accelerator: item.accelerator, registerAccelerator: false } : {}),
      click: () => actions[item.id](),
    };
  });
}

/**
 * The tray icon: its image and tooltip follow the model on every status change; the menu is rebuilt only
 * when its items change (rebuilding on every status event flickers on Linux). Clicking the icon opens the
 * window on Windows and Linux; on macOS a click opens the menu, as usual there.
 */
export class TrayController {
  readonly #tray: Tray;
  readonly #options: TrayControllerOptions;
  readonly #images = new Map<string, NativeImage>();
  #iconFile = '';
  #tooltip = '';
  #menuKey = '';

  constructor(options: TrayControllerOptions) {
    this.#options = options;
    this.#tray = new Tray(this.#image(options.initial.iconFile));
    this.#iconFile = options.initial.iconFile;
    if (options.platform !== 'darwin') this.#tray.on('click', () => options.actions.open());
    this.update(options.initial);
  }

  update(model: TrayModel): void {
    if (this.#tray.isDestroyed()) return;
    if (model.iconFile !== this.#iconFile) {
      this.#tray.setImage(this.#image(model.iconFile));
      this.#iconFile = model.iconFile;
    }
    if (model.tooltip !== this.#tooltip) {
      this.#tray.setToolTip(model.tooltip);
      this.#tooltip = model.tooltip;
    }
    const menuKey = JSON.stringify(model.items);
    if (menuKey !== this.#menuKey) {
      this.#tray.setContextMenu(Menu.buildFromTemplate(menuTemplate(model.items, this.#options.actions)));
      this.#menuKey = menuKey;
    }
  }

  destroy(): void {
    if (!this.#tray.isDestroyed()) this.#tray.destroy();
  }

  #image(file: string): NativeImage {
    let image = this.#images.get(file);
    if (!image) {
      // createFromPath picks up name@2x.png next to name.png; a name ending in "Template" is a macOS template image.
      image = nativeImage.createFromPath(join(this.#options.iconDir, file));
      if (image.isEmpty()) log.warn({ file, dir: this.#options.iconDir }, 'tray icon missing');
      this.#images.set(file, image);
    }
    return image;
  }
}
