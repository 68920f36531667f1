import { Catalog } from '../catalog/catalog.js';
import { MASK } from '../connectors/secrets.js';
import { Engine } from '../engine/engine.js';
import type { Entity, PropertyEntity, VariableEntity } from '../engine/results.js';
import { Session } from '../engine/session.js';
import { parseScript, type ParsedStatement } from '../sql/parse.js';

/**
 * What a remote shell's session on the server holds — its DEFINE variables and SET properties — as the server's
 * answers said they changed, so that a new connection (the server restarted) can be given the same session.
 * The answers carry names and values; a value the server masked (a password-like name, a known secret) is not
 * what was defined, so that one is worked out here from the statement this client sent, as the server did.
 */
export class SessionMirror {
  private readonly session = new Session({ origin: 'ws' });
  private local: { engine: Engine; catalog: Catalog } | undefined;

  /** Variables sent with a request (--define): the server puts them in the session as DEFINE would. */
  define(variables: Record<string, string>): void {
    for (const [name, value] of Object.entries(variables)) this.session.variables.set(name, value);
  }

  /** The server answered `sql` with `entities`: the DEFINEs, UNDEFINEs, SETs and UNSETs among them took effect. */
  record(sql: string, entities: readonly Entity[]): void {
    // Parsed once, and only when a masked value needs it (a script may define many passwords).
    let defines: ParsedStatement[] | undefined;
    const sent = () => (defines ??= parseScript(sql).flatMap((item) => (item.ok && item.statement.tokens[0]?.image.toUpperCase() === 'DEFINE' ? [item.statement] : [])));
    for (const e of entities) {
      if (e['@type'] === 'variable') this.variable(sent, e as VariableEntity);
      else if (e['@type'] === 'property') this.property(e as PropertyEntity);
    }
  }

  /** The session's state, for the first request on a new connection; undefined when there is none. */
  snapshot(): { variables?: Record<string, string>; properties?: Record<string, string> } {
    const variables = Object.fromEntries(this.session.variables.list().map((v) => [v.name, v.value]));
    const properties = Object.fromEntries(this.session.properties);
    return {
      ...(Object.keys(variables).length > 0 ? { variables } : {}),
      ...(Object.keys(properties).length > 0 ? { properties } : {}),
    };
  }

  close(): void {
    this.local?.catalog.close();
    this.local = undefined;
  }

  private variable(sent: () => readonly ParsedStatement[], e: VariableEntity): void {
    if (typeof e.name !== 'string') return;
    if (e.action === 'UNDEFINE') {
      this.session.variables.delete(e.name);
      return;
    }
    if (typeof e.value !== 'string') return;
    if (!e.value.includes(MASK)) {
      this.session.variables.set(e.name, e.value);
      return;
    }
    // The last DEFINE of that name in what was sent, run here against the same variables.
    const define = sent()
      .filter((s) => s.tokens[1]?.image === e.name)
      .at(-1);
    if (!define) return;
    this.local ??= (() => {
      const catalog = Catalog.inMemory();
      return { catalog, engine: new Engine({ catalog }) };
    })();
    this.local.engine.execute(define.text, this.session);
  }

  private property(e: PropertyEntity): void {
    if (typeof e.name !== 'string') return;
    if (e.action === 'UNSET') this.session.properties.delete(e.name);
    else if (typeof e.value === 'string') this.session.properties.set(e.name, e.value);
  }
}
