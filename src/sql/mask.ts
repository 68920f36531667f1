import type { IToken } from 'chevrotain';
import { tokenize } from '../../grammar/lexer.js';
import { isSecretKey, MASK, SECRET_KEY_PATTERN } from '../connectors/secrets.js';
import type { Loc, Statement } from './ast.js';

// Secrets must never be echoed: not in statementText, history, errors or logs. Three layers, from precise to
// blunt: (1) parsed statements mask the exact value spans of secret keys; (2) text that did not parse is masked
// from its tokens; (3) every output string is finally scrubbed of the secret values Sluice knows (SecretRedactor).

const QUOTED_MASK = `'${MASK}'`;

function replaceSpans(text: string, base: number, spans: readonly Loc[]): string {
  let out = text;
  for (const span of [...spans].sort((a, b) => b.offset - a.offset)) {
    const start = span.offset - base;
    if (start < 0 || start >= out.length) continue;
    out = out.slice(0, start) + QUOTED_MASK + out.slice(start + span.length);
  }
  return out;
}

/** The statement's own text with the values of secret keys (and of secret-named variables) masked. */
export function maskStatementText(stmt: Statement, isSecret: (key: string) => boolean): string {
  switch (stmt.kind) {
    case 'CreateConnector':
    case 'AlterConnectorSet':
      return replaceSpans(
        stmt.text,
        stmt.loc.offset,
        stmt.properties.filter((p) => isSecret(p.key)).map((p) => p.valueLoc),
      );
    case 'DefineVariable':
      return SECRET_KEY_PATTERN.test(stmt.name) ? replaceSpans(stmt.text, stmt.loc.offset, [stmt.valueLoc]) : stmt.text;
    case 'SetProperty':
      return isSecretKey(stmt.name) ? replaceSpans(stmt.text, stmt.loc.offset, [stmt.valueLoc]) : stmt.text;
    default:
      return stmt.text;
  }
}

/** A key as written ('…', "…", `…` or bare), without its quotes. */
function keyText(written: string): string {
  const q = written[0];
  if ((q === "'" || q === '"' || q === '`') && written.length >= 2 && written.endsWith(q)) return written.slice(1, -1).split(q + q).join(q);
  return written;
}

/**
 * Best-effort masking of text that could not be parsed (so a typo never leaks the password next to it): every
 * value after a secret-looking key is replaced by '********', found from the tokens (see secretValueSpans), so
 * comments, a doubled or missing '=', parentheses or a second string in between change nothing.
 */
export function maskUnparsedText(text: string): string {
  const lexed = tokenize(text);
  const spans = secretValueSpans(lexed.tokens, unterminatedOffsets(lexed.diagnostics, text));
  if (spans.length === 0) return text;
  let out = '';
  let at = 0;
  for (const { start, end } of spans) {
    if (start < at) continue;
    out += text.slice(at, start) + QUOTED_MASK;
    at = end;
  }
  return out + text.slice(at);
}

/** The same masking, but each secret character becomes '*' so columns stay where they were (source lines). */
export function blankUnparsedText(text: string): string {
  const lexed = tokenize(text);
  return blankSpans(text, secretValueSpans(lexed.tokens, unterminatedOffsets(lexed.diagnostics, text)));
}

/**
 * A source line shown under an error: every secret value becomes '********' whatever its length (stars of the
 * same length would tell it), and the caret column moves with the text, so it stays under the same token (or at
 * the mask, when the error is inside the secret). Columns are 1-based.
 */
export function maskSourceLine(line: string, column: number): { text: string; column: number } {
  const lexed = tokenize(line);
  const spans = secretValueSpans(lexed.tokens, unterminatedOffsets(lexed.diagnostics, line));
  if (spans.length === 0) return { text: line, column };
  const caret = column - 1;
  let out = '';
  let at = 0;
  let moved: number | undefined;
  for (const span of spans) {
    if (span.start < at) continue;
    const end = Math.min(span.end, line.length);
    if (moved === undefined && caret < span.start && caret >= at) moved = out.length + (caret - at);
    out += line.slice(at, span.start);
    if (moved === undefined && caret >= span.start && caret < end) moved = out.length;
    out += QUOTED_MASK;
    at = end;
  }
  if (moved === undefined) moved = out.length + Math.max(0, caret - at);
  return { text: out + line.slice(at), column: moved + 1 };
}

