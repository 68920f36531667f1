import { Lexer, type IToken, type ILexingError } from 'chevrotain';
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

function describeChar(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  if (code < 0x20 || code === 0x7f) return `control character U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return `'${ch}'`;
}

function fromLexError(text: string, e: ILexingError): LexDiagnostic {
  const ch = text.slice(e.offset, e.offset + Math.max(1, e.length));
  const first = [...ch][0] ?? '';
  const hint = first === '"' || first === '`' || first === "'" ? '' : ' (identifiers use letters, digits, _ and @; quote other names with ` or ")';
  return {
    message: `unexpected character ${describeChar(first)}${hint}`,
    line: e.line ?? 1,
    column: e.column ?? 1,
    offset: e.offset,
    length: e.length,
  };
}

/** Tokenize without throwing: every problem comes back as a diagnostic with its position. */
export function tokenize(text: string): LexResult {
  const result = sqlLexer.tokenize(text);
  const diagnostics = result.errors.map((e) => fromLexError(text, e));
  for (const tok of result.groups['errors'] ?? []) {
    diagnostics.push({
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
