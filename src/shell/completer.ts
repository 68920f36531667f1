import type { IToken, TokenType } from 'chevrotain';
import { ALL_KEYWORDS, RESERVED_KEYWORDS } from '../../grammar/keywords.js';
import { sqlLexer } from '../../grammar/lexer.js';
import { parser } from '../../grammar/parser.js';
import { unquote } from '../sql/build-ast.js';

/**
 * Tab completion for the interactive shell. Pure: everything it needs to know about the catalog and the
 * connector registry comes through the context, so it is unit-tested without either.
 */
export interface CompletionContext {
  /** Names of existing connectors, as stored (already case-folded where unquoted). */
  connectorNames(): string[];
  /** Every config key a connector of this class (or alias) accepts; undefined for an unknown class. */
  keysForClass(cls: string): string[] | undefined;
  /** Class names and aliases accepted as 'connector.class' values. */
  classNames?(): string[];
  /** Class of an existing connector, so ALTER … SET ( completes that connector's keys. */
  classOfConnector?(name: string): string | undefined;
}

export interface Completion {
  candidates: string[];
  /** The partial word before the cursor that a candidate replaces ('' when the cursor follows a separator). */
  replace: string;
}

const CONNECTOR_CLASS = 'connector.class';
const KEYWORDS = new Set<string>(ALL_KEYWORDS);
const RESERVED = new Set<string>(RESERVED_KEYWORDS);
/** Statements whose identifier names an existing connector (CREATE names a new one, PRINT a topic). */
const NAMES_EXISTING = new Set(['dropConnector', 'describeConnector', 'alterConnector', 'connectorStateChange']);
/** Tokens that can be a half-typed word under the cursor. The unterminated ones come from the 'errors' group. */
const WORD_TOKENS = new Set([
  'Identifier',
  'DigitIdentifier',
  'IntegerLiteral',
  'StringLiteral',
  'QuotedIdentifier',
  'BackquotedIdentifier',
  'UnterminatedString',
  'UnterminatedQuotedIdentifier',
  'UnterminatedBackquotedIdentifier',
  ...ALL_KEYWORDS,
]);
const SHELL_COMMANDS = ['help', 'exit', 'quit', 'output', 'history', 'clear'];
const OUTPUT_FORMATS = ['table', 'json'];

const NONE = (replace: string): Completion => ({ candidates: [], replace });

interface Cursor {
  /** The word being completed ('' if none). */
  partial: string;
  partialType: string | undefined;
  /** Tokens of the current statement (after the last ';') before the partial word. */
  preceding: IToken[];
}

/** Splits the text before the cursor into the current statement's complete tokens and the word being typed. */
function locate(text: string): Cursor | undefined {
  const lexed = sqlLexer.tokenize(text);
  const all = [...lexed.tokens, ...(lexed.groups['comments'] ?? []), ...(lexed.groups['errors'] ?? [])];
  const last = all.reduce<IToken | undefined>((a, t) => (a === undefined || (t.endOffset ?? 0) > (a.endOffset ?? 0) ? t : a), undefined);
  const touching = last !== undefined && (last.endOffset ?? -1) === text.length - 1;
  const lastType = last?.tokenType.name;
  // Inside (or right after) a comment there is nothing sensible to complete.
  if (touching && (lastType === 'LineComment' || lastType === 'BlockComment' || lastType === 'UnterminatedComment')) return undefined;
  const isPartial = touching && WORD_TOKENS.has(lastType!);
  const tokens = lexed.tokens.filter((t) => !(isPartial && t === last));
  const lastSemi = tokens.map((t) => t.tokenType.name).lastIndexOf('Semicolon');
  return {
    partial: isPartial ? last!.image : '',
    partialType: isPartial ? lastType : undefined,
    preceding: tokens.slice(lastSemi + 1),
  };
}

/** Keywords follow the user's case: lower if they are typing (or last typed) lower case. */
function keywordCase(partial: string, preceding: readonly IToken[]): (kw: string) => string {
  const sample = partial !== '' ? partial : ([...preceding].reverse().find((t) => KEYWORDS.has(t.tokenType.name))?.image ?? '');
  const lower = /[a-z]/.test(sample) && sample === sample.toLowerCase();
  return lower ? (kw) => kw.toLowerCase() : (kw) => kw;
}

