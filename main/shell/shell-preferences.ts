import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-file.js';

/**
 * The shell's own switches, kept apart from the engine's settings.json: they describe this desktop (kiosk
 * window or tray), not the assistant. Start at login is not stored: the OS entry is the truth.
 */
export type ShellPreferences = { kiosk: boolean };

export const DEFAULT_SHELL_PREFERENCES: ShellPreferences = { kiosk: false };

export function shellPreferencesPath(configDir: string): string {
  return join(configDir, 'shell.json');
}

export async function readShellPreferences(path: string): Promise<ShellPreferences> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as unknown;
    const kiosk = typeof parsed === 'object' && parsed !== null ? (parsed as { kiosk?: unknown }).kiosk : undefined;
    return { kiosk: kiosk === true };
  } catch {
    return { ...DEFAULT_SHELL_PREFERENCES };
  }
}

export async function writeShellPreferences(path: string, preferences: ShellPreferences): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(preferences, null, 2)}\n`);
}

export type ShellArgs = {
  /** --kiosk: true, --no-kiosk: false, neither: undefined (the saved preference applies). */
  kiosk?: boolean;
  /** --hidden (the login item): start in the tray without showing the window. */
  hidden: boolean;
};

/** Reads Hearth's switches from a command line (Electron's argv: executable, maybe the app path, then flags). */
export function parseShellArgs(argv: readonly string[]): ShellArgs {
  const args: ShellArgs = { hidden: false };
  for (const arg of argv) {
    if (arg === '--kiosk') args.kiosk = true;
    else if (arg === '--no-kiosk') args.kiosk = false;
    else if (arg === '--hidden') args.hidden = true;
  }
  return args;
}
