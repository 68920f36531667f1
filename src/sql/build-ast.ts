import type { IToken } from 'chevrotain';
import { tokenize } from '../../grammar/lexer.js';
import { NON_RESERVED_KEYWORDS } from '../../grammar/keywords.js';
import type * as C from '../../grammar/cst.js';
import { isSecretKey, MASK, maskValue } from '../connectors/secrets.js';
import { SqlSyntaxError } from '../errors/base.js';
import type * as A from './ast.js';
import { tokenLoc, type ParsedStatement } from './parse.js';
import { substituteInString, type VariableLookup } from './variables.js';

export interface BuildContext {
  /** Variable lookup, or undefined when substitution is switched off ('ksql.variable.substitution.enable'). */
  readonly variables: VariableLookup | undefined;
  /** Was this variable given as a secret (a connector's password) in the session? */
  readonly isSecretVariable?: (name: string) => boolean;
}

/** Unquote a '…', "…" or `…` token: the doubled quote character is the only escape. */
export function unquote(image: string): string {
  const q = image[0]!;
  return image.slice(1, -1).split(q + q).join(q);
}

class Builder {
  constructor(
    private readonly stmt: ParsedStatement,
    private readonly ctx: BuildContext,
  ) {}

  loc(tok: IToken): A.Loc {
    return tokenLoc(tok, this.stmt.file);
  }

  fail(message: string, tok: IToken, code: 'VARIABLE_ERROR' | 'SYNTAX_ERROR' = 'VARIABLE_ERROR'): never {
    throw new SqlSyntaxError(code, message, { loc: this.loc(tok) });
  }

  /** The text of a '…' string with ${variables} substituted inside it. */
  string(tok: IToken): string {
    const raw = unquote(tok.image);
    return this.ctx.variables ? substituteInString(raw, this.ctx.variables) : raw;
  }

  variableValue(tok: IToken): string {
    const name = tok.image.slice(2, -1);
    if (!this.ctx.variables) this.fail(`${tok.image} cannot be used: variable substitution is off ('ksql.variable.substitution.enable' is false)`, tok);
    const value = this.ctx.variables(name);
    if (value === undefined) this.fail(`variable ${tok.image} is not defined (DEFINE ${name} = '…' first)`, tok);
    return value;
  }

  /**
   * A variable's value must be exactly one token of an allowed kind: nothing can be injected through it.
   * With `signed`, a '-' directly before a number is accepted too (ksqlDB takes any parsable number, e.g. '-1').
   * A `secret` value (e.g. the value of a password key) is never quoted in the error.
   */
  singleToken(tok: IToken, allowed: (t: IToken) => boolean, what: string, opts: { signed?: boolean; secret?: boolean } = {}): { token: IToken; minus: boolean } {
    const value = this.variableValue(tok);
    const lexed = tokenize(value);
    const clean = lexed.diagnostics.length === 0 && lexed.comments.length === 0;
    const [first, second] = lexed.tokens;
    const minus =
      opts.signed === true &&
      lexed.tokens.length === 2 &&
      first!.tokenType.name === 'Minus' &&
      second!.startOffset === first!.startOffset + 1 &&
      NUMBER_TOKEN_TYPES.has(second!.tokenType.name);
    const only = clean && (lexed.tokens.length === 1 || minus) ? lexed.tokens[lexed.tokens.length - 1] : undefined;
    if (!only || !allowed(only)) {
      // As SHOW VARIABLES shows it: masked when its name looks secret or it was given as a password.
      const visible = opts.secret || this.ctx.isSecretVariable?.(tok.image.slice(2, -1)) ? MASK : maskValue(tok.image, value);
      const shown = visible.length > 60 ? `${visible.slice(0, 57)}...` : visible;
      this.fail(`variable ${tok.image} holds '${shown}', which is not ${what}`, tok);
    }
    return { token: only, minus };
  }

  identifier(node: C.IdentifierCstNode, keepCase = false): A.Identifier {
    const c = node.children;
    const tok = (c.Identifier ?? c.QuotedIdentifier ?? c.BackquotedIdentifier ?? c.DigitIdentifier ?? c.Variable ?? c.NonReserved)![0]!;
    let resolved = tok;
    if (c.Variable) {
      resolved = this.singleToken(tok, isNameToken, 'a single name (quote it with ` or " if it is a reserved word or has other characters)').token;
    }
    const loc = this.loc(tok);
    switch (resolved.tokenType.name) {
      case 'QuotedIdentifier':
        return { value: unquote(resolved.image), quoting: 'double', loc };
      case 'BackquotedIdentifier':
        return { value: unquote(resolved.image), quoting: 'back', loc };
      default:
        return { value: keepCase ? resolved.image : resolved.image.toUpperCase(), quoting: 'none', loc };
    }
  }

