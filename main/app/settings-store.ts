import { readFile, copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-file.js';
import { createLogger } from '../util/logger.js';
import { ConfigError } from '../util/errors.js';
import { DEFAULT_MODEL } from '../../preload/contract/model-catalog.js';
import {
  defaultSettings,
  SETTINGS_VERSION,
  validateSettings,
  type Settings,
  type SettingsIssue,
} from '../../preload/contract/settings-schema.js';

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
  /** What a migration of the file changed, for the user to be told (once, at start). */
  lastLoadNotices: string[] = [];

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
    const migrated = migrateSettingsFile(raw);
    this.lastLoadNotices = migrated.notices;
    raw = migrated.raw;
    if (migrated.notices.length > 0) log.info({ notices: migrated.notices }, 'settings file migrated');
    const result = validateSettings(raw);
    if (result.ok) {
      this.lastLoadIssues = [];
      // A migration that changed something is written back, so it (and its notice) happens once; a file
      // with invalid fields, or one the migration did not change (a hand-written partial file), is left as it is.
      if (migrated.notices.length > 0)
        await this.save(result.settings).catch((error: unknown) => log.warn({ err: error }, 'could not write the migrated settings file'));
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

/** The model every version-1 file carries unless the user chose another (version 1 saved the defaults too). */
const VERSION_1_DEFAULT_MODEL = 'gpt-realtime';

/**
 * Upgrades older settings files; what changed for the user comes back as notices.
 * 1 → 2: the default model moved from gpt-realtime (reported to shut down) to gpt-realtime-2. Version 1
 * wrote every field, defaults included, so a saved gpt-realtime cannot be told apart from the old
 * default: it moves to the new default and the user is told (and can pick it again). Any other saved
 * model was the user's own choice and is kept; a retiring one gets its notice at start.
 * 2 → 3: `listening.duplex` gained `auto`, the new default. A file without the field (hand-written) had
 * half duplex by default and keeps it; a saved value, `half` included, stays as it is.
 */
export function migrateSettingsFile(raw: unknown): { raw: unknown; notices: string[] } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { raw, notices: [] };
  const file = raw as Record<string, unknown>;
  if (file.version !== undefined && file.version !== 1 && file.version !== 2) return { raw, notices: [] };
  const notices: string[] = [];
  const next: Record<string, unknown> = { ...file, version: SETTINGS_VERSION };
  const listening = file.listening;
  if (listening === undefined) next.listening = { duplex: 'half' };
  else if (isRecord(listening) && !('duplex' in listening)) next.listening = { ...listening, duplex: 'half' };
  const openai = file.openai;
  if (
    file.version !== 2 &&
    typeof openai === 'object' &&
    openai !== null &&
    (openai as Record<string, unknown>).model === VERSION_1_DEFAULT_MODEL
  ) {
    next.openai = { ...(openai as Record<string, unknown>), model: DEFAULT_MODEL };
    notices.push(
      `The default model is now ${DEFAULT_MODEL}: your settings moved from ${VERSION_1_DEFAULT_MODEL}, the old default, which is reported to shut down on 2027-01-20. Choose it again in settings if you want it until then.`,
    );
  }
  return { raw: next, notices };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
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
