// The properties ksqlDB's SET takes besides Sluice's own: ksql.* settings, and the Kafka Streams, consumer and
// producer settings it passes to its queries (bare, or as ksql.streams.<name>). Sluice runs no queries, so none
// of them changes anything; they are accepted, kept for the session and listed by SHOW PROPERTIES, so that a
// ksqlDB script or tutorial runs. Values ksqlDB itself checks are checked the same way here.

/** ksqlDB's prefix for the Kafka Streams and client settings; SHOW PROPERTIES lists them under it, as ksqlDB does. */
export const KSQL_STREAMS_PREFIX = 'ksql.streams.';

/** Prefixes Kafka Streams uses to address one of its clients (consumer.max.poll.records…). */
const CLIENT_PREFIXES = ['main.consumer.', 'restore.consumer.', 'global.consumer.', 'consumer.', 'producer.', 'admin.'];

type ValueRule = { kind: 'enum'; allowed: readonly string[] } | { kind: 'integer' } | { kind: 'boolean' };

const INTEGER: ValueRule = { kind: 'integer' };
const BOOLEAN: ValueRule = { kind: 'boolean' };
const oneOf = (...allowed: string[]): ValueRule => ({ kind: 'enum', allowed });

/** Kafka Streams, consumer, producer and common client settings, with the checks their ConfigDefs make. */
const KAFKA_PROPERTIES: ReadonlyMap<string, ValueRule | undefined> = new Map<string, ValueRule | undefined>([
  // Kafka Streams
  ['acceptable.recovery.lag', INTEGER],
  ['application.id', undefined],
  ['application.server', undefined],
  ['bootstrap.servers', undefined],
  ['buffered.records.per.partition', INTEGER],
  ['built.in.metrics.version', undefined],
  ['cache.max.bytes.buffering', INTEGER],
  ['client.id', undefined],
  ['commit.interval.ms', INTEGER],
  ['default.deserialization.exception.handler', undefined],
  ['default.dsl.store', oneOf('rocksDB', 'in_memory')],
  ['default.key.serde', undefined],
  ['default.production.exception.handler', undefined],
  ['default.timestamp.extractor', undefined],
  ['default.value.serde', undefined],
  ['max.task.idle.ms', INTEGER],
  ['max.warmup.replicas', INTEGER],
  ['metrics.recording.level', oneOf('INFO', 'DEBUG', 'TRACE')],
  ['num.standby.replicas', INTEGER],
  ['num.stream.threads', INTEGER],
  ['poll.ms', INTEGER],
  ['probing.rebalance.interval.ms', INTEGER],
  ['processing.guarantee', oneOf('at_least_once', 'exactly_once', 'exactly_once_beta', 'exactly_once_v2')],
  ['rack.aware.assignment.tags', undefined],
  ['replication.factor', INTEGER],
  ['repartition.purge.interval.ms', INTEGER],
  ['rocksdb.config.setter', undefined],
  ['state.cleanup.delay.ms', INTEGER],
  ['state.dir', undefined],
  ['statestore.cache.max.bytes', INTEGER],
  ['task.timeout.ms', INTEGER],
  ['topology.optimization', undefined],
  ['upgrade.from', undefined],
  ['window.size.ms', INTEGER],
  ['windowstore.changelog.additional.retention.ms', INTEGER],
  // Consumer
  ['allow.auto.create.topics', BOOLEAN],
  ['auto.commit.interval.ms', INTEGER],
  ['auto.offset.reset', oneOf('earliest', 'latest', 'none')],
  ['check.crcs', BOOLEAN],
  ['client.rack', undefined],
  ['default.api.timeout.ms', INTEGER],
  ['enable.auto.commit', BOOLEAN],
  ['exclude.internal.topics', BOOLEAN],
  ['fetch.max.bytes', INTEGER],
  ['fetch.max.wait.ms', INTEGER],
  ['fetch.min.bytes', INTEGER],
  ['group.id', undefined],
  ['group.instance.id', undefined],
  ['group.protocol', oneOf('classic', 'consumer')],
  ['heartbeat.interval.ms', INTEGER],
  ['isolation.level', oneOf('read_committed', 'read_uncommitted')],
  ['key.deserializer', undefined],
  ['max.partition.fetch.bytes', INTEGER],
  ['max.poll.interval.ms', INTEGER],
  ['max.poll.records', INTEGER],
  ['partition.assignment.strategy', undefined],
  ['session.timeout.ms', INTEGER],
  ['value.deserializer', undefined],
  // Producer
  ['acks', oneOf('all', '-1', '0', '1')],
  ['batch.size', INTEGER],
  ['buffer.memory', INTEGER],
  ['compression.type', oneOf('none', 'gzip', 'snappy', 'lz4', 'zstd')],
  ['delivery.timeout.ms', INTEGER],
  ['enable.idempotence', BOOLEAN],
  ['key.serializer', undefined],
  ['linger.ms', INTEGER],
  ['max.block.ms', INTEGER],
  ['max.in.flight.requests.per.connection', INTEGER],
  ['max.request.size', INTEGER],
  ['partitioner.class', undefined],
  ['retries', INTEGER],
  ['transaction.timeout.ms', INTEGER],
  ['transactional.id', undefined],
  ['value.serializer', undefined],
  // Every client
  ['client.dns.lookup', oneOf('use_all_dns_ips', 'resolve_canonical_bootstrap_servers_only')],
  ['connections.max.idle.ms', INTEGER],
  ['interceptor.classes', undefined],
  ['metadata.max.age.ms', INTEGER],
  ['metric.reporters', undefined],
  ['metrics.num.samples', INTEGER],
  ['metrics.sample.window.ms', INTEGER],
  ['receive.buffer.bytes', INTEGER],
  ['reconnect.backoff.max.ms', INTEGER],
  ['reconnect.backoff.ms', INTEGER],
  ['request.timeout.ms', INTEGER],
  ['retry.backoff.ms', INTEGER],
  ['security.protocol', oneOf('PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL')],
  ['send.buffer.bytes', INTEGER],
]);

