import type { IToken } from 'chevrotain';
import { tokenize } from '../../grammar/lexer.js';
import { isSecretKey, MASK } from '../connectors/secrets.js';
import { urlSecretSpans } from '../connectors/url-secrets.js';
import type { Loc, Statement } from './ast.js';

// Statement text is shown back (statementText, history, config versions, errors): the values of secret keys are
// masked whole, and a URL written in any string literal keeps everything but its password parts (url-secrets.ts),
// so 'jdbc:mysql://root:********@host/db' still says where it connects. Parsed statements mask by their AST; text
// that did not parse is masked from its tokens. Nothing here masks by substring: a password 'postgres' leaves
// 'jdbc:postgresql://…' alone.

const QUOTED_MASK = `'${MASK}'`;

/** A replacement of [start, end) of a text. */
interface Edit {
  start: number;
  end: number;
  with: string;
}

function applyEdits(text: string, edits: readonly Edit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) {
    if (e.start < 0 || e.start >= out.length) continue;
    out = out.slice(0, e.start) + e.with + out.slice(e.end);
  }
  return out;
}

/** The URL password parts inside a string literal written at [start, start + image.length) of a text. */
function literalUrlSpans(image: string, start: number): SecretSpan[] {
  if (image[0] !== "'" || image.length < 2) return [];
  return urlSecretSpans(image.slice(1, image.endsWith("'") ? -1 : undefined)).map((s) => ({ start: start + 1 + s.start, end: start + 1 + s.end, inner: true }));
}

/** Edits masking one value written at `loc`: whole when secret, else the password parts of a URL literal. */
function valueEdits(text: string, base: number, loc: Loc, secret: boolean): Edit[] {
  const start = loc.offset - base;
  if (secret) return [{ start, end: start + loc.length, with: QUOTED_MASK }];
  return literalUrlSpans(text.slice(start, start + loc.length), start).map((s) => ({ start: s.start, end: s.end, with: MASK }));
}

/** The statement's own text with the values of secret keys (and of secret-named variables) and URL passwords masked. */
export function maskStatementText(stmt: Statement, isSecret: (key: string) => boolean): string {
  const base = stmt.loc.offset;
  switch (stmt.kind) {
    case 'CreateConnector':
    case 'AlterConnectorSet':
      return applyEdits(
        stmt.text,
        stmt.properties.flatMap((p) => valueEdits(stmt.text, base, p.valueLoc, isSecret(p.key))),
      );
    case 'DefineVariable':
    case 'SetProperty':
      // A variable's or property's name says what it is, as a config key's does (sasl.jaas.config holds a password).
      return applyEdits(stmt.text, valueEdits(stmt.text, base, stmt.valueLoc, isSecretKey(stmt.name)));
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
  const spans = secretValueSpans(lexed.tokens, unterminatedOffsets(lexed.diagnostics, text), text);
  if (spans.length === 0) return text;
  let out = '';
  let at = 0;
  for (const span of spans) {
    if (span.start < at) continue;
    out += text.slice(at, span.start) + maskOf(span);
    at = span.end;
  }
  return out + text.slice(at);
}

const maskOf = (span: SecretSpan) => (span.inner ? MASK : QUOTED_MASK);

/** The same masking, but each secret character becomes `fill` so columns stay where they were (source lines). */
export function blankUnparsedText(text: string, fill = '*'): string {
  const lexed = tokenize(text);
  return blankSpans(text, secretValueSpans(lexed.tokens, unterminatedOffsets(lexed.diagnostics, text), text), fill);
}

/**
 * What a script's source is blanked with for its error lines (parseScript): a private-use character, which no statement has reason to hold, so
 * that maskSourceLine can tell a blanked run from the text around it and show it as '********' whatever its
 * length. Blanked to '*' the length showed wherever the line alone does not say the run is a secret (a bare
 * value, a value on the line after its key).
 */
export const BLANK = '\uE000';
const BLANK_RUN = new RegExp(`${BLANK}+`, 'g');

/** Each run of BLANK as the mask, the caret moved with the text (to the mask's start when it was inside one). */
function collapseBlanks(line: string, column: number): { text: string; column: number } {
  if (!line.includes(BLANK)) return { text: line, column };
  const caret = column - 1;
  let out = '';
  let at = 0;
  let moved: number | undefined;
  for (const m of line.matchAll(BLANK_RUN)) {
    const end = m.index + m[0].length;
    if (moved === undefined && caret < m.index) moved = out.length + (caret - at);
    out += line.slice(at, m.index);
    if (moved === undefined && caret < end) moved = out.length;
    out += MASK;
    at = end;
  }
  if (moved === undefined) moved = out.length + (caret - at);
  return { text: out + line.slice(at), column: moved + 1 };
}

/**
 * A source line shown under an error: every secret value becomes '********' whatever its length (stars of the
 * same length would tell it), and the caret column moves with the text, so it stays under the same token (or at
 * the mask, when the error is inside the secret). Columns are 1-based.
 */
export function maskSourceLine(source: string, sourceColumn: number): { text: string; column: number } {
  return sourceLineMasker(source)(sourceColumn);
}

/**
 * maskSourceLine for many errors on one line: the line is tokenized once. A 2 MB statement on one line with 50
 * errors was tokenized 50 times (90 s for `sluice check`, and as long a stall of the server).
 */
export function sourceLineMasker(source: string): (sourceColumn: number) => { text: string; column: number } {
  const blanked = source.includes(BLANK);
  const line = blanked ? collapseBlanks(source, 1).text : source;
  const lexed = tokenize(line);
  const spans = secretValueSpans(lexed.tokens, unterminatedOffsets(lexed.diagnostics, line), line);
  return (sourceColumn) => applySpans(line, spans, blanked ? collapseBlanks(source, sourceColumn).column : sourceColumn);
}

function applySpans(line: string, spans: readonly SecretSpan[], column: number): { text: string; column: number } {
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
    out += maskOf(span);
    at = end;
  }
  if (moved === undefined) moved = out.length + Math.max(0, caret - at);
  return { text: out + line.slice(at), column: moved + 1 };
}

