/**
 * A deterministic stand-in "model" for `npm run eval` against the fake server: an explicit rule
 * table from the words of the demo home's commands (bench/eval/commands.json) to tool calls. It is
 * NOT a model and its score means nothing about any model: it exists so the eval's whole path
 * (session, tools, a real Home Assistant, scoring, the table) runs in CI. The `wrong` variant makes
 * deliberate mistakes (wrong entity, wrong number, wrong action, a tool where none belongs, none
 * where one does), so a test can prove the scorer catches a regression.
 *
 * The fake cannot hear: for audio turns the eval says what the WAV contains (`hear`), and the
 * audio itself still goes the whole input path (microphone frames, VAD, commit).
 */
import type { Responder, ScriptedItem, ScriptedTurn, TurnContext } from './types.js';

type Call = { name: string; arguments: Record<string, unknown> };
type Rule = { words: RegExp; call: Call | null; say: string };

const c = (name: string, args: Record<string, unknown>): Call => ({ name, arguments: args });

/** First match wins. Words are matched lower-case, without punctuation. */
export const STAND_IN_RULES: readonly Rule[] = [
  {
    words: /turn on the kitchen lights/,
    call: c('turn_on_off', { entities: ['light.kitchen_lights'], action: 'turn_on' }),
    say: 'Kitchen lights on.',
  },
  {
    words: /switch off the bed light/,
    call: c('turn_on_off', { entities: ['light.bed_light'], action: 'turn_off' }),
    say: 'Bed light off.',
  },
  {
    words: /kitchen lights to (\d+) percent/,
    call: c('set_light', { entities: ['light.kitchen_lights'], brightness_pct: 30 }),
    say: 'Done.',
  },
  {
    words: /dim the entrance lights to 10/,
    call: c('set_light', { entities: ['Entrance Color + White Lights'], brightness_pct: 10 }),
    say: 'Dimmed.',
  },
  { words: /office lights red/, call: c('set_light', { entities: ['light.office_rgbw_lights'], color: 'red' }), say: 'Red it is.' },
  {
    words: /ceiling lights to 3000 kelvin/,
    call: c('set_light', { entities: ['light.ceiling_lights'], color_temp_kelvin: 3000 }),
    say: 'Done.',
  },
  {
    words: /all the lights in the living room/,
    call: c('turn_on_off', { entities: ['light.ceiling_lights', 'light.living_room_rgbww_lights'], action: 'turn_off' }),
    say: 'Living room lights off.',
  },
  { words: /decorative lights/, call: c('turn_on_off', { entities: ['switch.decorative_lights'], action: 'turn_on' }), say: 'On.' },
  { words: /bedroom thermostat to 21/, call: c('set_climate', { entities: ['climate.heatpump'], temperature: 21 }), say: 'Set to 21.' },
  { words: /office thermostat to cooling/, call: c('set_climate', { entities: ['climate.ecobee'], hvac_mode: 'cool' }), say: 'Cooling.' },
  { words: /air conditioning to 24/, call: c('set_climate', { entities: ['climate.hvac'], temperature: 24 }), say: 'Set to 24.' },
  { words: /close the kitchen window/, call: c('set_cover', { entities: ['cover.kitchen_window'], action: 'close' }), say: 'Closed.' },
  {
    words: /hall window halfway/,
    call: c('set_cover', { entities: ['cover.hall_window'], action: 'set_position', position: 50 }),
    say: 'Halfway.',
  },
  {
    words: /close the living room window/,
    call: c('set_cover', { entities: ['cover.living_room_window'], action: 'close' }),
    say: 'Closing.',
  },
  { words: /open the garage door/, call: c('set_cover', { entities: ['cover.garage_door'], action: 'open' }), say: 'Opening.' },
  {
    words: /pause the music in the living room/,
    call: c('control_media', { entities: ['media_player.living_room'], action: 'pause' }),
    say: 'Paused.',
  },
  {
    words: /kitchen speaker volume to 40/,
    call: c('control_media', { entities: ['media_player.kitchen'], action: 'set_volume', volume_pct: 40 }),
    say: 'Volume 40.',
  },
  { words: /next song in the bedroom/, call: c('control_media', { entities: ['media_player.bedroom'], action: 'next' }), say: 'Skipped.' },
  { words: /living room fan to 66/, call: c('set_fan', { entities: ['fan.living_room_fan'], speed_pct: 66 }), say: 'Fan at 66.' },
  { words: /turn off the ceiling fan/, call: c('turn_on_off', { entities: ['fan.ceiling_fan'], action: 'turn_off' }), say: 'Fan off.' },
  { words: /reading scene/, call: c('activate_scene', { scene: 'scene.reading' }), say: 'Reading scene on.' },
  { words: /lock the kitchen door/, call: c('set_lock', { entities: ['lock.kitchen_door'], action: 'lock' }), say: 'Locked.' },
  { words: /unlock the front door/, call: c('set_lock', { entities: ['lock.front_door'], action: 'unlock' }), say: 'Unlocking.' },
  { words: /temperature outside/, call: c('get_states', { entities: ['sensor.outside_temperature'] }), say: 'Let me check.' },
  { words: /humid is it outside/, call: c('get_states', { entities: ['sensor.outside_humidity'] }), say: 'Let me check.' },
  { words: /is the front door locked/, call: c('get_states', { entities: ['lock.front_door'] }), say: 'Let me check.' },
  { words: /are the kitchen lights on/, call: c('get_states', { entities: ['light.kitchen_lights'] }), say: 'Let me check.' },
  { words: /joke/, call: null, say: 'Why did the lamp go to school? To get brighter.' },
  { words: /good morning in french/, call: null, say: 'Bonjour.' },
  { words: /goodbye/, call: c('end_conversation', {}), say: 'Goodbye.' },
];

