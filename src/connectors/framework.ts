import { topicNameProblem } from '../platform/topic-name.js';
import { GUARANTEES, field, isSet, listValue, valueOf } from './schema.js';
import type { ConfigField, ConfigMap, ConfigProblem, ConnectorDefinition } from './schema.js';

/**
 * The Kafka Connect framework keys (ConnectorConfig, SinkConnectorConfig, SourceConnectorConfig) that a Sluice
 * runtime can honour, plus Sluice's own. Transforms and predicates are deliberately absent: until SMTs exist,
 * accepting their keys would silently drop the user's intent, so they must surface as unknown keys.
 */

// Sluice runs no JVM, so only converters it implements natively are accepted.
const CONVERTERS = [
  'org.apache.kafka.connect.json.JsonConverter',
  'org.apache.kafka.connect.storage.StringConverter',
  'org.apache.kafka.connect.converters.ByteArrayConverter',
] as const;
const HEADER_CONVERTERS = ['org.apache.kafka.connect.storage.SimpleHeaderConverter', ...CONVERTERS] as const;

const COMMON = 'Common';
const ERRORS = 'Error Handling';

/** Kafka's consumer setting for records per poll; as consumer.override.max.poll.records it sizes a sink's batches. */
export const MAX_POLL_RECORDS = 'max.poll.records';

