/** Finding a known clip inside received audio (the listening tests check that a command's exact audio reached the server). */

/**
 * Normalised cross-correlation peak of `template` inside `signal`: a coarse search on 8×-decimated
 * copies finds candidate lags, then full-rate correlation around them gives the exact peak.
 */
export function bestMatch(signal: Int16Array, template: Int16Array): number {
  const decimate = (x: Int16Array) => {
    const out = new Float64Array(Math.floor(x.length / 8));
    for (let i = 0; i < out.length; i++) {
      let sum = 0;
      for (let k = 0; k < 8; k++) sum += x[i * 8 + k]!;
      out[i] = sum / 8;
    }
    return out;
  };
  const ncc = (a: ArrayLike<number>, b: ArrayLike<number>, lag: number) => {
    let dot = 0;
    let ea = 0;
    let eb = 0;
    for (let i = 0; i < b.length; i++) {
      const v = a[lag + i]!;
      dot += v * b[i]!;
      ea += v * v;
      eb += b[i]! * b[i]!;
    }
    return ea > 0 && eb > 0 ? dot / Math.sqrt(ea * eb) : 0;
  };
  const s = decimate(signal);
  const t = decimate(template);
  const coarse: Array<{ lag: number; score: number }> = [];
  for (let lag = 0; lag + t.length <= s.length; lag++) coarse.push({ lag, score: ncc(s, t, lag) });
  const candidates = coarse.sort((a, b) => b.score - a.score).slice(0, 5);
  let best = 0;
  for (const { lag } of candidates) {
    for (let fine = lag * 8 - 12; fine <= lag * 8 + 12; fine++) {
      if (fine >= 0 && fine + template.length <= signal.length) best = Math.max(best, ncc(signal, template, fine));
    }
  }
  return best;
}
