import { createToken, Lexer, type TokenType } from 'chevrotain';
import { ALL_KEYWORDS, NON_RESERVED_KEYWORDS, type Keyword } from './keywords.js';

// Lexical rules follow ksqlDB's SqlBase.g4: ASCII identifiers (plus '@' after the first character), three
// quoting styles with doubled-quote escapes, no backslash escapes, `--` and non-nesting `/* */` comments.

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n\f]+/, group: Lexer.SKIPPED, line_breaks: true });
export const LineComment = createToken({ name: 'LineComment', pattern: /--[^\r\n]*/, group: 'comments' });
export const BlockComment = createToken({ name: 'BlockComment', pattern: /\/\*[\s\S]*?\*\//, group: 'comments', line_breaks: true });

/**
 * A quoted form ('…', "…" or `…`, the quote doubled inside) matched by a scan, not a regular expression: a pattern
 * such as '(?:[^']|'')*' backtracks once per character or doubled quote, and V8 runs out of stack on a literal of
 * a few MB. The result is the regular expression's: closed, the longest run that ends in a lone quote (or, when
 * none closes, the text up to the first quote of the last doubled pair); unclosed, everything up to a lone quote.
 */
function quoted(q: string, closed: boolean): (text: string, offset: number) => [string] | null {
  return (text, offset) => {
    if (text[offset] !== q) return null;
    let at = offset + 1;
    let lastPair = -1;
    for (;;) {
      const next = text.indexOf(q, at);
      if (next === -1) {
        if (!closed) return [text.slice(offset)];
        return lastPair === -1 ? null : [text.slice(offset, lastPair + 1)];
      }
      if (text[next + 1] !== q) return [closed ? text.slice(offset, next + 1) : text.slice(offset, next)];
      lastPair = next;
      at = next + 2;
    }
  };
}

const quotedToken = (name: string, q: string, closed: boolean) =>
  createToken({ name, pattern: quoted(q, closed), start_chars_hint: [q], line_breaks: true, ...(closed ? {} : { group: 'errors' }) });

export const StringLiteral = quotedToken('StringLiteral', "'", true);
export const QuotedIdentifier = quotedToken('QuotedIdentifier', '"', true);
export const BackquotedIdentifier = quotedToken('BackquotedIdentifier', '`', true);

// Unterminated forms: matched as tokens (never reach the parser) so the error can say what is unclosed and where
// it opened, instead of complaining about a stray quote character.
export const UnterminatedString = quotedToken('UnterminatedString', "'", false);
export const UnterminatedQuotedIdentifier = quotedToken('UnterminatedQuotedIdentifier', '"', false);
export const UnterminatedBackquotedIdentifier = quotedToken('UnterminatedBackquotedIdentifier', '`', false);
export const UnterminatedComment = createToken({ name: 'UnterminatedComment', pattern: /\/\*[\s\S]*/, group: 'errors', line_breaks: true });

export const Variable = createToken({ name: 'Variable', pattern: /\$\{[A-Za-z_][A-Za-z0-9_@]*\}/ });

const IDENT_TAIL = '(?![A-Za-z0-9_@])';
export const FloatingPointLiteral = createToken({
  name: 'FloatingPointLiteral',
  pattern: new RegExp(`(?:\\d+(?:\\.\\d*)?|\\.\\d+)[eE][+-]?\\d+${IDENT_TAIL}`),
});
export const DecimalLiteral = createToken({ name: 'DecimalLiteral', pattern: new RegExp(`(?:\\d+\\.\\d*|\\.\\d+)${IDENT_TAIL}`) });
export const DigitIdentifier = createToken({ name: 'DigitIdentifier', pattern: /\d+[A-Za-z_@][A-Za-z0-9_@]*/ });
export const IntegerLiteral = createToken({ name: 'IntegerLiteral', pattern: /\d+/ });

export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_@]*/ });

/** Category every non-reserved keyword belongs to, so the parser can accept any of them as an identifier. */
export const NonReserved = createToken({ name: 'NonReserved', pattern: Lexer.NA });

const nonReserved = new Set<string>(NON_RESERVED_KEYWORDS);
// Longest first so CONNECTORS is tried before CONNECTOR.
const keywordOrder = [...ALL_KEYWORDS].sort((a, b) => b.length - a.length);

export const KEYWORD_TOKENS: Readonly<Record<Keyword, TokenType>> = Object.fromEntries(
  keywordOrder.map((kw) => [
    kw,
    createToken({
      name: kw,
      pattern: new RegExp(kw, 'i'),
      longer_alt: Identifier,
      categories: nonReserved.has(kw) ? [NonReserved] : [],
    }),
  ]),
) as Record<Keyword, TokenType>;

export const LParen = createToken({ name: 'LParen', pattern: /\(/, label: "'('" });
export const RParen = createToken({ name: 'RParen', pattern: /\)/, label: "')'" });
export const Comma = createToken({ name: 'Comma', pattern: /,/, label: "','" });
export const Equals = createToken({ name: 'Equals', pattern: /=/, label: "'='" });
export const Semicolon = createToken({ name: 'Semicolon', pattern: /;/, label: "';'" });
export const Minus = createToken({ name: 'Minus', pattern: /-/, label: "'-'" });

/**
 * Anything no other token matches: a run of characters that cannot begin a token, or else one character. Lexed as
 * a token (tokenize turns it into a diagnostic) because chevrotain's own recovery retries every pattern at every
 * character: 10 MB of stray characters took 20 s.
 */
export const Unexpected = createToken({ name: 'Unexpected', pattern: /[^ \t\r\n\f'"`$0-9A-Za-z_(),=;\-/.]+|[^]/, group: 'unexpected', line_breaks: true });

export const ALL_TOKENS: TokenType[] = [
  WhiteSpace,
  LineComment,
  BlockComment,
  UnterminatedComment,
  StringLiteral,
  UnterminatedString,
  QuotedIdentifier,
  UnterminatedQuotedIdentifier,
  BackquotedIdentifier,
  UnterminatedBackquotedIdentifier,
  Variable,
  FloatingPointLiteral,
  DecimalLiteral,
  DigitIdentifier,
  IntegerLiteral,
  NonReserved,
  ...keywordOrder.map((kw) => KEYWORD_TOKENS[kw]),
  Identifier,
  LParen,
  RParen,
  Comma,
  Equals,
  Semicolon,
  Minus,
  Unexpected,
];

export const K = KEYWORD_TOKENS;
