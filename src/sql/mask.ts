import { MASK, SECRET_KEY_PATTERN } from '../connectors/secrets.js';
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

// key = 'value' where the key (bare, '…', "…" or `…`) looks secret; used when the text does not parse.
const SECRET_PAIR = /((?:'[^']*'|"[^"]*"|`[^`]*`|[A-Za-z_][\w.@-]*)\s*=\s*)('(?:[^']|'')*'?)/g;
const DEFINE_PAIR = /(\bDEFINE\s+([A-Za-z_][\w@]*)\s*=\s*)('(?:[^']|'')*'?)/gi;

/** Best-effort masking of text that could not be parsed (so a typo never leaks the password next to it). */
export function maskUnparsedText(text: string): string {
  return text
    .replace(SECRET_PAIR, (all, head: string) => (SECRET_KEY_PATTERN.test(head) ? head + QUOTED_MASK : all))
    .replace(DEFINE_PAIR, (all, head: string, name: string) => (SECRET_KEY_PATTERN.test(name) ? head + QUOTED_MASK : all));
}

/** Values shorter than this are not scrubbed from free text: masking every 'a' would destroy output. */
const MIN_SECRET_LENGTH = 4;

/** Scrubs known secret values from any text that leaves the process. */
export class SecretRedactor {
  private values: string[] = [];

  add(value: string | undefined): void {
    if (!value || value.length < MIN_SECRET_LENGTH || value === MASK || this.values.includes(value)) return;
    this.values.push(value);
    this.values.sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    let out = text;
    for (const v of this.values) if (out.includes(v)) out = out.split(v).join(MASK);
    return out;
  }

  /** Redact every string inside a JSON-like value (entities), returning a copy. */
  redactDeep<T>(value: T): T {
    if (this.values.length === 0) return value;
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
