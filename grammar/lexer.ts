import { Lexer, type IToken, type ILexingError } from 'chevrotain';
import { LIMITS } from './limits.js';
import {
  ALL_TOKENS,
  UnterminatedBackquotedIdentifier,
  UnterminatedComment,
  UnterminatedQuotedIdentifier,
  UnterminatedString,
} from './tokens.js';

export const sqlLexer = new Lexer(ALL_TOKENS, {
  positionTracking: 'full',
  ensureOptimizations: false,
});

/** A lexical problem at a 1-based line and column. */
export interface LexDiagnostic {
  /** An unexpected character, an unclosed quote or comment, or a literal or name over its size limit (LIMITS). */
  kind: 'unexpected' | 'unterminated' | 'too-large';
  message: string;
  line: number;
  column: number;
  offset: number;
  length: number;
}

export interface LexResult {
  tokens: IToken[];
  comments: IToken[];
  diagnostics: LexDiagnostic[];
}

const UNTERMINATED: ReadonlyMap<string, string> = new Map([
  [UnterminatedString.name, "string literal is not closed: a ' is missing (write '' for a quote inside a string)"],
  [UnterminatedQuotedIdentifier.name, 'quoted identifier is not closed: a " is missing'],
  [UnterminatedBackquotedIdentifier.name, 'back-quoted identifier is not closed: a ` is missing'],
  [UnterminatedComment.name, 'comment is not closed: */ is missing'],
]);

// Names of the C0 control characters and DEL (as Unicode gives them), so a message can say which one it is.
const CONTROL_NAMES = [
  'NUL', 'SOH', 'STX', 'ETX', 'EOT', 'ENQ', 'ACK', 'BEL', 'BS', 'TAB', 'LF', 'VT', 'FF', 'CR', 'SO', 'SI',
  'DLE', 'DC1', 'DC2', 'DC3', 'DC4', 'NAK', 'SYN', 'ETB', 'CAN', 'EM', 'SUB', 'ESC', 'FS', 'GS', 'RS', 'US',
];

// Characters that show as nothing or as a space: named, since quoting them would show the user nothing.
const INVISIBLE_NAMES: ReadonlyMap<number, string> = new Map([
  [0xa0, 'no-break space'],
  [0xad, 'soft hyphen'],
  [0x200b, 'zero-width space'],
  [0x200c, 'zero-width non-joiner'],
  [0x200d, 'zero-width joiner'],
  [0x2028, 'line separator'],
  [0x2029, 'paragraph separator'],
  [0x2060, 'word joiner'],
  [0xfeff, 'byte order mark'],
]);

const hex = (code: number) => `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;

/** How an unexpected character is named in a message: never raw when it would not show (or would garble a terminal). */
export function describeChar(ch: string): { text: string; printable: boolean } {
  const code = ch.codePointAt(0) ?? 0;
  if (code < 0x20) return { text: `control character ${hex(code)} (${CONTROL_NAMES[code]})`, printable: false };
  if (code === 0x7f) return { text: `control character ${hex(code)} (DEL)`, printable: false };
  if (code >= 0x80 && code < 0xa0) return { text: `control character ${hex(code)}`, printable: false };
  const invisible = INVISIBLE_NAMES.get(code);
  if (invisible) return { text: `${invisible} ${hex(code)}`, printable: false };
  if (/[\p{Z}\p{Cf}\p{Cs}\p{Co}\p{Cn}]/u.test(ch)) return { text: `invisible character ${hex(code)}`, printable: false };
  return { text: code < 0x80 ? `'${ch}'` : `'${ch}' (${hex(code)})`, printable: true };
}

function fromLexError(text: string, e: Pick<ILexingError, 'offset' | 'length' | 'line' | 'column'>): LexDiagnostic {
  const ch = text.slice(e.offset, e.offset + Math.max(1, e.length));
  const first = [...ch][0] ?? '';
  const described = describeChar(first);
  // The hint is about names; a control or invisible character is a stray, not a misspelt name.
  const hint = described.printable ? ': identifiers use letters, digits, _ and @ (quote other names with ` or ")' : '';
  return {
    kind: 'unexpected',
    message: `unexpected ${described.printable ? 'character ' : ''}${described.text}${hint}`,
    line: e.line ?? 1,
    column: e.column ?? 1,
    offset: e.offset,
    length: e.length,
  };
}

const LITERAL_TOKENS = new Set(['StringLiteral', 'IntegerLiteral', 'DecimalLiteral', 'FloatingPointLiteral']);
export const NAME_TOKENS: ReadonlySet<string> = new Set(['Identifier', 'QuotedIdentifier', 'BackquotedIdentifier', 'DigitIdentifier', 'Variable']);

/** A literal or name over its limit: one diagnostic at its start, so the statement is refused before it is parsed. */
function sizeDiagnostic(tok: IToken): LexDiagnostic | undefined {
  const name = tok.tokenType.name;
  const length = tok.image.length;
  let what: string;
  let limit: number;
  if (LITERAL_TOKENS.has(name)) {
    what = name === 'StringLiteral' ? 'string literal' : 'number';
    limit = LIMITS.literalChars;
  } else if (NAME_TOKENS.has(name)) {
    what = name === 'Variable' ? 'variable reference' : 'name';
    limit = LIMITS.nameChars;
  } else {
    return undefined;
  }
  if (length <= limit) return undefined;
  return {
    kind: 'too-large',
    message: `${what} too long: ${length} characters, at most ${limit} are allowed`,
    line: tok.startLine ?? 1,
    column: tok.startColumn ?? 1,
    offset: tok.startOffset,
    length: 1,
  };
}

/** Tokenize without throwing: every problem comes back as a diagnostic with its position. */
export function tokenize(text: string): LexResult {
  const result = sqlLexer.tokenize(text);
  const diagnostics = result.errors.map((e) => fromLexError(text, e));
  // Adjacent stray runs are one problem, as chevrotain would report them.
  let run: { offset: number; length: number; line: number; column: number } | undefined;
  const endRun = () => {
    if (run) diagnostics.push(fromLexError(text, run));
    run = undefined;
  };
  for (const tok of result.groups['unexpected'] ?? []) {
    if (run && run.offset + run.length === tok.startOffset) {
      run.length += tok.image.length;
      continue;
    }
    endRun();
    run = { offset: tok.startOffset, length: tok.image.length, line: tok.startLine ?? 1, column: tok.startColumn ?? 1 };
  }
  endRun();
  for (const tok of result.tokens) {
    // Keywords and punctuation are short: only a long image can be over a limit.
    if (tok.image.length <= LIMITS.nameChars) continue;
    const d = sizeDiagnostic(tok);
    if (d) diagnostics.push(d);
  }
  for (const tok of result.groups['errors'] ?? []) {
    diagnostics.push({
      kind: 'unterminated',
      message: UNTERMINATED.get(tok.tokenType.name) ?? 'invalid token',
      line: tok.startLine ?? 1,
      column: tok.startColumn ?? 1,
      offset: tok.startOffset,
      length: 1,
    });
  }
  diagnostics.sort((a, b) => a.offset - b.offset);
  return { tokens: result.tokens, comments: result.groups['comments'] ?? [], diagnostics };
}
