import { type IParserErrorMessageProvider, type IToken, type TokenType, tokenMatcher } from 'chevrotain';
import { distance } from 'fastest-levenshtein';
import { ALL_KEYWORDS } from './keywords.js';
import {
  BackquotedIdentifier,
  DecimalLiteral,
  DigitIdentifier,
  FloatingPointLiteral,
  Identifier,
  IntegerLiteral,
  NonReserved,
  QuotedIdentifier,
  StringLiteral,
  Variable,
} from './tokens.js';

// Parser errors in words a user knows: "expected WITH but found 'WTIH' — did you mean WITH?".

const NAME_TOKENS = new Set<TokenType>([Identifier, QuotedIdentifier, BackquotedIdentifier, DigitIdentifier, NonReserved]);

const WORDS: ReadonlyMap<TokenType, string> = new Map<TokenType, string>([
  [StringLiteral, "a 'string'"],
  [IntegerLiteral, 'an integer'],
  [DecimalLiteral, 'a number'],
  [FloatingPointLiteral, 'a number'],
  [Variable, 'a ${variable}'],
]);

function expectedWord(t: TokenType): string {
  if (NAME_TOKENS.has(t)) return 'a name';
  const word = WORDS.get(t);
  if (word) return word;
  if (t.LABEL) return t.LABEL;
  return t.name === 'EOF' ? 'the end of the statement' : t.name;
}

/** How the offending token is shown: its text, plus what kind of thing it is when that helps. */
export function describeFound(tok: IToken): string {
  if (tok.tokenType.name === 'EOF') return 'the end of the statement';
  const text = tok.image.length > 40 ? `${tok.image.slice(0, 37)}...` : tok.image;
  // Never echo a string's content: it may be the secret that a missing '=' left unparsed.
  if (tok.tokenType === StringLiteral) return 'a string literal';
  if (ALL_KEYWORDS.includes(tok.tokenType.name as never)) return `keyword ${tok.tokenType.name}`;
  return `'${text}'`;
}

function joinAlternatives(words: string[]): string {
  let unique = [...new Set(words)];
  // A ${variable} can stand wherever a name can; listing both only adds noise.
  if (unique.includes('a name')) unique = unique.filter((w) => w !== WORDS.get(Variable));
  if (unique.length <= 1) return unique[0] ?? 'something else';
  return `one of ${unique.slice(0, -1).join(', ')} or ${unique[unique.length - 1]}`;
}

/** Two adjacent letters swapped ('WTIH' for 'WITH'): one slip of the fingers, though Levenshtein counts two. */
function isTransposition(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  const diff = [...a].flatMap((ch, i) => (ch === b[i] ? [] : [i]));
  return diff.length === 2 && diff[1] === diff[0]! + 1 && a[diff[0]!] === b[diff[1]!] && a[diff[1]!] === b[diff[0]!];
}

/** A keyword the user probably meant when they typed a name where only keywords fit. */
export function keywordSuggestion(found: IToken, expected: readonly TokenType[]): string | undefined {
  if (!tokenMatcher(found, Identifier)) return undefined;
  const word = found.image.toUpperCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const t of expected) {
    // Typos rarely change the first letter; requiring it keeps 'bulk' from suggesting NULL.
    if (!ALL_KEYWORDS.includes(t.name as never) || t.name[0] !== word[0]) continue;
    const d = isTransposition(word, t.name) ? 1 : distance(word, t.name);
    const limit = t.name.length <= 4 ? 1 : 2;
    if (d <= limit && d < bestDistance) {
      best = t.name;
      bestDistance = d;
    }
  }
  return best;
}

function withSuggestion(message: string, found: IToken, expected: readonly TokenType[]): string {
  const s = keywordSuggestion(found, expected);
  return s ? `${message}; did you mean ${s}?` : message;
}

const STATEMENT_RULE = 'statement';
const LITERAL_RULE = 'literal';
const A_VALUE = "a value ('string', number, TRUE, FALSE, NULL or ${variable})";
const STATEMENT_STARTS = 'a statement (CREATE, DROP, SHOW, LIST, DESCRIBE, ALTER, PAUSE, RESUME, RESTART, DEFINE, UNDEFINE, SET, UNSET, RUN SCRIPT or PRINT)';

export const errorMessageProvider: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual }) {
    const message = `expected ${expectedWord(expected)} but found ${describeFound(actual)}`;
    // SET, UNSET, DEFINE and RUN SCRIPT take a 'string' only (as in ksqlDB), where a WITH key may be any quoting.
    // The hint does not repeat the text: it may be a secret, which the caller masks only where the message quotes it.
    if (expected === StringLiteral && (actual.tokenType === QuotedIdentifier || actual.tokenType === BackquotedIdentifier)) {
      return `${message}; here it is written in single quotes ('…'), not ${actual.image[0]}…${actual.image[0]}`;
    }
    return withSuggestion(message, actual, [expected]);
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `expected ';' to end the statement but found ${describeFound(firstRedundant)}`;
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual, ruleName }) {
    const found = actual[0];
    const firsts = expectedPathsPerAlt.flat().map((path) => path[0]).filter((t): t is TokenType => t !== undefined);
    const words = ruleName === STATEMENT_RULE ? [STATEMENT_STARTS] : ruleName === LITERAL_RULE ? [A_VALUE] : firsts.map(expectedWord);
    const message = `expected ${joinAlternatives(words)} but found ${found ? describeFound(found) : 'the end of the statement'}`;
    // The most common slip in a WITH list: a bare word where a string belongs (mode=bulk).
    if (ruleName === LITERAL_RULE && found && NAME_TOKENS.has(found.tokenType)) {
      return `${message}; string values are written in single quotes: '${found.image}'`;
    }
    return found ? withSuggestion(message, found, firsts) : message;
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual }) {
    const found = actual[0];
    const firsts = expectedIterationPaths.map((path) => path[0]).filter((t): t is TokenType => t !== undefined);
    const message = `expected ${joinAlternatives(firsts.map(expectedWord))} but found ${found ? describeFound(found) : 'the end of the statement'}`;
    return found ? withSuggestion(message, found, firsts) : message;
  },
};