/** Where unclosed strings start: they run to the end of the text and may hold a secret. */
export function unterminatedOffsets(diagnostics: readonly { offset: number; kind: string }[], text: string): number[] {
  return diagnostics.filter((d) => d.kind === 'unterminated' && (text[d.offset] === "'" || text[d.offset] === '"' || text[d.offset] === '`')).map((d) => d.offset);
}

/** A span of a source text that holds a secret value: [start, end) offsets. */
export interface SecretSpan {
  start: number;
  end: number;
}

const KEY_TOKENS = new Set(['StringLiteral', 'QuotedIdentifier', 'BackquotedIdentifier', 'Identifier', 'DigitIdentifier']);
const VALUE_TOKENS = new Set([...KEY_TOKENS, 'IntegerLiteral', 'DecimalLiteral', 'FloatingPointLiteral', 'Minus']);
const ENDS_VALUE = new Set(['Comma', 'RParen', 'Semicolon']);
const BEFORE_VALUE = new Set(['Equals', 'LParen']);

/**
 * Where the values of secret-looking `key = value` pairs are, found from the tokens alone, so it works for
 * statements that do not parse: WITH properties, SET 'k' = 'v', DEFINE name = 'v'. After a secret key, '=' and '('
 * tokens are skipped (also a doubled '=' or a forgotten one), then every value-like token up to the next ',', ')'
 * or ';' is secret; an unclosed string there is secret to the end of the text. Comments are not tokens, so a
 * comment between key and value changes nothing.
 */
export function secretValueSpans(tokens: readonly IToken[], unterminated: readonly number[] = []): SecretSpan[] {
  const spans: SecretSpan[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const key = tokens[i]!;
    if (!KEY_TOKENS.has(key.tokenType.name) || !isSecretKey(keyText(key.image))) continue;
    let j = i + 1;
    const sawEquals = tokens[j]?.tokenType.name === 'Equals';
    while (j < tokens.length && BEFORE_VALUE.has(tokens[j]!.tokenType.name)) j++;
    // Without an '=' only a string right after the key counts (a forgotten '='): a name followed by a name is not a pair.
    if (!sawEquals && tokens[j]?.tokenType.name !== 'StringLiteral') continue;
    let end = tokens.length;
    for (let k = j; k < tokens.length; k++) {
      const t = tokens[k]!;
      if (ENDS_VALUE.has(t.tokenType.name)) {
        end = k;
        break;
      }
      if (VALUE_TOKENS.has(t.tokenType.name)) spans.push({ start: t.startOffset, end: (t.endOffset ?? t.startOffset) + 1 });
    }
    const from = (tokens[j - 1] ?? key).endOffset ?? key.startOffset;
    const until = tokens[end]?.startOffset ?? Infinity;
    for (const u of unterminated) if (u > from && u < until) spans.push({ start: u, end: Number.MAX_SAFE_INTEGER });
    i = Math.max(i, j - 1);
  }
  return spans.sort((a, b) => a.start - b.start);
}

/**
 * The source with every character of the given secret spans blanked to '*' — quotes and line breaks kept — so
 * offsets, lines and columns stay exactly as they were and any line of it can be shown next to an error.
 */
export function blankSpans(source: string, spans: readonly SecretSpan[]): string {
  if (spans.length === 0) return source;
  let out = '';
  let at = 0;
  for (const { start, end } of [...spans].sort((a, b) => a.start - b.start)) {
    if (start < at) continue;
    const q = source[start];
    const quoted = (q === "'" || q === '"' || q === '`') && end - start >= 2 && source[end - 1] === q;
    const stop = Math.min(end, source.length);
    const inner = source.slice(quoted ? start + 1 : start, quoted ? stop - 1 : stop).replace(/[^\r\n]/g, '*');
    out += source.slice(at, start) + (quoted ? q + inner + q : inner);
    at = stop;
  }
  return out + source.slice(at);
}
