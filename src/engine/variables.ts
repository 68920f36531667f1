import { MASK, maskValue, secretValues } from '../connectors/secrets.js';
import type { DefineVariable, ListVariables, UndefineVariable } from '../sql/ast.js';
import { maskStatementText } from '../sql/mask.js';
import type { ExecContext } from './context.js';
import type { VariableEntity, VariablesEntity, WarningEntity } from './results.js';

// A variable is judged as a config key of its name would be ('password' masked whole, a URL's password masked),
// and one whose whole value is a known secret (it was given as a connector's password) is masked too.
const shownValue = (name: string, value: string, ctx: ExecContext) => (ctx.redactor.knows(value) ? MASK : maskValue(name, value));

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
