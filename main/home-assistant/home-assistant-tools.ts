import { z } from 'zod';
import { defineTool, type Tool, type ToolContext } from '../tools/define-tool.js';
import type { ToolSource } from '../tools/tool-registry.js';
import { NOT_REACHABLE, type HaEntity, type HomeAssistantGateway } from './home-assistant-gateway.js';
import type { HomeAssistantSettings } from './home-assistant-settings.js';
import type { ExposedEntity, ExposedHome } from './exposed-home.js';
import { compactState, type CompactState } from './compact-state.js';
import { TRANSCRIPT_WAIT_MS, type ConfirmationGate, type ConfirmationKey } from './confirmation-gate.js';
import type { ConfirmationPolicy } from './confirmation-policy.js';
import type { HomeControl } from './home-control.js';
import { matchPlace, normalize } from './entity-matcher.js';
import { confirmed, percent, quote, ref, refs, resolveRefs } from './tool-references.js';
import { refusalFor } from './confirmation-refusal.js';
import { handOverAvailable, handOverOffered, sensitiveMention } from './hand-over.js';
import { domainsForTool, ON_OFF_DOMAINS, type DomainTool } from './domain-tools.js';
import { HomeAssistantError } from '../util/errors.js';
import { createLogger } from '../util/logger.js';
import { planActivate, planAlarm, planCover, planLock, planMedia, planOnOff } from './control-actions.js';
import { planClimate, planFan, planLight } from './adjust-actions.js';
import type { ControlPlan, PlanContext, Planned } from './control-plan.js';

const log = createLogger('home-assistant');

/**
 * The Home Assistant tools offered to the model: a small set of typed tools rather than one raw
 * "call any service". Every entity comes from the ExposedHome (HA exposure ∩ include − exclude),
 * every argument is checked against the live entity, and every service call is built by
 * control-actions.ts and sent through HomeControl, which re-checks exposure and an allowlist.
 * Results are compact data; refusals are sentences the model can say as they are.
 *
 * Over 400 lines on purpose: it is the list of the model's tools, each a short declaration side by
 * side (what it accepts, what it plans, what it may need confirmed); the work is in the files it imports.
 */

export type HomeAssistantToolDeps = {
  gateway: HomeAssistantGateway;
  /** The current exposed view (rebuilt when names, areas, exposure or settings change). */
  home: () => ExposedHome;
  settings: () => HomeAssistantSettings;
  /** What asks for a spoken yes (from the settings' confirmation rules). */
  policy: () => ConfirmationPolicy;
  /** The configured transcription language (ISO 639-1, may be empty): its yes counts too. */
  language: () => string;
  control: HomeControl;
  confirmations: ConfirmationGate;
};

/** A tool that may wait for the transcript of the user's yes, then call Home Assistant. */
const CONFIRMABLE_TIMEOUT_MS = 5000 + TRANSCRIPT_WAIT_MS;

const FIND_DOMAINS = [
  'light',
  'switch',
  'fan',
  'cover',
  'climate',
  'media_player',
  'lock',
  'alarm_control_panel',
  'scene',
  'script',
  'sensor',
  'binary_sensor',
  'humidifier',
  'vacuum',
  'water_heater',
  'input_boolean',
  'siren',
  'weather',
  'todo',
] as const;

