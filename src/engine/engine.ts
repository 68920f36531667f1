import { readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import type { Catalog } from '../catalog/catalog.js';
import { maskConfig, secretValues } from '../connectors/secrets.js';
import { defaultRegistry, type ConnectorRegistry } from '../connectors/registry.js';
import { SqlSemanticError } from '../errors/base.js';
import { fileReason } from '../errors/file-reason.js';
import type { RunScript, Statement, StatementKind } from '../sql/ast.js';
import type { RuntimeView } from '../runtime/runtime.js';
import { buildStatement } from '../sql/build-ast.js';
import { maskUnparsedText } from '../sql/mask.js';
import { SecretRedactor } from '../sql/secret-redactor.js';
import { parseScript, type ScriptItem } from '../sql/parse.js';
import type { ExecContext } from './context.js';
import { errorEntities } from './errors.js';
import { runHandler } from './handlers.js';
import { isError, type Entity } from './results.js';
import type { Session } from './session.js';

/** Statements after which the runtime must look at the catalog again. */
const CHANGES_CONNECTORS: ReadonlySet<StatementKind> = new Set<StatementKind>([
  'CreateConnector',
  'DropConnector',
  'AlterConnectorSet',
  'AlterConnectorUnset',
  'PauseConnector',
  'ResumeConnector',
  'RestartConnector',
]);

/** Statements that change the catalog or connectors: their history entry is written with them, always. */
const WRITES: ReadonlySet<string> = new Set<string>([...CHANGES_CONNECTORS, 'ResetConnectorOffsets']);

/** First words of statements that neither write the catalog nor change connectors. */
const READ_ONLY_FIRST_WORDS: ReadonlySet<string> = new Set(['DESCRIBE', 'SHOW', 'LIST', 'PRINT', 'DEFINE', 'UNDEFINE', 'SET', 'UNSET']);

/** First words of statements that show what the runtime is doing (states, tasks, offsets, topics). */
const SHOWS_STATE_FIRST_WORDS: ReadonlySet<string> = new Set(['DESCRIBE', 'SHOW', 'LIST']);

/** Deeper than this, RUN SCRIPT is almost certainly a mistake (and would exhaust the stack before long). */
const MAX_SCRIPT_DEPTH = 16;

export interface ExecuteOptions {
  /** The file the text came from: named in errors, and what RUN SCRIPT paths are relative to. */
  file?: string;
  /** Called with each top-level statement's results as soon as it has run (a long script shows progress). */
  onResult?: (entities: readonly Entity[]) => void;
  stopOnError?: boolean;
  /** executeSettled: ends the wait for starting connectors (Ctrl-C in the shell); the state is then shown as it is. */
  signal?: AbortSignal;
}

export interface RunOutcome {
  /** False when validation found errors, in which case nothing was executed and `entities` holds every error. */
  executed: boolean;
  entities: Entity[];
}

/**
 * Text in, result entities out. The shell, scripts and the server all come through here, so they behave alike.
 * Statements never throw out of the engine: every failure becomes a statement_error entity with a position.
 */
export class Engine {
  readonly catalog: Catalog;
  readonly registry: ConnectorRegistry;
  readonly redactor = new SecretRedactor();

  /** The runtime this engine's statements drive, if the process runs one. */
  runtime: RuntimeView | undefined;
  private deferredHistory: Parameters<Catalog['recordStatement']>[0][] | undefined;

  constructor(opts: { catalog: Catalog; registry?: ConnectorRegistry; runtime?: RuntimeView }) {
    this.runtime = opts.runtime;
    this.catalog = opts.catalog;
    this.registry = opts.registry ?? defaultRegistry;
    for (const c of this.catalog.listConnectors()) {
      const def = this.registry.resolve(c.className);
      for (const value of secretValues(c.config, def)) this.redactor.add(value);
      for (const value of Object.values(maskConfig(c.config, def))) this.redactor.addShown(value);
    }
  }

  /**
   * Execute each statement in turn; a failing statement changes nothing and does not stop the ones after it —
   * unless `stopOnError`, when nothing after the first failing statement runs (ksqlDB's REST semantics).
   */
  execute(text: string, session: Session, opts: ExecuteOptions = {}): Entity[] {
    const ctx = this.context(session, opts.file, false);
    const out: Entity[] = [];
    for (const item of parseScript(text, opts.file)) {
      const entities = this.runItem(item, ctx);
      opts.onResult?.(entities);
      out.push(...entities);
      if (opts.stopOnError && entities.some(isError)) break;
    }
    return out;
  }

  /**
   * As execute, for a script or a shell with a runtime: a statement that shows connector state (SHOW, LIST,
   * DESCRIBE) first waits until the runtime has acted on the statements before it and the connectors it starts have
   * started or failed (runtime.settled). Otherwise a script's SHOW CONNECTORS after its CREATEs ran before the
   * runtime got to them and showed every connector UNASSIGNED — also those resumed from an earlier run.
   */
  async executeSettled(text: string, session: Session, opts: ExecuteOptions = {}): Promise<Entity[]> {
    const ctx = this.context(session, opts.file, false);
    const out: Entity[] = [];
    for (const item of parseScript(text, opts.file)) {
      if (item.ok && SHOWS_STATE_FIRST_WORDS.has((item.statement.tokens[0]?.image ?? '').toUpperCase())) await this.runtime?.settled?.(undefined, opts.signal);
      const entities = this.runItem(item, ctx);
      opts.onResult?.(entities);
      out.push(...entities);
      if (opts.stopOnError && entities.some(isError)) break;
    }
    return out;
  }

  /**
   * True when every statement of the text parses and only reads (DESCRIBE, SHOW, LIST, PRINT) or changes the
   * session (DEFINE, SET…): the server answers those at once instead of with the next group commit.
   */
  readOnly(text: string): boolean {
    return isReadOnlyScript(text);
  }

  /** Run every statement against a throw-away copy of the catalog and session; nothing real changes. */
  validate(text: string, session: Session, opts: ExecuteOptions = {}): Entity[] {
    const sandbox = this.sandboxOf(this.context(session, opts.file, false));
    try {
      return this.runItems(parseScript(text, opts.file), sandbox);
    } finally {
      // The copy lives outside the JS heap: a server validating every request must not leave them behind.
      sandbox.catalog.close();
    }
  }

  /** `sluice run`: validate the whole script first; execute it only if every statement passed. */
  run(text: string, session: Session, opts: ExecuteOptions = {}): RunOutcome {
    const items = parseScript(text, opts.file);
    const ctx = this.context(session, opts.file, false);
    const sandbox = this.sandboxOf(ctx);
    let errors: Entity[];
    try {
      errors = this.runItems(items, sandbox).filter(isError);
    } finally {
      sandbox.catalog.close();
    }
    if (errors.length > 0) return { executed: false, entities: errors };
    return { executed: true, entities: this.runItems(items, ctx) };
  }

  private context(session: Session, file: string | undefined, sandbox: boolean): ExecContext {
    // Variables with secret-looking names (also from --define) are secrets wherever their values show up.
    for (const v of session.variables.list()) for (const s of secretValues({ [v.name]: v.value })) this.redactor.add(s);
    const scriptStack = file ? [safeRealpath(path.resolve(session.baseDir, file))] : [];
    return { catalog: this.catalog, session, registry: this.registry, redactor: this.redactor, file, scriptStack, sandbox, runtime: this.runtime };
  }

  private sandboxOf(ctx: ExecContext): ExecContext {
    return { ...ctx, catalog: ctx.catalog.sandbox(), session: ctx.session.clone(), sandbox: true, failedCreates: new Set() };
  }

  private runItems(items: readonly ScriptItem[], ctx: ExecContext): Entity[] {
    return items.flatMap((item) => this.runItem(item, ctx));
  }

  private runItem(item: ScriptItem, ctx: ExecContext): Entity[] {
    if (!item.ok) {
      const text = maskUnparsedText(item.text);
      this.record(ctx, 'Unparsed', text, false, item.error.code);
      return errorEntities(item.error, text, item.source, this.redactor);
    }
    const parsed = item.statement;
    let stmt: Statement | undefined;
    try {
      stmt = buildStatement(parsed, {
        variables: ctx.session.substitutionEnabled ? ctx.session.variables.lookup : undefined,
        isSecretVariable: (name) => ctx.session.secretVariables.has(name.toUpperCase()),
      });
      if (stmt.kind === 'RunScript') return this.runScript(stmt, ctx);
      const s = stmt;
      const entity = ctx.catalog.transaction(() => {
        const e = runHandler(s, ctx);
        this.record(ctx, s.kind, e.statementText, true);
        return e;
      });
      if (!ctx.sandbox && CHANGES_CONNECTORS.has(s.kind)) ctx.runtime?.reconcile();
      // Handlers build their entities masked (maskConfig, maskStatementText): nothing is scrubbed by substring here.
      return [entity];
    } catch (err) {
      const text = maskUnparsedText(parsed.text);
      const entities = errorEntities(err, text, parsed.source, this.redactor);
      this.record(ctx, stmt?.kind ?? 'Unparsed', text, false, entities[0]?.code);
      if (ctx.failedCreates && stmt && 'name' in stmt && typeof stmt.name === 'object') {
        if (stmt.kind === 'CreateConnector') ctx.failedCreates.add(stmt.name.value);
        else if (ctx.failedCreates.has(stmt.name.value)) return entities.filter((e) => e.code !== 'CONNECTOR_NOT_FOUND');
      }
      return entities;
    }
  }

  private runScript(s: RunScript, ctx: ExecContext): Entity[] {
    const base = ctx.file ? path.dirname(path.resolve(ctx.session.baseDir, ctx.file)) : ctx.session.baseDir;
    const target = path.resolve(base, s.path);
    let text: string;
    let real: string;
    try {
      real = realpathSync(target);
      text = readFileSync(real, 'utf8');
    } catch (err) {
      throw new SqlSemanticError('SCRIPT_NOT_FOUND', `cannot read script '${s.path}' (${target}): ${fileReason(err)}`, { loc: s.pathLoc });
    }
    if (ctx.scriptStack.includes(real)) {
      throw new SqlSemanticError('SCRIPT_RECURSION', `script '${s.path}' is already being run (it includes itself)`, { loc: s.pathLoc });
    }
    if (ctx.scriptStack.length >= MAX_SCRIPT_DEPTH) {
      throw new SqlSemanticError('SCRIPT_RECURSION', `RUN SCRIPT nests deeper than ${MAX_SCRIPT_DEPTH} scripts`, { loc: s.pathLoc });
    }
    // Relative to the session's directory, like every other ctx.file, so a nested RUN SCRIPT resolves against it.
    const shown = displayPath(target, ctx.session.baseDir);
    const items = parseScript(text, shown);
    const child: ExecContext = { ...ctx, file: shown, scriptStack: [...ctx.scriptStack, real] };
    // Like `sluice run`: an included script runs only if all of it is valid.
    if (ctx.sandbox) return this.runAllOrNothing(items, child);
    const errors = this.runItems(items, this.sandboxOf(child)).filter(isError);
    if (errors.length > 0) return errors;
    return this.runItems(items, child);
  }

  /**
   * While validating, an included script must leave the same trace as when it really runs: all of it or, if any
   * statement fails, none of it (else a later statement is judged against connectors that will never exist).
   * One trial run in a transaction on a copy of the session, rolled back on any error.
   */
  private runAllOrNothing(items: readonly ScriptItem[], ctx: ExecContext): Entity[] {
    const trial: ExecContext = { ...ctx, session: ctx.session.clone() };
    let entities: Entity[] = [];
    try {
      ctx.catalog.transaction(() => {
        entities = this.runItems(items, trial);
        if (entities.some(isError)) throw ROLLBACK;
      });
    } catch (err) {
      if (err !== ROLLBACK) throw err;
      return entities.filter(isError);
    }
    adoptSession(ctx.session, trial.session);
    return entities;
  }

  private record(ctx: ExecContext, kind: string, text: string, ok: boolean, errorCode?: string): void {
    const entry = { kind, text, ok, source: ctx.file ? `${ctx.session.origin}:${ctx.file}` : ctx.session.origin, ...(errorCode ? { errorCode } : {}) };
    if (this.deferredHistory && !WRITES.has(kind) && !ctx.sandbox) {
      this.deferredHistory.push(entry);
      return;
    }
    try {
      ctx.catalog.recordStatement(entry);
    } catch {
      // History is a convenience; failing to write it must not turn a good statement into a failed one.
    }
  }

  /**
   * The server answers reads without waiting for a commit: from then on their history entries (not those of
   * statements that change anything) wait here until flushHistory writes them, with the next group commit.
   */
  deferReadHistory(): void {
    this.deferredHistory ??= [];
  }

  /** Writes the history entries deferReadHistory kept back, in order, in the current (or a new) transaction. */
  flushHistory(): void {
    const entries = this.deferredHistory?.splice(0) ?? [];
    if (entries.length === 0) return;
    try {
      this.catalog.transaction(() => {
        for (const e of entries) this.catalog.recordStatement(e);
      });
    } catch {
      // As in record: history never fails a statement.
    }
  }
}

/** Thrown to roll back a trial run; never escapes the engine. */
const ROLLBACK = Symbol('rollback');

/** Makes target's variables and properties those of from (a clone that ran statements). */
function adoptSession(target: Session, from: Session): void {
  for (const { name } of target.variables.list()) target.variables.delete(name);
  for (const { name, value } of from.variables.list()) target.variables.set(name, value);
  target.properties.clear();
  for (const [key, value] of from.properties) target.properties.set(key, value);
  for (const name of from.secretVariables) target.secretVariables.add(name);
}

/** Engine.readOnly without an engine: it needs no catalog (the remote client asks it of every request). */
export function isReadOnlyScript(text: string): boolean {
  const items = parseScript(text);
  return items.length > 0 && items.every((item) => item.ok && READ_ONLY_FIRST_WORDS.has((item.statement.tokens[0]?.image ?? '').toUpperCase()));
}

function safeRealpath(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

function displayPath(abs: string, base: string): string {
  const rel = path.relative(base, abs);
  return rel.startsWith('..') || path.isAbsolute(rel) ? abs : rel;
}
