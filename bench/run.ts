// `npm run bench`: measures the engine and prints one JSON document, also kept in bench/results/.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { StreamResampler } from '../main/audio/resampler.js';
import { benchRealtime } from './realtime-bench.js';
import { benchAgentsRealtime } from './agents-baseline.js';
import { SCENARIO } from './barge-in-scenario.js';
import { benchWakeWord } from './wake-word-bench.js';
import { benchBrowserPlayback } from './browser-playback-bench.js';
import { benchHomeAssistant } from './home-assistant-bench.js';
import { benchWebSecurity } from './web-security-bench.js';
import { benchEcho } from './echo-bench.js';

const iterations = Number(process.env.BENCH_ITERATIONS ?? 8);
const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

async function resamplerSpeed(): Promise<{ speed_x_realtime: number; audio_seconds: number }> {
  const resampler = await StreamResampler.create(16_000, 24_000);
  const seconds = 60;
  const input = new Int16Array(16_000 * seconds).map((_, i) => Math.round(8000 * Math.sin(i / 7)));
  const started = performance.now();
  for (let i = 0; i < input.length; i += 512) resampler.process(input.subarray(i, i + 512));
  const elapsed = performance.now() - started;
  resampler.dispose();
  return { speed_x_realtime: Math.round((seconds * 1000) / elapsed), audio_seconds: seconds };
}

function idleProbe(mode: 'none' | 'wake'): Record<string, number> {
  const output = execFileSync(process.execPath, ['out/bench/idle-probe.js', '10', mode], { encoding: 'utf8' });
  return JSON.parse(output.trim().split('\n').at(-1)!) as Record<string, number>;
}

function packageVersion(name: string): string {
  return (JSON.parse(readFileSync(`node_modules/${name}/package.json`, 'utf8')) as { version: string }).version;
}

log(`resampler`);
const resampler = await resamplerSpeed();
log(`realtime engine: ${iterations} barge-ins`);
const realtime = await benchRealtime(iterations);
log(`@openai/agents-realtime: ${iterations} barge-ins`);
const agents = await benchAgentsRealtime(iterations, packageVersion('@openai/agents-realtime'));
log('wake word (utterance sets, listening, wake → audio)');
const wakeWord = await benchWakeWord();
log('Home Assistant: tool call vs conversation/process against a real Home Assistant');
const homeAssistant = await benchHomeAssistant(20);
log('browser playback (AudioWorklet in Chromium)');
const browserPlayback = await benchBrowserPlayback();
log('web mode under attack (idle and wrong-token floods, a paired client meanwhile)');
const webSecurity = await benchWebSecurity();
log('echo path (AEC3 in the test room at 60 and 800 ms, beside half duplex)');
const echo = await benchEcho();
log('idle process (10 s without, 10 s with the wake word)');
const idle = { without_wake_word: idleProbe('none'), listening_for_wake_word: idleProbe('wake') };

const result = {
  timestamp: new Date().toISOString(),
  machine: { cpus: cpus().length, cpu_model: cpus()[0]?.model ?? 'unknown', node: process.version },
  scenario: SCENARIO,
  realtime: {
    mic_frame_to_socket_send_ms: realtime.mic_frame_to_socket_send_ms,
    audio_delta_to_player_ms: realtime.audio_delta_to_player_ms,
    barge_in: {
      speech_started_to_playback_silent_ms: realtime.speech_started_to_playback_silent_ms,
      speech_started_to_truncate_sent_ms: realtime.speech_started_to_truncate_sent_ms,
      truncation_error_ms: {
        hearth: realtime.truncation_error_ms,
        agents_realtime: { ...agents.truncation_error_ms, package: `@openai/agents-realtime@${agents.version}` },
        hearth_is_smaller: realtime.truncation_error_ms.mean < agents.truncation_error_ms.mean,
      },
      underruns_per_reply: realtime.underruns_per_reply,
    },
  },
  home_assistant: homeAssistant,
  wake_word: wakeWord,
  browser_playback: browserPlayback,
  web_security: webSecurity,
  echo,
  resampler,
  idle,
};

const json = JSON.stringify(result, null, 2);
process.stdout.write(`${json}\n`);
mkdirSync('bench/results', { recursive: true });
writeFileSync(`bench/results/${result.timestamp.replace(/[:.]/g, '-')}.json`, `${json}\n`);
writeFileSync('bench/results/latest.json', `${json}\n`);
process.exit(0);
