import type { PauseConnector, RestartConnector, ResumeConnector } from '../sql/ast.js';
import type { ExecContext } from './context.js';
import { requireConnector } from './connector-lookup.js';
import type { ConnectorStateEntity } from './results.js';

// PAUSE / RESUME / RESTART record the desired state in the catalog; the runtime's scheduler acts on it.
// As in Kafka Connect, pausing a paused connector (or resuming a running one) is not an error.

export function pauseConnector(s: PauseConnector, ctx: ExecContext): ConnectorStateEntity {
  const before = requireConnector(ctx, s.name);
  const after = ctx.catalog.setDesiredState(before.name, 'PAUSED');
  return {
    '@type': 'connector_state',
    statementText: s.text,
    warnings: [],
    connectorName: after.name,
    action: 'PAUSE',
    desiredState: after.desiredState,
    message: before.desiredState === 'PAUSED' ? `Connector ${after.name} is already paused` : `Paused connector ${after.name}`,
  };
}

export function resumeConnector(s: ResumeConnector, ctx: ExecContext): ConnectorStateEntity {
  const before = requireConnector(ctx, s.name);
  const after = ctx.catalog.setDesiredState(before.name, 'RUNNING');
  return {
    '@type': 'connector_state',
    statementText: s.text,
    warnings: [],
    connectorName: after.name,
    action: 'RESUME',
    desiredState: after.desiredState,
    message: before.desiredState === 'RUNNING' ? `Connector ${after.name} is already running` : `Resumed connector ${after.name}`,
  };
}

export function restartConnector(s: RestartConnector, ctx: ExecContext): ConnectorStateEntity {
  const before = requireConnector(ctx, s.name);
  const after = ctx.catalog.requestRestart(before.name);
  return {
    '@type': 'connector_state',
    statementText: s.text,
    warnings: [],
    connectorName: after.name,
    action: 'RESTART',
    desiredState: after.desiredState,
    message:
      after.desiredState === 'PAUSED'
        ? `Restart of connector ${after.name} requested; it stays paused until RESUME`
        : `Restart of connector ${after.name} requested`,
  };
}
