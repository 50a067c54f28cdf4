import { z } from 'zod';

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
  /** Domains whose sensitive actions need a spoken confirmation (unlock, open, disarm). */
  confirmDomains: z.array(z.string().trim().min(1)).default(['lock', 'cover', 'alarm_control_panel']),
  /** Accept a self-signed certificate for this server (explicit opt-in). */
  allowSelfSignedCertificate: z.boolean().default(false),
});

export type HomeAssistantSettings = z.infer<typeof HomeAssistantSettingsSchema>;
