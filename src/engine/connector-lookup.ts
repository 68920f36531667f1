import type { ConnectorRecord } from '../catalog/types.js';
import { SqlSemanticError } from '../errors/base.js';
import type { Identifier } from '../sql/ast.js';
import { formatIdentifier } from '../sql/format.js';
import type { ExecContext } from './context.js';

/** A connector by exact name, or CONNECTOR_NOT_FOUND at the name — with a hint when only the case differs. */
export function requireConnector(ctx: ExecContext, name: Identifier): ConnectorRecord {
  const found = ctx.catalog.getConnector(name.value);
  if (found) return found;
  const other = ctx.catalog.findConnectorIgnoringCase(name.value);
  const hint = other
    ? `did you mean ${formatIdentifier({ value: other.name, quoting: 'back' })}? Unquoted names fold to upper case; quote a name to keep its case`
    : undefined;
  throw new SqlSemanticError('CONNECTOR_NOT_FOUND', `connector ${formatIdentifier(name)} does not exist`, { loc: name.loc, hint });
}

export function typeName(type: 'SOURCE' | 'SINK'): 'source' | 'sink' {
  return type === 'SOURCE' ? 'source' : 'sink';
}

/**
 * The state shown before a runtime reports one: a paused connector is PAUSED; otherwise it is UNASSIGNED —
 * Kafka Connect's word for "configured, not yet running on any worker".
 */
export function displayedState(record: ConnectorRecord): string {
  return record.desiredState === 'PAUSED' ? 'PAUSED' : 'UNASSIGNED';
}
