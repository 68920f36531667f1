import type { SetProperty, UnsetProperty } from '../sql/ast.js';
import { maskStatementText } from '../sql/mask.js';
import type { ExecContext } from './context.js';
import type { PropertyEntity } from './results.js';
import { checkSessionProperty } from './session-properties.js';

export function setProperty(s: SetProperty, ctx: ExecContext): PropertyEntity {
  const value = checkSessionProperty(s.name, s.value, s.nameLoc, s.valueLoc)!;
  ctx.session.properties.set(s.name, value);
  return {
    '@type': 'property',
    statementText: maskStatementText(s, () => false),
    warnings: [],
    action: 'SET',
    name: s.name,
    value,
    message: `Successfully changed local property '${s.name}' to '${value}'.`,
  };
}

export function unsetProperty(s: UnsetProperty, ctx: ExecContext): PropertyEntity {
  checkSessionProperty(s.name, undefined, s.nameLoc);
  const had = ctx.session.properties.delete(s.name);
  return {
    '@type': 'property',
    statementText: s.text,
    warnings: [],
    action: 'UNSET',
    name: s.name,
    message: had ? `Successfully unset local property '${s.name}'.` : `Local property '${s.name}' was not set; nothing changed.`,
  };
}
