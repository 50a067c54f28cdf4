/**
 * Main's errors in the interface language. Main writes its messages in English, with details (a host,
 * a model) the user may need; the page shows its own sentence for the errors a user meets most, by
 * `code`, and main's English text for the rest. The tables are here rather than in en.ts so a code
 * main adds later simply falls back.
 */
import type { WireError } from '../../preload/contract/wire-error.js';
import type { Locale } from './i18n.js';

type ErrorTexts = Readonly<Record<string, string>>;

const EN: ErrorTexts = {
  not_reachable: 'Home Assistant is not reachable right now; Hearth keeps trying.',
  auth_invalid: 'Home Assistant refused the access token: create a new long-lived access token in your Home Assistant profile.',
  connection_refused: 'Cannot reach Home Assistant: nothing is listening at that address (connection refused).',
  host_not_found: 'Cannot reach Home Assistant: that host name could not be found.',
  invalid_api_key: 'OpenAI refused the API key: check it in Settings → OpenAI.',
  insufficient_quota: 'Your OpenAI account has no quota left: add credit or check billing.',
  response_timeout: 'OpenAI started an answer but sent nothing, so it was cancelled. Ask again.',
  tool_timeout: 'A device took too long to answer.',
  mic_device_not_found: 'The microphone chosen in the settings is not connected.',
  mic_muted: 'The microphone is muted.',
  echo_canceller_failed: 'Echo cancellation could not start: Hearth closes the microphone while it speaks.',
};

const FR: ErrorTexts = {
  not_reachable: 'Home Assistant est injoignable pour le moment ; Hearth réessaie.',
  auth_invalid: 'Home Assistant a refusé le jeton d’accès : créez un nouveau jeton d’accès longue durée dans votre profil Home Assistant.',
  connection_refused: 'Impossible de joindre Home Assistant : rien n’écoute à cette adresse (connexion refusée).',
  host_not_found: 'Impossible de joindre Home Assistant : ce nom d’hôte est introuvable.',
  invalid_api_key: 'OpenAI a refusé la clé API : vérifiez-la dans Réglages → OpenAI.',
  insufficient_quota: 'Votre compte OpenAI n’a plus de crédit : ajoutez-en ou vérifiez la facturation.',
  response_timeout: 'OpenAI a commencé une réponse sans rien envoyer ; elle a été annulée. Redemandez.',
  tool_timeout: 'Un appareil a mis trop de temps à répondre.',
  mic_device_not_found: 'Le micro choisi dans les réglages n’est pas branché.',
  mic_muted: 'Le micro est coupé.',
  echo_canceller_failed: 'L’annulation d’écho n’a pas pu démarrer : Hearth ferme le micro pendant qu’il parle.',
};

const PT: ErrorTexts = {
  not_reachable: 'O Home Assistant não está acessível de momento; o Hearth continua a tentar.',
  auth_invalid:
    'O Home Assistant recusou o token de acesso: crie um novo token de acesso de longa duração no seu perfil do Home Assistant.',
  connection_refused: 'Não é possível contactar o Home Assistant: nada está à escuta nesse endereço (ligação recusada).',
  host_not_found: 'Não é possível contactar o Home Assistant: esse nome de anfitrião não foi encontrado.',
  invalid_api_key: 'A OpenAI recusou a chave da API: verifique-a em Definições → OpenAI.',
  insufficient_quota: 'A sua conta OpenAI não tem saldo: adicione crédito ou verifique a faturação.',
  response_timeout: 'A OpenAI começou uma resposta mas não enviou nada, por isso foi cancelada. Pergunte de novo.',
  tool_timeout: 'Um dispositivo demorou demasiado a responder.',
  mic_device_not_found: 'O microfone escolhido nas definições não está ligado.',
  mic_muted: 'O microfone está desligado.',
  echo_canceller_failed: 'O cancelamento de eco não arrancou: o Hearth fecha o microfone enquanto fala.',
};

const TABLES: Record<Locale, ErrorTexts> = { en: EN, fr: FR, 'pt-PT': PT };

/** The codes the page words itself (the same set in every language). */
export const TRANSLATED_ERROR_CODES: readonly string[] = Object.keys(EN);

/** The error's sentence in `locale`: the page's own for a known code, main's (English) otherwise. */
export function errorText(error: Pick<WireError, 'code' | 'message'>, locale: Locale): string {
  const own = error.code === undefined ? undefined : TABLES[locale][error.code];
  return own ?? error.message;
}