  literal(node: C.LiteralCstNode, secret = false): { value: string; kind: A.LiteralKind; loc: A.Loc } {
    const c = node.children;
    if (c.StringLiteral) return { value: this.string(c.StringLiteral[0]!), kind: 'string', loc: this.loc(c.StringLiteral[0]!) };
    if (c.number) {
      const n = c.number[0]!.children;
      const digits = (n.IntegerLiteral ?? n.DecimalLiteral ?? n.FloatingPointLiteral)![0]!;
      const first = n.Minus?.[0] ?? digits;
      const loc = { ...this.loc(first), length: (digits.endOffset ?? digits.startOffset) - first.startOffset + 1 };
      return { value: (n.Minus ? '-' : '') + digits.image, kind: 'number', loc };
    }
    if (c.TRUE) return { value: 'true', kind: 'boolean', loc: this.loc(c.TRUE[0]!) };
    if (c.FALSE) return { value: 'false', kind: 'boolean', loc: this.loc(c.FALSE[0]!) };
    if (c.NULL) return { value: 'null', kind: 'null', loc: this.loc(c.NULL[0]!) };
    const tok = c.Variable![0]!;
    const { token: inner, minus } = this.singleToken(
      tok,
      isValueToken,
      "a literal: a quoted string, a number or true/false (write '${name}' to use it inside a string)",
      { signed: true, secret },
    );
    const loc = this.loc(tok);
    if (inner.tokenType.name === 'StringLiteral') return { value: unquote(inner.image), kind: 'string', loc };
    if (inner.tokenType.name === 'TRUE' || inner.tokenType.name === 'FALSE') return { value: inner.image.toLowerCase(), kind: 'boolean', loc };
    return { value: (minus ? '-' : '') + inner.image, kind: 'number', loc };
  }

  /** A key of WITH (…) or UNSET (…): a 'string' keeps its case, a name folds as names do (ksqlDB's tableProperty). */
  propertyKey(node: C.PropertyKeyCstNode): A.KeyRef {
    const c = node.children;
    if (c.StringLiteral) return { key: this.string(c.StringLiteral[0]!), loc: this.loc(c.StringLiteral[0]!) };
    const id = this.identifier(c.identifier![0]!);
    return { key: id.value, loc: id.loc };
  }

  properties(node: C.PropertyListCstNode): A.Property[] {
    return (node.children.property ?? []).map((p) => {
      const c = p.children;
      const { key, loc: keyLoc } = this.propertyKey(c.propertyKey[0]!);
      const v = this.literal(c.literal[0]!, isSecretKey(key));
      return { key, keyLoc, value: v.value, valueKind: v.kind, valueLoc: v.loc };
    });
  }

  integer(tok: IToken): number {
    const n = Number(tok.image);
    if (!Number.isSafeInteger(n)) this.fail(`${tok.image} is too large`, tok, 'SYNTAX_ERROR');
    return n;
  }

  variableName(node: C.VariableNameCstNode): { name: string; loc: A.Loc } {
    const tok = (node.children.Identifier ?? node.children.NonReserved)![0]!;
    return { name: tok.image, loc: this.loc(tok) };
  }

