import { HeadlessPlayer } from '../../../main/audio/headless-player.js';
import { int16ToBase64 } from '../../../main/audio/pcm.js';
import { defaultSettings, type Settings } from '../../../preload/contract/settings-schema.js';
import { createPriceTable } from '../../../main/realtime/price-table.js';
import { buildSessionConfig } from '../../../main/realtime/session-config.js';
import { VoiceSession } from '../../../main/realtime/voice-session.js';
import { DefaultToolRegistry } from '../../../main/tools/tool-registry.js';
import { ManualClock } from '../../fakes/manual-clock.js';
import { ScriptedRealtimeTransport } from '../../fakes/scripted-realtime-transport.js';

/** Base64 PCM16 at 24 kHz: `ms` of a steady non-zero signal. */
export const audio = (ms: number) => int16ToBase64(new Int16Array((ms * 24_000) / 1000).fill(1000));
export const flushPromises = () => new Promise((r) => setImmediate(r));

/** A VoiceSession on a scripted transport, a headless player and a manual clock, not yet opened. */
export async function createSession(tools = new DefaultToolRegistry(), configure: (settings: Settings) => void = () => {}) {
  const clock = new ManualClock();
  const transport = new ScriptedRealtimeTransport();
  const player = await HeadlessPlayer.create({ clock });
  const settings = defaultSettings();
  configure(settings);
  const session = await VoiceSession.create({
    transport,
    player,
    tools,
    clock,
    prices: createPriceTable(),
    connection: () => ({ url: 'ws://127.0.0.1:1/v1/realtime', model: 'gpt-realtime', apiKey: 'test-key' }),
    sessionConfig: () => buildSessionConfig({ openai: settings.openai, tools: tools.definitions() }),
  });
  return { clock, transport, player, session };
}

/** The same, opened and configured (the server's `session.updated` has arrived). */
export async function openSession(tools?: DefaultToolRegistry, configure?: (settings: Settings) => void) {
  const created = await createSession(tools, configure);
  const opened = created.session.open();
  created.transport.open();
  await opened;
  created.transport.server({ type: 'session.updated', session: {} });
  return created;
}
