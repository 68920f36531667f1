import { maskValue, secretValues } from '../connectors/secrets.js';
import type { ListProperties, SetProperty, UnsetProperty } from '../sql/ast.js';
import { maskStatementText } from '../sql/mask.js';
import type { ExecContext } from './context.js';
import type { PropertiesEntity, PropertyEntity } from './results.js';
import { checkSessionProperty, propertyScope, SESSION_PROPERTIES } from './session-properties.js';

// Masked by what the value is, as a config value: a secret-looking name's value whole, a URL's password alone.
const shown = (key: string, value: string) => maskValue(key, value);

export function setProperty(s: SetProperty, ctx: ExecContext): PropertyEntity {
  const checked = checkSessionProperty(s.name, s.value, s.nameLoc, s.valueLoc);
  const value = checked.value!;
  ctx.session.properties.set(checked.key, value);
  for (const v of secretValues({ [s.name]: value })) ctx.redactor.add(v);
  return {
    '@type': 'property',
    statementText: maskStatementText(s, () => false),
    warnings: checked.warning ? [{ message: checked.warning }] : [],
    action: 'SET',
    name: s.name,
    value: shown(s.name, value),
    message: `Successfully changed local property '${s.name}' to '${shown(s.name, value)}'.`,
  };
}

export function unsetProperty(s: UnsetProperty, ctx: ExecContext): PropertyEntity {
  const checked = checkSessionProperty(s.name, undefined, s.nameLoc);
  const had = ctx.session.properties.delete(checked.key);
  return {
    '@type': 'property',
    statementText: s.text,
    warnings: [],
    action: 'UNSET',
    name: s.name,
    message: had ? `Successfully unset local property '${s.name}'.` : `Local property '${s.name}' was not set; nothing changed.`,
  };
}

/** ksqlDB's `properties` entity: Sluice's own properties with their values, then whatever the session set. */
export function listProperties(s: ListProperties, ctx: ExecContext): PropertiesEntity {
  const own = SESSION_PROPERTIES.map((p) => p.name);
  const names = [...new Set([...own, ...ctx.session.properties.keys()])].sort();
  return {
    '@type': 'properties',
    statementText: s.text,
    warnings: [],
    properties: names.map((name) => ({ name, scope: propertyScope(name), value: shown(name, ctx.session.property(name)) })),
    overwrittenProperties: names.filter((n) => ctx.session.properties.has(n)),
    defaultProperties: own.filter((n) => !ctx.session.properties.has(n)),
  };
}
