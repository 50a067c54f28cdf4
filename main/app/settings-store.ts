import { readFile, copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-file.js';
import { createLogger } from '../util/logger.js';
import { ConfigError } from '../util/errors.js';
import { defaultSettings, validateSettings, type Settings, type SettingsIssue } from './settings.js';

const log = createLogger('settings');

export interface SettingsStore {
  load(): Promise<Settings>;
  /** Validates the whole candidate; on problems nothing is written and every issue is returned. */
  save(candidate: unknown): Promise<{ ok: true; settings: Settings } | { ok: false; issues: SettingsIssue[] }>;
}

/**
 * Settings as one JSON file, written atomically (temp file + rename) so a crash never leaves half a
 * file. A file that cannot be read or validated is kept aside as `settings.invalid-<time>.json`
 * instead of being overwritten, so nothing the user wrote is lost.
 */
export class JsonFileSettingsStore implements SettingsStore {
  readonly path: string;
  /** Problems found in the file on the last load, for the UI to show. */
  lastLoadIssues: SettingsIssue[] = [];

  constructor(dir: string) {
    this.path = join(dir, 'settings.json');
  }

  async load(): Promise<Settings> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return defaultSettings();
      throw new ConfigError(`Cannot read the settings file ${this.path}: ${(error as Error).message}`, { cause: error });
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      await this.#setAside('it is not valid JSON');
      this.lastLoadIssues = [
        { path: '', message: 'The settings file was not valid JSON; defaults are in use and the file was kept aside.' },
      ];
      return defaultSettings();
    }
    const result = validateSettings(migrate(raw));
    if (result.ok) {
      this.lastLoadIssues = [];
      return result.settings;
    }
    // Keep every valid field; fall back to the default only where a field is invalid.
    this.lastLoadIssues = result.issues;
    log.warn({ issues: result.issues }, 'invalid fields in the settings file; using defaults for them');
    return repair(raw, result.issues);
  }

  async save(candidate: unknown) {
    const result = validateSettings(candidate);
    if (!result.ok) return result;
    await writeFileAtomic(this.path, `${JSON.stringify(result.settings, null, 2)}\n`, { mode: 0o600 });
    return result;
  }

  async #setAside(reason: string): Promise<void> {
    const aside = this.path.replace(/\.json$/, `.invalid-${Date.now()}.json`);
    log.warn({ reason, aside }, 'settings file set aside');
    await copyFile(this.path, aside).catch(() => undefined);
  }
}

/** Upgrades older settings files. Version 1 is the first; later versions add steps here. */
function migrate(raw: unknown): unknown {
  return raw;
}

function repair(raw: unknown, issues: SettingsIssue[]): Settings {
  const copy = structuredClone(raw) as Record<string, unknown>;
  for (const issue of issues) {
    const parts = issue.path.split('.').filter(Boolean);
    let node: Record<string, unknown> | undefined = copy;
    for (const part of parts.slice(0, -1)) node = node?.[part] as Record<string, unknown> | undefined;
    const last = parts.at(-1);
    if (node && last !== undefined) delete node[last];
  }
  const result = validateSettings(copy);
  return result.ok ? result.settings : defaultSettings();
}
