import { frameworkField } from '../connectors/framework.js';
import { maskConfig } from '../connectors/secrets.js';
import type { DescribeConnector } from '../sql/ast.js';
import type { ExecContext } from './context.js';
import { displayedState, requireConnector, typeName } from './connector-lookup.js';
import type { ConnectorDescriptionEntity } from './results.js';

/** Stands where Kafka Connect shows host:port: this process runs the connector itself. */
export const WORKER_ID = 'embedded';

export function describeConnector(s: DescribeConnector, ctx: ExecContext): ConnectorDescriptionEntity {
  const record = requireConnector(ctx, s.name);
  const def = ctx.registry.resolve(record.className);
  const guaranteeField = frameworkField.processingGuarantees;
  const entity: ConnectorDescriptionEntity = {
    '@type': 'connector_description',
    statementText: s.text,
    warnings: [],
    connectorClass: record.className,
    status: {
      name: record.name,
      connector: { state: displayedState(record), worker_id: WORKER_ID },
      tasks: [],
      type: typeName(record.type),
    },
    sources: [],
    topics: [],
    desiredState: record.desiredState,
    processingGuarantee: record.config[guaranteeField.key] ?? guaranteeField.default ?? 'ATLEAST_ONCE',
    version: record.version,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
  if (s.extended) {
    entity.config = maskConfig(record.config, def);
    entity.versions = ctx.catalog.listConfigVersions(record.name).map((v) => ({
      version: v.version,
      change: v.change,
      createdAt: v.createdAt,
      statementText: v.statementText,
    }));
  }
  return entity;
}
