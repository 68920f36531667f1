import { distance } from 'fastest-levenshtein';
import { didYouMean } from '../connectors/did-you-mean.js';
import { SqlSemanticError } from '../errors/base.js';
import type { Loc } from '../sql/ast.js';
import { checkKsqlDbValue, findKsqlDbProperty } from './ksqldb-properties.js';

/** Session properties of Sluice's own: each is read somewhere, and its values are checked. */
export interface SessionPropertyDef {
  name: string;
  default: string;
  allowed: readonly string[];
  description: string;
}

export const SESSION_PROPERTIES: readonly SessionPropertyDef[] = [
  {
    name: 'ksql.variable.substitution.enable',
    default: 'true',
    allowed: ['true', 'false'],
    description: 'Substitute ${name} references (as in ksqlDB). When false, strings keep ${…} as written.',
  },
  {
    name: 'sluice.unknown.keys',
    default: 'error',
    allowed: ['error', 'warn'],
    description: "Default for connectors that do not set 'sluice.unknown.keys': reject unknown WITH keys, or keep them with a warning.",
  },
];

export function findSessionProperty(name: string): SessionPropertyDef | undefined {
  return SESSION_PROPERTIES.find((p) => p.name === name);
}

/** What a SET or UNSET names, once checked. */
export interface CheckedProperty {
  /** The name the session keeps it under (a Kafka setting as ksql.streams.<name>, as ksqlDB lists it). */
  key: string;
  /** The normalised value (SET only). */
  value: string | undefined;
  /** For a ksqlDB property: it is kept, but changes nothing in Sluice. */
  warning: string | undefined;
}

/** ksqlDB's scope column of SHOW PROPERTIES; Sluice's own sluice.* properties have theirs. */
export function propertyScope(key: string): string {
  return key.startsWith('sluice.') ? 'SLUICE' : 'KSQL';
}

/** A name one or two edits from one of Sluice's own: a typo, not a ksqlDB setting that happens to look alike. */
function nearSluiceProperty(name: string): string | undefined {
  return SESSION_PROPERTIES.find((p) => p.name !== name && distance(p.name.toLowerCase(), name.toLowerCase()) <= 2)?.name;
}

/**
 * Check a SET (with a value) or an UNSET (without). Sluice's own properties take only their listed values; the
 * ones ksqlDB takes are accepted with a warning that they have no effect, their values checked as ksqlDB checks
 * them; any other name is INVALID_PROPERTY.
 */
export function checkSessionProperty(name: string, value: string | undefined, nameLoc: Loc, valueLoc?: Loc): CheckedProperty {
  const def = findSessionProperty(name);
  if (def) {
    if (value === undefined) return { key: name, value: undefined, warning: undefined };
    const normalised = value.toLowerCase();
    if (!def.allowed.includes(normalised)) {
      throw new SqlSemanticError('INVALID_PROPERTY', `'${value}' is not a valid value for '${name}': expected one of ${def.allowed.join(', ')}`, {
        loc: valueLoc ?? nameLoc,
      });
    }
    return { key: name, value: normalised, warning: undefined };
  }
  const typo = nearSluiceProperty(name);
  const ksql = typo || name.startsWith('sluice.') ? undefined : findKsqlDbProperty(name);
  if (!ksql) {
    const hint = typo ?? didYouMean(name, SESSION_PROPERTIES.map((p) => p.name));
    throw new SqlSemanticError(
      'INVALID_PROPERTY',
      `unknown session property '${name}': not one of Sluice's (${SESSION_PROPERTIES.map((p) => p.name).join(', ')}), nor a ksql.*, Kafka Streams, consumer or producer property that ksqlDB takes`,
      { loc: nameLoc, hint: hint ? `did you mean '${hint}'?` : undefined },
    );
  }
  const warning = `'${name}' has no effect in Sluice: it is a ksqlDB setting, kept for the session and listed by SHOW PROPERTIES`;
  if (value === undefined) return { key: ksql.canonical, value: undefined, warning: undefined };
  const checked = checkKsqlDbValue(ksql, value);
  if ('problem' in checked) {
    throw new SqlSemanticError('INVALID_PROPERTY', `'${value}' is not a valid value for '${name}': ${checked.problem}`, { loc: valueLoc ?? nameLoc });
  }
  return { key: ksql.canonical, value: checked.value, warning };
}
