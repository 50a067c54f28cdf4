/**
 * Levenshtein distance (no transpositions) with an early exit: exact when it is at most `max`,
 * otherwise some number above `max` (callers only ask "within `max`?").
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      current.push(value);
      best = Math.min(best, value);
    }
    // A row's minimum never decreases further down: once above max, so is the distance.
    if (best > max) return max + 1;
    previous = current;
  }
  return previous[b.length]!;
}
