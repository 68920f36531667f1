import { frameworkField } from '../connectors/framework.js';
import { maskConfig } from '../connectors/secrets.js';
import type { DescribeConnector } from '../sql/ast.js';
import { maskUnparsedText } from '../sql/mask.js';
import type { ExecContext } from './context.js';
import { committedOffsets, connectorTopics, sinkLag } from './connector-offsets.js';
import { connectorStatus, displayedState, requireConnector, typeName } from './connector-lookup.js';
import type { ConnectorDescriptionEntity } from './results.js';
import { activityInfo } from './activity.js';

/** Shown where Kafka Connect shows host:port before any runtime has reported. */
export const NO_WORKER = 'embedded';

export function describeConnector(s: DescribeConnector, ctx: ExecContext): ConnectorDescriptionEntity {
  const record = requireConnector(ctx, s.name);
  const def = ctx.registry.resolve(record.className);
  const status = connectorStatus(ctx, record);
  const guaranteeField = frameworkField.processingGuarantees;
  const workerId = status?.workerId ?? NO_WORKER;
  const connector: ConnectorDescriptionEntity['status']['connector'] = {
    state: record.desiredState === 'PAUSED' ? 'PAUSED' : (status?.state ?? displayedState(ctx, record)),
    worker_id: workerId,
  };
  if (status?.trace) connector.trace = status.trace;
  const now = Date.now();
  // A paused connector does nothing, whatever it was busy with when last seen.
  const live = record.desiredState !== 'PAUSED' && ctx.runtime !== undefined;
  if (live && status?.activity) connector.activity = activityInfo(status.activity, now);
  const tasks = status?.tasks ?? [];
  const entity: ConnectorDescriptionEntity = {
    '@type': 'connector_description',
    statementText: s.text,
    warnings: [],
    connectorClass: record.className,
    status: {
      name: record.name,
      connector,
      tasks: tasks.map((t) => ({
        id: t.id,
        state: t.state,
        worker_id: workerId,
        ...(t.trace ? { trace: t.trace } : {}),
        ...(live && t.activity ? { activity: activityInfo(t.activity, now) } : {}),
      })),
      type: typeName(record.type),
    },
    sources: [],
    topics: connectorTopics(ctx, record),
    desiredState: record.desiredState,
    processingGuarantee: record.config[guaranteeField.key] ?? guaranteeField.default ?? 'ATLEAST_ONCE',
    recordsIn: tasks.reduce((n, t) => n + t.recordsIn, 0),
    recordsOut: tasks.reduce((n, t) => n + t.recordsOut, 0),
    // The connector's own failures (to split its work) count too: the same total as sluice_connector_errors_total.
    errors: tasks.reduce((n, t) => n + t.errors, 0) + (status?.errors ?? 0),
    offsets: committedOffsets(ctx, record),
    version: record.version,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
  const lag = sinkLag(ctx, record);
  if (lag !== undefined) entity.lag = lag;
  if (status?.lastError) entity.lastError = status.lastError;
  if (s.extended) {
    entity.config = maskConfig(record.config, def);
    entity.versions = ctx.catalog.listConfigVersions(record.name).map((v) => ({
      version: v.version,
      change: v.change,
      createdAt: v.createdAt,
      // Stored masked; masked again from its tokens for versions written before URLs' passwords were masked.
      statementText: maskUnparsedText(v.statementText),
    }));
  }
  return entity;
}
