import { distance } from 'fastest-levenshtein';

/**
 * The candidate the user most likely meant, or undefined when nothing is close enough to be worth suggesting.
 * Order of preference: same text ignoring case; smallest edit distance within a length-relative threshold;
 * a prefix/suffix relation (e.g. 'JdbcSourceConnector' for 'io.confluent.connect.jdbc.JdbcSourceConnector').
 * Ties go to the earlier candidate, so callers control precedence by ordering.
 */
export function didYouMean(input: string, candidates: readonly string[]): string | undefined {
  const needle = input.trim().toLowerCase();
  if (needle === '' || candidates.length === 0) return undefined;
  const lowered = candidates.map((c) => c.toLowerCase());

  const exact = lowered.indexOf(needle);
  if (exact >= 0) return candidates[exact];

  // Short inputs get one edit (a transposition costs two only from three characters on), longer ones a third.
  const threshold = needle.length < 3 ? 1 : Math.max(2, Math.floor(needle.length / 3));
  let best: { index: number; score: number } | undefined;
  for (const [index, c] of lowered.entries()) {
    const d = distance(needle, c);
    // An edit that rewrites the whole candidate is not a typo of it.
    if (d > threshold || d >= c.length) continue;
    if (!best || d < best.score) best = { index, score: d };
  }
  if (best) return candidates[best.index];

  for (const [index, c] of lowered.entries()) {
    const [shorter, longer] = c.length < needle.length ? [c, needle] : [needle, c];
    if (shorter.length < 3) continue;
    if (!longer.startsWith(shorter) && !longer.endsWith(shorter)) continue;
    const gap = longer.length - shorter.length;
    if (!best || gap < best.score) best = { index, score: gap };
  }
  return best ? candidates[best.index] : undefined;
}