const CLOSED_QUOTED = new Set(['StringLiteral', 'QuotedIdentifier', 'BackquotedIdentifier']);

/** The text of the word being typed without its quotes (the opening quote may have no closing one yet). */
function innerText(cursor: Cursor): string {
  const { partial, partialType } = cursor;
  const q = partial[0];
  if (q !== "'" && q !== '"' && q !== '`') return partial;
  return (CLOSED_QUOTED.has(partialType ?? '') ? partial.slice(1, -1) : partial.slice(1)).split(q + q).join(q);
}

function quoteString(s: string): string {
  return `'${s.split("'").join("''")}'`;
}

/** How a connector name must be written to refer to it: bare when folding to upper case gives it back. */
export function connectorNameLiteral(name: string, quote: '`' | '"' = '`'): string {
  if (quote === '`' && /^[A-Z_][A-Z0-9_@]*$/.test(name) && !RESERVED.has(name)) return name;
  return `${quote}${name.split(quote).join(quote + quote)}${quote}`;
}

/** Unquoted identifiers fold to upper case, as in ksqlDB; quoted ones keep their case. */
function identifierValue(tok: IToken): string | undefined {
  const type = tok.tokenType.name;
  if (type === 'QuotedIdentifier' || type === 'BackquotedIdentifier') return unquote(tok.image);
  if (type === 'Variable') return undefined;
  return tok.image.toUpperCase();
}

/** A property key token's text: keys may be '…' strings or bare/quoted identifiers; keys keep their case. */
function keyValue(tok: IToken): string | undefined {
  const type = tok.tokenType.name;
  if (type === 'StringLiteral' || type === 'QuotedIdentifier' || type === 'BackquotedIdentifier') return unquote(tok.image);
  if (type === 'Identifier' || KEYWORDS.has(type)) return tok.image;
  return undefined;
}

/** The value of an earlier `'connector.class' = '…'` in this statement. */
function classInStatement(tokens: readonly IToken[]): string | undefined {
  for (let i = 0; i + 2 < tokens.length; i++) {
    if (keyValue(tokens[i]!)?.toLowerCase() !== CONNECTOR_CLASS) continue;
    const eq = tokens[i + 1]!;
    const value = tokens[i + 2]!;
    if (eq.tokenType.name === 'Equals' && value.tokenType.name === 'StringLiteral') return unquote(value.image);
  }
  return undefined;
}

/** Keys already written in the innermost ( … ) list, so they are not offered twice. */
function keysInList(tokens: readonly IToken[]): Set<string> {
  const open = tokens.map((t) => t.tokenType.name).lastIndexOf('LParen');
  const used = new Set<string>();
  for (let i = open + 1; i < tokens.length; i++) {
    const tok = tokens[i]!;
    const next = tokens[i + 1]?.tokenType.name;
    const prev = tokens[i - 1]?.tokenType.name;
    // A key is followed by '=' (SET/WITH) or stands alone between '(' / ',' separators (UNSET).
    if (next === 'Equals' || ((prev === 'LParen' || prev === 'Comma') && (next === 'Comma' || next === undefined))) {
      const k = keyValue(tok);
      if (k !== undefined) used.add(k);
    }
  }
  return used;
}

function keyCandidates(cursor: Cursor, ctx: CompletionContext): string[] {
  const { preceding } = cursor;
  let cls = classInStatement(preceding);
  if (preceding[0]?.tokenType.name === 'ALTER' && preceding[2] !== undefined) {
    const name = identifierValue(preceding[2]);
    cls = (name !== undefined ? ctx.classOfConnector?.(name) : undefined) ?? cls;
  }
  const keys = cls === undefined ? [CONNECTOR_CLASS] : (ctx.keysForClass(cls) ?? []);
  const used = keysInList(preceding);
  const typed = innerText(cursor).toLowerCase();
  return [...new Set(keys)]
    .filter((k) => !used.has(k) && k.toLowerCase().startsWith(typed))
    .sort()
    // A prefix family ('value.converter.') is left open so the user goes on typing the rest of the key.
    .map((k) => (k.endsWith('.') ? `'${k.split("'").join("''")}` : quoteString(k)));
}

