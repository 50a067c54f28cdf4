import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useHomeAssistant } from '../helpers/home-assistant-fixture.js';
import { WRONG_RULE_COMMANDS } from '../servers/fake-realtime/stand-in-model.js';
import { parseCommandFile } from '../../bench/eval/eval-score.js';

/**
 * `npm run eval` as CI runs it: the built CLI against the fake server's stand-in rule table and a
 * real Home Assistant 2024.3.3 demo home. The stand-in proves the path (engine, tools, Home
 * Assistant, scoring, table, JSON); the wrong variant proves the scorer catches a regression.
 */

const CLI = 'out/bench/eval/cli.js';
const home = useHomeAssistant();
let dir: string;
let tokenFile: string;

type Run = { code: number | null; stdout: string; stderr: string };

function runEval(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, OPENAI_API_KEY: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

const haArgs = () => ['--ha-url', home.ha.url, '--ha-token-file', tokenFile];
const readJson = async (file: string) => JSON.parse(await readFile(file, 'utf8')) as { results: any[]; realtime_url: string };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hearth-eval-'));
  tokenFile = join(dir, 'ha-token');
  await writeFile(tokenFile, home.ha.token, { mode: 0o600 });
  // The eval makes this scene itself when it starts the demo home; with --ha-url the home has it.
  await home.admin.command('call_service', {
    domain: 'scene',
    service: 'create',
    service_data: { scene_id: 'reading', entities: { 'light.bed_light': { state: 'on', brightness: 77 } } },
  });
});

