import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWavFile } from '../../main/audio/wav.js';
import { createFakeRealtimeServer, type FakeRealtimeServer } from '../servers/fake-realtime-server.js';
import { requireSpeechTools, writeSpeechWav } from '../helpers/speech.js';
import { expectOneClearLine as oneLine, runHeadless as runHeadlessIn } from '../helpers/headless-cli.js';

let dir: string;

const runHeadless = (args: string[], env: Record<string, string | undefined> = {}) => runHeadlessIn(dir, args, env);

beforeAll(async () => {
  requireSpeechTools();
  dir = await mkdtemp(join(tmpdir(), 'hearth-e2e-'));
  // Voice barge-in needs full duplex (a headset); the default, half duplex, is for speakers.
  await mkdir(join(dir, 'config'), { recursive: true });
  await writeFile(join(dir, 'config', 'settings.json'), JSON.stringify({ listening: { duplex: 'full' } }));
});

describe('npm run headless, end to end against the fake Realtime server', () => {
  let server: FakeRealtimeServer;
  afterAll(async () => server?.close());

  it('turns WAV speech into a transcript and played audio, and truncates exactly on barge-in', async () => {
    server = await createFakeRealtimeServer({
      script: [
        {
          userTranscript: 'Turn on the kitchen lights.',
          items: [{ type: 'message', text: 'Sure, turning on the kitchen lights and telling you a long story.', audioMs: 6000 }],
        },
        { userTranscript: 'Stop, that is enough.', items: [{ type: 'message', text: 'Okay.', audioMs: 800 }] },
      ],
    });
    const { path: inputPath, samples: input } = await writeSpeechWav(dir, 'input', [
      500,
      { id: 'q1', text: 'turn on the kitchen lights', voice: 'en-us', speed: 160 },
      2500,
      { id: 'q2', text: 'stop, that is enough', voice: 'en-gb', speed: 160 },
      3000,
    ]);
    const outputPath = join(dir, 'output.wav');

    const { code, stderr, events } = await runHeadless([
      '--realtime-url',
      server.url,
      '--input',
      inputPath,
      '--output',
      outputPath,
      '--wake',
      'none',
      '--exit-when-idle',
      '--conversation-timeout',
      '2',
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);

    // The speech reached the server, from the first word on.
    const connection = server.connections[0]!;
    expect(connection.appendedBytes / 48).toBeGreaterThan(input.length / 16 - 500);

    // The last word on each transcript item, in order of first appearance.
    const items = new Map<unknown, { role: unknown; text: unknown; interrupted?: unknown }>();
    for (const e of events.filter((e) => e.type === 'transcript' && e.final))
      items.set(e.item_id, { role: e.role, text: e.text, interrupted: e.interrupted });
    expect([...items.values()]).toEqual([
      { role: 'user', text: 'Turn on the kitchen lights.', interrupted: undefined },
      { role: 'assistant', text: 'Sure, turning on the kitchen lights and telling you a long story.', interrupted: true },
      { role: 'user', text: 'Stop, that is enough.', interrupted: undefined },
      { role: 'assistant', text: 'Okay.', interrupted: undefined },
    ]);
    const phases = events.filter((e) => e.type === 'state').map((e) => (e.phase ? `${e.state}:${e.phase}` : e.state));
    expect(phases).toEqual(
      expect.arrayContaining([
        'connecting',
        'conversing:listening',
        'conversing:user-speaking',
        'conversing:thinking',
        'conversing:assistant-speaking',
        'follow-up',
        'idle',
      ]),
    );

    // Truncation: what the client sent equals what the server recorded and what was played.
    const truncates = events.filter((e) => e.type === 'truncate');
    expect(truncates).toHaveLength(1);
    const record = connection.truncations[0]!;
    expect(truncates[0]).toMatchObject({ item_id: record.item_id, audio_end_ms: record.audio_end_ms });
    const output = await readWavFile(outputPath);
    expect(output.sampleRate).toBe(24_000);
    const secondReplySamples = 800 * 24;
    const firstPlayedMs = (output.samples.length - secondReplySamples) / 24;
    expect(Math.abs(firstPlayedMs - record.audio_end_ms)).toBeLessThanOrEqual(20);
    expect(record.audio_end_ms).toBeGreaterThan(1000);
    expect(record.audio_end_ms).toBeLessThan(6000);

    const usage = events.filter((e) => e.type === 'usage');
    expect(usage.length).toBeGreaterThanOrEqual(2);
    expect(usage.every((u) => typeof u.input_tokens === 'number' && typeof u.cost_usd === 'number')).toBe(true);
    expect(events.filter((e) => e.type === 'error')).toEqual([]);
    expect(events.every((e) => typeof e.t === 'number')).toBe(true);
  });

  /** Asks "How is the weather?" with --text and records the reply to `outputName`. */
  const askByText = async (fake: FakeRealtimeServer, outputName: string) => {
    const outputPath = join(dir, outputName);
    const run = await runHeadless([
      '--realtime-url',
      fake.url,
      '--text',
      'How is the weather?',
      '--output',
      outputPath,
      '--exit-when-idle',
    ]);
    return { ...run, outputPath };
  };

  it('answers a typed --text message by voice', async () => {
    server ??= await createFakeRealtimeServer();
    server.setResponder(() => ({ items: [{ type: 'message', text: 'It is sunny.', audioMs: 500 }] }));
    const { code, events, outputPath } = await askByText(server, 'text-output.wav');
    expect(code).toBe(0);
    expect(events.filter((e) => e.type === 'transcript' && e.final).map((e) => e.text)).toEqual(['How is the weather?', 'It is sunny.']);
    expect((await readWavFile(outputPath)).samples.length).toBe(500 * 24);
  });

  it('plays a preamble and the answer of one response back to back, and labels each with its phase', async () => {
    server ??= await createFakeRealtimeServer();
    server.setResponder(() => ({
      items: [
        { type: 'message', phase: 'commentary', text: 'Let me look.', audioMs: 300 },
        { type: 'message', phase: 'final_answer', text: 'It is sunny.', audioMs: 500 },
      ],
    }));
    const { code, events, outputPath } = await askByText(server, 'preamble-output.wav');
    expect(code).toBe(0);
    const finals = events.filter((e) => e.type === 'transcript' && e.final);
    expect(finals.map((e) => [e.text, e.phase])).toEqual([
      ['How is the weather?', undefined],
      ['Let me look.', 'commentary'],
      ['It is sunny.', 'final_answer'],
    ]);
    expect((await readWavFile(outputPath)).samples.length).toBe((300 + 500) * 24);
  });
});

describe('npm run headless: bad input gets one clear line and an exit status, never a crash', () => {
  let server: FakeRealtimeServer;
  beforeAll(async () => {
    server = await createFakeRealtimeServer();
  });
  afterAll(async () => server.close());

  it('missing key → 2', async () => {
    const r = await runHeadless(['--realtime-url', server.url, '--wake', 'none', '--text', 'hi'], { OPENAI_API_KEY: '' });
    expect(r.code).toBe(2);
    oneLine(r.stderr);
    expect(r.stderr).toMatch(/OPENAI_API_KEY/);
  });

  it('wrong key → 3', async () => {
    const r = await runHeadless(['--realtime-url', server.url, '--text', 'hi', '--exit-when-idle'], { OPENAI_API_KEY: 'sk-wrong' });
    expect(r.code).toBe(3);
    oneLine(r.stderr);
    expect(r.stderr).toMatch(/refused the API key/);
    expect(r.events.some((e) => e.type === 'error' && e.category === 'authentication' && e.permanent === true)).toBe(true);
  });

  it('unreachable URL → 1 with a connectivity message', async () => {
    const r = await runHeadless(['--realtime-url', 'ws://127.0.0.1:9/v1/realtime', '--text', 'hi', '--exit-when-idle']);
    expect(r.code).toBe(1);
    oneLine(r.stderr);
    expect(r.stderr).toMatch(/Cannot reach 127\.0\.0\.1:9/);
  });

  it('unreadable WAV, bad URL scheme, unknown option → 2', async () => {
    const garbage = join(dir, 'garbage.wav');
    await writeFile(garbage, 'RIFF but not really');
    for (const args of [
      ['--input', garbage, '--wake', 'none'],
      ['--input', join(dir, 'missing.wav'), '--wake', 'none'],
      ['--realtime-url', 'https://api.openai.com/v1/realtime', '--wake', 'none'],
      ['--frobnicate'],
      ['--conversation-timeout', 'soon'],
    ]) {
      const r = await runHeadless(args);
      expect(r.code, args.join(' ')).toBe(2);
      oneLine(r.stderr);
    }
  });
  it('a model the server does not offer → 2, one line naming a replacement, one connection (no retry loop)', async () => {
    const before = server.connections.length;
    const r = await runHeadless(['--realtime-url', server.url, '--model', 'gpt-realtime-9', '--text', 'hi', '--exit-when-idle']);
    expect(r.code).toBe(2);
    oneLine(r.stderr);
    expect(r.stderr).toMatch(/gpt-realtime-9.*e\.g\. gpt-realtime-2/);
    expect(server.connections.length - before).toBe(1);
  });

  it('a retired model → 2 before connecting; a retiring one runs with a notice in the events', async () => {
    const retired = await runHeadless(['--realtime-url', server.url, '--model', 'gpt-4o-realtime-preview', '--text', 'hi']);
    expect(retired.code).toBe(2);
    oneLine(retired.stderr);
    expect(retired.stderr).toContain('--model: The model gpt-4o-realtime-preview was shut down on 2026-05-07; use gpt-realtime-2 instead.');
    const retiring = await runHeadless(['--realtime-url', server.url, '--model', 'gpt-realtime-mini', '--text', 'hi', '--exit-when-idle']);
    expect(retiring.code).toBe(0);
    expect(retiring.events.filter((e) => e.type === 'error')).toEqual([
      expect.objectContaining({
        code: 'model_retiring',
        permanent: false,
        message: expect.stringMatching(/2027-01-20.*gpt-realtime-2\.1-mini/),
      }),
    ]);
  });
});
