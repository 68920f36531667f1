import { sinkSubscription } from '../runtime/sink-spec.js';
import type { ConnectorRecord } from '../catalog/types.js';
import { SqlSemanticError } from '../errors/base.js';
import type { ListConnectorOffsets, ResetConnectorOffsets } from '../sql/ast.js';
import type { ExecContext } from './context.js';
import { rawStatus, requireConnector, typeName } from './connector-lookup.js';
import type { ConnectorOffsetsEntity, OffsetsResetEntity } from './results.js';

type Offsets = ConnectorOffsetsEntity['offsets'];

/** Committed positions in Kafka Connect's REST shape (GET /connectors/{name}/offsets). */
export function committedOffsets(ctx: ExecContext, record: ConnectorRecord): Offsets {
  if (!ctx.runtime) return [];
  if (record.type === 'SOURCE') return ctx.runtime.sourceOffsets(record.name).map((o) => ({ partition: o.partition, offset: o.offset }));
  return ctx.runtime
    .sinkPositions(record.name)
    .map((p) => ({ partition: { kafka_topic: p.topic, kafka_partition: p.partition }, offset: { kafka_offset: p.offset } }));
}

/** The topics a connector reads (sinks: the subscribed ones that exist) or has written (sources). */
export function connectorTopics(ctx: Pick<ExecContext, 'runtime' | 'catalog'>, record: ConnectorRecord): string[] {
  if (record.type === 'SOURCE') return [...(rawStatus(ctx, record)?.topics ?? [])].sort();
  const subscribed = sinkSubscription(record.config);
  if (!(subscribed instanceof RegExp)) return [...subscribed];
  return (ctx.runtime?.topics() ?? []).map((t) => t.name).filter((n) => subscribed.test(n));
}

/** Records in a sink's topics that it has not committed yet. */
export function sinkLag(ctx: Pick<ExecContext, 'runtime' | 'catalog'>, record: ConnectorRecord): number | undefined {
  if (record.type !== 'SINK' || !ctx.runtime) return undefined;
  const topics = new Set(connectorTopics(ctx, record));
  const positions = new Map(ctx.runtime.sinkPositions(record.name).map((p) => [`${p.topic}\u0000${p.partition}`, p.offset]));
  let lag = 0;
  for (const t of ctx.runtime.topics()) {
    if (!topics.has(t.name)) continue;
    for (const p of t.offsets) lag += Math.max(0, p.end - Math.max(p.start, positions.get(`${t.name}\u0000${p.partition}`) ?? 0));
  }
  return lag;
}

export function listConnectorOffsets(s: ListConnectorOffsets, ctx: ExecContext): ConnectorOffsetsEntity {
  const record = requireConnector(ctx, s.name);
  return {
    '@type': 'connector_offsets',
    statementText: s.text,
    warnings: [],
    connectorName: record.name,
    type: typeName(record.type),
    offsets: committedOffsets(ctx, record),
  };
}

/**
 * Kafka Connect allows offset changes only while a connector is STOPPED (KIP-875); the nearest here is PAUSED,
 * where no task runs and nothing can commit behind the reset's back.
 */
export function resetConnectorOffsets(s: ResetConnectorOffsets, ctx: ExecContext): OffsetsResetEntity {
  const record = requireConnector(ctx, s.name);
  if (record.desiredState !== 'PAUSED') {
    throw new SqlSemanticError('CONNECTOR_NOT_PAUSED', `connector ${record.name} is running: offsets can only be reset while it is paused`, {
      loc: s.name.loc,
      hint: `PAUSE CONNECTOR ${s.name.quoting === 'none' ? s.name.value : `\`${record.name}\``}; first, then RESUME it after the reset`,
    });
  }
  // Queued behind any earlier change and ahead of any later one (a RESUME), so the reset happens in order.
  if (!ctx.sandbox && ctx.runtime) void ctx.runtime.resetOffsets(record.name);
  return {
    '@type': 'connector_offsets_reset',
    statementText: s.text,
    warnings: [],
    connectorName: record.name,
    message: `The offsets of connector ${record.name} have been reset; on RESUME it starts from the beginning`,
  };
}
