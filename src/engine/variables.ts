import { SECRET_KEY_PATTERN, MASK } from '../connectors/secrets.js';
import type { DefineVariable, ListVariables, UndefineVariable } from '../sql/ast.js';
import { maskStatementText } from '../sql/mask.js';
import type { ExecContext } from './context.js';
import type { VariableEntity, VariablesEntity, WarningEntity } from './results.js';

const shownValue = (name: string, value: string) => (SECRET_KEY_PATTERN.test(name) ? MASK : value);

export function defineVariable(s: DefineVariable, ctx: ExecContext): VariableEntity {
  ctx.session.variables.set(s.name, s.value);
  if (SECRET_KEY_PATTERN.test(s.name)) ctx.redactor.add(s.value);
  return {
    '@type': 'variable',
    statementText: maskStatementText(s, () => false),
    warnings: [],
    action: 'DEFINE',
    name: s.name,
    value: shownValue(s.name, s.value),
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
    variables: ctx.session.variables.list().map(({ name, value }) => ({ name, value: shownValue(name, value) })),
  };
}