/** Where a '/*' that is never closed starts: a comment to the end of the text, which may hold a whole statement. */
function unclosedComments(text: string): number[] {
  if (!text.includes('/*')) return [];
  const lexed = tokenize(text);
  return lexed.diagnostics.filter((d) => text.startsWith('/*', d.offset)).map((d) => d.offset);
}

/** Where unclosed strings start: they run to the end of the text and may hold a secret. */
export function unterminatedOffsets(diagnostics: readonly { offset: number; kind: string }[], text: string): number[] {
  return diagnostics.filter((d) => d.kind === 'unterminated' && (text[d.offset] === "'" || text[d.offset] === '"' || text[d.offset] === '`')).map((d) => d.offset);
}

/** A span of a source text that holds a secret value: [start, end) offsets; `inner` when inside a literal (a URL's password). */
export interface SecretSpan {
  start: number;
  end: number;
  inner?: true;
}

const KEY_TOKENS = new Set(['StringLiteral', 'QuotedIdentifier', 'BackquotedIdentifier', 'Identifier', 'DigitIdentifier']);
const VALUE_TOKENS = new Set([...KEY_TOKENS, 'IntegerLiteral', 'DecimalLiteral', 'FloatingPointLiteral', 'Minus']);
const ENDS_VALUE = new Set(['Comma', 'RParen', 'Semicolon']);
const BEFORE_VALUE = new Set(['Equals', 'LParen']);
/**
 * A URL is a value, never a key, whatever its password says ('jdbc:mysql://u:my-secret@h/db' followed by a
 * string, a forgotten comma): taken for a secret key, it had the next pair's key and value masked as its own.
 */
