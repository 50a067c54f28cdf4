/**
 * Runs the eval's commands through the engine (the app's own assembly: createAssistant, its tools,
 * a real Home Assistant) for one model, one fresh conversation per command, and scores them.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { createAssistant } from '../../main/app/compose.js';
import { defaultSettings, type Settings } from '../../preload/contract/settings-schema.js';
import { HeadlessPlayer } from '../../main/audio/headless-player.js';
import { MIC_FRAME_SAMPLES } from '../../main/audio/mic-source.js';
import { SilentMicSource } from '../../main/audio/silent-mic-source.js';
import type { HomeAssistantIntegration } from '../../main/app/home-assistant-integration.js';
import { supportsReasoning } from '../../preload/contract/model-catalog.js';
import type { ReasoningEffort } from '../../preload/contract/settings-schema.js';
import type { HaSocket } from '../test-kit.js';
import {
  scoreCommand,
  summarise,
  type CommandScore,
  type EntityNames,
  type EvalCommand,
  type ModelResult,
  type ObservedCall,
  type ObservedState,
} from './eval-score.js';

export type EvalTarget = {
  url: string;
  apiKey: string;
  model: string;
  effort: ReasoningEffort;
  /** Speech per command (16 kHz mono), when the audio path is used. */
  audio?: ReadonlyMap<string, Int16Array>;
  /** The fake's stand-in must be told what an audio turn says (it cannot hear). */
  hear?: (text: string) => void;
  standIn: string | null;
  /** How long one command may take, all turns included. */
  commandTimeoutMs: number;
};

export type EvalHome = { integration: HomeAssistantIntegration; admin: HaSocket };

type HaState = { entity_id: string; state: string; attributes: Record<string, unknown> };

const MOVING = new Set(['opening', 'closing']);

async function states(admin: HaSocket): Promise<HaState[]> {
  return admin.command<HaState[]>('get_states');
}

/** Polls Home Assistant until `ok`, or returns the last reading at the deadline (the scorer then says what is wrong). */
async function settle(admin: HaSocket, ok: (all: HaState[]) => boolean, timeoutMs: number): Promise<HaState[]> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const all = await states(admin);
    if (ok(all) || performance.now() > deadline) return all;
    await sleep(200);
  }
}

/**
 * The states after a command: as soon as they are what the command wants, or once the entities it
 * checks have stopped moving and read the same for a second (a wrong result is final), at most 20 s.
 */
async function settleAfter(command: EvalCommand, admin: HaSocket): Promise<HaState[]> {
  const ids = new Set(command.after.map((a) => a.entity));
  const key = (all: HaState[]) => JSON.stringify(all.filter((s) => ids.has(s.entity_id)));
  let same = { key: '', since: 0 };
  return settle(
    admin,
    (all) => {
      if (stateOk(command, all)) return true;
      const k = key(all);
      if (k !== same.key) same = { key: k, since: performance.now() };
      const moving = all.some((s) => ids.has(s.entity_id) && MOVING.has(s.state));
      return !moving && performance.now() - same.since >= 1000;
    },
    20_000,
  );
}

export async function entityNames(admin: HaSocket): Promise<EntityNames> {
  const map = new Map<string, string>();
  for (const s of await states(admin)) if (typeof s.attributes.friendly_name === 'string') map.set(s.entity_id, s.attributes.friendly_name);
  return map;
}

async function prepare(command: EvalCommand, home: EvalHome): Promise<void> {
  for (const [domain, service, entityId, data] of command.setup) {
    await home.admin.command('call_service', {
      domain,
      service,
      target: { entity_id: entityId },
      ...(data ? { service_data: data } : {}),
    });
  }
  const ids = command.setup.map((s) => s[2]);
  if (ids.length === 0) return;
  // Covers move over seconds in the demo; and Hearth's own view must have caught up before the command.
  await settle(
    home.admin,
    (all) => {
      const known = home.integration.gateway.getEntities();
      return ids.every((id) => {
        const s = all.find((x) => x.entity_id === id);
        return s && !MOVING.has(s.state) && known.get(id)?.state === s.state;
      });
    },
    30_000,
  );
}

function stateOk(command: EvalCommand, all: HaState[]): boolean {
  return command.after.every((want) => {
    const got = all.find((s) => s.entity_id === want.entity);
    if (!got || (want.state !== undefined && got.state !== want.state)) return false;
    return Object.entries(want.attributes ?? {}).every(([k, v]) => {
      const a = got.attributes[k];
      return typeof a === 'number' && Math.abs(a - v) <= (Math.abs(v) < 1 ? 0.02 : 1);
    });
  });
}

