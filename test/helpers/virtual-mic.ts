/**
 * A PulseAudio virtual microphone for audio tests (scripts/audio/setup-vmic.sh): what is played into
 * the sink "VirtualSpeaker" (vspk) is captured bit-exactly from the source "VirtualMic" (vmic),
 * which is also the default source. Needs the Debian packages pulseaudio and pulseaudio-utils.
 *
 *   const restoreEnv = applyVirtualMicEnv();   // before anything loads/uses PvRecorder
 *   const vmic = await startVirtualMic();
 *   await vmic.play('test.wav');
 *   const sink = vmic.recordSink(); ... const samples = await sink.stop();   // what was played into vspk
 *   await vmic.stop(); restoreEnv();
 *
 * Each test process gets its own daemon under .cache/audio/vitest-<pid> (so parallel test runs do
 * not kill each other's daemon); directories of dead processes are cleaned up on the next start.
 * Set AUDIO_HOME or pass { audioHome } to use another directory (the unix socket path must stay
 * under ~100 characters).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { pidAlive } from './pid-alive.js';
import { REPO_ROOT } from './repo-root.js';

const SCRIPTS = join(REPO_ROOT, 'scripts/audio');
const AUDIO_ROOT = join(REPO_ROOT, '.cache/audio');
const DEBIAN_PACKAGES = 'pulseaudio pulseaudio-utils';

export const VIRTUAL_MIC_DEVICE = 'VirtualMic';
export const VIRTUAL_SPEAKER_SINK = 'vspk';

export type VirtualMicEnv = {
  AUDIO_HOME: string;
  HOME: string;
  XDG_RUNTIME_DIR: string;
  XDG_CONFIG_HOME: string;
  PULSE_SERVER: string;
};

export type VirtualMic = {
  /** Variables for child processes (and applyVirtualMicEnv) that talk to this daemon. */
  env: Record<string, string> & VirtualMicEnv;
  /** `paplay --device=vspk <wav>`; resolves when playback is done. */
  play(wavPath: string): Promise<void>;
  /** Starts recording what is played into vspk (its monitor, with parec) until `stop()`. */
  recordSink(): SinkRecording;
  /** Kills the daemon (the microphone disappears); the directory stays for restartServer(). */
  killServer(): Promise<void>;
  /** Starts the daemon again after killServer() (no-op when it runs). */
  restartServer(): Promise<void>;
  /** Runs pactl with this daemon's environment and returns stdout. */
  pactl(...args: string[]): Promise<string>;
  /** Stops the daemon and removes its directory (only a per-process default directory). */
  stop(): Promise<void>;
};

/** A recording of the sink: 16 kHz mono (the sink's rate), 16-bit. */
export type SinkRecording = {
  /** Samples recorded so far. */
  samples(): number;
  /** Stops parec and returns everything recorded (throws when parec recorded nothing). */
  stop(): Promise<Int16Array>;
};

/**
 * Where a recording is loud: the first and the last sample beyond `threshold` in magnitude (`start`
 * is -1 when none is). For a tone, its heard edges when `threshold` is half its amplitude.
 */
export function loudSpan(recorded: Int16Array, threshold: number): { start: number; end: number } {
  const loud = (v: number) => Math.abs(v) > threshold;
  const start = recorded.findIndex(loud);
  let end = recorded.length - 1;
  while (end > start && !loud(recorded[end]!)) end--;
  return { start, end };
}

export type VirtualMicOptions = { audioHome?: string };

const PER_PROCESS_HOME = join(AUDIO_ROOT, `vitest-${process.pid}`);

function defaultAudioHome(): string {
  return process.env.AUDIO_HOME || PER_PROCESS_HOME;
}

/** The environment of the virtual microphone under `audioHome` (same layout as env.sh). */
export function virtualMicEnv(audioHome: string = defaultAudioHome()): VirtualMicEnv {
  return {
    AUDIO_HOME: audioHome,
    HOME: join(audioHome, 'home'),
    XDG_RUNTIME_DIR: join(audioHome, 'xdg'),
    XDG_CONFIG_HOME: join(audioHome, 'home/.config'),
    PULSE_SERVER: `unix:${join(audioHome, 'xdg/pulse/native')}`,
  };
}

