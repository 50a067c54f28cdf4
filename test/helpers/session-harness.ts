import { HeadlessPlayer } from '../../main/audio/headless-player.js';
import { defaultSettings, type Settings } from '../../preload/contract/settings-schema.js';
import { createPriceTable } from '../../main/realtime/price-table.js';
import { buildSessionConfig } from '../../main/realtime/session-config.js';
import { VoiceSession, type VoiceSessionEvents } from '../../main/realtime/voice-session.js';
import { WsRealtimeTransport, type WsRealtimeTransportOptions } from '../../main/realtime/ws-realtime-transport.js';
import { DefaultToolRegistry, type ToolSource } from '../../main/tools/tool-registry.js';
import { nextEvent } from './wait.js';

/** 16 kHz frames of a loud tone ("speech" to the fake's energy VAD) or silence. */
export function micFrames(ms: number, loud: boolean, frequency = 300): Int16Array[] {
  const frames: Int16Array[] = [];
  const count = Math.round((ms * 16) / 512);
  for (let f = 0; f < count; f++) {
    const frame = new Int16Array(512);
    if (loud) for (let i = 0; i < 512; i++) frame[i] = Math.round(8000 * Math.sin((2 * Math.PI * frequency * (f * 512 + i)) / 16000));
    frames.push(frame);
  }
  return frames;
}

export type Recorded = { [K in keyof VoiceSessionEvents]: VoiceSessionEvents[K][] };

export async function createTestSession(
  url: string,
  options: {
    apiKey?: string;
    tools?: ToolSource[];
    transport?: WsRealtimeTransportOptions;
    settings?: (s: Settings) => void;
    prebufferMs?: number;
    responseWatchdogMs?: number;
  } = {},
) {
  const settings = defaultSettings();
  settings.openai.realtimeUrl = url;
  options.settings?.(settings);
  const transport = new WsRealtimeTransport({ reconnect: { initialMs: 50, maxMs: 200, maxAttempts: 5 }, ...options.transport });
  const player = await HeadlessPlayer.create(options.prebufferMs ? { prebufferMs: options.prebufferMs } : {});
  const tools = new DefaultToolRegistry(...(options.tools ?? []));
  const session = await VoiceSession.create({
    transport,
    player,
    tools,
    prices: createPriceTable(),
    connection: () => ({ url: settings.openai.realtimeUrl, model: settings.openai.model, apiKey: options.apiKey ?? 'test-key' }),
    sessionConfig: () => buildSessionConfig({ openai: settings.openai, tools: tools.definitions() }),
    ...(options.responseWatchdogMs === undefined ? {} : { responseWatchdogMs: options.responseWatchdogMs }),
  });
  const recorded = {} as Recorded;
  const names: Array<keyof VoiceSessionEvents> = [
    'status',
    'ready',
    'speech_started',
    'speech_stopped',
    'response_started',
    'assistant_audio_started',
    'tool_started',
    'tool_finished',
    'assistant_done',
    'transcript',
    'truncate',
    'usage',
    'metrics',
    'error',
    'failed',
  ];
  for (const name of names) {
    const list: unknown[][] = [];
    (recorded as Record<string, unknown[][]>)[name] = list;
    session.on(name, ((...args: unknown[]) => list.push(args)) as never);
  }
  const next = <K extends keyof VoiceSessionEvents>(name: K, timeoutMs = 5000) =>
    nextEvent<VoiceSessionEvents[K]>(`session event ${String(name)}`, timeoutMs, (deliver) =>
      session.once(name, ((...args: VoiceSessionEvents[K]) => deliver(args)) as never),
    );
  /** Does `action`, then waits for the session event it leads to (listening from before the action). */
  const after = async <K extends keyof VoiceSessionEvents>(name: K, action: () => unknown, timeoutMs = 10_000) => {
    const seen = next(name, timeoutMs);
    await action();
    return seen;
  };
  const feed = async (frames: Int16Array[], realTime = false) => {
    for (const frame of frames) {
      session.appendAudio(frame);
      if (realTime) await new Promise((r) => setTimeout(r, 32));
    }
  };
  const dispose = async () => {
    await session.close();
    session.dispose();
    await player.close();
  };
  return { session, transport, player, settings, recorded, next, after, feed, dispose };
}
