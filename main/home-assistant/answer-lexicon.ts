/**
 * The words spoken-answer.ts reads a confirmation answer with, per language (ISO 639-1). Phrases are
 * written as people say them; they are normalised (case, accents, apostrophes) the same way as the
 * answer before they are compared. `|` separates phrases.
 *
 * - `yes`: what can open an affirmative answer ("yes", "go ahead", "vas-y", "pode").
 * - `no`: refusals and stops. Every language's `no` list applies to every answer, whatever the
 *   configured language: a "nein" or a "não" always cancels, and a false "no" only means asking again.
 * - `doubt`: hesitation, conditions and questions ("maybe", "but", "why"): not a yes.
 * - `filler`: may come before the yes ("uh", "well", "alors").
 * - `polite`: may come anywhere ("please", "merci").
 *
 * Kept deliberately short: each entry is a phrase a transcript of a one-line answer plausibly holds.
 */
export type LanguageWords = { yes: string; no: string; doubt: string; filler: string; polite: string };

export const ANSWER_WORDS: Readonly<Record<string, LanguageWords>> = {
  en: {
    yes:
      "yes|yeah|yep|yup|yea|aye|sure|of course|ok|okay|alright|all right|right|that's right|correct|affirmative|absolutely|definitely|" +
      'certainly|indeed|confirm|confirmed|i confirm|go ahead|go for it|do it|please do|sounds good|by all means',
    no:
      "no|nope|nah|not|never|don't|dont|do not|doesn't|didn't|won't|can't|cant|cannot|shouldn't|isn't|aren't|wasn't|negative|" +
      'cancel|stop|wait|hold on|hang on|abort|never mind|nevermind|forget it|not now',
    doubt: "maybe|perhaps|probably|i guess|i think|i don't know|not sure|unsure|but|what|what's|why|how|when|where|who|huh|if|moment",
    filler: 'uh|um|uhm|er|erm|ah|oh|eh|hmm|hm|mm|mmm|well|so',
    polite: 'please|thanks|thank you|thank you very much',
  },
  fr: {
    yes:
      "oui|ouais|ouaip|d'accord|dac|ok|okay|bien sûr|vas-y|allez-y|je confirme|confirmé|exactement|absolument|tout à fait|volontiers|" +
      "fais-le|faites-le|carrément|évidemment|entendu|c'est bon|c'est ça|parfait",
    no: "non|nan|ne|n'|pas|jamais|attends|attendez|annule|annulez|annuler|arrête|arrêtez|laisse tomber|stop",
    doubt: 'peut-être|peut être|je crois|je pense|je sais pas|je ne sais pas|mais|quoi|pourquoi|comment|quand|qui|si|bof',
    filler: 'euh|heu|bah|ben|bon|alors|ah|oh|eh|hum|hmm',
    polite: "merci|s'il te plaît|s'il vous plaît|stp|svp|merci beaucoup",
  },
  // European Portuguese first; the Brazilian forms that do not clash are harmless.
  pt: {
    yes:
      'sim|claro|claro que sim|pode|podes|pode avançar|está bem|tá bem|ta bem|certo|confirmo|confirmado|com certeza|exato|exatamente|' +
      'isso mesmo|força|ok|okay|de acordo|faz isso|faça isso|avança|sem dúvida|perfeito|com certeza que sim',
    no: 'não|nao|nunca|jamais|espera|espere|cancela|cancele|cancelar|pare|nem|negativo|esquece|deixa estar|deixe estar',
    doubt: 'talvez|se calhar|acho|pode ser|não sei|mas|porquê|porque|como|quando|onde|quem|o quê|o que',
    filler: 'hum|hmm|ah|oh|eh|então|pronto|bem|olha|epá',
    polite: 'por favor|obrigado|obrigada|se faz favor|faz favor|muito obrigado|muito obrigada',
  },
  de: {
    yes:
      'ja|jawohl|jep|jo|genau|klar|na klar|sicher|okay|ok|gerne|gern|mach das|mach es|mach schon|bestätigt|ich bestätige|richtig|' +
      'natürlich|auf jeden fall|einverstanden|in ordnung|los',
    no: 'nein|nee|nö|nicht|kein|keine|nie|niemals|warte|warten|stopp|halt|abbrechen|vergiss es',
    doubt: 'vielleicht|eventuell|ich glaube|ich weiß nicht|aber|was|warum|wieso|wie|wann|wo|wer|wenn|moment',
    filler: 'äh|ähm|hm|hmm|also|naja|na|ach',
    polite: 'bitte|danke|danke schön|vielen dank',
  },
  es: {
    yes: 'sí|si|claro|claro que sí|vale|de acuerdo|adelante|hazlo|por supuesto|confirmo|confirmado|correcto|ok|okay|exacto|dale|desde luego',
    no: 'no|nunca|jamás|espera|espere|cancela|cancelar|detente|ni|tampoco',
    doubt: 'quizás|quizá|tal vez|a lo mejor|creo|no sé|pero|cómo|cuándo|dónde|quién|momento',
    filler: 'eh|em|pues|bueno|este|ah|oh|hmm',
    polite: 'por favor|gracias|muchas gracias',
  },
  it: {
    yes: "sì|si|certo|certo che sì|va bene|d'accordo|vai|procedi|fallo|confermo|confermato|esatto|ok|okay|certamente|assolutamente|perfetto|volentieri",
    no: 'no|non|mai|aspetta|aspetti|annulla|ferma|fermati|basta|lascia stare',
    doubt: 'forse|magari|credo|penso|non so|ma|cosa|perché|come|quando|dove|chi|momento',
    filler: 'ehm|eh|allora|beh|mah|ah|oh|hmm',
    polite: 'per favore|per piacere|grazie|grazie mille',
  },
  nl: {
    yes: 'ja|jazeker|jawel|zeker|prima|oké|ok|okay|doe maar|doe het|akkoord|bevestig|bevestigd|klopt|natuurlijk|ga je gang|ga door|is goed|goed|uiteraard|graag',
    no: 'nee|neen|niet|geen|nooit|wacht|stop|annuleer|annuleren|laat maar',
    doubt: 'misschien|wellicht|ik denk|ik weet niet|maar|wat|waarom|hoe|wanneer|waar|wie|als|moment',
    filler: 'eh|uh|ehm|nou|hmm|ah|oh',
    polite: 'alsjeblieft|alstublieft|dank je|dankjewel|bedankt',
  },
};

/** The languages always understood: the UI's (English, French, European Portuguese). */
export const BASE_LANGUAGES: readonly string[] = ['en', 'fr', 'pt'];

/**
 * Refusal and doubt words that are ordinary words in another language: ignored when the answer's
 * yes came only from those languages. Portuguese "no" is "in the" ("sim, a luz no corredor"),
 * Italian "ne" is "of it", Portuguese "mais" is "more" (French "but"), French "ma" is "my" (Italian
 * "but"), Spanish and Italian "si" is yes (French "if"), English "was" and "come" (German "what",
 * Italian "how").
 */
export const NOT_MEANT_IN: Readonly<Record<string, readonly string[]>> = {
  no: ['pt'],
  ne: ['it'],
  mais: ['pt'],
  ma: ['fr'],
  si: ['es', 'it'],
  was: ['en'],
  come: ['en'],
};
