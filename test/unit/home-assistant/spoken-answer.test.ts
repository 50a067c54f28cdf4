import { describe, expect, it } from 'vitest';
import { classifyAnswer, tokenizeAnswer, type AnswerVerdict } from '../../../main/home-assistant/spoken-answer.js';

type Row = [answer: string, verdict: AnswerVerdict];

/** Answers to "Do you want me to unlock the front door?" as transcripts write them. */
const ENGLISH: Row[] = [
  ['Yes.', 'yes'],
  ['yes', 'yes'],
  ['YES!', 'yes'],
  ['Yeah, do it.', 'yes'],
  ['Yep', 'yes'],
  ['Sure, go ahead.', 'yes'],
  ['Uh, yes please.', 'yes'],
  ['Yes, unlock the front door, please.', 'yes'],
  ['Okay.', 'yes'],
  ['Of course', 'yes'],
  ['Absolutely, thank you.', 'yes'],
  ['yes yes yes', 'yes'],
  ['Go for it', 'yes'],
  ["That's right.", 'yes'],
  ['No.', 'no'],
  ['no thanks', 'no'],
  ['Nope', 'no'],
  ["Don't.", 'no'],
  ['dont do it', 'no'],
  ['Do not unlock it', 'no'],
  ['Yes… no, wait.', 'no'],
  ['Yes. No. Yes.', 'no'],
  ['Yes, but not the back door', 'no'],
  ['Wait', 'no'],
  ['Hold on a second.', 'no'],
  ['Never mind.', 'no'],
  ['Sure, why not', 'no'], // "not": a false no only means asking again
  ['No problem', 'no'],
  ['Cancel that', 'no'],
  ['Stop', 'no'],
  ['Maybe.', 'unclear'],
  ['I guess so', 'unclear'],
  ['Yes?', 'unclear'],
  ['Yes, but first turn on the lights', 'unclear'],
  ["What's the weather like tomorrow?", 'unclear'],
  ['Turn on the kitchen lights', 'unclear'],
  ['Okay so what time is it', 'unclear'],
  ['Yes, and also turn on the kitchen lights and the fan', 'unclear'],
  ['Yes if you can', 'unclear'],
  ['The door', 'unclear'],
  ['', 'unclear'],
  ['...', 'unclear'],
  ['Thank you', 'unclear'],
];

const FRENCH: Row[] = [
  ['Oui.', 'yes'],
  ['oui', 'yes'],
  ['OUI !', 'yes'],
  ['Oui, vas-y.', 'yes'],
  ["D'accord.", 'yes'],
  ['D’accord, merci.', 'yes'], // typographic apostrophe
  ['Euh… oui, ouvre la porte.', 'yes'],
  ['Bien sûr', 'yes'],
  ['bien sur', 'yes'], // no accents
  ['Ouais, allez-y', 'yes'],
  ["Oui, s'il te plaît", 'yes'],
  ['Je confirme.', 'yes'],
  ["C'est bon", 'yes'],
  ['Tout à fait', 'yes'],
  ['Non.', 'no'],
  ['Non merci.', 'no'],
  ['Oui… non, attends.', 'no'],
  ["Ne l'ouvre pas.", 'no'],
  ["N'ouvre pas la porte", 'no'],
  ['Surtout pas', 'no'],
  ['Pas maintenant', 'no'],
  ['Absolument pas', 'no'],
  ['Bien sûr que non', 'no'],
  ['Annule', 'no'],
  ['Laisse tomber', 'no'],
  ['Peut-être', 'unclear'],
  ['Oui mais plus tard', 'unclear'],
  ['Pourquoi ?', 'unclear'],
  ['Quelle heure est-il', 'unclear'],
  ['Allume la lumière du salon', 'unclear'],
];

const PORTUGUESE: Row[] = [
  ['Sim.', 'yes'],
  ['sim', 'yes'],
  ['Sim, abre.', 'yes'],
  ['Claro.', 'yes'],
  ['Claro que sim', 'yes'],
  ['Está bem.', 'yes'],
  ['Tá bem, obrigado', 'yes'],
  ['Pode.', 'yes'],
  ['Sim, se faz favor.', 'yes'],
  ['Então… sim, pode abrir.', 'yes'],
  ['Com certeza', 'yes'],
  ['Sim, acende a luz no corredor', 'yes'], // "no" is "in the" here
  ['Força', 'yes'],
  ['Não.', 'no'],
  ['nao', 'no'],
  ['Não, obrigado.', 'no'],
  ['Claro que não', 'no'],
  ['Sim… não, espera.', 'no'],
  ['Não abras a porta', 'no'],
  ['Nunca', 'no'],
  ['Esquece', 'no'],
  ['Cancela', 'no'],
  ['Talvez', 'unclear'],
  ['Se calhar', 'unclear'],
  ['Pode ser', 'unclear'],
  ['Sim, mas só daqui a pouco', 'unclear'],
  ['Que horas são?', 'unclear'],
  ['Liga as luzes da cozinha', 'unclear'],
];

