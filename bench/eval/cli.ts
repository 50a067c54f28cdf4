// `npm run eval -- --model NAME …`: the recorded home commands against a model, scored per command,
// one table per run (a row per model), JSON in bench/results/eval-<time>.json.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { connectHomeAssistant, type HomeAssistantIntegration } from '../../main/app/home-assistant-integration.js';
import { defaultSettings } from '../../preload/contract/settings-schema.js';
import { MODEL_NAME, retiredMessage, retirementNotice } from '../../preload/contract/model-catalog.js';
import { REASONING_EFFORTS, type ReasoningEffort } from '../../preload/contract/settings-schema.js';
import {
  createFakeRealtimeServer,
  type FakeRealtimeServer,
  createStandInModel,
  type StandIn,
  connectHaWebSocket,
  startHomeAssistant,
  type HaSocket,
  type HomeAssistantInstance,
  requireSpeechTools,
  synthesize,
} from '../test-kit.js';
import { decodeWav, encodeWav } from '../../main/audio/wav.js';
import { formatTable, parseCommandFile, type EvalCommand, type ModelResult } from './eval-score.js';
import { evalModel } from './run-eval.js';

const USAGE = `usage: npm run eval -- [--model NAME]... [--effort minimal|low|medium|high|xhigh] [--audio]
                       [--key-file FILE | OPENAI_API_KEY] [--url wss://…] [--fake rules|wrong]
                       [--ha-url URL --ha-token-file FILE] [--commands FILE] [--only ID,ID] [--out FILE]`;

class UsageError extends Error {}

type Options = {
  models: string[];
  effort: ReasoningEffort;
  audio: boolean;
  keyFile: string | undefined;
  url: string;
  fake: 'rules' | 'wrong' | undefined;
  haUrl: string | undefined;
  haTokenFile: string | undefined;
  commands: string;
  only: string[] | undefined;
  out: string | undefined;
};

function isLoopback(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === 'localhost' || host === '[::1]' || /^127\./.test(host);
  } catch {
    return false;
  }
}

function parse(argv: string[]): Options {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        model: { type: 'string', multiple: true },
        effort: { type: 'string' },
        audio: { type: 'boolean' },
        'key-file': { type: 'string' },
        url: { type: 'string' },
        fake: { type: 'string' },
        'ha-url': { type: 'string' },
        'ha-token-file': { type: 'string' },
        commands: { type: 'string' },
        only: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) throw new UsageError('');
  const models = values.model?.length ? values.model : [defaultSettings().openai.model];
  for (const model of models) {
    if (!MODEL_NAME.test(model)) throw new UsageError(`--model ${JSON.stringify(model)} is not a model name (letters, digits, . - _)`);
    const retired = retiredMessage(model);
    if (retired) throw new UsageError(retired);
  }
  const effort = values.effort ?? 'low';
  if (!(REASONING_EFFORTS as readonly string[]).includes(effort))
    throw new UsageError(`--effort must be one of ${REASONING_EFFORTS.join(', ')}`);
  if (values.fake !== undefined && values.fake !== 'rules' && values.fake !== 'wrong')
    throw new UsageError('--fake must be rules (the stand-in rule table) or wrong (its deliberately wrong variant)');
  if (values.fake && values.url) throw new UsageError('--fake starts its own fake server: leave out --url');
  if ((values['ha-url'] === undefined) !== (values['ha-token-file'] === undefined))
    throw new UsageError('--ha-url and --ha-token-file go together');
  const url = values.url ?? 'wss://api.openai.com/v1/realtime';
  if (url.startsWith('ws:') && !isLoopback(url)) throw new UsageError('--url may use ws:// only for a server on this computer; use wss://');
  return {
    models,
    effort: effort as ReasoningEffort,
    audio: values.audio ?? false,
    keyFile: values['key-file'],
    url,
    fake: values.fake as Options['fake'],
    haUrl: values['ha-url'],
    haTokenFile: values['ha-token-file'],
    commands: values.commands ?? 'bench/eval/commands.json',
    only: values.only?.split(',').map((s) => s.trim()),
    out: values.out,
  };
}

