/**
 * Which tool serves which domain: the one table that decides which tools a home is offered, which
 * tool the model is pointed to when it picks the wrong one, and which tool a card's on/off button
 * runs (the first of its domain).
 */
const DOMAIN_TOOLS = {
  light: ['turn_on_off', 'set_light'],
  fan: ['turn_on_off', 'set_fan'],
  switch: ['turn_on_off'],
  input_boolean: ['turn_on_off'],
  humidifier: ['turn_on_off'],
  siren: ['turn_on_off'],
  climate: ['turn_on_off', 'set_climate'],
  media_player: ['turn_on_off', 'control_media'],
  cover: ['set_cover'],
  lock: ['set_lock'],
  alarm_control_panel: ['set_alarm'],
  scene: ['activate_scene', 'turn_on_off'],
  script: ['run_script', 'turn_on_off'],
  sensor: ['get_states'],
  binary_sensor: ['get_states'],
} as const satisfies Record<string, readonly string[]>;

type Domain = keyof typeof DOMAIN_TOOLS;
export type DomainTool = (typeof DOMAIN_TOOLS)[Domain][number];

/** The tools that serve a domain, the one a card's on/off button runs first (empty: none does). */
export function toolsForDomain(domain: string): readonly DomainTool[] {
  return (DOMAIN_TOOLS as Record<string, readonly DomainTool[]>)[domain] ?? [];
}

/** The domains a tool serves. */
export function domainsForTool(tool: DomainTool): Domain[] {
  return (Object.keys(DOMAIN_TOOLS) as Domain[]).filter((domain) => (DOMAIN_TOOLS[domain] as readonly string[]).includes(tool));
}

/** Every domain `turn_on_off` switches. */
export const ON_OFF_DOMAINS = domainsForTool('turn_on_off') as readonly Domain[];
