import type { IToken } from 'chevrotain';
import { isSecretKey, MASK, SECRET_KEY_PATTERN } from '../connectors/secrets.js';
import type { Loc, Statement } from './ast.js';

// Secrets must never be echoed: not in statementText, history, errors or logs. Three layers, from precise to
// blunt: (1) parsed statements mask the exact value spans of secret keys; (2) text that did not parse is masked
// by pattern; (3) every output string is finally scrubbed of the secret values Sluice knows (SecretRedactor).

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
      return SECRET_KEY_PATTERN.test(stmt.name) ? replaceSpans(stmt.text, stmt.loc.offset, [stmt.valueLoc]) : stmt.text;
    default:
      return stmt.text;
  }
}

// key = value where the key (bare, '…', "…" or `…`) looks secret; used when the text does not parse. The value
// may be anything a user might have typed there, valid or not: a '…' string, a "…" or `…` quoted word (a common
// mistake, and a syntax error), or a bare word or number; an unclosed quote masks to the end of the text.
const SECRET_PAIR = /((?:'[^']*'|"[^"]*"|`[^`]*`|[A-Za-z_][\w.@-]*)\s*=\s*)('(?:[^']|'')*'?|"(?:[^"]|"")*"?|`(?:[^`]|``)*`?|[^\s,();'"`]+)/g;
// The same with the '=' forgotten ('connection.password' 'x'): only a quoted value can follow, so plain words
// after a secret-looking key are left alone.
const SECRET_PAIR_NO_EQUALS = /((?:'[^']*'|"[^"]*"|`[^`]*`|[A-Za-z_][\w.@-]*)\s+)('(?:[^']|'')*'?)/g;
const DEFINE_PAIR = /(\bDEFINE\s+([A-Za-z_][\w@]*)\s*(?:=\s*)?)('(?:[^']|'')*'?)/gi;

/** A key as written ('…', "…", `…` or bare), without its quotes. */
function keyText(written: string): string {
  const q = written[0];
  if ((q === "'" || q === '"' || q === '`') && written.length >= 2 && written.endsWith(q)) return written.slice(1, -1).split(q + q).join(q);
  return written;
}

/** Best-effort masking of text that could not be parsed (so a typo never leaks the password next to it). */
export function maskUnparsedText(text: string): string {
  return text
    .replace(SECRET_PAIR, (all, head: string) => (isSecretKey(keyText(head.replace(/\s*=\s*$/, ''))) ? head + QUOTED_MASK : all))
    .replace(SECRET_PAIR_NO_EQUALS, (all, head: string, value: string) =>
      value !== QUOTED_MASK && isSecretKey(keyText(head.trim())) ? head + QUOTED_MASK : all,
    )
    .replace(DEFINE_PAIR, (all, head: string, name: string) => (SECRET_KEY_PATTERN.test(name) ? head + QUOTED_MASK : all));
}

/** A span of a source text that holds a secret value: [start, end) offsets. */
export interface SecretSpan {
  start: number;
  end: number;
}

const KEY_TOKENS = new Set(['StringLiteral', 'QuotedIdentifier', 'BackquotedIdentifier', 'Identifier']);
const NOT_A_VALUE = new Set(['Variable', 'LParen', 'RParen', 'Comma', 'Semicolon', 'Equals', 'TRUE', 'FALSE', 'NULL']);

/**
 * Where the values of secret-looking `key = value` pairs are, found from the tokens alone, so it works for
 * statements that do not parse or build: a WITH property, SET 'k' = 'v' and DEFINE name = 'v'. Whatever token
 * follows the '=' counts as the value (a "quoted" or bare password is a syntax error, and must not be echoed either).
 */
export function secretValueSpans(tokens: readonly IToken[]): SecretSpan[] {
  const spans: SecretSpan[] = [];
  for (let i = 1; i + 1 < tokens.length; i++) {
    if (tokens[i]!.tokenType.name !== 'Equals') continue;
    const key = tokens[i - 1]!;
    if (!KEY_TOKENS.has(key.tokenType.name) || !isSecretKey(keyText(key.image))) continue;
    let value = tokens[i + 1]!;
    if (NOT_A_VALUE.has(value.tokenType.name)) continue;
    const start = value.startOffset;
    if (value.tokenType.name === 'Minus' && tokens[i + 2]) value = tokens[i + 2]!;
    spans.push({ start, end: (value.endOffset ?? value.startOffset) + 1 });
  }
  return spans;
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
    const inner = source.slice(quoted ? start + 1 : start, quoted ? end - 1 : end).replace(/[^\r\n]/g, '*');
    out += source.slice(at, start) + (quoted ? q + inner + q : inner);
    at = end;
  }
  return out + source.slice(at);
}

/** Values shorter than this are not scrubbed from free text: masking every 'a' would destroy output. */
const MIN_SECRET_LENGTH = 4;

/** Scrubs known secret values from any text that leaves the process. */
export class SecretRedactor {
  private known: string[] = [];

  add(value: string | undefined): void {
    if (!value || value.length < MIN_SECRET_LENGTH || value === MASK || this.known.includes(value)) return;
    this.known.push(value);
    this.known.sort((a, b) => b.length - a.length);
  }


  /** The known secret values (handed to worker threads so their log lines are masked too). */
  values(): string[] {
    return [...this.known];
  }

  redact(text: string): string {
    let out = text;
    for (const v of this.known) if (out.includes(v)) out = out.split(v).join(MASK);
    return out;
  }

  /** Redact every string inside a JSON-like value (entities), returning a copy. */
  redactDeep<T>(value: T): T {
    if (this.known.length === 0) return value;
    return this.walk(value) as T;
  }

  private walk(value: unknown): unknown {
    if (typeof value === 'string') return this.redact(value);
    if (Array.isArray(value)) return value.map((v) => this.walk(v));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [this.redact(k), this.walk(v)]));
    }
    return value;
  }
}
