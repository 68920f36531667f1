import type { ListConnectorPlugins, ListConnectors } from '../sql/ast.js';
import type { ExecContext } from './context.js';
import { connectorStatus, displayedState, typeName } from './connector-lookup.js';
import { activitySummary } from './activity.js';
import type { ConnectorListEntity, ConnectorPluginsEntity } from './results.js';

export function listConnectors(s: ListConnectors, ctx: ExecContext): ConnectorListEntity {
  return {
    '@type': 'connector_list',
    statementText: s.text,
    warnings: [],
    connectors: ctx.catalog.listConnectors(s.scope).map((c) => {
      const summary: ConnectorListEntity['connectors'][number] = { name: c.name, type: typeName(c.type), className: c.className, state: displayedState(ctx, c) };
      const status = c.desiredState === 'PAUSED' || !ctx.runtime ? undefined : connectorStatus(ctx, c);
      const activity = status ? activitySummary(status) : undefined;
      if (activity !== undefined) summary.activity = activity;
      return summary;
    }),
  };
}

export function listConnectorPlugins(s: ListConnectorPlugins, ctx: ExecContext): ConnectorPluginsEntity {
  return {
    '@type': 'connector_plugins_list',
    statementText: s.text,
    warnings: [],
    connectorsPlugins: ctx.registry.list().map((d) => ({
      className: d.className,
      type: d.kind,
      version: d.version,
      name: d.name,
      aliases: [...d.aliases],
    })),
  };
}
