import type { Session } from 'electron';
import { createLogger } from '../util/logger.js';

const log = createLogger('permissions');

/**
 * Every permission request and check is refused, the microphone included: the main process owns
 * capture behind the privacy gate, so our page never needs it, and a page that could open the
 * microphone itself would bypass that gate. Camera, screen capture, notifications, geolocation,
 * clipboard and HID/USB/serial devices are refused for the same reason: nothing here needs them.
 */
export function installPermissionHandlers(
  session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'>,
): void {
  session.setPermissionRequestHandler((_webContents, permission, callback, details) => {
    log.warn({ permission, url: details.requestingUrl }, 'permission request denied');
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}
