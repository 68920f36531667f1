import type { ActivityRecord, ConnectorRecord, ConnectorStatusRecord } from '../catalog/types.js';
import { SqlSemanticError } from '../errors/base.js';
import type { Identifier } from '../sql/ast.js';
import { formatIdentifier } from '../sql/format.js';
import type { ExecContext } from './context.js';
import { connectorNameProblem } from './create-connector.js';

/** A connector by exact name, or CONNECTOR_NOT_FOUND at the name — with a hint when only the case differs. */
export function requireConnector(ctx: ExecContext, name: Identifier): ConnectorRecord {
  const found = ctx.catalog.getConnector(name.value);
  if (found) return found;
  const other = ctx.catalog.findConnectorIgnoringCase(name.value);
  const hint = other
    ? `did you mean ${formatIdentifier({ value: other.name, quoting: 'back' })}? Unquoted names fold to upper case; quote a name to keep its case`
    : undefined;
  // A name CREATE refuses cannot exist; quoting it back would show a tab, a DEL or U+0085 as nothing ('connector "x" does not exist').
  const problem = connectorNameProblem(name.value);
  if (problem) throw new SqlSemanticError('CONNECTOR_NOT_FOUND', `no connector has this name: ${problem}`, { loc: name.loc });
  throw new SqlSemanticError('CONNECTOR_NOT_FOUND', `connector ${formatIdentifier(name)} does not exist`, { loc: name.loc, hint });
}

export function typeName(type: 'SOURCE' | 'SINK'): 'source' | 'sink' {
  return type === 'SOURCE' ? 'source' : 'sink';
}

/** The runtime's live view, else what it last persisted, else nothing yet; its free text as the runtime wrote it. */
export function rawStatus(ctx: Pick<ExecContext, 'runtime' | 'catalog'>, record: ConnectorRecord): ConnectorStatusRecord | undefined {
  return ctx.runtime ? ctx.runtime.status(record) : ctx.catalog.getStatus(record.id);
}

/**
 * The status as shown (rawStatus). Traces, the last error and activities (what, last error) are free
 * text from drivers and connectors (a driver may echo the password or the URL it was given): scrubbed of every
 * known secret here, where every output that shows a status reads it.
 */
export function connectorStatus(ctx: Pick<ExecContext, 'runtime' | 'catalog' | 'redactor'>, record: ConnectorRecord): ConnectorStatusRecord | undefined {
  const status = rawStatus(ctx, record);
  if (!status) return undefined;
  const scrub = (s: string) => ctx.redactor.redact(s);
  // An activity's last error is an error message like a trace (a retried poll's: the driver's text), and what it
  // is busy with names a connector's target as the connector wrote it (a SQLite path with '?password=…').
  const activity = (a: ActivityRecord): ActivityRecord => {
    const shown = { ...a, what: scrub(a.what) };
    if (a.lastError !== undefined) shown.lastError = scrub(a.lastError);
    return shown;
  };
  const out: ConnectorStatusRecord = {
    ...status,
    tasks: status.tasks.map((t) => {
      const shown = t.trace === undefined ? { ...t } : { ...t, trace: scrub(t.trace) };
      if (t.activity) shown.activity = activity(t.activity);
      return shown;
    }),
  };
  if (status.trace !== undefined) out.trace = scrub(status.trace);
  if (status.lastError) out.lastError = { ...status.lastError, message: scrub(status.lastError.message) };
  if (status.activity) out.activity = activity(status.activity);
  return out;
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
