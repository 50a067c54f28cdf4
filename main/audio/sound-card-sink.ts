import { spawn, type ChildProcess } from 'node:child_process';
import { createLogger } from '../util/logger.js';
import { int16ToBytes } from './pcm.js';

const log = createLogger('audio');

/** Command lines that play raw 16-bit mono PCM from stdin, tried in order. */
function candidates(sampleRate: number): Array<[string, string[]]> {
  const rate = String(sampleRate);
  return [
    ['pacat', ['--playback', '--raw', '--format=s16le', `--rate=${rate}`, '--channels=1', '--latency-msec=60']],
    ['aplay', ['-q', '-t', 'raw', '-f', 'S16_LE', '-r', rate, '-c', '1']],
    ['play', ['-q', '-t', 'raw', '-e', 'signed-integer', '-b', '16', '-r', rate, '-c', '1', '-']],
  ];
}

/**
 * Best-effort output to the sound card for the headless player, through whichever of PulseAudio's
 * pacat, ALSA's aplay or SoX's play is installed. Where none works, it quietly stays off: the WAV
 * output and the playback accounting do not depend on it.
 */
export class SoundCardSink {
  #child: ChildProcess | undefined;
  #alive = false;

  static start(sampleRate: number): SoundCardSink {
    const sink = new SoundCardSink();
    sink.#tryNext(candidates(sampleRate));
    return sink;
  }

  #tryNext(remaining: Array<[string, string[]]>): void {
    const next = remaining.shift();
    if (!next) {
      log.info('no sound card output available; playing to the WAV file only');
      return;
    }
    const [command, args] = next;
    const child = spawn(command, args, { stdio: ['pipe', 'ignore', 'ignore'] });
    this.#child = child;
    this.#alive = true;
    child.on('error', () => {
      this.#alive = false;
      if (this.#child === child) this.#tryNext(remaining);
    });
    child.on('exit', (code) => {
      this.#alive = false;
      if (code !== 0 && code !== null && this.#child === child) {
        log.info({ command, code }, 'sound card output exited');
        this.#tryNext(remaining);
      }
    });
    child.stdin?.on('error', () => {
      this.#alive = false;
    });
  }

  write(samples: Int16Array): void {
    if (!this.#alive || !this.#child?.stdin?.writable) return;
    this.#child.stdin.write(int16ToBytes(samples));
  }

  close(): void {
    const child = this.#child;
    this.#child = undefined;
    this.#alive = false;
    child?.stdin?.end();
  }
}
