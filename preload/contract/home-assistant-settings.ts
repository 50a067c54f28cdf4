import { z } from 'zod';

/*
 * The `homeAssistant` section of the settings (re-exported by settings-schema.ts): the address, which
 * entities the assistant may see, and what asks for a spoken yes. zod only, no Node or DOM.
 */

/**
 * What asks for a spoken yes before its risky direction (unlock, open, disarm, turn on, run): one
 * rule per item, matched against each entity Hearth may control:
 *   `lock`            every entity of a domain
 *   `cover:garage`    a domain with a device class; `*:door` any domain; `cover:none` no device class
 *   `switch.gate`     one entity
 *   `!scene.bedtime`  an exception: never ask for what it matches (except what Home Assistant
 *                     itself marks as a secure device)
 * Doors and gates of any domain, sirens, locks and alarms by default; covers without a device class
 * too, since a garage door is often set up without one.
 */
export const DEFAULT_CONFIRM_RULES: readonly string[] = [
  'lock',
  'alarm_control_panel',
  'siren',
  '*:door',
  '*:garage',
  '*:gate',
  'cover:none',
];

/**
 * Words that make a switch, cover, script, scene or helper ask when its id, name or alias contains
 * one (a `switch.garage_door_relay`, a "Portão" script): English, French, Portuguese, accents ignored.
 */
export const DEFAULT_CONFIRM_NAME_WORDS: readonly string[] = [
  'door',
  'doors',
  'gate',
  'gates',
  'garage',
  'lock',
  'locks',
  'unlock',
  'deadbolt',
  'latch',
  'unlatch',
  'alarm',
  'alarms',
  'disarm',
  'porte',
  'portes',
  'portail',
  'portails',
  'serrure',
  'verrou',
  'deverrouiller',
  'gache',
  'alarme',
  'alarmes',
  'desarmer',
  'porta',
  'portas',
  'portao',
  'portoes',
  'garagem',
  'fechadura',
  'trinco',
  'tranca',
  'destrancar',
  'desarmar',
];

const CONFIRM_RULE = /^!?(?:(?:[a-z_]+|\*)(?::[a-z_]+)?|[a-z_]+\.[a-z0-9_]+)$/;

/**
 * Checked as a whole list, so that a bad rule in the settings file makes the whole field fall back to
 * the (safe) defaults with one message, rather than leaving a hole in the list.
 */
const ConfirmRulesSchema = z
  .array(z.unknown())
  .superRefine((rules, ctx) => {
    const bad = rules.find((r) => typeof r !== 'string' || (r.trim() !== '' && !CONFIRM_RULE.test(r.trim().toLowerCase())));
    if (bad !== undefined)
      ctx.addIssue({
        code: 'custom',
        message: `${JSON.stringify(bad)?.slice(0, 40) ?? 'that'} is not a rule: each rule is a domain (lock), a domain and device class (cover:garage, *:gate, cover:none) or an entity id (switch.gate_relay), with ! in front for an exception`,
      });
  })
  .transform((rules) => rules.map((r) => (typeof r === 'string' ? r.trim().toLowerCase() : '')).filter((r) => r !== ''))
  .default(() => [...DEFAULT_CONFIRM_RULES]);

const NameWordsSchema = z
  .array(z.unknown())
  .superRefine((words, ctx) => {
    const bad = words.find((w) => typeof w !== 'string' || w.trim().length > 40);
    if (bad !== undefined)
      ctx.addIssue({
        code: 'custom',
        message: `${JSON.stringify(bad)?.slice(0, 40) ?? 'that'} is not a name word (a word of 40 characters at most)`,
      });
  })
  .transform((words) => words.map((w) => (typeof w === 'string' ? w.trim() : '')).filter((w) => w !== ''))
  .default(() => [...DEFAULT_CONFIRM_NAME_WORDS]);

/**
 * Home Assistant options. The long-lived token is a secret and never part of these settings.
 */
export const HomeAssistantSettingsSchema = z.object({
  /** Base URL such as http://homeassistant.local:8123; empty = not configured. */
  url: z
    .string()
    .trim()
    .refine(
      (value) => {
        if (value === '') return true;
        try {
          const url = new URL(value);
          return url.protocol === 'http:' || url.protocol === 'https:';
        } catch {
          return false;
        }
      },
      { message: 'the Home Assistant URL must start with http:// or https://, e.g. http://homeassistant.local:8123' },
    )
    .default(''),
  /** Only these entities (ids or globs such as light.*), on top of Home Assistant's own exposure; empty = all exposed. */
  include: z.array(z.string().trim().min(1)).default([]),
  /** Never these entities (ids or globs), even when exposed. */
  exclude: z.array(z.string().trim().min(1)).default([]),
  /** What asks for a spoken yes (see DEFAULT_CONFIRM_RULES). Replaces `confirmDomains` (migrated). */
  confirm: ConfirmRulesSchema,
  /** Name words that make switches, covers, scripts, scenes and helpers ask (see DEFAULT_CONFIRM_NAME_WORDS). */
  confirmNameWords: NameWordsSchema,
  /**
   * Offer the model a hand-over to Home Assistant's own Assist (conversation/process) for what the
   * tools do not cover (timers, shopping list, custom sentences). Only offered while include and
   * exclude are empty, since Assist applies Home Assistant's exposure, not these lists.
   */
  handOverToAssist: z.boolean().default(true),
  /**
   * Offer the hand-over even while something that asks for a yes is exposed. Assist would act on
   * it without asking, and no word list recognises every language, so then every hand-over asks.
   */
  handOverWithSensitiveDevices: z.boolean().default(false),
  /** Accept a self-signed certificate for this server (explicit opt-in). */
  allowSelfSignedCertificate: z.boolean().default(false),
});

export type HomeAssistantSettings = z.infer<typeof HomeAssistantSettingsSchema>;

/**
 * Settings files written before the confirmation rules carry `confirmDomains` (lock, cover and
 * alarm_control_panel asked for their risky direction; any other domain listed for every action).
 * It becomes `confirm`: the new defaults, an exception for each of those three the user had
 * removed, and every other domain listed. Entries that are not domain names are dropped rather than
 * turned into a rule the schema would refuse.
 */
export function migrateConfirmDomains(confirmDomains: readonly unknown[]): string[] {
  const domains = new Set(
    confirmDomains
      .filter((d): d is string => typeof d === 'string')
      .map((d) => d.trim().toLowerCase())
      .filter((d) => /^[a-z_]+$/.test(d)),
  );
  const rules = [...DEFAULT_CONFIRM_RULES];
  for (const known of ['lock', 'cover', 'alarm_control_panel']) if (!domains.has(known)) rules.push(`!${known}`);
  // "cover" meant garage doors and gates only, which the new defaults cover (and more).
  for (const domain of domains) if (domain !== 'cover' && !rules.includes(domain)) rules.push(domain);
  return rules;
}

/** The `homeAssistant` section of an older file, with `confirmDomains` turned into `confirm`. */
export function migrateHomeAssistant(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || !('confirmDomains' in value)) return value;
  const { confirmDomains, ...rest } = value as Record<string, unknown>;
  if ('confirm' in rest || !Array.isArray(confirmDomains)) return rest;
  return { ...rest, confirm: migrateConfirmDomains(confirmDomains) };
}
