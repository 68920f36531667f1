import { MASK, maskValue, secretValues } from '../connectors/secrets.js';
import { urlSecretSpans } from '../connectors/url-secrets.js';
import type { DefineVariable, ListVariables, Property, UndefineVariable } from '../sql/ast.js';
import { maskStatementText } from '../sql/mask.js';
import { REFERENCE } from '../sql/variables.js';
import type { ExecContext } from './context.js';
import type { VariableEntity, VariablesEntity, WarningEntity } from './results.js';

// A variable is judged as a config key of its name would be ('password' masked whole, a URL's password masked),
// and one the session gave as a connector's password is masked too (markSecretVariables).
const shownValue = (name: string, value: string, ctx: ExecContext) => (ctx.session.secretVariables.has(name.toUpperCase()) ? MASK : maskValue(name, value));

/**
 * Marks the variables a CREATE or ALTER gave as secrets: those referenced in a secret key's value, or inside the
 * password part of a URL in any other value (`'jdbc:mysql://u:${pw}@h/db'`), as written in the statement.
 */
export function markSecretVariables(properties: readonly Property[], text: string, base: number, isSecret: (key: string) => boolean, ctx: ExecContext): void {
  for (const p of properties) {
    const written = text.slice(p.valueLoc.offset - base, p.valueLoc.offset - base + p.valueLoc.length);
    const secret = isSecret(p.key);
    const spans = secret ? [] : urlSecretSpans(written.replace(/^'|'$/g, ' '));
    for (const m of written.matchAll(REFERENCE)) {
      if (m[1] === undefined) continue;
      const at = m.index;
      if (secret || spans.some((s) => at >= s.start && at < s.end)) ctx.session.secretVariables.add(m[1].toUpperCase());
    }
  }
}

export function defineVariable(s: DefineVariable, ctx: ExecContext): VariableEntity {
  ctx.session.variables.set(s.name, s.value);
  for (const v of secretValues({ [s.name]: s.value })) ctx.redactor.add(v);
  return {
    '@type': 'variable',
    statementText: maskStatementText(s, () => false),
    warnings: [],
    action: 'DEFINE',
    name: s.name,
    value: shownValue(s.name, s.value, ctx),
  };
}

export function undefineVariable(s: UndefineVariable, ctx: ExecContext): VariableEntity | WarningEntity {
  if (!ctx.session.variables.delete(s.name)) {
    return { '@type': 'warning_entity', statementText: s.text, warnings: [], message: `Cannot undefine variable '${s.name}' which was never defined` };
  }
  return { '@type': 'variable', statementText: s.text, warnings: [], action: 'UNDEFINE', name: s.name };
}

export function listVariables(s: ListVariables, ctx: ExecContext): VariablesEntity {
  return {
    '@type': 'variables',
    statementText: s.text,
    warnings: [],
    variables: ctx.session.variables.list().map(({ name, value }) => ({ name, value: shownValue(name, value, ctx) })),
  };
}
