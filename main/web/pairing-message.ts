/**
 * What web mode prints when it starts. The pairing address carries the token, so it is printed only
 * to a terminal (a person reading it); to a pipe or a log (systemd, docker logs, CI) Hearth says where
 * the token is instead.
 */
export function startupLines(info: {
  url: string;
  kiosk: boolean;
  token: string;
  /** The token file, or the environment variable. */
  where: string;
  isTTY: boolean;
  created: boolean;
  tightened: boolean;
}): string[] {
  const lines: string[] = [];
  if (info.created) lines.push(`Made a pairing token in ${info.where} (only you can read it).`);
  if (info.tightened) lines.push(`${info.where} could be read by other users; it is now 0600 (if they may have read it: --rotate-token).`);
  const page = `${info.url}${info.kiosk ? '?kiosk=1' : ''}`;
  if (info.isTTY) {
    lines.push(`Hearth web mode: ${page}${info.kiosk ? '&' : '?'}token=${encodeURIComponent(info.token)}`);
    lines.push(`Open that address once on each device to pair it (the token is in ${info.where}).`);
  } else {
    lines.push(`Hearth web mode: ${page}`);
    lines.push(`To pair a device, open it with ?token= and the pairing token in ${info.where}.`);
  }
  return lines;
}
