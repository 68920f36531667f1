import type { IToken } from 'chevrotain';
import { tokenize } from '../../grammar/lexer.js';
import { Semicolon } from '../../grammar/tokens.js';

/**
 * The first token of each statement of the text, found from the tokens: strings and comments hide what they hold,
 * as they should, and no input is too large for it (a regular expression over quoted text overflowed the stack).
 */
export function statementFirstTokens(text: string): IToken[] {
  const firsts: IToken[] = [];
  let atStart = true;
  for (const tok of tokenize(text).tokens) {
    if (tok.tokenType === Semicolon) atStart = true;
    else if (atStart) {
      firsts.push(tok);
      atStart = false;
    }
  }
  return firsts;
}
