// Home Assistant latency, measured against a real Home Assistant 2024.3.3 (test/servers/home-assistant-core.ts):
// a tool call dispatched through the same registry path as the model's calls → the state change seen
// through the entity subscription → the function output string ready to send, side by side with
// Home Assistant's own conversation/process doing the same action in the same run.
import { connectHomeAssistant } from '../main/app/home-assistant-integration.js';
import type { HomeAssistantGateway } from '../main/home-assistant/home-assistant-gateway.js';
import { DefaultToolRegistry } from '../main/tools/tool-registry.js';
import { validateSettings } from '../preload/contract/settings-schema.js';
import { startHomeAssistant, nextEvent } from './test-kit.js';
import { summarize } from './stats.js';

const ENTITY = 'light.kitchen_lights';

/** Resolves with the time (performance.now()) the subscription first shows `state` for ENTITY. */
function stateSeen(gateway: HomeAssistantGateway, state: string, timeoutMs = 10_000): Promise<number> {
  return nextEvent(`${ENTITY} to become ${state}`, timeoutMs, (deliver) =>
    gateway.on('entities', (entities) => {
      if (entities.get(ENTITY)?.state === state) deliver(performance.now());
    }),
  );
}

export async function benchHomeAssistant(iterations: number): Promise<object> {
  const ha = await startHomeAssistant();
  const parsed = validateSettings({});
  if (!parsed.ok) throw new Error('default settings do not validate');
  const settings = parsed.settings;
  const integration = await connectHomeAssistant({ url: ha.url, token: ha.token, settings: () => settings });
  try {
    const gateway = integration.gateway;
    const registry = new DefaultToolRegistry(integration.tools);
    const current = () => gateway.getEntities().get(ENTITY)?.state;
    const opposite = () => (current() === 'on' ? 'off' : 'on');

    const viaTool = async (target: string) => {
      const started = performance.now();
      const seen = stateSeen(gateway, target);
      const result = await registry.execute(
        { callId: 'bench', name: 'turn_on_off', argumentsJson: JSON.stringify({ entities: [ENTITY], action: `turn_${target}` }) },
        { userTurn: 1 },
      );
      const outputAt = performance.now();
      const seenAt = await seen;
      if (!result.ok || !result.output.includes(`"state":"${target}"`)) throw new Error(`tool call failed: ${result.output}`);
      return { state: seenAt - started, output: outputAt - started };
    };
    const viaAssist = async (target: string) => {
      const started = performance.now();
      const seen = stateSeen(gateway, target);
      const answer = await gateway.processConversation({ text: `turn ${target} the kitchen lights`, language: 'en' });
      const answerAt = performance.now();
      const seenAt = await seen;
      if (answer.responseType !== 'action_done') throw new Error(`conversation/process: ${answer.responseType} ${answer.speech}`);
      return { state: seenAt - started, answer: answerAt - started };
    };

    // Warm-up (intents load on the first conversation/process), not measured.
    await viaTool(opposite());
    await viaAssist(opposite());

    const tool = { state: [] as number[], output: [] as number[] };
    const assist = { state: [] as number[], answer: [] as number[] };
    for (let i = 0; i < iterations; i++) {
      const a = await viaTool(opposite());
      tool.state.push(a.state);
      tool.output.push(a.output);
      const b = await viaAssist(opposite());
      assist.state.push(b.state);
      assist.answer.push(b.answer);
    }
    return {
      home_assistant: ha.version,
      entity: ENTITY,
      iterations,
      action: 'turn on/off, alternating',
      hearth_tool: {
        path: 'ToolRegistry.execute(turn_on_off) → HomeControl → call_service → read-back',
        call_to_state_changed_ms: summarize(tool.state),
        call_to_function_output_ready_ms: summarize(tool.output),
      },
      assist_conversation_process: {
        path: 'conversation/process "turn on|off the kitchen lights"',
        call_to_state_changed_ms: summarize(assist.state),
        call_to_answer_ms: summarize(assist.answer),
      },
    };
  } finally {
    await integration.close();
    await ha.stop();
  }
}
