import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { DeviceSessions, devicesPath } from '../../../main/web/device-sessions.js';
import { useTempDir } from '../../helpers/temp-dir.js';

const dir = useTempDir('hearth-devices-');
let file: string;
let now = Date.parse('2025-01-01T10:00:00Z');
const clock = { now: () => now };

beforeEach(async () => {
  file = devicesPath(join(dir(), 'config'));
});

describe('DeviceSessions', () => {
  it('keeps only hashes of the session ids, in a 0600 file that survives a restart', async () => {
    const first = DeviceSessions.open(file, clock);
    first.useToken('token-one');
    const { id, secret } = first.issue({ label: 'Kitchen tablet', address: '192.168.1.20' });
    expect(secret).toMatch(/^[\w-]{43}$/);
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain(secret);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const restarted = DeviceSessions.open(file, clock);
    expect(restarted.useToken('token-one')).toBe(0);
    expect(restarted.verify(secret)).toBe(id);
    expect(restarted.verify('x'.repeat(43))).toBeNull();
  });

  it('revokes one device or all; every device goes when the token changes', () => {
    const sessions = DeviceSessions.open(file, clock);
    sessions.useToken('token-one');
    const a = sessions.issue({ label: 'a', address: '1' });
    const b = sessions.issue({ label: 'b', address: '2' });
    expect(sessions.revoke(a.id)).toBe(true);
    expect(sessions.revoke(a.id)).toBe(false);
    expect(sessions.verify(a.secret)).toBeNull();
    expect(sessions.verify(b.secret)).toBe(b.id);
    sessions.issue({ label: 'c', address: '3' });
    expect(sessions.revokeAll()).toBe(2);
    const d = sessions.issue({ label: 'd', address: '4' });
    const restarted = DeviceSessions.open(file, clock);
    expect(restarted.useToken('token-two')).toBe(1);
    expect(restarted.verify(d.secret)).toBeNull();
    expect(DeviceSessions.open(file, clock).list()).toEqual([]);
  });

  it('notices a revocation made by another process (the CLI) within its recheck second', () => {
    const server = DeviceSessions.open(file, clock);
    server.useToken('token-one');
    const device = server.issue({ label: 'tablet', address: '1' });
    expect(DeviceSessions.open(file, clock).revoke(device.id)).toBe(true);
    now += 1001;
    expect(server.isPaired(device.id)).toBe(false);
    expect(server.verify(device.secret)).toBeNull();
  });

  it('never writes back a device another process revoked a moment ago (a last-seen update re-reads first)', () => {
    const server = DeviceSessions.open(file, clock);
    server.useToken('token-one');
    const device = server.issue({ label: 'tablet', address: '1' });
    now += 11 * 60_000; // its last-seen time is due to be written
    expect(server.isPaired(device.id)).toBe(true); // the server has just looked at the file
    expect(DeviceSessions.open(file, clock).revoke(device.id)).toBe(true); // --revoke-device, within that second
    expect(server.verify(device.secret)).toBeNull();
    expect(DeviceSessions.open(file, clock).list()).toEqual([]);
  });

  it('keeps browser-supplied labels printable and short, and starts empty from a broken file', async () => {
    const sessions = DeviceSessions.open(file, clock);
    sessions.useToken('token-one');
    sessions.issue({ label: `Evil\u001b[2J\u0007${'x'.repeat(200)}`, address: '1\n2' });
    const [device] = sessions.list();
    expect(device!.label).toMatch(/^Evil\[2Jx+$/);
    expect(device!.label.length).toBeLessThanOrEqual(80);
    expect(device!.address).toBe('12');
    await writeFile(file, '{ not json');
    expect(DeviceSessions.open(file, clock).list()).toEqual([]);
  });

  it('makes room beyond 100 devices by dropping the least recently seen', () => {
    const sessions = DeviceSessions.inMemory(clock);
    const first = sessions.issue({ label: 'first', address: '1' });
    now += 1000;
    const second = sessions.issue({ label: 'second', address: '1' });
    now += 1000;
    sessions.verify(first.secret); // seen again: now the most recent
    for (let i = 0; i < 99; i++) sessions.issue({ label: `more ${i}`, address: '1' });
    expect(sessions.list()).toHaveLength(100);
    expect(sessions.isPaired(first.id)).toBe(true);
    expect(sessions.isPaired(second.id)).toBe(false);
  });
});