async function runCommand(command: EvalCommand, target: EvalTarget, home: EvalHome, names: EntityNames): Promise<CommandScore> {
  await prepare(command, home);
  const settings: Settings = defaultSettings();
  settings.openai.realtimeUrl = target.url;
  settings.openai.model = target.model;
  settings.openai.reasoningEffort = target.effort;
  const player = await HeadlessPlayer.create({});
  const assistant = await createAssistant({
    settings: () => settings,
    apiKeyFor: () => target.apiKey,
    mic: new SilentMicSource(),
    player,
    toolSources: [home.integration.tools],
    extraInstructions: home.integration.instructions,
  });
  const { session, controller } = assistant;
  const calls: ObservedCall[] = [];
  let firstCallAt: number | null = null;
  let sentAt: number | null = null;
  let cost: number | null = null;
  let failure: string | undefined;
  const pendingCalls = new Map<string, { name: string; arguments: string }>();
  controller.on('tool_call', (c) => {
    firstCallAt ??= performance.now();
    pendingCalls.set(c.callId, { name: c.name, arguments: c.arguments });
  });
  controller.on('tool_result', (r) => {
    const call = pendingCalls.get(r.callId);
    if (call) calls.push({ ...call, ok: r.ok, output: r.output.slice(0, 400) });
  });
  controller.on('usage', (u) => {
    if (u.costUsd !== null) cost = (cost ?? 0) + u.costUsd;
  });
  let wake: () => void = () => undefined;
  let lastDone = false;
  session.on('assistant_done', () => (lastDone = true));
  // Spoken: latency counts from the end of speech as the server detected it (as the app's metrics do).
  session.on('speech_stopped', () => (sentAt ??= performance.now()));
  const changed = () => wake();
  session.on('assistant_done', changed);
  session.on('status', changed);
  session.on('failed', (error) => {
    failure = `${error.code ?? error.category}: ${error.message}`;
    changed();
  });
  const deadline = performance.now() + target.commandTimeoutMs;
  /** Waits until the assistant has answered (no response, tool or playback left), the session ended, or failed. */
  const answered = async (): Promise<void> => {
    for (;;) {
      if (failure || session.status === 'closed') return;
      const signal = new Promise<void>((resolve) => (wake = resolve));
      const left = deadline - performance.now();
      if (left <= 0) {
        failure = `no answer within ${target.commandTimeoutMs / 1000} s`;
        return;
      }
      const timer = sleep(left);
      await Promise.race([signal, timer]);
      if (!session.assistantBusy && calls.length === pendingCalls.size && session.status === 'ready' && lastDone) return;
    }
  };
  const say = async (text: string, speech: Int16Array | undefined): Promise<void> => {
    lastDone = false;
    if (!speech) {
      sentAt ??= performance.now();
      session.sendText(text);
      return;
    }
    target.hear?.(text);
    // The normal input path: 32 ms microphone frames in real time, then silence, as a microphone would.
    const silence = new Int16Array(MIC_FRAME_SAMPLES);
    for (let i = 0; i < speech.length; i += MIC_FRAME_SAMPLES) {
      const frame = new Int16Array(MIC_FRAME_SAMPLES);
      frame.set(speech.subarray(i, i + MIC_FRAME_SAMPLES));
      session.appendAudio(frame);
      await sleep(32);
    }
    for (let i = 0; i < 60 && !lastDone && !session.assistantBusy; i++) {
      session.appendAudio(silence);
      await sleep(32);
    }
  };
  try {
    await session.open();
    if (session.status !== 'ready') await new Promise<void>((resolve) => session.once('ready', () => resolve()));
    await say(command.text, target.audio?.get(command.id));
    await answered();
    if (command.followUp && !failure && session.status !== 'closed') {
      await say(command.followUp, undefined);
      await answered();
    }
  } catch (error) {
    failure ??= (error as Error).message;
  } finally {
    await session.close().catch(() => undefined);
    session.dispose();
    await player.close();
  }
  const all = command.after.length ? await settleAfter(command, home.admin) : [];
  const observedStates: ObservedState[] = all.map((s) => ({ entity: s.entity_id, state: s.state, attributes: s.attributes }));
  return scoreCommand(
    command,
    {
      calls,
      states: observedStates,
      latencyMs: firstCallAt === null || sentAt === null ? null : Math.round(firstCallAt - sentAt),
      costUsd: cost,
      ...(failure ? { error: failure } : {}),
    },
    names,
  );
}

export async function evalModel(
  commands: readonly EvalCommand[],
  target: EvalTarget,
  home: EvalHome,
  progress: (line: string) => void,
): Promise<ModelResult> {
  const names = await entityNames(home.admin);
  const scores: CommandScore[] = [];
  for (const command of commands) {
    const score = await runCommand(command, target, home, names);
    progress(`${target.model} ${score.pass ? 'pass' : 'FAIL'} ${command.id}${score.pass ? '' : `: ${score.why}`}`);
    scores.push(score);
    // A permanent refusal (an unknown model, a bad key) fails every command the same way: stop at once.
    if (/^(model_not_found|invalid_model|invalid_api_key|authentication)/.test(score.why)) break;
  }
  return summarise(
    target.model,
    {
      reasoningEffort: supportsReasoning(target.model) ? target.effort : null,
      input: target.audio ? 'audio' : 'text',
      stand_in: target.standIn,
    },
    scores,
  );
}
