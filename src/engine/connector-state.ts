import type { ConnectorRecord } from '../catalog/types.js';
import type { PauseConnector, RestartConnector, ResumeConnector } from '../sql/ast.js';
import type { ExecContext } from './context.js';
import { requireConnector } from './connector-lookup.js';
import type { ConnectorStateEntity } from './results.js';

// PAUSE / RESUME / RESTART record the desired state in the catalog; the runtime's scheduler acts on it.
// As in Kafka Connect, pausing a paused connector (or resuming a running one) is not an error.

type StateStatement = PauseConnector | ResumeConnector | RestartConnector;

const ACTIONS: Record<StateStatement['kind'], ConnectorStateEntity['action']> = {
  PauseConnector: 'PAUSE',
  ResumeConnector: 'RESUME',
  RestartConnector: 'RESTART',
};

function apply(s: StateStatement, ctx: ExecContext, before: ConnectorRecord): { after: ConnectorRecord; message: string } {
  const name = before.name;
  switch (s.kind) {
    case 'PauseConnector':
      return {
        after: ctx.catalog.setDesiredState(name, 'PAUSED'),
        message: before.desiredState === 'PAUSED' ? `Connector ${name} is already paused` : `Paused connector ${name}`,
      };
    case 'ResumeConnector':
      return {
        after: ctx.catalog.setDesiredState(name, 'RUNNING'),
        message: before.desiredState === 'RUNNING' ? `Connector ${name} is already running` : `Resumed connector ${name}`,
      };
    case 'RestartConnector':
      return {
        after: ctx.catalog.requestRestart(name),
        message:
          before.desiredState === 'PAUSED'
            ? `Restart of connector ${name} requested; it stays paused until RESUME`
            : `Restart of connector ${name} requested`,
      };
  }
}

export function changeConnectorState(s: StateStatement, ctx: ExecContext): ConnectorStateEntity {
  const { after, message } = apply(s, ctx, requireConnector(ctx, s.name));
  return {
    '@type': 'connector_state',
    statementText: s.text,
    warnings: [],
    connectorName: after.name,
    action: ACTIONS[s.kind],
    desiredState: after.desiredState,
    message,
  };
}
