import { ANSWER_WORDS, BASE_LANGUAGES, NOT_MEANT_IN } from './answer-lexicon.js';

/**
 * Reads the user's answer to "Do you want me to unlock the front door?" from their own transcript.
 * Pure and deliberately strict, because a wrong yes opens a door and a wrong no only means asking
 * again:
 *
 * - "no" when any refusal or stop appears anywhere, in any known language ("yes… no, wait",
 *   "ne l'ouvre pas", "sim, não", "nein");
 * - "yes" only for a short answer that starts (after fillers such as "uh" or "alors") with an
 *   affirmative of English, French, Portuguese or the configured transcription language, followed
 *   by at most {@link MAX_WORDS_AFTER_YES} other words ("yes, unlock the front door please"), with
 *   no hesitation ("maybe", "but", "why"), condition ("if") or question mark;
 * - "unclear" otherwise: an unrelated sentence, a question, an empty transcript.
 *
 * Case, accents, punctuation and apostrophe styles do not matter.
 */

export type AnswerVerdict = 'yes' | 'no' | 'unclear';

/** Words a yes may carry after it ("yes, open the garage door"), politeness and further yeses not counted. */
export const MAX_WORDS_AFTER_YES = 6;

type Kind = 'yes' | 'no' | 'doubt' | 'filler' | 'polite';
type Phrase = { tokens: readonly string[]; langs: ReadonlySet<string> };
type Match = { phrase: Phrase; length: number };

/** French and Italian elisions ("n'ouvre", "d'accord", "c'est") split off as their own word. */
const ELISION = /^(c|d|j|l|m|n|s|t|qu)'(.+)$/;
const BARE_ELISION = /^(c|d|j|l|m|n|s|t|qu)'$/;

/** Lower case, no accents, one kind of apostrophe, words split on everything else; and whether it asks. */
export function tokenizeAnswer(text: string): { tokens: string[]; question: boolean } {
  const clean = text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc`´]/g, "'");
  const tokens: string[] = [];
  for (const match of clean.match(/[\p{L}\p{N}]+(?:'[\p{L}\p{N}]+)*'?/gu) ?? []) {
    const elided = ELISION.exec(match);
    if (elided) {
      tokens.push(`${elided[1]}'`);
      if (elided[2] !== "'") tokens.push(elided[2]!.replace(/'$/, ''));
    } else tokens.push(BARE_ELISION.test(match) ? match : match.replace(/'$/, ''));
  }
  return { tokens, question: /[?¿]/.test(text) };
}

/** Phrases by kind and first word, longest first, built once. */
const INDEX: ReadonlyMap<Kind, ReadonlyMap<string, Phrase[]>> = (() => {
  const byKind = new Map<Kind, Map<string, Phrase[]>>();
  const merged = new Map<string, { tokens: string[]; langs: Set<string> }>();
  for (const [lang, words] of Object.entries(ANSWER_WORDS)) {
    for (const kind of ['yes', 'no', 'doubt', 'filler', 'polite'] as const) {
      for (const text of words[kind].split('|')) {
        const tokens = tokenizeAnswer(text).tokens;
        if (tokens.length === 0) continue;
        const key = `${kind}\u0000${tokens.join(' ')}`;
        const entry = merged.get(key) ?? { tokens, langs: new Set<string>() };
        entry.langs.add(lang);
        merged.set(key, entry);
      }
    }
  }
  for (const [key, phrase] of merged) {
    const kind = key.slice(0, key.indexOf('\u0000')) as Kind;
    const first = byKind.get(kind) ?? new Map<string, Phrase[]>();
    byKind.set(kind, first);
    const list = first.get(phrase.tokens[0]!) ?? [];
    list.push(phrase);
    list.sort((a, b) => b.tokens.length - a.tokens.length);
    first.set(phrase.tokens[0]!, list);
  }
  return byKind;
})();

/** The longest phrase of this kind at `at`, among the given languages (all when omitted). */
function matchAt(tokens: readonly string[], at: number, kind: Kind, languages?: ReadonlySet<string>): Match | null {
  const candidates = INDEX.get(kind)?.get(tokens[at] ?? '') ?? [];
  for (const phrase of candidates) {
    if (languages && ![...phrase.langs].some((l) => languages.has(l))) continue;
    if (phrase.tokens.every((t, k) => tokens[at + k] === t)) return { phrase, length: phrase.tokens.length };
  }
  return null;
}

/** Whether a one-word refusal or doubt is an ordinary word in the languages the yes came from. */
function meantOtherwise(match: Match, leadLanguages: ReadonlySet<string> | null): boolean {
  if (!leadLanguages || match.length !== 1) return false;
  const exempt = NOT_MEANT_IN[match.phrase.tokens[0]!];
  return exempt !== undefined && exempt.length > 0 && [...leadLanguages].every((l) => exempt.includes(l));
}

/** Whether a phrase of this kind appears, other than as part of a yes ("doe maar" is not "maar", but). */
function findAnywhere(
  tokens: readonly string[],
  kind: Kind,
  languages: ReadonlySet<string> | undefined,
  lead: ReadonlySet<string> | null,
  yesSpans: readonly (readonly [number, number])[],
): boolean {
  for (let i = 0; i < tokens.length; i++) {
    const match = matchAt(tokens, i, kind, languages);
    if (!match || meantOtherwise(match, lead)) continue;
    if (yesSpans.some(([start, end]) => i >= start && i + match.length <= end)) continue;
    return true;
  }
  return false;
}

/** The languages a yes is read in: English, French, Portuguese and the configured one. */
export function answerLanguages(configured: string | undefined): ReadonlySet<string> {
  const code = (configured ?? '').trim().toLowerCase().slice(0, 2);
  return new Set([...BASE_LANGUAGES, ...(code ? [code] : [])]);
}

export function classifyAnswer(text: string, options: { language?: string } = {}): AnswerVerdict {
  const languages = answerLanguages(options.language);
  const { tokens: all, question } = tokenizeAnswer(text);
  // Politeness may sit anywhere and never changes the answer.
  const tokens: string[] = [];
  for (let i = 0; i < all.length;) {
    const polite = matchAt(all, i, 'polite', languages);
    if (polite) i += polite.length;
    else tokens.push(all[i++]!);
  }
  if (tokens.length === 0) return 'unclear';
  let at = 0;
  for (let filler = matchAt(tokens, at, 'filler', languages); filler; filler = matchAt(tokens, at, 'filler', languages))
    at += filler.length;
  const lead = matchAt(tokens, at, 'yes', languages);
  const leadLanguages = lead ? lead.phrase.langs : null;
  // The yeses of the answer, and how many other words follow the first.
  const yesSpans: [number, number][] = [];
  let others = 0;
  if (lead) {
    yesSpans.push([at, at + lead.length]);
    for (let i = at + lead.length; i < tokens.length;) {
      const again = matchAt(tokens, i, 'yes', languages);
      if (again) {
        yesSpans.push([i, i + again.length]);
        i += again.length;
      } else {
        others++;
        i++;
      }
    }
  }
  if (findAnywhere(tokens, 'no', undefined, leadLanguages, yesSpans)) return 'no';
  if (findAnywhere(tokens, 'doubt', languages, leadLanguages, yesSpans)) return 'unclear';
  if (question || !lead) return 'unclear';
  return others <= MAX_WORDS_AFTER_YES ? 'yes' : 'unclear';
}
