import type { IRecognitionException, IToken } from 'chevrotain';
import { describeFound } from '../../grammar/errors.js';
import { tokenize } from '../../grammar/lexer.js';
import { LIMITS } from '../../grammar/limits.js';
import { parser } from '../../grammar/parser.js';
import { Semicolon } from '../../grammar/tokens.js';
import type { StatementCstNode } from '../../grammar/cst.js';
import { MASK } from '../connectors/secrets.js';
import { SqlSyntaxError, type SqlSemanticError } from '../errors/base.js';
import type { Loc } from './ast.js';
import { BLANK, blankSpans, secretValueSpans, unterminatedOffsets, type SecretSpan } from './mask.js';
import { unsupportedStatement } from './unsupported.js';

/** One statement of a script: syntactically valid, not yet resolved (variables are applied when it runs). */
export interface ParsedStatement {
  readonly cst: StatementCstNode;
  readonly tokens: readonly IToken[];
  readonly text: string;
  readonly loc: Loc;
  /** Offset just past the statement's ';' (or its last token), for slicing the source. */
  readonly endOffset: number;
  readonly file: string | undefined;
  /**
   * The whole script, for showing the line an error is on: the values of secret-looking keys are blanked
   * character for character (offsets, lines and columns unchanged), so no line of it can leak a password.
   */
  readonly source: string;
}

/**
 * A script split into statements; each item is either parsed or the error that stopped it: a syntax error, or
 * UNSUPPORTED_STATEMENT for a ksqlDB statement about streams, tables or queries.
 */
export type ScriptItem = { ok: true; statement: ParsedStatement } | { ok: false; error: SqlSyntaxError | SqlSemanticError; text: string; source: string };

/** How much of a statement over a size limit its error quotes as statementText. */
const TOO_LARGE_EXCERPT = 200;

function excerptOf(text: string): string {
  return text.length <= TOO_LARGE_EXCERPT ? text : `${text.slice(0, TOO_LARGE_EXCERPT)}…`;
}

export function tokenLoc(tok: IToken, file?: string): Loc {
  return {
    line: tok.startLine ?? 1,
    column: tok.startColumn ?? 1,
    offset: tok.startOffset,
    length: (tok.endOffset ?? tok.startOffset) - tok.startOffset + 1,
    ...(file === undefined ? {} : { file }),
  };
}

/** Line breaks as the lexer counts them (chevrotain's default: \r\n, \r or \n), so all positions agree. */
const LINE_BREAK = /\r\n?|\n/g;

function offsetLoc(source: string, offset: number, file?: string): Loc {
  let line = 1;
  let lineStart = 0;
  for (const m of source.slice(0, offset).matchAll(LINE_BREAK)) {
    line++;
    lineStart = m.index + m[0].length;
  }
  return { line, column: offset - lineStart + 1, offset, length: 1, ...(file === undefined ? {} : { file }) };
}

/** Position just after a token: where "the end of the statement" is when input runs out. */
function locAfter(tok: IToken, source: string, file?: string): Loc {
  return offsetLoc(source, (tok.endOffset ?? tok.startOffset) + 1, file);
}

function syntaxError(e: IRecognitionException, chunk: readonly IToken[], source: string, secrets: readonly SecretSpan[], file?: string): SqlSyntaxError {
  const tok = e.token;
  const atEnd = tok.tokenType.name === 'EOF' || Number.isNaN(tok.startOffset);
  const last = chunk[chunk.length - 1];
  const loc = atEnd && last ? locAfter(last, source, file) : tokenLoc(tok, file);
  let message = e.message;
  // The message quotes the offending token; when that token is a secret's value (a "quoted" or bare password),
  // it quotes the mask instead.
  if (!atEnd && secrets.some((s) => tok.startOffset >= s.start && tok.startOffset < s.end)) {
    message = message.split(describeFound(tok)).join(`'${MASK}'`);
  }
  return new SqlSyntaxError('SYNTAX_ERROR', message, { loc });
}

