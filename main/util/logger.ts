import { chmodSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pino, type Logger as PinoLogger, type Level, type StreamEntry } from 'pino';
import { createStream } from 'rotating-file-stream';

export type LogLevel = Level | 'silent';

export type LoggingOptions = {
  /** Folder for the rotating log file; no file when absent. */
  dir?: string;
  level?: LogLevel;
  /** Per-module overrides, e.g. { realtime: 'debug' }. */
  modules?: Record<string, LogLevel>;
  /** Also write warnings and errors to stderr (development). */
  stderrLevel?: LogLevel;
  /** Rotate the file at this size (rotating-file-stream syntax; default 5M). */
  fileSize?: string;
};

export type Logger = Pick<PinoLogger, 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'isLevelEnabled'>;

/**
 * Secrets and audio never reach a log line: these keys are censored wherever they appear (one level
 * deep), and realtime frames are summarised before logging (see realtime/log-sanitizer.ts).
 */
const REDACTED_PATHS = [
  'apiKey',
  'token',
  'accessKey',
  'authorization',
  'audio',
  '*.apiKey',
  '*.token',
  '*.accessKey',
  '*.access_token',
  '*.authorization',
  '*.Authorization',
  '*.audio',
  'headers.authorization',
  'headers.Authorization',
];

let options: LoggingOptions = { level: defaultLevelFromEnv() };
let root: PinoLogger = buildRoot(options);
let generation = 0;

function defaultLevelFromEnv(): LogLevel {
  const fromEnv = process.env.HEARTH_LOG_LEVEL as LogLevel | undefined;
  return fromEnv ?? 'silent';
}

function buildRoot(opts: LoggingOptions): PinoLogger {
  const streams: StreamEntry[] = [];
  if (opts.dir) {
    makeLogFolderPrivate(opts.dir);
    // 0600: rotated files are renamed, so they keep it (and the folder is 0700 anyway).
    const file = createStream('hearth.log', { path: opts.dir, size: opts.fileSize ?? '5M', maxFiles: 5, mode: 0o600 });
    const dir = opts.dir;
    file.on('history', () => makeFilesPrivate(dir)); // the history file it has just (re)written
    streams.push({ level: 'trace', stream: file });
  }
  if (opts.stderrLevel && opts.stderrLevel !== 'silent') {
    streams.push({ level: opts.stderrLevel, stream: process.stderr });
  }
  const level = lowestLevel(opts);
  if (streams.length === 0) {
    if (process.env.HEARTH_LOG_LEVEL) streams.push({ level: 'trace', stream: process.stderr });
    else return pino({ level: 'silent' });
  }
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' }, base: { pid: process.pid } }, pino.multistream(streams));
}

/**
 * Logs say what the assistant heard, did and where it connected: only this user may read them. The
 * folder is made (or tightened to) 0700, and files already in it, from before this rule or written by
 * rotating-file-stream with its default mode (its history file), are tightened to 0600. POSIX only:
 * on Windows the folder's ACL is already per-user.
 */
function makeLogFolderPrivate(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (process.platform === 'win32') return;
  chmodSync(dir, 0o700);
  makeFilesPrivate(dir);
}

function makeFilesPrivate(dir: string): void {
  if (process.platform === 'win32') return;
  try {
    for (const entry of readdirSync(dir, { withFileTypes: true })) if (entry.isFile()) chmodSync(join(dir, entry.name), 0o600);
  } catch {
    // A file rotated away meanwhile; the folder is 0700 in any case.
  }
}

const ORDER: LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

function lowestLevel(opts: LoggingOptions): LogLevel {
  const levels = [opts.level ?? 'info', ...Object.values(opts.modules ?? {})];
  return levels.reduce((a, b) => (ORDER.indexOf(a) <= ORDER.indexOf(b) ? a : b));
}

/** Reconfigures every logger, including those created before this call. */
export function configureLogging(next: LoggingOptions): void {
  options = next;
  root = buildRoot(next);
  generation++;
}

/** A module-scoped logger: `const log = createLogger('realtime')`. */
export function createLogger(module: string): Logger {
  let cached: PinoLogger | undefined;
  let cachedGeneration = -1;
  const current = (): PinoLogger => {
    if (!cached || cachedGeneration !== generation) {
      const level = options.modules?.[module] ?? options.level ?? 'info';
      cached = root.child({ module }, { level });
      cachedGeneration = generation;
    }
    return cached;
  };
  const method =
    (name: keyof Logger) =>
    (...args: unknown[]) =>
      (current()[name] as (...a: unknown[]) => void)(...args);
  return {
    trace: method('trace'),
    debug: method('debug'),
    info: method('info'),
    warn: method('warn'),
    error: method('error'),
    fatal: method('fatal'),
    isLevelEnabled: (level: string) => current().isLevelEnabled(level),
  } as Logger;
}