/** Every framework field by a code name, so other modules read keys from here instead of repeating strings. */
export const frameworkField = {
  name: field.string('name', 'Connector name. Sluice takes it from the statement; a WITH value is informational.', {
    group: COMMON,
    importance: 'high',
  }),
  connectorClass: field.class('connector.class', 'Connector class, alias or Sluice short name (see the connector table).', {
    required: true,
    group: COMMON,
    importance: 'high',
  }),
  tasksMax: field.int('tasks.max', 'Maximum number of tasks; a connector may create fewer.', {
    default: '1',
    min: 1,
    group: COMMON,
    importance: 'high',
  }),
  keyConverter: field.class('key.converter', 'Converter for record keys; unset uses the platform default.', {
    allowed: CONVERTERS,
    group: COMMON,
    importance: 'low',
  }),
  valueConverter: field.class('value.converter', 'Converter for record values; unset uses the platform default.', {
    allowed: CONVERTERS,
    group: COMMON,
    importance: 'low',
  }),
  headerConverter: field.class('header.converter', 'Converter for record headers; unset uses the platform default.', {
    allowed: HEADER_CONVERTERS,
    group: COMMON,
    importance: 'low',
  }),
  keyConverterProps: field.prefix('key.converter.', 'Settings passed to the key converter, e.g. key.converter.schemas.enable.', {
    group: COMMON,
    importance: 'low',
  }),
  valueConverterProps: field.prefix('value.converter.', 'Settings passed to the value converter.', {
    group: COMMON,
    importance: 'low',
  }),
  headerConverterProps: field.prefix('header.converter.', 'Settings passed to the header converter.', {
    group: COMMON,
    importance: 'low',
  }),
  retryTimeout: field.long('errors.retry.timeout', 'Total ms to retry a failed operation; 0 disables retries, -1 retries forever.', {
    default: '0',
    min: -1,
    group: ERRORS,
    importance: 'medium',
  }),
  retryDelayMax: field.long('errors.retry.delay.max.ms', 'Cap in ms on the jittered exponential delay between retries.', {
    default: '60000',
    min: 0,
    group: ERRORS,
    importance: 'medium',
  }),
  tolerance: field.string('errors.tolerance', "'none' fails the task on the first error; 'all' skips problem records.", {
    default: 'none',
    allowed: ['none', 'all'],
    caseInsensitive: true,
    group: ERRORS,
    importance: 'medium',
  }),
  logEnable: field.boolean('errors.log.enable', 'Log every tolerated error with its context.', {
    default: 'false',
    group: ERRORS,
    importance: 'medium',
  }),
  logIncludeMessages: field.boolean('errors.log.include.messages', 'Also log the key, value and headers of failed records.', {
    default: 'false',
    group: ERRORS,
    importance: 'low',
  }),
  processingGuarantees: field.string(
    'processing.guarantees',
    'Delivery guarantee the connector must provide (Pulsar IO naming). Refused, never downgraded, when the connector or its mode cannot provide it.',
    { default: 'ATLEAST_ONCE', allowed: GUARANTEES, caseInsensitive: true, group: COMMON, importance: 'high' },
  ),
  unknownKeys: field.string(
    'sluice.unknown.keys',
    "What to do with keys the connector does not know: 'error' rejects the statement; 'warn' keeps them and reports warnings.",
    { default: 'error', allowed: ['error', 'warn'], caseInsensitive: true, group: COMMON, importance: 'low' },
  ),
  // Sink only (SinkConnectorConfig).
  topics: field.list('topics', 'Topics to consume. Exactly one of topics and topics.regex must be set.', {
    default: '',
    group: COMMON,
    importance: 'high',
  }),
  topicsRegex: field.string('topics.regex', 'Regular expression of topics to consume. Exactly one of topics and topics.regex must be set.', {
    default: '',
    group: COMMON,
    importance: 'high',
  }),
  dlqTopic: field.string('errors.deadletterqueue.topic.name', 'Topic that receives records that failed (with errors.tolerance=all); empty disables the DLQ.', {
    default: '',
    group: ERRORS,
    importance: 'medium',
  }),
  dlqReplication: field.int('errors.deadletterqueue.topic.replication.factor', 'Replication factor when the DLQ topic is created on Kafka (-1 = broker default).', {
    default: '3',
    min: -1,
    max: 32767,
    group: ERRORS,
    importance: 'low',
    kafkaOnly: {},
  }),
  dlqHeaders: field.boolean('errors.deadletterqueue.context.headers.enable', 'Add __connect.errors.* headers describing the failure to DLQ records.', {
    default: 'false',
    group: ERRORS,
    importance: 'low',
  }),
  consumerOverride: field.prefix('consumer.override.', "Per-connector overrides of the consumer settings; on the embedded log 'consumer.override.max.poll.records' sets the sink's batch size.", {
    group: COMMON,
    importance: 'low',
    kafkaOnly: { except: [`consumer.override.${MAX_POLL_RECORDS}`] },
  }),
  // Source only.
  producerOverride: field.prefix('producer.override.', 'Per-connector overrides of the producer settings (Kafka only).', {
    group: COMMON,
    importance: 'low',
    kafkaOnly: {},
  }),
  // Source only: Kafka Connect's topic creation settings (KIP-158), applied when a source's topic is created.
  topicPartitions: field.int('topic.creation.default.partitions', 'Partitions of the topics this source creates; -1 = the log default (1 on the embedded log).', {
    default: '-1',
    min: -1,
    group: COMMON,
    importance: 'low',
  }),
  topicReplication: field.int('topic.creation.default.replication.factor', 'Replication factor of the topics this source creates on Kafka; the embedded log keeps one copy.', {
    default: '-1',
    min: -1,
    group: COMMON,
    importance: 'low',
    kafkaOnly: {},
  }),
  topicRetentionMs: field.long('topic.creation.default.retention.ms', 'Retention time in ms of the topics this source creates; -1 keeps records for ever.', {
    default: '-1',
    min: -1,
    group: COMMON,
    importance: 'low',
  }),
  topicRetentionBytes: field.long('topic.creation.default.retention.bytes', 'Retention size in bytes per partition of the topics this source creates; -1 = unlimited.', {
    default: '-1',
    min: -1,
    group: COMMON,
    importance: 'low',
  }),
} as const satisfies Record<string, ConfigField>;

const ff = frameworkField;

