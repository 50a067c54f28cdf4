import type { HomeAssistantSettings } from './home-assistant-settings.js';
import type { ExposedHome } from './exposed-home.js';
import type { ConfirmationPolicy } from './confirmation-policy.js';
import type { HomeAssistantGateway } from './home-assistant-gateway.js';
import { normalize } from './entity-matcher.js';

/** When a request may be handed over to Home Assistant's own assistant (Assist), which acts without asking. */

export type HandOverDeps = {
  gateway: Pick<HomeAssistantGateway, 'features'>;
  home: () => ExposedHome;
  settings: () => HomeAssistantSettings;
  policy: () => ConfirmationPolicy;
};

/** Assist applies Home Assistant's exposure only; with the app's own include/exclude lists it could reach more. */
export function handOverAvailable(settings: HomeAssistantSettings): boolean {
  return settings.handOverToAssist && settings.include.length === 0 && settings.exclude.length === 0;
}

/**
 * Whether the session offers ask_home_assistant. Not while anything that asks for a yes is exposed,
 * unless the user opted in: Assist would act on it without asking, and no word filter recognises
 * every language and every way of naming a door.
 */
export function handOverOffered(deps: HandOverDeps): boolean {
  const settings = deps.settings();
  if (!handOverAvailable(settings) || !deps.gateway.features.conversation) return false;
  if (settings.handOverWithSensitiveDevices) return true;
  const policy = deps.policy();
  return !deps.home().entities.some((e) => policy.gates(e));
}

/**
 * Words that point at locks, doors, gates and alarms in the languages of the UI (English, French,
 * Portuguese), accents removed, with their common forms. A false alarm only sends the model to the
 * typed tools; whole words, so "gâteau" on a shopping list is not a gate.
 */
const SENSITIVE_WORDS = new Set(
  [
    'unlock unlocks unlocked unlocking unlatch unlatched disarm disarmed disarming lock locks locked',
    'door doors garage garages gate gates alarm alarms security',
    'deverrouille deverrouiller deverrouilles deverrouillez deverrouillage verrou verrous verrouille serrure serrures',
    'porte portes portail portails alarme alarmes desarme desarmer desarmez',
    'destranca destrancar destranque destrancado destrancada tranca trancas trinco fechadura fechaduras',
    'porta portas portao portoes garagem desarma desarmar',
  ]
    .join(' ')
    .split(' '),
);

/**
 * Whether a hand-over text concerns something that asks for a yes (so Assist would bypass it):
 * sensitive words, or the name, alias or area of an exposed entity that asks. A hint, not a
 * guarantee: while such entities are exposed every hand-over asks anyway.
 */
export function sensitiveMention(text: string, home: ExposedHome, policy: ConfirmationPolicy): string | null {
  const normalized = ` ${normalize(text)} `;
  const word = normalized.split(' ').find((w) => SENSITIVE_WORDS.has(w));
  if (word) return `"${word}"`;
  for (const entity of home.entities) {
    if (!policy.gates(entity)) continue;
    for (const name of [entity.name, ...entity.aliases, ...(entity.areaName ? [entity.areaName] : [])]) {
      const n = normalize(name);
      if (n !== '' && normalized.includes(` ${n} `)) return entity.name;
    }
  }
  return null;
}