/** The configured transcription language adds its yeses; every language's no always counts. */
const OTHER_LANGUAGES: [language: string, answer: string, verdict: AnswerVerdict][] = [
  ['de', 'Ja.', 'yes'],
  ['de', 'Ja, bitte.', 'yes'],
  ['de', 'Na klar, mach das.', 'yes'],
  ['de', 'Genau', 'yes'],
  ['de', 'Nein.', 'no'],
  ['de', 'Ja… nein, warte.', 'no'],
  ['de', 'Bitte nicht', 'no'],
  ['de', 'Vielleicht', 'unclear'],
  ['es', 'Sí.', 'yes'],
  ['es', 'si, claro', 'yes'],
  ['es', 'Vale, hazlo.', 'yes'],
  ['es', 'Claro que sí', 'yes'],
  ['es', 'No.', 'no'],
  ['es', 'Claro que no', 'no'],
  ['es', 'Sí… no, espera', 'no'],
  ['es', 'Quizás', 'unclear'],
  ['it', 'Sì.', 'yes'],
  ['it', "Va bene, d'accordo", 'yes'],
  ['it', 'Certo, procedi', 'yes'],
  ['it', 'No, grazie.', 'no'],
  ['it', 'Non aprire', 'no'],
  ['it', 'Sì, ma dopo', 'unclear'],
  ['it', 'Forse', 'unclear'],
  ['nl', 'Ja.', 'yes'],
  ['nl', 'Doe maar', 'yes'],
  ['nl', 'Ja, graag', 'yes'],
  ['nl', 'Nee.', 'no'],
  ['nl', 'Niet doen', 'no'],
  ['nl', 'Ja… nee, wacht', 'no'],
  ['nl', 'Misschien', 'unclear'],
];

describe('classifyAnswer', () => {
  it.each(ENGLISH)('en: %j → %s', (answer, verdict) => expect(classifyAnswer(answer)).toBe(verdict));
  it.each(FRENCH)('fr: %j → %s', (answer, verdict) => expect(classifyAnswer(answer)).toBe(verdict));
  it.each(PORTUGUESE)('pt: %j → %s', (answer, verdict) => expect(classifyAnswer(answer)).toBe(verdict));
  it.each(OTHER_LANGUAGES)('%s: %j → %s', (language, answer, verdict) => expect(classifyAnswer(answer, { language })).toBe(verdict));

  it('reads English, French and Portuguese whatever the configured language', () => {
    for (const language of ['', 'de', 'es', 'zh']) {
      expect(classifyAnswer('yes', { language })).toBe('yes');
      expect(classifyAnswer('oui', { language })).toBe('yes');
      expect(classifyAnswer('sim', { language })).toBe('yes');
    }
  });

  it('takes another language’s yes only when it is the configured one', () => {
    expect(classifyAnswer('Ja.')).toBe('unclear');
    expect(classifyAnswer('Sí.')).toBe('unclear');
    expect(classifyAnswer('Ja.', { language: 'de' })).toBe('yes');
    expect(classifyAnswer('Sí.', { language: 'es' })).toBe('yes');
    expect(classifyAnswer('Doe maar', { language: 'de' })).toBe('unclear');
  });

  it('hears a refusal in any language, even one that is not configured', () => {
    for (const answer of ['nein', 'nee', 'non', 'não', 'niet', 'yes, nein', 'oui… nee', 'sim, nein']) {
      expect(classifyAnswer(answer), answer).toBe('no');
    }
  });

  it('does not read a Portuguese "no" (in the) as a refusal after a Portuguese yes, but does after any other', () => {
    expect(classifyAnswer('Sim, a do no corredor')).toBe('yes');
    expect(classifyAnswer('Okay, no')).toBe('no');
    expect(classifyAnswer('Claro, no', { language: 'es' })).toBe('no'); // "claro" is Spanish too
    expect(classifyAnswer('Yes no')).toBe('no');
  });

  it('bounds what may follow the yes', () => {
    expect(classifyAnswer('Yes, unlock the big front door now')).toBe('yes'); // six words
    expect(classifyAnswer('Yes, unlock the big heavy front door now')).toBe('unclear'); // seven
  });
});

describe('tokenizeAnswer', () => {
  it('folds case, accents, apostrophes and punctuation, splits elisions and notices questions', () => {
    expect(tokenizeAnswer("N’OUVRE PAS la porte d'entrée !")).toEqual({
      tokens: ["n'", 'ouvre', 'pas', 'la', 'porte', "d'", 'entree'],
      question: false,
    });
    expect(tokenizeAnswer("Don't — really?")).toEqual({ tokens: ["don't", 'really'], question: true });
    expect(tokenizeAnswer('¿Sí?')).toEqual({ tokens: ['si'], question: true });
    expect(tokenizeAnswer('Não, vas-y')).toEqual({ tokens: ['nao', 'vas', 'y'], question: false });
  });
});