async function readKey(options: Options): Promise<string> {
  if (options.fake) return 'test-key';
  if (options.keyFile) {
    try {
      const key = (await readFile(options.keyFile, 'utf8')).trim();
      if (key) return key;
    } catch (error) {
      throw new UsageError(`--key-file ${options.keyFile}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    throw new UsageError(`--key-file ${options.keyFile} is empty`);
  }
  const key = process.env.OPENAI_API_KEY?.trim();
  if (key) return key;
  if (isLoopback(options.url)) return 'test-key';
  throw new UsageError(
    'no OpenAI key: the eval calls the real Realtime API with your key (set OPENAI_API_KEY or pass --key-file FILE), or run it against the fake server with --fake rules',
  );
}

/** espeak-ng speech per command, cached by its words in .cache/eval-wav/. */
async function speechFor(commands: readonly EvalCommand[]): Promise<Map<string, Int16Array>> {
  requireSpeechTools();
  const dir = '.cache/eval-wav';
  await mkdir(dir, { recursive: true });
  const out = new Map<string, Int16Array>();
  for (const c of commands) {
    const hash = createHash('sha256').update(c.text).digest('hex').slice(0, 12);
    const file = join(dir, `${c.id}-${hash}.wav`);
    try {
      out.set(c.id, decodeWav(await readFile(file), file).samples);
      continue;
    } catch {
      // not cached yet
    }
    const samples = await synthesize(dir, { id: `${c.id}-${hash}`, text: c.text, voice: 'en-us', speed: 160 }, 0.3);
    await writeFile(file, encodeWav(samples, 16_000));
    out.set(c.id, samples);
  }
  return out;
}

async function main(): Promise<number> {
  const log = (line: string) => process.stderr.write(`eval: ${line}\n`);
  let options: Options;
  let apiKey: string;
  let commands: EvalCommand[];
  try {
    options = parse(process.argv.slice(2));
    apiKey = await readKey(options);
    let text: string;
    try {
      text = await readFile(options.commands, 'utf8');
    } catch {
      throw new UsageError(`--commands ${options.commands}: cannot read it`);
    }
    commands = parseCommandFile(text, options.commands);
    if (options.only) {
      const unknown = options.only.filter((id) => !commands.some((c) => c.id === id));
      if (unknown.length) throw new UsageError(`--only: no command ${unknown.join(', ')}`);
      commands = commands.filter((c) => options.only!.includes(c.id));
    }
  } catch (error) {
    const message = (error as Error).message;
    process.stderr.write(message ? `hearth eval: ${message}\n` : `${USAGE}\n`);
    return 2;
  }
  for (const model of options.models) {
    const notice = retirementNotice(model);
    if (notice) log(notice);
  }

  let fake: FakeRealtimeServer | undefined;
  let standIn: StandIn | undefined;
  let ha: HomeAssistantInstance | undefined;
  let admin: HaSocket | undefined;
  let integration: HomeAssistantIntegration | undefined;
  try {
    if (options.fake) {
      standIn = createStandInModel(options.fake);
      fake = await createFakeRealtimeServer({ responder: standIn.responder, chunkIntervalMs: 5 });
      log(`fake Realtime server at ${fake.url} with the stand-in rule table (${options.fake}): NOT a model`);
    }
    let haUrl: string;
    let haToken: string;
    if (options.haUrl && options.haTokenFile) {
      haUrl = options.haUrl;
      haToken = (await readFile(options.haTokenFile, 'utf8')).trim();
    } else {
      log('starting the demo Home Assistant (test/servers/home-assistant-core.ts)');
      ha = await startHomeAssistant();
      haUrl = ha.url;
      haToken = ha.token;
    }
    admin = await connectHaWebSocket(haUrl, haToken);
    if (ha) {
      // A scene for the scene command (scene.create is not stored: it is gone after a restart).
      await admin.command('call_service', {
        domain: 'scene',
        service: 'create',
        service_data: { scene_id: 'reading', entities: { 'light.bed_light': { state: 'on', brightness: 77 } } },
      });
    }
    const settings = defaultSettings();
    integration = await connectHomeAssistant({ url: haUrl, token: haToken, settings: () => settings });
    const home = { integration, admin };
    const audio = options.audio ? await speechFor(commands) : undefined;
    const results: ModelResult[] = [];
    for (const model of options.models) {
      log(`${model}: ${commands.length} commands (${options.audio ? 'audio' : 'text'})`);
      results.push(
        await evalModel(
          commands,
          {
            url: fake?.url ?? options.url,
            apiKey,
            model,
            effort: options.effort,
            ...(audio ? { audio } : {}),
            ...(standIn ? { hear: standIn.hear } : {}),
            standIn: options.fake ?? null,
            commandTimeoutMs: fake ? 20_000 : 60_000,
          },
          home,
          log,
        ),
      );
    }
    const table = formatTable(results);
    process.stdout.write(`${table}\n`);
    const document = {
      timestamp: new Date().toISOString(),
      home_assistant: integration.gateway.haVersion,
      realtime_url: fake ? 'fake (stand-in, not a model)' : options.url,
      commands_file: options.commands,
      results,
    };
    const out = options.out ?? join('bench/results', `eval-${document.timestamp.replace(/[:.]/g, '-')}.json`);
    await mkdir(join(out, '..'), { recursive: true });
    await writeFile(out, `${JSON.stringify(document, null, 2)}\n`);
    log(`results in ${out}`);
    return 0;
  } catch (error) {
    process.stderr.write(`hearth eval: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await integration?.close().catch(() => undefined);
    await admin?.close().catch(() => undefined);
    await ha?.stop().catch(() => undefined);
    await fake?.close().catch(() => undefined);
  }
}

process.exitCode = await main();
