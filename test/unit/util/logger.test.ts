import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { configureLogging, createLogger } from '../../../main/util/logger.js';
import { summarizeForLog } from '../../../main/realtime/log-summary.js';

afterEach(() => configureLogging({ level: 'silent' }));

describe('logging', () => {
  it('writes levelled, per-module JSON lines to a file, with secrets and audio censored', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hearth-logs-'));
    const log = createLogger('realtime');
    const quiet = createLogger('tools');
    configureLogging({ dir, level: 'info', modules: { tools: 'warn' } });
    log.info({ apiKey: 'sk-secret-1', headers: { authorization: 'Bearer sk-secret-2' }, session: { token: 'ha-secret' } }, 'connecting');
    log.info(
      { event: summarizeForLog({ type: 'input_audio_buffer.append', audio: Buffer.alloc(960).toString('base64') } as { type: string }) },
      'client event',
    );
    quiet.info('not written: tools logs warnings only');
    quiet.warn('written');
    // The file is written asynchronously: wait until the last line is there, not for a fixed 200 ms.
    const text = await vi.waitFor(
      async () => {
        const written = await readFile(join(dir, 'hearth.log'), 'utf8');
        expect(written).toContain('"msg":"written"');
        return written;
      },
      { timeout: 10_000, interval: 20 },
    );
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.module, l.msg])).toEqual([
      ['realtime', 'connecting'],
      ['realtime', 'client event'],
      ['tools', 'written'],
    ]);
    expect(text).not.toMatch(/sk-secret|ha-secret/);
    expect(lines[1].event.audio).not.toMatch(/AAAA/); // never the samples (summarised, and censored as a safety net)
  });

  it('tells whether a level is enabled for a module, following reconfiguration', () => {
    const log = createLogger('realtime');
    const other = createLogger('tools');
    configureLogging({ level: 'info', modules: { realtime: 'trace' } });
    expect(log.isLevelEnabled('trace')).toBe(true);
    expect(other.isLevelEnabled('trace')).toBe(false);
    expect(other.isLevelEnabled('info')).toBe(true);
    configureLogging({ level: 'silent' });
    expect(log.isLevelEnabled('trace')).toBe(false);
  });
});
