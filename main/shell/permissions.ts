import type { Session } from 'electron';
import { createLogger } from '../util/logger.js';
import { isAppUrl } from './app-protocol.js';

const log = createLogger('permissions');

/** Electron's permission names, as its own handler types spell them. */
export type PermissionName = Parameters<Parameters<Session['setPermissionRequestHandler']>[0] & object>[1];

export type PermissionRequestDetails = {
  requestingUrl: string;
  isMainFrame: boolean;
  mediaTypes?: Array<'video' | 'audio'>;
};

export type PermissionCheckDetails = {
  isMainFrame: boolean;
  mediaType?: 'video' | 'audio' | 'unknown';
  requestingUrl?: string;
  securityOrigin?: string;
};

/**
 * A permission request is granted only for the microphone (`media` with audio only, never the camera),
 * only to our own page (app://hearth, its main frame). Everything else (camera, screen capture,
 * notifications, geolocation, clipboard, HID/USB/serial, …) is refused.
 */
export function decidePermissionRequest(permission: PermissionName | string, details: PermissionRequestDetails): boolean {
  if (permission !== 'media') return false;
  if (!details.isMainFrame || !isAppUrl(details.requestingUrl)) return false;
  const types = details.mediaTypes ?? [];
  return types.length > 0 && types.every((type) => type === 'audio');
}

/** The synchronous check (navigator.permissions, device labels): the same rule. */
export function decidePermissionCheck(
  permission: PermissionName | string,
  requestingOrigin: string,
  details: PermissionCheckDetails,
): boolean {
  if (permission !== 'media') return false;
  if (!isAppUrl(requestingOrigin)) return false;
  if (details.securityOrigin !== undefined && !isAppUrl(details.securityOrigin)) return false;
  return details.mediaType === 'audio';
}

/** Installs the handlers on a session (the default one: every window of ours uses it). */
export function installPermissionHandlers(
  session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'>,
): void {
  session.setPermissionRequestHandler((_webContents, permission, callback, details) => {
    const granted = decidePermissionRequest(permission, details);
    if (!granted) log.warn({ permission, url: details.requestingUrl }, 'permission request denied');
    callback(granted);
  });
  session.setPermissionCheckHandler((_webContents, permission, requestingOrigin, details) =>
    decidePermissionCheck(permission, requestingOrigin, details),
  );
  // WebHID/WebUSB/WebSerial devices: never.
  session.setDevicePermissionHandler(() => false);
}