function createHomeAssistantTools(deps: HomeAssistantToolDeps): Tool[] {
  const { gateway, home, control, confirmations } = deps;

  /** Plans every entity, asks for confirmation where needed, then runs the plans. */
  async function act(
    tool: string,
    references: readonly string[],
    domains: readonly string[],
    planner: (entity: ExposedEntity, state: HaEntity) => Planned,
    context: ToolContext,
    isConfirmed: boolean | undefined,
  ): Promise<unknown> {
    const started = performance.now();
    const view = home();
    const resolved = resolveRefs(view, references, domains);
    if (!resolved.ok) return resolved.refusal;
    if (!(await control.reachable())) return { error: NOT_REACHABLE };
    const states = gateway.getEntities();
    const plans: ControlPlan[] = [];
    for (const entity of resolved.entities) {
      const state = states.get(entity.id);
      if (!state) return { error: `${entity.name} has no state in Home Assistant right now.` };
      if (state.state === 'unavailable') return { error: `${entity.name} is unavailable in Home Assistant right now.` };
      const planned = planner(entity, state);
      if (!planned.ok) return { error: planned.message };
      plans.push(planned.plan);
    }
    const sensitive = plans.filter((p) => p.sensitive);
    let waitedMs = 0;
    if (sensitive.length > 0) {
      const keys: ConfirmationKey[] = sensitive.map((p) => ({
        entityId: p.entity.id,
        action: p.action,
        ...(p.detail ? { detail: p.detail } : {}),
      }));
      const what = sensitive.map((p) => `${p.action.replace(/_/g, ' ')} ${p.entity.name}`).join(' and ');
      const gateStarted = performance.now();
      const decision = await confirmations.check(keys, gateCall(context, isConfirmed));
      waitedMs = performance.now() - gateStarted;
      log.info({ tool, entities: keys.map((k) => k.entityId), decision }, 'confirmation');
      if (decision.kind !== 'allowed') return refusalFor(decision, `Do you want me to ${what}?`, tool);
    }
    // The read-back deadline counts from the service call, not from the wait for the user's transcript.
    return control.execute(plans, context.signal, started + waitedMs);
  }

  /** A control tool: each of its `entities` planned by `plan`, then act(). It may wait for a spoken yes. */
  function controlTool<S extends z.ZodType<{ entities: string[]; confirmed?: boolean | undefined }>>(spec: {
    name: string;
    description: string;
    parameters: S;
    domains: readonly string[];
    plan: (ctx: PlanContext, args: z.output<S>) => Planned;
  }): Tool {
    return defineTool({
      name: spec.name,
      description: spec.description,
      parameters: spec.parameters,
      timeoutMs: CONFIRMABLE_TIMEOUT_MS,
      execute: (args, context) =>
        act(spec.name, args.entities, spec.domains, (entity, state) => spec.plan(ctxOf(entity, state), args), context, args.confirmed),
    });
  }

  /** A scene or script tool: the one entity named by its `scene` or `script` argument, activated by act(). */
  function activationTool(name: string, domain: 'scene' | 'script', description: string): Tool {
    const label = domain === 'scene' ? 'Scene' : 'Script';
    return defineTool({
      name,
      description,
      parameters: z.object({ [domain]: ref.describe(`${label} id or name.`), confirmed }),
      timeoutMs: CONFIRMABLE_TIMEOUT_MS,
      execute: (args, context) =>
        act(
          name,
          [String(args[domain])],
          [domain],
          (entity, state) => planActivate(ctxOf(entity, state)),
          context,
          args.confirmed === true,
        ),
    });
  }

  function gateCall(context: ToolContext, isConfirmed: boolean | undefined) {
    const language = deps.language();
    return {
      confirmed: isConfirmed === true,
      userTurn: context.userTurn,
      replies: context.replies,
      signal: context.signal,
      ...(language ? { language } : {}),
    };
  }

  const tools: Tool[] = [
    defineTool({
      name: 'find_devices',
      description:
        'Search the exposed devices by name, alias, area, floor or Home Assistant label ("kitchen lights", "upstairs", "holiday lights"), type and device class. Returns ids, names, areas, floors, labels and current state.',
      parameters: z.object({
        query: z.string().max(200).optional().describe('Free text: a name, alias, area, floor, label or type, e.g. "bedroom lamp".'),
        area: z.string().max(100).optional().describe('Only devices in this area or floor.'),
        floor: z.string().max(100).optional().describe('Only devices on this floor, e.g. "upstairs".'),
        label: z.string().max(100).optional().describe('Only devices with this Home Assistant label.'),
        domain: z.enum(FIND_DOMAINS).optional().describe('Only this type.'),
        device_class: z.string().max(50).optional().describe('e.g. garage, window, temperature, motion.'),
        limit: z.number().int().min(1).max(25).optional().describe('Default 10.'),
      }),
      timeoutMs: 5000,
      execute: (args) => {
        const view = home();
        if (args.area !== undefined && view.findAreas(args.area).length === 0) {
          const known = view.areas.map((a) => a.name).join(', ');
          return { total: 0, message: `There is no area called ${quote(args.area)}.${known ? ` Areas: ${known}.` : ''}` };
        }
        if (args.floor !== undefined && view.findFloorAreas(args.floor).length === 0) {
          const known = view.floors.join(', ');
          return {
            total: 0,
            message: `There is no floor called ${quote(args.floor)}.${known ? ` Floors: ${known}.` : ' This home has no floors in Home Assistant.'}`,
          };
        }
        if (args.label !== undefined && !view.labels.some((l) => matchPlace(args.label!, [l]))) {
          const known = view.labels.join(', ');
          return {
            total: 0,
            message: `No exposed device has the label ${quote(args.label)}.${known ? ` Labels: ${known}.` : ' No exposed device has a label.'}`,
          };
        }
        const matches = view.find({
          ...(args.query !== undefined ? { query: args.query } : {}),
          ...(args.area !== undefined ? { area: args.area } : {}),
          ...(args.floor !== undefined ? { floor: args.floor } : {}),
          ...(args.label !== undefined ? { label: args.label } : {}),
          ...(args.domain !== undefined ? { domain: args.domain } : {}),
          ...(args.device_class !== undefined ? { deviceClass: args.device_class } : {}),
        });
        if (matches.length === 0) return { total: 0, message: 'No exposed device matches that.' };
        const states = gateway.getEntities();
        return {
          total: matches.length,
          devices: matches.slice(0, args.limit ?? 10).map((m) => withPlace(m.entity, compactState(m.entity, states.get(m.entity.id)))),
        };
      },
    }),
    defineTool({
      name: 'get_states',
      description:
        'Read the current state of one or more exposed devices or sensors (on/off, brightness, temperature, position, volume...).',
      parameters: z.object({ entities: refs('What to read').max(20, 'at most 20 entities per call') }),
      timeoutMs: 5000,
      execute: async ({ entities }) => {
        const view = home();
        const results: Record<string, unknown>[] = [];
        const states = () => gateway.getEntities();
        const stale = !(await control.reachable());
        for (const reference of entities) {
          const resolved = resolveRefs(view, [reference]);
          if (!resolved.ok) {
            results.push(resolved.refusal);
            continue;
          }
          for (const entity of resolved.entities) results.push(compactState(entity, states().get(entity.id), true));
        }
        return stale ? { states: results, note: `${NOT_REACHABLE} These are the last known states.` } : { states: results };
      },
    }),
    controlTool({
      name: 'turn_on_off',
      description:
        "Turn exposed lights, switches, fans, media players, climate devices, humidifiers or sirens on or off, or toggle them. Also activates scenes and runs scripts (turn_on). Turning on a door or gate relay or a siren, or running a sensitive script or scene, needs the user's spoken confirmation: the first call answers confirmation_required.",
      parameters: z.object({
        entities: refs('What to switch'),
        action: z.enum(['turn_on', 'turn_off', 'toggle']),
        confirmed,
      }),
      domains: ON_OFF_DOMAINS,
      plan: (ctx, args) => planOnOff(ctx, args.action),
    }),
    controlTool({
      name: 'set_light',
      description:
        'Set brightness (percent), colour (a name such as "warm white" or #RRGGBB) or colour temperature (kelvin) of exposed lights; turns them on. Brightness 0 turns them off.',
      parameters: z.object({
        entities: refs('Which lights'),
        brightness_pct: percent('Brightness'),
        color: z.string().max(40).optional(),
        color_temp_kelvin: z
          .number()
          .min(1000, 'Colour temperature must be between 1000 and 12000 K')
          .max(12000, 'Colour temperature must be between 1000 and 12000 K')
          .optional(),
        confirmed,
      }),
      domains: ['light'],
      plan: planLight,
    }),
    controlTool({
      name: 'set_climate',
      description:
        'Set the target temperature (or a low/high range for heat_cool) and/or the HVAC mode (heat, cool, auto, off...) of exposed thermostats.',
      parameters: z.object({
        entities: refs('Which thermostats'),
        temperature: z.number().min(-50).max(100).optional().describe('Target temperature in the units Home Assistant uses.'),
        target_temp_low: z.number().min(-50).max(100).optional(),
        target_temp_high: z.number().min(-50).max(100).optional(),
        hvac_mode: z
          .string()
          .max(30)
          .optional()
          .describe("One of the device's hvac_modes, e.g. heat, cool, heat_cool, auto, dry, fan_only, off."),
        confirmed,
      }),
      domains: ['climate'],
      plan: planClimate,
    }),
    controlTool({
      name: 'set_cover',
      description:
        "Open, close, stop or position (0 closed .. 100 open) exposed covers: blinds, shades, windows, doors, garage doors, gates. Opening a door, garage door or gate (or a cover Home Assistant does not classify) needs the user's spoken confirmation.",
      parameters: z.object({
        entities: refs('Which covers'),
        action: z.enum(['open', 'close', 'stop', 'set_position']),
        position: percent('The position'),
        confirmed,
      }),
      domains: ['cover'],
      plan: (ctx, args) => planCover(ctx, args.action, args.position),
    }),
    controlTool({
      name: 'control_media',
      description: 'Play, pause, stop, skip, or change/mute the volume (percent) of exposed media players.',
      parameters: z.object({
        entities: refs('Which media players'),
        action: z.enum(['play', 'pause', 'stop', 'next', 'previous', 'set_volume', 'volume_up', 'volume_down', 'mute', 'unmute']),
        volume_pct: percent('The volume'),
        confirmed,
      }),
      domains: ['media_player'],
      plan: (ctx, args) => planMedia(ctx, args.action, args.volume_pct),
    }),
    controlTool({
      name: 'set_fan',
      description: 'Set the speed (percent; 0 turns off) or a preset mode of exposed fans.',
      parameters: z.object({
        entities: refs('Which fans'),
        speed_pct: percent('The fan speed'),
        preset_mode: z.string().max(40).optional(),
        confirmed,
      }),
      domains: ['fan'],
      plan: planFan,
    }),
    controlTool({
      name: 'set_lock',
      description:
        "Lock, unlock or open (unlatch) exposed locks. Unlocking and opening need the user's spoken confirmation: the first call answers confirmation_required.",
      parameters: z.object({ entities: refs('Which locks'), action: z.enum(['lock', 'unlock', 'open']), confirmed }),
      domains: ['lock'],
      plan: (ctx, args) => planLock(ctx, args.action),
    }),
    controlTool({
      name: 'set_alarm',
      description:
        "Arm (home, away, night, vacation) or disarm an exposed alarm panel. Disarming needs the user's spoken confirmation; pass the code only if the user said it.",
      parameters: z.object({
        entities: refs('Which alarm panel').max(1, 'one alarm panel per call'),
        action: z.enum(['arm_home', 'arm_away', 'arm_night', 'arm_vacation', 'disarm']),
        code: z.string().max(16).optional(),
        confirmed,
      }),
      domains: ['alarm_control_panel'],
      plan: (ctx, args) => planAlarm(ctx, args.action, args.code),
    }),
    activationTool(
      'activate_scene',
      'scene',
      "Activate an exposed scene. A scene that unlocks or opens something needs the user's spoken confirmation.",
    ),
    activationTool(
      'run_script',
      'script',
      "Run an exposed script. A script named for a door, gate, lock or alarm needs the user's spoken confirmation.",
    ),
    defineTool({
      name: 'ask_home_assistant',
      description:
        "Hand a request over to Home Assistant's own assistant (Assist) for what the other tools do not cover: timers, shopping and to-do lists, custom sentences. Returns Home Assistant's spoken answer. Never use it for locks, doors, garage doors, gates or alarms.",
      parameters: z.object({
        text: z.string().min(1).max(300).describe('The user\'s request in their words, e.g. "add milk to the shopping list".'),
        confirmed,
      }),
      timeoutMs: 10_000 + TRANSCRIPT_WAIT_MS,
      execute: async ({ text, confirmed: isConfirmed }, context) => {
        const settings = deps.settings();
        const view = home();
        const rules = deps.policy();
        const sensitiveExposed = view.entities.some((e) => rules.gates(e));
        if (!handOverAvailable(settings) || (sensitiveExposed && !settings.handOverWithSensitiveDevices))
          return { error: 'Handing over to Home Assistant is turned off.' };
        // A hint only: no word list covers every language, hence the confirmation below.
        const blocked = sensitiveMention(text, view, rules);
        if (blocked)
          return {
            error: `Not handed over: this concerns ${blocked}. Use the device tools (set_lock, set_cover, set_alarm, turn_on_off), which ask the user to confirm.`,
          };
        if (!(await control.reachable())) return { error: NOT_REACHABLE };
        // Assist would act without asking, on anything exposed, in any language: every hand-over asks.
        if (sensitiveExposed) {
          const key: ConfirmationKey = { entityId: 'ask_home_assistant', action: 'hand_over', detail: normalize(text) };
          const decision = await confirmations.check([key], gateCall(context, isConfirmed));
          log.info({ tool: 'ask_home_assistant', decision }, 'confirmation');
          if (decision.kind !== 'allowed')
            return refusalFor(decision, `Shall I pass this on to Home Assistant: ${quote(text)}?`, 'ask_home_assistant');
        }
        try {
          const result = await gateway.processConversation({ text }, { signal: context.signal });
          const after = home();
          const actedOn = result.successIds.map((id) => after.get(id)?.name).filter((n): n is string => !!n);
          const answer: Record<string, unknown> = { speech: result.speech || '(no answer)', response_type: result.responseType };
          if (result.errorCode) answer.error_code = result.errorCode;
          if (actedOn.length > 0) answer.acted_on = actedOn;
          return answer;
        } catch (error) {
          if (error instanceof HomeAssistantError && (error.code === 'not_reachable' || error.code === 'timeout')) {
            return { error: error.code === 'timeout' ? 'Home Assistant did not answer in time.' : NOT_REACHABLE };
          }
          throw error;
        }
      },
    }),
  ];
  return tools;

  function ctxOf(entity: ExposedEntity, state: HaEntity) {
    return { entity, state, policy: deps.policy() };
  }
}

/** find_devices also says the floor and the labels (2024.3+), so the model can tell "upstairs" lamps apart. */
function withPlace(entity: ExposedEntity, state: CompactState): CompactState {
  const result: CompactState = { ...state };
  if (entity.floorName) result.floor = entity.floorName;
  if (entity.labels.length > 0) result.labels = entity.labels;
  return result;
}

/** Which tools make sense for this home: no set_alarm without an exposed alarm, and so on. */
export function homeAssistantToolSource(deps: HomeAssistantToolDeps): ToolSource {
  const tools = createHomeAssistantTools(deps);
  return () => {
    const present = deps.home().domains;
    return tools.filter((tool) => {
      if (tool.name === 'ask_home_assistant') return handOverOffered(deps);
      // Reading works on every domain; a control tool is offered when a domain it serves is exposed.
      if (tool.name === 'get_states') return true;
      const domains = domainsForTool(tool.name as DomainTool);
      return domains.length === 0 || domains.some((d) => present.has(d));
    });
  };
}
