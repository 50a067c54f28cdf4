import { execFile, spawnSync } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { concatInt16 } from '../../main/audio/pcm.js';
import { encodeWav } from '../../main/audio/wav.js';

const run = promisify(execFile);

export const SAMPLE_RATE = 16_000;
export const FRAME = 512;

/** Speech for the wake-word tests is synthesised at test time by these Debian packages. */
export const SPEECH_PACKAGES = ['espeak-ng', 'sox'] as const;

/** Throws (so the test fails, never skips) when espeak-ng or sox is missing. */
export function requireSpeechTools(): void {
  const missing = [
    ['espeak-ng', ['--version']],
    ['sox', ['--version']],
  ].filter(([cmd, args]) => spawnSync(cmd as string, args as string[], { stdio: 'ignore' }).status !== 0);
  if (missing.length > 0) {
    throw new Error(
      `The wake-word tests synthesise speech with espeak-ng and sox, and ${missing.map(([c]) => c).join(' and ')} ` +
        `${missing.length > 1 ? 'are' : 'is'} missing. Install the Debian packages first: ` +
        `apt-get install -y --no-install-recommends ${SPEECH_PACKAGES.join(' ')}`,
    );
  }
}

export type Utterance = { id: string; text: string; voice: string; speed: number };

/**
 * espeak-ng (22.05 kHz) → sox → 16 kHz mono signed 16-bit, with `padSeconds` of silence on each side.
 * Dither is off (-D) so the samples are the same on every run.
 */
export async function synthesize(dir: string, u: Utterance, padSeconds = 1): Promise<Int16Array> {
  const wav = path.join(dir, `${u.id}.wav`);
  const raw = path.join(dir, `${u.id}.raw`);
  await run('espeak-ng', ['-v', u.voice, '-s', String(u.speed), '-w', wav, u.text]);
  const pad = padSeconds > 0 ? ['pad', String(padSeconds), String(padSeconds)] : [];
  await run('sox', ['-D', wav, '-r', String(SAMPLE_RATE), '-c', '1', '-b', '16', '-e', 'signed-integer', '-t', 'raw', raw, ...pad]);
  const bytes = await readFile(raw);
  await rm(wav, { force: true });
  const samples = new Int16Array(bytes.byteLength / 2);
  new Uint8Array(samples.buffer).set(bytes);
  return samples;
}

/**
 * A spoken input for `npm run headless --input`: the parts in order, an utterance synthesised
 * without padding or a silence of that many milliseconds, as a 16 kHz WAV file `<name>.wav` in `dir`.
 */
export async function writeSpeechWav(
  dir: string,
  name: string,
  parts: readonly (Utterance | number)[],
): Promise<{ path: string; samples: Int16Array }> {
  const pieces: Int16Array[] = [];
  for (const part of parts)
    pieces.push(typeof part === 'number' ? new Int16Array((part * SAMPLE_RATE) / 1000) : await synthesize(dir, part, 0));
  const samples = concatInt16(pieces);
  const file = path.join(dir, `${name}.wav`);
  await writeFile(file, encodeWav(samples, SAMPLE_RATE));
  return { path: file, samples };
}

/** Runs `fn` over `items` with at most `limit` in flight; results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Index just after the last sample louder than 2 % of the peak: where the speech ends. */
export function speechEndSample(samples: Int16Array): number {
  let peak = 0;
  for (const s of samples) peak = Math.max(peak, Math.abs(s));
  const floor = Math.max(64, peak * 0.02);
  for (let i = samples.length - 1; i >= 0; i--) if (Math.abs(samples[i]!) > floor) return i + 1;
  return 0;
}

/** Splits into 512-sample frames (the last one zero-padded), each on its own ArrayBuffer. */
export function toFrames(samples: Int16Array, frame = FRAME): Int16Array[] {
  const frames: Int16Array[] = [];
  for (let i = 0; i < samples.length; i += frame) {
    const f = new Int16Array(frame);
    f.set(samples.subarray(i, Math.min(i + frame, samples.length)));
    frames.push(f);
  }
  return frames;
}

// The wake-word tests import it from here with the speech they measure.
export { percentile } from './percentile.js';

export const WAKE_VOICES = ['en-us', 'en-gb', 'en-gb-x-rp', 'en-us+m3', 'en-us+f3'] as const;
export const WAKE_SPEEDS = [130, 160, 190] as const;

const COMMANDS = [
  'turn on the kitchen lights',
  'what is the temperature in the living room',
  'set the thermostat to twenty one degrees',
  'lock the front door',
  'close the garage door',
];

const COMMAND_SPEEDS = [140, 160, 180] as const;

/**
 * 30 wake utterances: 15 × "hey jarvis" (5 voices × 130/160/190 wpm) and 15 × "hey jarvis, <command>"
 * (5 voices × 140/160/180 wpm). The comma makes espeak-ng pause briefly after the wake word, as people
 * usually do; see runOnUtterances for the same commands without the pause.
 */
export function wakeUtterances(): Utterance[] {
  const list: Utterance[] = [];
  for (const voice of WAKE_VOICES) {
    for (const speed of WAKE_SPEEDS) {
      list.push({ id: `wake-${voice}-${speed}`, text: 'hey jarvis', voice, speed });
    }
  }
  WAKE_VOICES.forEach((voice, v) => {
    COMMAND_SPEEDS.forEach((speed, s) => {
      const command = COMMANDS[(v + s) % COMMANDS.length]!;
      list.push({ id: `cmd-${voice}-${speed}`, text: `hey jarvis, ${command}`, voice, speed });
    });
  });
  return list;
}

/**
 * The 15 command utterances run on, with no pause after "hey jarvis". The model is much weaker on
 * these (measured, not asserted): it was trained on the wake phrase followed by a pause or silence.
 */
export function runOnUtterances(): Utterance[] {
  return wakeUtterances()
    .filter((u) => u.id.startsWith('cmd-'))
    .map((u) => ({ ...u, id: u.id.replace('cmd-', 'runon-'), text: u.text.replace(',', '') }));
}

const NEGATIVE_TEXTS = [
  'hey garvin can you service the car',
  'please put the jam jar on the shelf',
  'jarvis is a name',
  'hey travis',
  'hey marvin turn on the lights',
  'hey harvey are you coming',
  'the harvest was good this year',
  'hey there how is it going',
  'what is the weather like today',
  'the meeting has been moved to thursday afternoon',
  'turn on the kitchen lights',
  'hey siri set a timer for ten minutes',
  'alexa what time is it',
  'okay google play some music',
  'hey mycroft what is the news',
  'a jar of jam for jarrod',
  'harvey is driving the jeep to paris',
  'hey jack have you seen the car keys',
  'one two three four five six seven eight nine ten',
  'the service was slow but the food was good',
  'my cousin travis lives in jersey',
  'hey charlie the garbage goes out tomorrow',
  'have you ever been to java',
  'he parked the car in the yard',
];

/** 24 sentences without the wake word, near-misses included, spread over the voices and speeds. */
export function negativeUtterances(): Utterance[] {
  const speeds = [130, 150, 170, 190];
  return NEGATIVE_TEXTS.map((text, i) => {
    const voice = WAKE_VOICES[i % WAKE_VOICES.length]!;
    const speed = speeds[i % speeds.length]!;
    return { id: `neg-${i}-${voice}-${speed}`, text, voice, speed };
  });
}

/** The voice/speed key used to find the matching "hey jarvis"-alone recording. */
export function voiceKey(u: Pick<Utterance, 'voice' | 'speed'>): string {
  return `${u.voice}@${u.speed}`;
}
