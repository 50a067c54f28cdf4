import { z } from 'zod';
import type { InvokeChannels } from './channels.js';

/**
 * Arguments of every invoke channel, checked in main before a handler runs: the renderer
 * (or a web client) is less trusted than the main process.
 */
const none = z.tuple([]);
const percent = z.number().finite().min(0).max(100);
const entityId = z.string().regex(/^[a-z_]+\.[a-z0-9_]+$/, 'not an entity id');
const secretKind = z.enum(['openai', 'home-assistant', 'picovoice']);

const entityAction = z.discriminatedUnion('action', [
  z.object({ entityId, action: z.enum(['turn_on', 'turn_off', 'toggle', 'activate', 'media_play_pause']) }),
  z.object({ entityId, action: z.literal('set_brightness'), percent }),
  z.object({ entityId, action: z.literal('set_color_temperature'), kelvin: z.number().finite().min(1000).max(12000) }),
  z.object({ entityId, action: z.literal('set_climate_target'), celsius: z.number().finite().min(-50).max(100) }),
  z.object({ entityId, action: z.literal('set_cover_position'), percent }),
  z.object({ entityId, action: z.literal('set_volume'), percent }),
]);

export const INVOKE_ARGUMENTS = {
  'state:get': none,
  'conversation:start': z.tuple([z.object({ source: z.enum(['button', 'shortcut']) })]),
  'conversation:stop': none,
  'conversation:send-text': z.tuple([
    z.object({ text: z.string().trim().min(1, 'the message is empty').max(4000, 'the message is too long') }),
  ]),
  'conversation:clear': none,
  'mic:set-muted': z.tuple([z.object({ muted: z.boolean() })]),
  'mic:list-devices': none,
  'settings:get': none,
  // The whole candidate is validated by the settings schema in main; here only its shape.
  'settings:update': z.tuple([z.record(z.string(), z.unknown())]),
  'secrets:set': z.tuple([z.object({ kind: secretKind, value: z.string().max(4096), url: z.string().max(2048).optional() })]),
  'secrets:delete': z.tuple([z.object({ kind: secretKind })]),
  'ha:test-connection': z.tuple([z.object({ url: z.string().max(2048), token: z.string().max(4096).optional() })]),
  'ha:entity-action': z.tuple([entityAction]),
  'onboarding:complete': none,
  'echo:self-test': none,
} as const satisfies { [K in keyof InvokeChannels]: z.ZodType };