/**
 * Sets the virtual microphone's variables on this process, so in-process PvRecorder (libpulse reads
 * the real process environment) finds the daemon. Call it before PvRecorder is first used. Must run
 * in a process's main thread: in a worker thread process.env is a private copy. Returns a function
 * that restores the previous values.
 */
export function applyVirtualMicEnv(env: VirtualMicEnv = virtualMicEnv()): () => void {
  if (!isMainThread) {
    throw new Error('applyVirtualMicEnv must run in the main thread (process.env is a copy in worker threads)');
  }
  const previous = new Map<string, string | undefined>();
  for (const [key, value] of Object.entries(env)) {
    previous.set(key, process.env[key]);
    process.env[key] = value;
  }
  return () => {
    for (const [key, value] of previous) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, command)));
}

function assertInstalled(): void {
  const missing = ['pulseaudio', 'pactl', 'paplay'].filter((c) => !onPath(c));
  if (missing.length > 0) {
    throw new Error(
      `Virtual microphone: ${missing.join(', ')} not found. Install the Debian packages: ` +
        `apt-get update && apt-get install -y --no-install-recommends ${DEBIAN_PACKAGES}`,
    );
  }
}

function run(command: string, args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) resolvePromise(stdout);
      else reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? code}): ${stderr.trim()}`));
    });
  });
}

function recordSink(env: Record<string, string>): SinkRecording {
  const child = spawn(
    'parec',
    [`--device=${VIRTUAL_SPEAKER_SINK}.monitor`, '--format=s16le', '--rate=16000', '--channels=1', '--latency-msec=10'],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const chunks: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolveExit) => child.once('close', () => resolveExit()));
  return {
    samples: () => chunks.reduce((n, c) => n + c.length, 0) / 2,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      if (chunks.length === 0) throw new Error(`parec recorded nothing: ${stderr.trim()}`);
      const bytes = Buffer.concat(chunks);
      return new Int16Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.length / 2));
    },
  };
}

/** Stops daemons left by test processes that died without teardown, and removes their folders. */
function cleanStale(): void {
  if (!existsSync(AUDIO_ROOT)) return;
  for (const name of readdirSync(AUDIO_ROOT)) {
    const match = /^vitest-(\d+)$/.exec(name);
    if (!match || pidAlive(Number(match[1]))) continue;
    const env = virtualMicEnv(join(AUDIO_ROOT, name));
    spawnSync(join(SCRIPTS, 'teardown-vmic.sh'), { env: { ...process.env, ...env }, stdio: 'ignore' });
    rmSync(env.AUDIO_HOME, { recursive: true, force: true });
  }
}

/** Starts (or reuses) the PulseAudio daemon with the virtual microphone. */
export async function startVirtualMic(options: VirtualMicOptions = {}): Promise<VirtualMic> {
  assertInstalled();
  const audioHome = options.audioHome ?? defaultAudioHome();
  const perProcess = resolve(audioHome) === PER_PROCESS_HOME;
  cleanStale();
  const env = { ...virtualMicEnv(audioHome) };
  const setup = () => run(join(SCRIPTS, 'setup-vmic.sh'), [], env).then(() => undefined);
  const teardown = () => run(join(SCRIPTS, 'teardown-vmic.sh'), [], env).then(() => undefined);
  await setup();
  return {
    env,
    play: (wavPath) => run('paplay', [`--device=${VIRTUAL_SPEAKER_SINK}`, wavPath], env).then(() => undefined),
    recordSink: () => recordSink(env),
    killServer: teardown,
    restartServer: setup,
    pactl: (...args) => run('pactl', args, env),
    stop: async () => {
      await teardown();
      if (perProcess) rmSync(audioHome, { recursive: true, force: true });
    },
  };
}