/** The `wrong` variant's deliberate mistakes, by the words they replace (the rest as above). */
export const WRONG_RULES: readonly Rule[] = [
  { words: /turn on the kitchen lights/, call: c('turn_on_off', { entities: ['light.bed_light'], action: 'turn_on' }), say: 'On.' },
  {
    words: /kitchen lights to (\d+) percent/,
    call: c('set_light', { entities: ['light.kitchen_lights'], brightness_pct: 80 }),
    say: 'Done.',
  },
  { words: /bedroom thermostat to 21/, call: c('set_climate', { entities: ['climate.heatpump'], temperature: 12 }), say: 'Set.' },
  { words: /close the kitchen window/, call: c('set_cover', { entities: ['cover.kitchen_window'], action: 'open' }), say: 'Done.' },
  { words: /temperature outside/, call: c('find_devices', { query: 'outside' }), say: 'Looking.' },
  { words: /joke/, call: c('turn_on_off', { entities: ['switch.decorative_lights'], action: 'toggle' }), say: 'Ta-da.' },
  { words: /pause the music in the living room/, call: null, say: 'Paused.' },
];

export const WRONG_RULE_COMMANDS = [
  'light-on',
  'light-brightness',
  'climate-bedroom',
  'cover-close',
  'ask-temperature',
  'no-tool-joke',
  'media-pause',
];

function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9 ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export type StandIn = {
  responder: Responder;
  /** The words of the next audio turn (the fake cannot recognise speech). */
  hear(text: string): void;
};

export function createStandInModel(variant: 'rules' | 'wrong'): StandIn {
  const heard: string[] = [];
  const rules = variant === 'wrong' ? [...WRONG_RULES, ...STAND_IN_RULES] : STAND_IN_RULES;
  const answer = (text: string, ctx: TurnContext): ScriptedItem[] => {
    const words = normalise(text);
    if (/^(yes|yeah|sure)\b/.test(words)) {
      // Repeat the call that asked for a confirmation, now confirmed.
      const last = [...ctx.conversation].reverse().find((i) => i.type === 'function_call') as
        { name: string; arguments: string } | undefined;
      if (!last) return [{ type: 'message', text: 'Yes to what?' }];
      return [{ type: 'function_call', name: last.name, arguments: { ...(JSON.parse(last.arguments) as object), confirmed: true } }];
    }
    if (/^no\b/.test(words)) return [{ type: 'message', text: 'All right, I left it.' }];
    const rule = rules.find((r) => r.words.test(words));
    if (!rule) return [{ type: 'message', text: 'Sorry, I did not understand.' }];
    if (!rule.call) return [{ type: 'message', text: rule.say }];
    return [{ type: 'function_call', name: rule.call.name, arguments: rule.call.arguments }];
  };
  const responder: Responder = (ctx): ScriptedTurn => {
    switch (ctx.trigger) {
      case 'text':
        return { items: answer(ctx.userText ?? '', ctx) };
      case 'audio': {
        const text = heard.shift() ?? '';
        return { userTranscript: text, items: answer(text, ctx) };
      }
      case 'function_output': {
        const output = ctx.functionOutputs.map((o) => o.output).join(' ');
        if (/confirmation_required/.test(output)) return { items: [{ type: 'message', text: 'Are you sure?' }] };
        return { items: [{ type: 'message', text: 'Done.' }] };
      }
      default:
        return { items: [{ type: 'message', text: 'How can I help?' }] };
    }
  };
  return { responder, hear: (text) => void heard.push(text) };
}
