import { open, readFile, type FileHandle } from 'node:fs/promises';
import wavefile from 'wavefile';
import { ConfigError } from '../util/errors.js';
import { int16ToBytes } from './pcm.js';

const { WaveFile } = wavefile;

export type DecodedWav = { samples: Int16Array; sampleRate: number };

/**
 * Reads a WAV file as 16-bit mono. Other bit depths and channel counts are converted (channels are
 * averaged) rather than refused, since users hand us whatever their recorder produced.
 */
export async function readWavFile(path: string): Promise<DecodedWav> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new ConfigError(`Cannot read the WAV file ${path}: ${reason}.`, { cause: error });
  }
  return decodeWav(bytes, path);
}

export function decodeWav(bytes: Uint8Array, name = 'input'): DecodedWav {
  let wav: InstanceType<typeof WaveFile>;
  try {
    wav = new WaveFile(bytes);
  } catch (error) {
    throw new ConfigError(`${name} is not a readable WAV file: ${(error as Error).message}.`, { cause: error });
  }
  const fmt = wav.fmt as { numChannels: number; sampleRate: number; bitsPerSample: number; audioFormat: number };
  if (!fmt.sampleRate || !fmt.numChannels) throw new ConfigError(`${name} is not a readable WAV file: missing format.`);
  if (fmt.bitsPerSample !== 16 || (fmt.audioFormat !== 1 && fmt.audioFormat !== 65534)) {
    try {
      wav.toBitDepth('16');
    } catch (error) {
      throw new ConfigError(`${name} has an unsupported sample format (${fmt.bitsPerSample}-bit).`, { cause: error });
    }
  }
  const channels = fmt.numChannels;
  const interleaved = wav.getSamples(true, Int16Array) as unknown as Int16Array;
  if (channels === 1) return { samples: interleaved, sampleRate: fmt.sampleRate };
  const frames = Math.floor(interleaved.length / channels);
  const mono = new Int16Array(frames);
  for (let i = 0; i < frames; i++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += interleaved[i * channels + c]!;
    mono[i] = Math.round(sum / channels);
  }
  return { samples: mono, sampleRate: fmt.sampleRate };
}

export function encodeWav(samples: Int16Array, sampleRate: number): Uint8Array {
  const wav = new WaveFile();
  wav.fromScratch(1, sampleRate, '16', samples);
  return wav.toBuffer();
}

const HEADER_BYTES = 44;

/**
 * Writes 16-bit mono PCM to a WAV file as it arrives and fixes the sizes in the header on close.
 * (wavefile builds whole files in memory; a player that runs for an hour needs to stream.)
 */
export class StreamingWavWriter {
  #file: FileHandle | undefined;
  #dataBytes = 0;
  #position = HEADER_BYTES;
  #chain: Promise<void> = Promise.resolve();
  readonly sampleRate: number;

  private constructor(file: FileHandle, sampleRate: number) {
    this.#file = file;
    this.sampleRate = sampleRate;
  }

  static async create(path: string, sampleRate: number): Promise<StreamingWavWriter> {
    const file = await open(path, 'w');
    const writer = new StreamingWavWriter(file, sampleRate);
    await file.write(writer.#header(0), 0, HEADER_BYTES, 0);
    return writer;
  }

  get samplesWritten(): number {
    return this.#dataBytes / 2;
  }

  write(samples: Int16Array): void {
    const file = this.#file;
    if (!file || samples.length === 0) return;
    const bytes = int16ToBytes(samples);
    const position = this.#position;
    this.#position += bytes.length;
    this.#dataBytes += bytes.length;
    this.#chain = this.#chain.then(async () => {
      await file.write(bytes, 0, bytes.length, position);
    });
  }

  async close(): Promise<void> {
    const file = this.#file;
    if (!file) return;
    this.#file = undefined;
    await this.#chain;
    await file.write(this.#header(this.#dataBytes), 0, HEADER_BYTES, 0);
    await file.close();
  }

  #header(dataBytes: number): Buffer {
    const h = Buffer.alloc(HEADER_BYTES);
    h.write('RIFF', 0, 'ascii');
    h.writeUInt32LE(36 + dataBytes, 4);
    h.write('WAVE', 8, 'ascii');
    h.write('fmt ', 12, 'ascii');
    h.writeUInt32LE(16, 16);
    h.writeUInt16LE(1, 20); // PCM
    h.writeUInt16LE(1, 22); // mono
    h.writeUInt32LE(this.sampleRate, 24);
    h.writeUInt32LE(this.sampleRate * 2, 28);
    h.writeUInt16LE(2, 32);
    h.writeUInt16LE(16, 34);
    h.write('data', 36, 'ascii');
    h.writeUInt32LE(dataBytes, 40);
    return h;
  }
}
