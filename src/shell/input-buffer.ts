/**
 * Is the text typed so far a complete statement list? Complete means: not inside a '…' string, a "…" or `…`
 * identifier or a block comment, and the last thing that is not blank or a comment is ';'. This is what decides
 * whether Enter runs the input or opens a continuation line (as in ksqlDB's and psql's shells).
 */
export type InputState = 'empty' | 'incomplete' | 'complete';

export function inputState(text: string): InputState {
  let i = 0;
  let lastSignificant = '';
  while (i < text.length) {
    const ch = text[i]!;
    const next = text[i + 1];
    if (ch === '-' && next === '-') {
      const nl = text.indexOf('\n', i);
      if (nl < 0) break;
      i = nl + 1;
      continue;
    }
    if (ch === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) return 'incomplete';
      i = end + 2;
      continue;
    }
    if (ch === "'" || ch === '"' || ch === '`') {
      // A doubled quote is an escaped quote, so scanning on past it is correct.
      let j = i + 1;
      for (;;) {
        const close = text.indexOf(ch, j);
        if (close < 0) return 'incomplete';
        if (text[close + 1] === ch) {
          j = close + 2;
          continue;
        }
        i = close + 1;
        break;
      }
      lastSignificant = ch;
      continue;
    }
    if (!/\s/.test(ch)) lastSignificant = ch;
    i += 1;
  }
  if (lastSignificant === '') return 'empty';
  return lastSignificant === ';' ? 'complete' : 'incomplete';
}
