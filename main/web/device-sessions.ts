import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../util/logger.js';
import { fileStamp, writePrivateFileSync } from './private-file.js';

const log = createLogger('web');

export const DEVICES_FILE_NAME = 'web-devices.json';

export function devicesPath(configDir: string): string {
  return join(configDir, DEVICES_FILE_NAME);
}

/** What `--list-devices` shows. The secret itself is never kept, only its hash. */
export type PairedDevice = { id: string; label: string; address: string; pairedAt: string; lastSeenAt: string };

type StoredDevice = PairedDevice & { secretHash: string };
type DevicesFile = { version: 1; tokenFingerprint: string | null; devices: StoredDevice[] };

/** Oldest-seen devices make room beyond this (the file stays small whatever a token holder does). */
const MAX_DEVICES = 100;
/** Last-seen times are written at most this often per device (not on every request). */
const LAST_SEEN_WRITE_MS = 10 * 60_000;
/** How often the file is looked at for changes made by another process (`--revoke-device`). */
const RECHECK_MS = 1000;

/**
 * Paired devices: each pairing gets its own random session id (256 bits) in the cookie, instead of
 * the pairing token itself, so one device can be revoked without re-pairing the others, and a copied
 * cookie is not the token. The server keeps only SHA-256 hashes of the ids (a leaked file opens
 * nothing), in a 0600 file so pairings survive a restart. The file also holds a fingerprint of the
 * pairing token the devices paired with: when the token changes (rotated, or a new HEARTH_WEB_TOKEN),
 * every device must pair again. The CLI edits the same file; a running server notices within a second.
 *
 * Without a file (tests), devices live in memory only.
 */
export class DeviceSessions {
  readonly #file: string | null;
  #data: DevicesFile = { version: 1, tokenFingerprint: null, devices: [] };
  #byHash = new Map<string, StoredDevice>();
  #stamp = 'missing';
  #checkedAt = 0;
  readonly #written = new Map<string, number>();
  readonly #now: () => number;

  private constructor(file: string | null, now: () => number) {
    this.#file = file;
    this.#now = now;
    this.#load();
  }

  /** The devices kept in `file` (which may not exist yet). */
  static open(file: string, options: { now?: () => number } = {}): DeviceSessions {
    return new DeviceSessions(file, options.now ?? Date.now);
  }

  static inMemory(options: { now?: () => number } = {}): DeviceSessions {
    return new DeviceSessions(null, options.now ?? Date.now);
  }

  /**
   * Binds the devices to this pairing token: if they paired under another one, they are all revoked.
   * Returns how many were revoked.
   */
  useToken(token: string): number {
    this.#refresh({ force: true });
    const fingerprint = fingerprintOf(token);
    const previous = this.#data.tokenFingerprint;
    if (previous === fingerprint) return 0;
    // A file without a fingerprint is new (or was just emptied by --rotate-token): nothing to revoke.
    const revoked = previous === null ? 0 : this.#data.devices.length;
    if (revoked > 0) log.warn({ revoked }, 'the pairing token changed: every device must pair again');
    this.#data = { version: 1, tokenFingerprint: fingerprint, devices: previous === null ? this.#data.devices : [] };
    this.#index();
    this.#save();
    return revoked;
  }