/** The key candidate the word being typed already is in full, if it is one: its quote closed, or the only choice. */
function wholeKey(cursor: Cursor, keys: readonly string[]): string | undefined {
  if (cursor.partial === '') return undefined;
  const exact = keys.find((k) => k === quoteString(innerText(cursor)));
  if (exact === undefined) return undefined;
  return CLOSED_QUOTED.has(cursor.partialType ?? '') || keys.length === 1 ? exact : undefined;
}

function classCandidates(cursor: Cursor, ctx: CompletionContext): string[] {
  const typed = innerText(cursor).toLowerCase();
  return [...new Set(ctx.classNames?.() ?? [])].filter((c) => c.toLowerCase().startsWith(typed)).map(quoteString);
}

function nameCandidates(cursor: Cursor, ctx: CompletionContext): string[] {
  const { partial } = cursor;
  const q = partial[0];
  if (q === '`' || q === '"') {
    // Quoted: the user chose exact case, so match it exactly and keep their quote style.
    const typed = innerText(cursor);
    return ctx.connectorNames().filter((n) => n.startsWith(typed)).map((n) => connectorNameLiteral(n, q));
  }
  const typed = partial.toUpperCase();
  return ctx.connectorNames().filter((n) => n.toUpperCase().startsWith(typed)).map((n) => connectorNameLiteral(n));
}

/** Completions for a shell command (help, output json, …), which only stand at the start of an empty buffer. */
function shellCommandCandidates(text: string): string[] | undefined {
  const output = /^\s*output\s+(\S*)$/i.exec(text);
  if (output) return OUTPUT_FORMATS.filter((f) => f.startsWith(output[1]!.toLowerCase()));
  const first = /^\s*([A-Za-z]*)$/.exec(text);
  if (first) return SHELL_COMMANDS.filter((c) => c.startsWith(first[1]!.toLowerCase()));
  return undefined;
}

/** Completes the word before the cursor. `before` is the whole input buffer up to the cursor, across lines. */
export function complete(before: string, ctx: CompletionContext): Completion {
  const cursor = locate(before);
  if (cursor === undefined) return NONE('');
  const { partial, preceding } = cursor;
  const shell = shellCommandCandidates(before);
  if (shell !== undefined && /^\s*output\s/i.test(before)) return { candidates: shell, replace: partial };

  let paths: { nextTokenType: TokenType; ruleStack: string[] }[];
  try {
    paths = parser.computeContentAssist('statement', preceding);
  } catch {
    paths = [];
  }
  const caseOf = keywordCase(partial, preceding);
  const typedUpper = partial.toUpperCase();
  const out = new Set<string>();
  for (const path of paths) {
    const type = path.nextTokenType.name;
    const rules = path.ruleStack;
    const rule = rules[rules.length - 1];
    const parentRule = rules[rules.length - 2];
    const inValue = rules.includes('literal');
    if (inValue) {
      // A value: for connector.class, the known classes; otherwise only the keyword literals (TRUE, FALSE, NULL).
      const keyTok = preceding[preceding.length - 2];
      if (keyTok !== undefined && keyValue(keyTok)?.toLowerCase() === CONNECTOR_CLASS) {
        if (type === 'StringLiteral') classCandidates(cursor, ctx).forEach((c) => out.add(c));
        continue;
      }
    }
    if (KEYWORDS.has(type)) {
      if (type.startsWith(typedUpper)) out.add(caseOf(type));
    } else if (rule === 'identifier' && parentRule !== undefined && NAMES_EXISTING.has(parentRule)) {
      nameCandidates(cursor, ctx).forEach((c) => out.add(c));
    } else if (type === 'Equals') {
      // After a key and a space.
      if (partial === '' && (rule === 'property' || rule === 'setProperty')) out.add('=');
    } else if (!inValue && (rule === 'propertyKey' || (rule === 'identifier' && parentRule === 'propertyKey'))) {
      const keys = keyCandidates(cursor, ctx);
      // A key typed in full (its quote closed, or the only one it can be) is followed by ' = ', as psql completes
      // the next word: the value's completion comes with the next Tab. Not in UNSET's list of keys, which has no values.
      const whole = !rules.includes('keyList') ? wholeKey(cursor, keys) : undefined;
      if (whole !== undefined) return { candidates: [`${whole} = `], replace: partial };
      keys.forEach((c) => out.add(c));
    }
  }
  // Shell commands are only recognised as the first word of an empty buffer.
  if (shell !== undefined) shell.forEach((c) => out.add(c));
  return { candidates: [...out], replace: partial };
}