describe('npm run eval', () => {
  const commands = async () => parseCommandFile(await readFile('bench/eval/commands.json', 'utf8'), 'commands.json');

  it('the committed command set: about 30 commands over every kind, some that must call no tool', async () => {
    const all = await commands();
    expect(all.length).toBeGreaterThanOrEqual(30);
    const tools = new Set(all.flatMap((c) => c.accept.map((a) => a.tool)));
    for (const tool of [
      'turn_on_off',
      'set_light',
      'set_climate',
      'set_cover',
      'control_media',
      'set_fan',
      'activate_scene',
      'set_lock',
      'get_states',
    ])
      expect(tools).toContain(tool);
    expect(all.filter((c) => c.accept.length === 0).length).toBeGreaterThanOrEqual(2);
    expect(all.filter((c) => c.followUp).length).toBeGreaterThanOrEqual(2);
  });

  it('the stand-in rule table on the fake: every command passes against the real home, table and JSON', async () => {
    const out = join(dir, 'rules.json');
    const run = await runEval(['--fake', 'rules', ...haArgs(), '--out', out]);
    expect(run.stderr).not.toMatch(/hearth eval:/);
    expect(run.code).toBe(0);
    const total = (await commands()).length;
    expect(run.stdout).toMatch(/^\| model +\| effort +\| input +\| passed +\| accuracy +\|/);
    expect(run.stdout).toContain(`| gpt-realtime-2 (stand-in: rules) | low    | text  | ${total}/${total}`);
    expect(run.stdout).toContain('100.0 %');
    const json = await readJson(out);
    expect(json.realtime_url).toMatch(/stand-in, not a model/);
    expect(json.results[0]).toMatchObject({ model: 'gpt-realtime-2', passed: total, total, accuracy: 1, stand_in: 'rules' });
    expect(json.results[0].commands.filter((c: { pass: boolean }) => !c.pass)).toEqual([]);
    // State really changed: the confirmed unlock left the front door unlocked, the declined one locked.
    const byId = new Map(json.results[0].commands.map((c: { id: string }) => [c.id, c]));
    expect(byId.get('unlock-confirmed')).toMatchObject({ state: true, calls: [{ name: 'set_lock' }, { name: 'set_lock' }] });
    expect(byId.get('unlock-declined')).toMatchObject({ state: true, calls: [{ name: 'set_lock' }] });
    expect(byId.get('no-tool-joke')).toMatchObject({ pass: true, calls: [] });
  }, 400_000);

  it('the deliberately wrong variant: below 100 %, and exactly its wrong rows are named', async () => {
    const out = join(dir, 'wrong.json');
    // Its wrong rows and three it leaves right (the whole set runs in the stand-in test above).
    const right = ['light-off', 'garage-confirmed', 'ask-light'];
    const only = [...WRONG_RULE_COMMANDS, ...right].join(',');
    const run = await runEval(['--fake', 'wrong', '--only', only, ...haArgs(), '--out', out]);
    expect(run.code).toBe(0);
    const json = await readJson(out);
    const result = json.results[0];
    expect(result.total).toBe(WRONG_RULE_COMMANDS.length + right.length);
    expect(result.accuracy).toBeLessThan(1);
    const failed = result.commands.filter((c: { pass: boolean }) => !c.pass).map((c: { id: string }) => c.id);
    expect([...failed].sort()).toEqual([...WRONG_RULE_COMMANDS].sort());
    for (const id of WRONG_RULE_COMMANDS) expect(run.stdout).toMatch(new RegExp(`FAIL ${id}: .+`));
    const byId = new Map(result.commands.map((c: { id: string }) => [c.id, c]));
    expect(byId.get('light-on')).toMatchObject({ tool: true, args: false });
    expect(byId.get('ask-temperature')).toMatchObject({ tool: false, why: expect.stringContaining('called find_devices') });
    expect(byId.get('no-tool-joke')).toMatchObject({ tool: false, why: 'called turn_on_off where no tool belongs' });
    expect(byId.get('media-pause')).toMatchObject({ tool: false, why: expect.stringContaining('no tool called') });
  }, 400_000);

  it('--audio: espeak-ng speech through the microphone path (VAD, commit) scores the same', async () => {
    const out = join(dir, 'audio.json');
    const run = await runEval(['--fake', 'rules', '--audio', '--only', 'light-off,garage-confirmed,ask-light', ...haArgs(), '--out', out]);
    expect(run.code).toBe(0);
    const result = (await readJson(out)).results[0];
    expect(result).toMatchObject({ input: 'audio', passed: 3, total: 3 });
    for (const c of result.commands) expect(c.latencyMs).toBeGreaterThanOrEqual(0);
  }, 200_000);

  it('a model the server does not offer: one clear reason naming a replacement, and the run stops', async () => {
    const out = join(dir, 'unknown.json');
    const run = await runEval(['--fake', 'rules', '--model', 'gpt-realtime-9', ...haArgs(), '--out', out]);
    expect(run.code).toBe(0);
    const result = (await readJson(out)).results[0];
    expect(result.commands).toHaveLength(1);
    expect(result.commands[0].why).toMatch(/^model_not_found: .*gpt-realtime-9.*e\.g\. gpt-realtime-2/);
  }, 100_000);

  it('without a key, and not at a fake server: refuses with one line, before starting anything', async () => {
    const run = await runEval(['--model', 'gpt-realtime-2']);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^hearth eval: no OpenAI key: .*OPENAI_API_KEY.*--key-file.*--fake/),
    ]);
    expect(run.stdout).toBe('');
  });

  it('bad input: one line each', async () => {
    for (const [args, message] of [
      [['--fake', 'maybe'], /--fake must be rules/],
      [['--model', 'gpt realtime'], /is not a model name/],
      [['--model', 'gpt-4o-realtime-preview', '--fake', 'rules'], /was shut down on 2026-05-07; use gpt-realtime-2/],
      [['--effort', 'max', '--fake', 'rules'], /--effort must be one of minimal, low, medium, high, xhigh/],
      [['--fake', 'rules', '--only', 'nope'], /--only: no command nope/],
    ] as const) {
      const run = await runEval([...args]);
      expect(run.code).toBe(2);
      expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(message)]);
    }
  });
});