export const commonFields: readonly ConfigField[] = [
  ff.name,
  ff.connectorClass,
  ff.tasksMax,
  ff.keyConverter,
  ff.valueConverter,
  ff.headerConverter,
  ff.keyConverterProps,
  ff.valueConverterProps,
  ff.headerConverterProps,
  ff.retryTimeout,
  ff.retryDelayMax,
  ff.tolerance,
  ff.logEnable,
  ff.logIncludeMessages,
  ff.processingGuarantees,
  ff.unknownKeys,
];

export const sinkFields: readonly ConfigField[] = [
  ff.topics,
  ff.topicsRegex,
  ff.dlqTopic,
  ff.dlqReplication,
  ff.dlqHeaders,
  ff.consumerOverride,
];

export const sourceFields: readonly ConfigField[] = [ff.producerOverride, ff.topicPartitions, ff.topicReplication, ff.topicRetentionMs, ff.topicRetentionBytes];

export function frameworkFieldsFor(kind: 'source' | 'sink'): readonly ConfigField[] {
  return [...commonFields, ...(kind === 'sink' ? sinkFields : sourceFields)];
}

/** Framework plus connector-specific fields: everything a config of this connector may contain. */
export function allFieldsFor(def: ConnectorDefinition): readonly ConfigField[] {
  return [...frameworkFieldsFor(def.kind), ...def.fields];
}

/** Families users reach for that Sluice does not support yet, with the reason shown as a hint. */
export const UNSUPPORTED_FAMILIES: readonly { prefix: string; hint: string }[] = [
  { prefix: 'transforms', hint: 'Single Message Transforms are not supported yet' },
  { prefix: 'predicates', hint: 'SMT predicates are not supported yet' },
];

/** Framework cross-field rules (SinkConnectorConfig.validate's topic checks). */
export function frameworkProblems(kind: 'source' | 'sink', config: ConfigMap): ConfigProblem[] {
  if (kind !== 'sink') return [];
  const problems: ConfigProblem[] = [];
  const { topics, topicsRegex, dlqTopic } = ff;
  const hasTopics = isSet(config, topics);
  const hasRegex = isSet(config, topicsRegex);
  if (hasTopics && hasRegex) {
    problems.push({
      key: topicsRegex.key,
      code: 'INVALID_CONFIG_VALUE',
      message: `'${topics.key}' and '${topicsRegex.key}' are mutually exclusive: set exactly one`,
    });
  } else if (!hasTopics && !hasRegex) {
    problems.push({
      key: topics.key,
      code: 'MISSING_REQUIRED_CONFIG',
      message: `a sink connector needs exactly one of '${topics.key}' or '${topicsRegex.key}'`,
    });
  }
  if (hasRegex) {
    try {
      new RegExp(valueOf(config, topicsRegex) ?? '');
    } catch (err) {
      problems.push({
        key: topicsRegex.key,
        code: 'INVALID_CONFIG_VALUE',
        message: `'${topicsRegex.key}' is not a valid regular expression: ${(err as Error).message}`,
      });
    }
  }
  // Kafka's topic name rule, checked here so a bad name fails at CREATE rather than at the first record.
  const raw = valueOf(config, topics) ?? '';
  const names = raw.split(',').map((t) => t.trim());
  if (hasTopics) {
    const bad = names.map((t) => topicNameProblem(t)).find((p) => p !== undefined);
    if (bad) problems.push({ key: topics.key, code: 'INVALID_CONFIG_VALUE', message: bad });
  }
  const dlqName = (valueOf(config, dlqTopic) ?? '').trim();
  const dlqBad = dlqName === '' ? undefined : topicNameProblem(dlqName);
  if (dlqBad) problems.push({ key: dlqTopic.key, code: 'INVALID_CONFIG_VALUE', message: dlqBad });
  const dlq = (valueOf(config, dlqTopic) ?? '').trim();
  if (dlq !== '' && listValue(config, topics).includes(dlq)) {
    problems.push({
      key: dlqTopic.key,
      code: 'INVALID_CONFIG_VALUE',
      message: `the dead letter queue topic '${dlq}' may not be one of the consumed '${topics.key}'`,
    });
  }
  return problems;
}
