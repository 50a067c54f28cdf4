import { parseArgs } from 'node:util';
import { ConversationSettingsSchema } from '../../preload/contract/settings-schema.js';

/** --conversation-timeout sets the follow-up window, so it cannot go beyond that setting's own limit. */
const MAX_CONVERSATION_TIMEOUT_SECONDS = ConversationSettingsSchema.shape.followUpSeconds.unwrap().maxValue!;

export type HeadlessOptions = {
  realtimeUrl?: string;
  model?: string;
  input?: string;
  output?: string;
  events?: string;
  wake?: string;
  text?: string;
  haUrl?: string;
  haTokenFile?: string;
  conversationTimeoutSeconds?: number;
  exitWhenIdle: boolean;
  help: boolean;
};

export const USAGE = `Usage: npm run headless -- [options]          (OPENAI_API_KEY from the environment)
  --realtime-url URL     Realtime endpoint; the model is added as ?model=
  --model NAME
  --input FILE.wav       use this 16-bit mono WAV (any sample rate) as the microphone, streamed in real time;
                         silence follows its end. Without --input: the system microphone.
  --output FILE.wav      the assistant's audio exactly as played (24 kHz, 16-bit mono)
  --events FILE.jsonl    one JSON object per line, each with "type" and "t" (ms since start)
  --wake none            start the conversation at once, without a wake word
  --wake KEYWORD         listen for this wake word instead of the configured one (hey_jarvis, alexa,
                         hey_mycroft, hey_rhasspy or a custom .onnx model); the default is the configured one
  --text "..."           send this typed message once the session is ready
  --ha-url URL --ha-token-file FILE     Home Assistant: its base URL (http(s)://host:port) and a file holding a
                         long-lived access token; its exposed devices become tools for the model
  --conversation-timeout SECONDS        end the conversation after this long without speech (default 8)
  --exit-when-idle       exit once the conversation has ended and the input is exhausted
exit status: 0 done; 1 failed at run time (also: Home Assistant unreachable); 2 bad usage or configuration
             (also: bad Home Assistant URL or certificate, unreadable token file); 3 authentication refused
             (OpenAI key or Home Assistant token)`;

export class UsageError extends Error {}

/** Parses the command line; throws UsageError with one clear sentence. */
export function parseHeadlessArgs(argv: string[]): HeadlessOptions {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, '.'));
  }
  const v = parsed.values;
  if (parsed.positionals.length > 0) throw new UsageError(`Unexpected argument "${parsed.positionals[0]}".`);
  const options: HeadlessOptions = { exitWhenIdle: v['exit-when-idle'] === true, help: v.help === true };
  const set = <K extends keyof HeadlessOptions>(key: K, value: HeadlessOptions[K] | undefined) => {
    if (value !== undefined) options[key] = value;
  };
  set('realtimeUrl', v['realtime-url']);
  set('model', v.model);
  set('input', v.input);
  set('output', v.output);
  set('events', v.events);
  set('wake', v.wake);
  set('text', v.text);
  set('haUrl', v['ha-url']);
  set('haTokenFile', v['ha-token-file']);
  if (v['conversation-timeout'] !== undefined) {
    const seconds = Number(v['conversation-timeout']);
    if (!Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_CONVERSATION_TIMEOUT_SECONDS) {
      throw new UsageError(
        `--conversation-timeout must be a number of seconds above 0 and at most ${MAX_CONVERSATION_TIMEOUT_SECONDS}, not "${v['conversation-timeout']}".`,
      );
    }
    options.conversationTimeoutSeconds = seconds;
  }
  if ((options.haUrl === undefined) !== (options.haTokenFile === undefined)) {
    throw new UsageError('--ha-url and --ha-token-file go together.');
  }
  if (options.text !== undefined && options.text.trim() === '') throw new UsageError('--text must not be empty.');
  for (const [flag, value] of [
    ['--model', options.model],
    ['--input', options.input],
    ['--output', options.output],
    ['--events', options.events],
  ] as const) {
    if (value !== undefined && value.trim() === '') throw new UsageError(`${flag} must not be empty.`);
  }
  return options;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: {
      'realtime-url': { type: 'string' },
      model: { type: 'string' },
      input: { type: 'string' },
      output: { type: 'string' },
      events: { type: 'string' },
      wake: { type: 'string' },
      text: { type: 'string' },
      'ha-url': { type: 'string' },
      'ha-token-file': { type: 'string' },
      'conversation-timeout': { type: 'string' },
      'exit-when-idle': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
