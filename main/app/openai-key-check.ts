import { WsRealtimeTransport } from '../realtime/ws-realtime-transport.js';
import { toAssistantError, type AssistantError } from '../util/errors.js';

/**
 * Tries an OpenAI key by opening a Realtime session and closing it at once (no audio, no tokens):
 * the only check that the real service accepts the key for Realtime.
 */
export async function checkOpenAIKey(options: {
  url: string;
  model: string;
  apiKey: string;
}): Promise<{ ok: true } | { ok: false; error: AssistantError }> {
  const transport = new WsRealtimeTransport({ firstConnectAttempts: 1, connectTimeoutMs: 8000 });
  transport.on('error', () => undefined);
  try {
    await transport.connect({ ...options, onOpen: () => [] });
    return { ok: true };
  } catch (error) {
    return { ok: false, error: toAssistantError(error, 'openai') };
  } finally {
    transport.close();
  }
}
