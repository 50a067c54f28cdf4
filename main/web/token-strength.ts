/**
 * How hard a pairing token is to guess, estimated the way a guesser would try it: characters from the
 * classes the token uses (length × log2 of the alphabet, capped by how many different characters it
 * really has), with runs ("aaaa", "abcd", "4321", "qwerty"), common words and a repeated unit each
 * counted as the few bits they are worth. A length rule alone ("at least 16 characters") lets
 * "aaaaaaaaaaaaaaaa" and "pairing-token-0123456789" through; this does not.
 *
 * It is an estimate, not a proof: it can overrate a token (a long sentence of ordinary words), never
 * badly underrate a random one. The token Hearth makes itself has 256 bits.
 */

/** What web mode accepts: far beyond online guessing even without any rate limit (see pairing-guard.ts). */
export const MIN_TOKEN_BITS = 96;

/** Keyboard rows and the alphabet: a run along any of them (either way) is one guess, not one per character. */
const SEQUENCES = ['abcdefghijklmnopqrstuvwxyz', '01234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm'];

/** Words people put in tokens (lower case, at least 4 letters); each costs about log2(list size) bits. */
const COMMON_WORDS = [
  'password',
  'passwd',
  'secret',
  'token',
  'hearth',
  'pairing',
  'admin',
  'letmein',
  'welcome',
  'changeme',
  'default',
  'test',
  'tests',
  'qwerty',
  'iloveyou',
  'dragon',
  'master',
  'login',
  'home',
  'house',
  'assistant',
  'kitchen',
  'long',
  'guest',
  'user',
];

const MIN_RUN = 3;

export type TokenStrength = { bits: number; weakness: string | null };

/** The estimated bits of a token, and the pattern that cost it the most when there is one. */
export function tokenStrength(token: string): TokenStrength {
  const chars = [...token];
  if (chars.length === 0) return { bits: 0, weakness: 'it is empty' };
  const perChar = Math.log2(Math.max(2, Math.min(alphabetSize(chars), 2 * new Set(chars).size)));
  const period = smallestPeriod(chars);
  if (period < chars.length) {
    const unit = scan(chars.slice(0, period), perChar);
    return { bits: round(unit.bits + Math.log2(chars.length / period)), weakness: 'it repeats a short pattern' };
  }
  const whole = scan(chars, perChar);
  return { bits: round(whole.bits), weakness: whole.weakness };
}

/** Greedy, left to right: a common word, else a run, else one character at `perChar` bits. */
function scan(chars: string[], perChar: number): TokenStrength {
  const lower = chars.map((c) => c.toLowerCase());
  let bits = 0;
  let weakness: string | null = null;
  for (let i = 0; i < chars.length;) {
    const word = longestWordAt(lower, i);
    if (word > 0) {
      bits += Math.log2(COMMON_WORDS.length) + 1; // which word, and its case
      weakness ??= 'it contains a common word';
      i += word;
      continue;
    }
    const run = runLengthAt(lower, i);
    if (run >= MIN_RUN) {
      bits += perChar + Math.log2(run) + 1; // where it starts, how long, which way
      weakness ??= 'it contains a run like "aaa" or "abc"';
      i += run;
      continue;
    }
    bits += perChar;
    i += 1;
  }
  return { bits, weakness };
}

function alphabetSize(chars: string[]): number {
  let size = 0;
  if (chars.some((c) => c >= 'a' && c <= 'z')) size += 26;
  if (chars.some((c) => c >= 'A' && c <= 'Z')) size += 26;
  if (chars.some((c) => c >= '0' && c <= '9')) size += 10;
  if (chars.some((c) => c.length === 1 && c.charCodeAt(0) < 128 && !/[a-zA-Z0-9]/.test(c))) size += 33;
  if (chars.some((c) => c.codePointAt(0)! >= 128)) size += 100;
  return size;
}

/** The shortest unit the whole token repeats (the token's length when it repeats nothing). */
function smallestPeriod(chars: string[]): number {
  outer: for (let p = 1; p <= chars.length / 2; p++) {
    for (let i = p; i < chars.length; i++) if (chars[i] !== chars[i - p]) continue outer;
    return p;
  }
  return chars.length;
}

function longestWordAt(lower: string[], at: number): number {
  let best = 0;
  for (const word of COMMON_WORDS) {
    if (word.length <= best || at + word.length > lower.length) continue;
    if (lower.slice(at, at + word.length).join('') === word) best = word.length;
  }
  return best;
}

/** How many characters from `at` repeat one character or follow a sequence (forwards or backwards). */
function runLengthAt(lower: string[], at: number): number {
  const step = (a: string, b: string): number | null => {
    if (a === b) return 0;
    for (const sequence of SEQUENCES) {
      const i = sequence.indexOf(a);
      if (i < 0) continue;
      if (sequence[i + 1] === b) return 1;
      if (i > 0 && sequence[i - 1] === b) return -1;
    }
    return null;
  };
  if (at + 1 >= lower.length) return 1;
  const direction = step(lower[at]!, lower[at + 1]!);
  if (direction === null) return 1;
  let end = at + 1;
  while (end + 1 < lower.length && step(lower[end]!, lower[end + 1]!) === direction) end++;
  return end - at + 1;
}

const round = (bits: number) => Math.round(bits);
