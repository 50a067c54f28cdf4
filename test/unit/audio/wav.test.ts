import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import wavefile from 'wavefile';
import { describe, expect, it } from 'vitest';
import { decodeWav, encodeWav, readWavFile, StreamingWavWriter } from '../../../main/audio/wav.js';

const dir = await mkdtemp(join(tmpdir(), 'hearth-wav-'));

describe('WAV files', () => {
  it('streams samples to a file whose header matches its data', async () => {
    const path = join(dir, 'out.wav');
    const writer = await StreamingWavWriter.create(path, 24_000);
    writer.write(Int16Array.from([1, 2, 3]));
    writer.write(Int16Array.from([4, 5]).subarray(1));
    await writer.close();
    const decoded = await readWavFile(path);
    expect(decoded.sampleRate).toBe(24_000);
    expect(Array.from(decoded.samples)).toEqual([1, 2, 3, 5]);
    const bytes = await readFile(path);
    expect(bytes.readUInt32LE(40)).toBe(8);
  });

  it('mixes stereo down to mono', () => {
    const stereo = new Int16Array([100, 300, -100, -300]);
    const wav = new wavefile.WaveFile();
    wav.fromScratch(2, 16_000, '16', stereo);
    const decoded = decodeWav(wav.toBuffer());
    expect(Array.from(decoded.samples)).toEqual([200, -200]);
  });

  it('gives one clear error for files that are not WAV', async () => {
    const path = join(dir, 'bad.wav');
    await writeFile(path, 'this is not audio');
    await expect(readWavFile(path)).rejects.toThrow(/not a readable WAV file/);
    await expect(readWavFile(join(dir, 'missing.wav'))).rejects.toThrow(/no such file/);
  });

  it('encodes what it decodes', () => {
    const samples = Int16Array.from([0, 100, -100, 32767]);
    expect(Array.from(decodeWav(encodeWav(samples, 16_000)).samples)).toEqual(Array.from(samples));
  });
});