/** Families too long to list (ssl.keystore.location, sasl.jaas.config…), and Kafka Streams' topic.<topic config>. */
const KAFKA_FAMILIES = ['ssl.', 'sasl.', 'topic.'];

function isKafkaProperty(name: string): boolean {
  const bare = CLIENT_PREFIXES.find((p) => name.startsWith(p));
  const key = bare ? name.slice(bare.length) : name;
  return KAFKA_PROPERTIES.has(key) || KAFKA_FAMILIES.some((f) => key.startsWith(f) && key.length > f.length);
}

export interface KsqlDbProperty {
  /** The name it is kept and listed under: a Kafka setting as ksql.streams.<name>, as ksqlDB lists it. */
  canonical: string;
  rule: ValueRule | undefined;
}

/** The ksqlDB property a SET or UNSET names, or undefined when ksqlDB would not take the name either. */
export function findKsqlDbProperty(name: string): KsqlDbProperty | undefined {
  if (name.startsWith(KSQL_STREAMS_PREFIX)) {
    const key = name.slice(KSQL_STREAMS_PREFIX.length);
    return isKafkaProperty(key) ? { canonical: name, rule: ruleOf(key) } : undefined;
  }
  // ksqlDB has well over a hundred ksql.* settings, and more with each release: any of them is taken.
  if (name.startsWith('ksql.') && name.length > 'ksql.'.length) return { canonical: name, rule: undefined };
  return isKafkaProperty(name) ? { canonical: KSQL_STREAMS_PREFIX + name, rule: ruleOf(name) } : undefined;
}

function ruleOf(key: string): ValueRule | undefined {
  const bare = CLIENT_PREFIXES.find((p) => key.startsWith(p));
  return KAFKA_PROPERTIES.get(bare ? key.slice(bare.length) : key);
}

/** Why a value is refused (ksqlDB refuses it too), or undefined when it is fine; with the value as it is kept. */
export function checkKsqlDbValue(p: KsqlDbProperty, value: string): { value: string } | { problem: string } {
  const rule = p.rule;
  if (!rule) return { value };
  switch (rule.kind) {
    case 'integer':
      return /^-?\d+$/.test(value.trim()) ? { value: value.trim() } : { problem: 'expected a whole number' };
    case 'boolean': {
      const v = value.trim().toLowerCase();
      return v === 'true' || v === 'false' ? { value: v } : { problem: 'expected true or false' };
    }
    case 'enum': {
      const hit = rule.allowed.find((a) => a.toLowerCase() === value.trim().toLowerCase());
      // As ksqlDB: a query must know where to start, so 'none' (fail when there is no offset) is refused.
      if (p.canonical.endsWith('auto.offset.reset') && hit === 'none') return { problem: "'none' is not valid for this property within ksqlDB: expected earliest or latest" };
      if (hit) return { value: hit };
      const allowed = p.canonical.endsWith('auto.offset.reset') ? rule.allowed.filter((a) => a !== 'none') : rule.allowed;
      return { problem: `expected one of ${allowed.join(', ')}` };
    }
  }
}
