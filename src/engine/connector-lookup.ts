import type { ConnectorRecord, ConnectorStatusRecord } from '../catalog/types.js';
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

/** The runtime's live view, else what it last persisted, else nothing yet. */
export function connectorStatus(ctx: Pick<ExecContext, 'runtime' | 'catalog'>, record: ConnectorRecord): ConnectorStatusRecord | undefined {
  return ctx.runtime ? ctx.runtime.status(record) : ctx.catalog.getStatus(record.id);
}

/**
 * The state as ksqlDB's SHOW CONNECTORS summarises it: "RUNNING (1/2 tasks RUNNING)", "WARNING (0/2 tasks
 * RUNNING)" when none of its tasks runs and some failed, otherwise the connector state. A paused connector
 * is PAUSED and one never run yet UNASSIGNED (Kafka Connect's word for "not running on any worker").
 */
export function displayedState(ctx: ExecContext, record: ConnectorRecord): string {
  if (record.desiredState === 'PAUSED') return 'PAUSED';
  const status = ctx.runtime?.status(record);
  if (!status) return 'UNASSIGNED';
  if (status.state !== 'RUNNING' || status.tasks.length === 0) return status.state;
  const running = status.tasks.filter((t) => t.state === 'RUNNING').length;
  // WARNING means something is wrong: tasks that are still starting (UNASSIGNED) are not a warning.
  const failing = status.tasks.some((t) => t.state === 'FAILED');
  return `${running === 0 && failing ? 'WARNING' : 'RUNNING'} (${running}/${status.tasks.length} tasks RUNNING)`;
}
