import { didYouMean } from '../connectors/did-you-mean.js';
import { SqlSemanticError } from '../errors/base.js';
import type { Loc } from '../sql/ast.js';

/** Session properties that SET / UNSET accept. Each is read somewhere; unknown names are errors, not no-ops. */
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

/** Validate a SET; returns the normalised value. */
export function checkSessionProperty(name: string, value: string | undefined, nameLoc: Loc, valueLoc?: Loc): string | undefined {
  const def = findSessionProperty(name);
  if (!def) {
    const hint = didYouMean(name, SESSION_PROPERTIES.map((p) => p.name));
    throw new SqlSemanticError('INVALID_PROPERTY', `unknown session property '${name}' (known: ${SESSION_PROPERTIES.map((p) => p.name).join(', ')})`, {
      loc: nameLoc,
      hint: hint ? `did you mean '${hint}'?` : undefined,
    });
  }
  if (value === undefined) return undefined;
  const normalised = value.toLowerCase();
  if (!def.allowed.includes(normalised)) {
    throw new SqlSemanticError('INVALID_PROPERTY', `'${value}' is not a valid value for '${name}': expected one of ${def.allowed.join(', ')}`, {
      loc: valueLoc ?? nameLoc,
    });
  }
  return normalised;
}