  /** A new paired device; returns the session secret for its cookie. */
  issue(info: { label: string; address: string }): { id: string; secret: string } {
    this.#refresh({ force: true });
    const secret = randomBytes(32).toString('base64url');
    const at = new Date(this.#now()).toISOString();
    const device: StoredDevice = {
      id: randomBytes(4).toString('hex'),
      label: printable(info.label, 80) || 'unknown browser',
      address: printable(info.address, 64),
      pairedAt: at,
      lastSeenAt: at,
      secretHash: hashOf(secret),
    };
    this.#data.devices.push(device);
    if (this.#data.devices.length > MAX_DEVICES) {
      this.#data.devices.sort((a, b) => a.lastSeenAt.localeCompare(b.lastSeenAt));
      const dropped = this.#data.devices.splice(0, this.#data.devices.length - MAX_DEVICES);
      log.warn({ dropped: dropped.map((d) => d.id) }, 'too many paired devices: the least recently seen were unpaired');
    }
    this.#index();
    this.#save();
    return { id: device.id, secret };
  }

  /**
   * The device a session secret belongs to, or null. A lookup by hash, not a constant-time compare:
   * the secret is 256 random bits and the map is keyed by its SHA-256, so timing tells a guesser
   * nothing they could use.
   */
  verify(secret: string): string | null {
    this.#refresh();
    const hash = hashOf(secret);
    const device = this.#byHash.get(hash);
    if (!device) return null;
    const now = this.#now();
    device.lastSeenAt = new Date(now).toISOString();
    if (now - (this.#written.get(device.id) ?? 0) <= LAST_SEEN_WRITE_MS) return device.id;
    // About to write: first take in any change another process made (a revocation must not be undone).
    this.#refresh({ force: true });
    const current = this.#byHash.get(hash);
    if (!current) return null;
    current.lastSeenAt = device.lastSeenAt;
    this.#save();
    return current.id;
  }

  isPaired(id: string): boolean {
    this.#refresh();
    return this.#data.devices.some((d) => d.id === id);
  }

  list(): PairedDevice[] {
    this.#refresh();
    return this.#data.devices.map(({ secretHash: _hash, ...device }) => device);
  }

  revoke(id: string): boolean {
    this.#refresh({ force: true });
    const before = this.#data.devices.length;
    this.#data.devices = this.#data.devices.filter((d) => d.id !== id);
    if (this.#data.devices.length === before) return false;
    this.#index();
    this.#save();
    return true;
  }

  revokeAll(): number {
    this.#refresh({ force: true });
    const count = this.#data.devices.length;
    this.#data.devices = [];
    this.#index();
    this.#save();
    return count;
  }

  /** Forgets the file altogether (with a token rotation: the new token's devices start from none). */
  static forget(file: string): void {
    rmSync(file, { force: true });
  }

  #index(): void {
    this.#byHash = new Map(this.#data.devices.map((d) => [d.secretHash, d]));
  }

  /**
   * Picks up changes another process made to the file: at most once a second for reads, and always
   * before a write (which would otherwise put back what the other process removed). There is no lock:
   * a change landing between this check and the rename of a write (microseconds) can still be lost.
   */
  #refresh(options: { force?: boolean } = {}): void {
    if (!this.#file) return;
    const now = this.#now();
    if (!options.force && now - this.#checkedAt < RECHECK_MS && now >= this.#checkedAt) return;
    this.#checkedAt = now;
    if (fileStamp(this.#file) !== this.#stamp) this.#load();
  }

  #load(): void {
    if (!this.#file) return;
    this.#stamp = fileStamp(this.#file);
    this.#checkedAt = this.#now();
    let text: string;
    try {
      text = readFileSync(this.#file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') log.warn({ err: error }, 'cannot read the paired devices; none are paired');
      this.#data = { version: 1, tokenFingerprint: this.#data.tokenFingerprint, devices: [] };
      this.#index();
      return;
    }
    const parsed = parseDevicesFile(text);
    if (!parsed) log.warn({ file: this.#file }, 'the paired devices file is not valid; every device must pair again');
    this.#data = parsed ?? { version: 1, tokenFingerprint: this.#data.tokenFingerprint, devices: [] };
    this.#index();
  }

  #save(): void {
    const now = this.#now();
    for (const d of this.#data.devices) this.#written.set(d.id, now);
    if (!this.#file) return;
    try {
      writePrivateFileSync(this.#file, `${JSON.stringify(this.#data, null, 2)}\n`);
      this.#stamp = fileStamp(this.#file);
    } catch (error) {
      // Pairing still works for this run; it just will not survive a restart.
      log.warn({ err: error, file: this.#file }, 'cannot save the paired devices');
    }
  }
}

function parseDevicesFile(text: string): DevicesFile | null {
  try {
    const value = JSON.parse(text) as Partial<DevicesFile>;
    if (value.version !== 1 || !Array.isArray(value.devices)) return null;
    const fingerprint = typeof value.tokenFingerprint === 'string' ? value.tokenFingerprint : null;
    const devices = value.devices.filter(
      (d): d is StoredDevice =>
        typeof d === 'object' &&
        d !== null &&
        typeof d.id === 'string' &&
        typeof d.secretHash === 'string' &&
        typeof d.label === 'string' &&
        typeof d.address === 'string' &&
        typeof d.pairedAt === 'string' &&
        typeof d.lastSeenAt === 'string',
    );
    return { version: 1, tokenFingerprint: fingerprint, devices };
  } catch {
    return null;
  }
}

/** A token's fingerprint: its SHA-256 under a fixed label. With a ≥ 96-bit token this reveals nothing. */
function fingerprintOf(token: string): string {
  return createHash('sha256').update(`hearth web pairing token\0${token}`).digest('hex');
}

function hashOf(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Browser-supplied text goes into a file and onto a terminal: no control characters, bounded length. */
function printable(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '').slice(0, max);
}