  build(): A.Statement {
    const { cst, text } = this.stmt;
    const base = { loc: this.stmt.loc, text };
    const s = cst.children;
    if (s.createConnector) {
      const c = s.createConnector[0]!.children;
      const typeTok = (c.SOURCE ?? c.SINK)![0]!;
      return {
        ...base,
        kind: 'CreateConnector',
        connectorType: c.SOURCE ? 'SOURCE' : 'SINK',
        typeLoc: this.loc(typeTok),
        ifNotExists: c.IF !== undefined,
        name: this.identifier(c.identifier[0]!),
        properties: this.properties(c.propertyList[0]!),
      };
    }
    if (s.dropConnector) {
      const c = s.dropConnector[0]!.children;
      return { ...base, kind: 'DropConnector', ifExists: c.IF !== undefined, name: this.identifier(c.identifier[0]!) };
    }
    if (s.listStatement) {
      const c = s.listStatement[0]!.children;
      if (c.CONNECTORS) return { ...base, kind: 'ListConnectors', scope: c.SOURCE ? 'SOURCE' : c.SINK ? 'SINK' : undefined };
      if (c.PLUGINS) return { ...base, kind: 'ListConnectorPlugins' };
      if (c.OFFSETS) return { ...base, kind: 'ListConnectorOffsets', name: this.identifier(c.identifier![0]!) };
      if (c.VARIABLES) return { ...base, kind: 'ListVariables' };
      if (c.PROPERTIES) return { ...base, kind: 'ListProperties' };
      if (c.STREAMS || c.TABLES || c.QUERIES) {
        const what = c.STREAMS ? 'STREAMS' : c.TABLES ? 'TABLES' : 'QUERIES';
        return { ...base, kind: 'ListKsqlObjects', what, extended: c.EXTENDED !== undefined };
      }
      return { ...base, kind: 'ListTopics', all: c.ALL !== undefined, extended: c.EXTENDED !== undefined };
    }
    if (s.describeConnector) {
      const c = s.describeConnector[0]!.children;
      return { ...base, kind: 'DescribeConnector', name: this.identifier(c.identifier[0]!), extended: c.EXTENDED !== undefined };
    }
    if (s.alterConnector) {
      const c = s.alterConnector[0]!.children;
      const name = this.identifier(c.identifier[0]!);
      if (c.propertyList) return { ...base, kind: 'AlterConnectorSet', name, properties: this.properties(c.propertyList[0]!) };
      if (c.RESET) return { ...base, kind: 'ResetConnectorOffsets', name };
      const keys = (c.keyList![0]!.children.propertyKey ?? []).map((k) => this.propertyKey(k));
      return { ...base, kind: 'AlterConnectorUnset', name, keys };
    }
    if (s.connectorStateChange) {
      const c = s.connectorStateChange[0]!.children;
      const name = this.identifier(c.identifier[0]!);
      const kind = c.PAUSE ? 'PauseConnector' : c.RESUME ? 'ResumeConnector' : 'RestartConnector';
      return { ...base, kind, name };
    }
    if (s.defineVariable) {
      const c = s.defineVariable[0]!.children;
      const { name, loc } = this.variableName(c.variableName[0]!);
      const v = c.StringLiteral[0]!;
      return { ...base, kind: 'DefineVariable', name, nameLoc: loc, value: this.string(v), valueLoc: this.loc(v) };
    }
    if (s.undefineVariable) {
      const { name, loc } = this.variableName(s.undefineVariable[0]!.children.variableName[0]!);
      return { ...base, kind: 'UndefineVariable', name, nameLoc: loc };
    }
    if (s.setProperty) {
      const [k, v] = s.setProperty[0]!.children.StringLiteral;
      return { ...base, kind: 'SetProperty', name: this.string(k!), nameLoc: this.loc(k!), value: this.string(v!), valueLoc: this.loc(v!) };
    }
    if (s.unsetProperty) {
      const k = s.unsetProperty[0]!.children.StringLiteral[0]!;
      return { ...base, kind: 'UnsetProperty', name: this.string(k), nameLoc: this.loc(k) };
    }
    if (s.runScript) {
      const p = s.runScript[0]!.children.StringLiteral[0]!;
      return { ...base, kind: 'RunScript', path: this.string(p), pathLoc: this.loc(p) };
    }
    const c = s.printTopic![0]!.children;
    let topic: string;
    let topicLoc: A.Loc;
    if (c.StringLiteral) {
      topic = this.string(c.StringLiteral[0]!);
      topicLoc = this.loc(c.StringLiteral[0]!);
    } else {
      // Topic names keep their case even unquoted, as in ksqlDB's PRINT.
      const id = this.identifier(c.identifier![0]!, true);
      topic = id.value;
      topicLoc = id.loc;
    }
    const ints = c.IntegerLiteral ?? [];
    const hasInterval = c.INTERVAL !== undefined || c.SAMPLE !== undefined;
    return {
      ...base,
      kind: 'PrintTopic',
      topic,
      topicLoc,
      fromBeginning: c.FROM !== undefined,
      interval: hasInterval ? this.integer(ints[0]!) : undefined,
      limit: c.LIMIT ? this.integer(ints[hasInterval ? 1 : 0]!) : undefined,
    };
  }
}

// What the value could be if written in the variable's place: reserved words are not names there, so they are not
// names through a variable either (ksqlDB substitutes and re-parses, and rejects them the same way).
const NAME_TOKEN_TYPES = new Set(['Identifier', 'QuotedIdentifier', 'BackquotedIdentifier', 'DigitIdentifier', ...NON_RESERVED_KEYWORDS]);
function isNameToken(t: IToken): boolean {
  return NAME_TOKEN_TYPES.has(t.tokenType.name);
}
const NUMBER_TOKEN_TYPES = new Set(['IntegerLiteral', 'DecimalLiteral', 'FloatingPointLiteral']);
const VALUE_TOKEN_TYPES = new Set(['StringLiteral', ...NUMBER_TOKEN_TYPES, 'TRUE', 'FALSE']);
function isValueToken(t: IToken): boolean {
  return VALUE_TOKEN_TYPES.has(t.tokenType.name);
}

/** Turn a parsed statement into its typed AST, substituting variables. Throws SqlSyntaxError with a position. */
export function buildStatement(stmt: ParsedStatement, ctx: BuildContext): A.Statement {
  return new Builder(stmt, ctx).build();
}
