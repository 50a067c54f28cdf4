// The Debian packages the tests need, and an installer that adds only the missing ones.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Each package with a file that proves it is installed. */
export const SYSTEM_PACKAGES = [
  { name: 'pulseaudio', probe: '/usr/bin/pulseaudio', why: 'virtual microphone for real-audio tests' },
  { name: 'pulseaudio-utils', probe: '/usr/bin/paplay', why: 'paplay/pactl/parec to play into and record from it' },
  { name: 'alsa-utils', probe: '/usr/bin/aplay', why: 'ALSA tools PvRecorder relies on' },
  {
    name: 'libasound2-plugins',
    probe: '/usr/lib/x86_64-linux-gnu/alsa-lib/libasound_module_pcm_pulse.so',
    why: 'ALSA → PulseAudio bridge for PvRecorder',
  },
  { name: 'sox', probe: '/usr/bin/sox', why: 'audio conversion for test fixtures' },
  { name: 'espeak-ng', probe: '/usr/bin/espeak-ng', why: 'speech synthesis for test utterances' },
  { name: 'chromium', probe: '/usr/bin/chromium', why: 'the real browser for renderer and audio tests (Playwright drives it)' },
  { name: 'xvfb', probe: '/usr/bin/Xvfb', why: 'an X display for the push-to-talk key hook test' },
  { name: 'xdotool', probe: '/usr/bin/xdotool', why: 'synthetic key presses for the push-to-talk test' },
  {
    name: 'x11-xkb-utils',
    probe: '/usr/bin/xkbcomp',
    why: "xkbcomp: the push-to-talk test waits until the new Xvfb display's keyboard map can be read (xvfb pulls it in too)",
  },
  { name: 'libxt6', probe: '/usr/lib/x86_64-linux-gnu/libXt.so.6', why: 'uiohook-napi runtime library' },
  { name: 'libxrandr2', probe: '/usr/lib/x86_64-linux-gnu/libXrandr.so.2', why: 'uiohook-napi runtime library' },
  { name: 'libxtst6', probe: '/usr/lib/x86_64-linux-gnu/libXtst.so.6', why: 'uiohook-napi runtime library' },
  {
    name: 'debootstrap',
    probe: '/usr/sbin/debootstrap',
    why: 'the Debian sid root that runs Home Assistant 2026.11 (Python 3.14) for the tests',
  },
];

export function missingPackages(packages = SYSTEM_PACKAGES) {
  return packages.filter((p) => !existsSync(p.probe) && !dpkgInstalled(p.name));
}

function dpkgInstalled(name) {
  const result = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.includes('install ok installed');
}

export function installSystemPackages(log = console.log) {
  const missing = missingPackages();
  if (missing.length === 0) return;
  const names = missing.map((p) => p.name);
  if (process.getuid?.() !== 0) {
    throw new Error(
      `Missing Debian packages: ${names.join(' ')}. Install them with: sudo apt-get install -y --no-install-recommends ${names.join(' ')}`,
    );
  }
  log(`installing Debian packages: ${names.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...names], { stdio: 'inherit', env });
}

if (import.meta.url === `file://${process.argv[1]}`) installSystemPackages();