function parseChunk(chunk: IToken[], terminator: IToken | undefined, source: string, shown: string, secrets: readonly SecretSpan[], file?: string): ScriptItem {
  const first = chunk[0]!;
  const endOffset = terminator ? terminator.startOffset + 1 : (chunk[chunk.length - 1]!.endOffset ?? 0) + 1;
  const text = source.slice(first.startOffset, endOffset);
  parser.input = chunk;
  const cst = parser.statement() as StatementCstNode;
  const firstError = parser.errors[0];
  if (firstError) return { ok: false, error: syntaxError(firstError, chunk, source, secrets, file), text, source: shown };
  return { ok: true, statement: { cst, tokens: chunk, text, loc: tokenLoc(first, file), endOffset, file, source: shown } };
}

/**
 * Split a script at ';' and parse each statement on its own, so one bad statement yields one error and the
 * statements after it are still checked. Lexical errors are reported at their own position. A missing ';' is
 * accepted only after the very last statement.
 */
export function parseScript(source: string, file?: string): ScriptItem[] {
  // A UTF-8 byte order mark (editors on Windows write one) is not part of the script. Replaced by a space, not
  // removed, so every offset, line and column stays what the file says.
  if (source.startsWith('\uFEFF')) source = ` ${source.slice(1)}`;
  const lexed = tokenize(source);
  const secrets = secretValueSpans(lexed.tokens, unterminatedOffsets(lexed.diagnostics, source), source);
  const shown = blankSpans(source, secrets, BLANK);
  const items: ScriptItem[] = [];
  const lexErrors = lexed.diagnostics.map((d) => ({
    offset: d.offset,
    kind: d.kind,
    // The lexer already counted lines and columns: recounting from the start for every error is quadratic.
    error: new SqlSyntaxError(d.kind === 'too-large' ? 'INPUT_TOO_LARGE' : 'LEXICAL_ERROR', d.message, {
      loc: { line: d.line, column: d.column, offset: d.offset, length: d.length, ...(file === undefined ? {} : { file }) },
    }),
  }));
  let nextLexError = 0;
  let chunk: IToken[] = [];
  let regionStart = 0;
  const flush = (terminator: IToken | undefined) => {
    const start = regionStart;
    const end = terminator ? terminator.startOffset : Infinity;
    regionStart = end + 1;
    // Diagnostics are sorted by offset and regions follow each other: those of this region are the next ones.
    const inRegion: (typeof lexErrors)[number][] = [];
    while (nextLexError < lexErrors.length && lexErrors[nextLexError]!.offset < end) {
      if (lexErrors[nextLexError]!.offset >= start) inRegion.push(lexErrors[nextLexError]!);
      nextLexError++;
    }
    const first = chunk[0];
    const textStart = first?.startOffset ?? inRegion[0]?.offset ?? start;
    const textOf = () => source.slice(textStart, terminator ? end + 1 : undefined).trim();
    const fail = (error: SqlSyntaxError | SqlSemanticError, text: string) => items.push({ ok: false, error, text, source: shown });
    const tooLarge = inRegion.find((l) => l.kind === 'too-large');
    const unterminated = inRegion.find((l) => l.kind === 'unterminated');
    const statementChars = (terminator ? end + 1 : source.length) - textStart;
    const unsupported = first && !unterminated ? unsupportedStatement(chunk, tokenLoc(first, file)) : undefined;
    if (tooLarge) {
      fail(tooLarge.error, excerptOf(textOf()));
    } else if (first && statementChars > LIMITS.statementChars) {
      const error = new SqlSyntaxError('INPUT_TOO_LARGE', `statement too long: ${statementChars} characters, at most ${LIMITS.statementChars} are allowed`, {
        loc: tokenLoc(first, file),
      });
      fail(error, excerptOf(textOf()));
    } else if (unsupported) {
      // Recognised by its first words: characters Sluice's grammar has no use for ('*', '.', '<'…) are no error of their own.
      fail(unsupported, textOf());
    } else if (inRegion[0]) {
      fail(inRegion[0].error, textOf());
    } else if (chunk.length > 0) {
      items.push(parseChunk(chunk, terminator, source, shown, secrets, file));
    }
    chunk = [];
  };
  for (const tok of lexed.tokens) {
    if (tok.tokenType === Semicolon) flush(tok);
    else chunk.push(tok);
  }
  flush(undefined);
  return items;
}
