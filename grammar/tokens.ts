import { createToken, Lexer, type TokenType } from 'chevrotain';
import { ALL_KEYWORDS, NON_RESERVED_KEYWORDS, type Keyword } from './keywords.js';

// Lexical rules follow ksqlDB's SqlBase.g4: ASCII identifiers (plus '@' after the first character), three
// quoting styles with doubled-quote escapes, no backslash escapes, `--` and non-nesting `/* */` comments.

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r\n\f]+/, group: Lexer.SKIPPED, line_breaks: true });
export const LineComment = createToken({ name: 'LineComment', pattern: /--[^\r\n]*/, group: 'comments' });
export const BlockComment = createToken({ name: 'BlockComment', pattern: /\/\*[\s\S]*?\*\//, group: 'comments', line_breaks: true });

// Quoted forms are written as an unrolled loop (runs of other characters, then a doubled quote): the plain
// alternation (?:[^']|'')* backtracks once per character, and V8 runs out of stack on a string of a few MB.
export const StringLiteral = createToken({ name: 'StringLiteral', pattern: /'[^']*(?:''[^']*)*'/, line_breaks: true });
export const QuotedIdentifier = createToken({ name: 'QuotedIdentifier', pattern: /"[^"]*(?:""[^"]*)*"/, line_breaks: true });
export const BackquotedIdentifier = createToken({ name: 'BackquotedIdentifier', pattern: /`[^`]*(?:``[^`]*)*`/, line_breaks: true });

// Unterminated forms: matched as tokens (never reach the parser) so the error can say what is unclosed and where
// it opened, instead of complaining about a stray quote character.
export const UnterminatedString = createToken({ name: 'UnterminatedString', pattern: /'[^']*(?:''[^']*)*/, group: 'errors', line_breaks: true });
export const UnterminatedQuotedIdentifier = createToken({ name: 'UnterminatedQuotedIdentifier', pattern: /"[^"]*(?:""[^"]*)*/, group: 'errors', line_breaks: true });
export const UnterminatedBackquotedIdentifier = createToken({ name: 'UnterminatedBackquotedIdentifier', pattern: /`[^`]*(?:``[^`]*)*/, group: 'errors', line_breaks: true });
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
];

export const K = KEYWORD_TOKENS;