const IS_URL = /^\s*(?:jdbc:)?[a-z][a-z0-9+.-]*:\/\//i;
/** A URL anywhere in a text, up to a blank, a quote or what ends a value. */
const BARE_URL = /(?<![a-z0-9+.-])(?:[a-z][a-z0-9+.-]*:)+(?:[a-z][a-z0-9+.-]*(?=\/\/))?\/[^\s'"`,()]*/gi;

/**
 * Where the values of secret-looking `key = value` pairs are, found from the tokens alone, so it works for
 * statements that do not parse: WITH properties, SET 'k' = 'v', DEFINE name = 'v'. After a secret key, '=' and '('
 * tokens are skipped (also a doubled '=' or a forgotten one), then every value-like token up to the next ',', ')'
 * or ';' is secret; an unclosed string there is secret to the end of the text. Comments are not tokens, so a
 * comment between key and value changes nothing. Any other string literal that is a URL has its password parts
 * masked (`inner` spans).
 */
export function secretValueSpans(tokens: readonly IToken[], unterminated: readonly number[] = [], text?: string): SecretSpan[] {
  const spans: SecretSpan[] = [];
  const whole = new Set<number>();
  const wholeUnclosed = new Set<number>();
  for (let i = 0; i < tokens.length; i++) {
    const key = tokens[i]!;
    if (!KEY_TOKENS.has(key.tokenType.name) || !isSecretKey(keyText(key.image)) || IS_URL.test(keyText(key.image))) continue;
    let j = i + 1;
    // A quote put after the '=' instead of before it ('connection.password = 'pw') leaves the '=' in the key.
    const sawEquals = tokens[j]?.tokenType.name === 'Equals' || /=\s*$/.test(keyText(key.image));
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
      if (VALUE_TOKENS.has(t.tokenType.name)) {
        spans.push({ start: t.startOffset, end: (t.endOffset ?? t.startOffset) + 1 });
        whole.add(k);
      }
    }
    const from = (tokens[j - 1] ?? key).endOffset ?? key.startOffset;
    const until = tokens[end]?.startOffset ?? Infinity;
    for (const u of unterminated) {
      if (u <= from || u >= until) continue;
      spans.push({ start: u, end: Number.MAX_SAFE_INTEGER });
      wholeUnclosed.add(u);
    }
    i = Math.max(i, j - 1);
  }
  tokens.forEach((t, k) => {
    if (t.tokenType.name === 'StringLiteral' && !whole.has(k)) spans.push(...literalUrlSpans(t.image, t.startOffset));
  });
  // An unclosed string runs to the end of the text: a URL in it is masked as in a closed one, and so is what a
  // stray quote swallowed ('JdbcSource'", 'connection.password' = 'pw'…): its text is read as statements again.
  if (text !== undefined) {
    for (const u of [...unterminated, ...unclosedComments(text)]) {
      if (wholeUnclosed.has(u)) continue;
      spans.push(...literalUrlSpans(text.slice(u), u));
      const from = u + (text.startsWith('/*', u) ? 2 : 1);
      const inner = text.slice(from);
      const lexed = tokenize(inner);
      for (const s of secretValueSpans(lexed.tokens, unterminatedOffsets(lexed.diagnostics, inner), inner)) spans.push({ ...s, start: s.start + from, end: s.end + from });
    }
  }
  // A URL outside any string (a quote missing before it turns it into bare words and stray characters) keeps its
  // password masked too.
  if (text !== undefined) {
    for (const m of text.matchAll(BARE_URL)) {
      for (const s of urlSecretSpans(m[0])) spans.push({ start: m.index + s.start, end: m.index + s.end, inner: true });
    }
  }
  return spans.sort((a, b) => a.start - b.start);
}

/**
 * The source with every character of the given secret spans blanked to '*' — quotes and line breaks kept — so
 * offsets, lines and columns stay exactly as they were and any line of it can be shown next to an error.
 */
export function blankSpans(source: string, spans: readonly SecretSpan[], fill = '*'): string {
  if (spans.length === 0) return source;
  let out = '';
  let at = 0;
  for (const span of [...spans].sort((a, b) => a.start - b.start)) {
    const { start, end } = span;
    if (start < at) continue;
    const q = source[start];
    const quoted = !span.inner && (q === "'" || q === '"' || q === '`') && end - start >= 2 && source[end - 1] === q;
    const stop = Math.min(end, source.length);
    const inner = source.slice(quoted ? start + 1 : start, quoted ? stop - 1 : stop).replace(/[^\r\n]/g, fill);
    out += source.slice(at, start) + (quoted ? q + inner + q : inner);
    at = stop;
  }
  return out + source.slice(at);
}
