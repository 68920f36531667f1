// Result entities: one JSON shape for the shell, scripts and the server. Connector entities keep ksqlDB's
// `@type` names and fields (ksqldb.md §2.2) so ksqlDB clients read them unchanged; Sluice adds fields, never
// renames them. Every value that could hold a secret is masked before an entity is built.

export interface Warning {
  message: string;
}

interface EntityBase {
  statementText: string;
  warnings: Warning[];
}

export type ConnectorTypeName = 'source' | 'sink';

export interface ConnectorInfoEntity extends EntityBase {
  '@type': 'connector_info';
  info: { name: string; config: Record<string, string>; tasks: { connector: string; task: number }[]; type: ConnectorTypeName };
}

export interface ConnectorSummary {
  name: string;
  type: ConnectorTypeName;
  className: string;
  state: string;
  /** Sluice addition: what the connector or a task is busy with, in a few words ("connecting to PostgreSQL at h:5432/db (attempt 2/3)"). */
  activity?: string;
}

export interface ConnectorListEntity extends EntityBase {
  '@type': 'connector_list';
  connectors: ConnectorSummary[];
}

/**
 * Sluice addition: what a connector or task is busy with beside its Kafka Connect state — connecting (attempt n of
 * m), retrying after a failure (when next, the last error), waiting for its input (a file not there yet).
 */
export interface ActivityInfo {
  phase: 'connecting' | 'retrying' | 'waiting';
  what: string;
  since: string;
  attempt?: number;
  attempts?: number;
  nextAttemptAt?: string;
  /** From when the statement ran. */
  nextAttemptInMs?: number;
  lastError?: string;
  /** All of it in one line, as the shell shows it. */
  description: string;
}

export interface TaskStatus {
  id: number;
  state: string;
  worker_id: string;
  trace?: string;
  activity?: ActivityInfo;
}

export interface ConfigVersionSummary {
  version: number;
  change: 'CREATE' | 'ALTER';
  createdAt: string;
  statementText: string;
}

export interface ConnectorDescriptionEntity extends EntityBase {
  '@type': 'connector_description';
  connectorClass: string;
  status: {
    name: string;
    connector: { state: string; worker_id: string; trace?: string; activity?: ActivityInfo };
    tasks: TaskStatus[];
    type: ConnectorTypeName;
  };
  sources: unknown[];
  topics: string[];
  /** Sluice additions. */
  desiredState: 'RUNNING' | 'PAUSED';
  recordsIn: number;
  recordsOut: number;
  errors: number;
  /** Sinks: records in the subscribed partitions not yet committed. */
  lag?: number;
  lastError?: { message: string; at: string };
  /** Committed positions, in Kafka Connect's offsets shape. */
  offsets: { partition: Record<string, unknown>; offset: Record<string, unknown> | null }[];
  processingGuarantee: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  /** Only with DESCRIBE … EXTENDED. */
  config?: Record<string, string>;
  versions?: ConfigVersionSummary[];
}

export interface DropConnectorEntity extends EntityBase {
  '@type': 'drop_connector';
  connectorName: string;
}

export interface ConfigChange {
  key: string;
  action: 'added' | 'changed' | 'removed';
  old?: string;
  new?: string;
}

export interface AlterConnectorEntity extends EntityBase {
  '@type': 'alter_connector';
  connectorName: string;
  version: number;
  changes: ConfigChange[];
  /** True when the new configuration makes the running connector restart. */
  restart: boolean;
  message: string;
}

export interface ConnectorStateEntity extends EntityBase {
  '@type': 'connector_state';
  connectorName: string;
  action: 'PAUSE' | 'RESUME' | 'RESTART';
  desiredState: 'RUNNING' | 'PAUSED';
  message: string;
}

export interface ConnectorPluginsEntity extends EntityBase {
  '@type': 'connector_plugins_list';
  connectorsPlugins: { className: string; type: ConnectorTypeName; version: string; name: string; aliases: string[] }[];
}

export interface WarningEntity extends EntityBase {
  '@type': 'warning_entity';
  message: string;
}

export interface VariablesEntity extends EntityBase {
  '@type': 'variables';
  variables: { name: string; value: string }[];
}

export interface VariableEntity extends EntityBase {
  '@type': 'variable';
  action: 'DEFINE' | 'UNDEFINE';
  name: string;
  value?: string;
}

export interface PropertyEntity extends EntityBase {
  '@type': 'property';
  action: 'SET' | 'UNSET';
  name: string;
  value?: string;
  message: string;
}

/** ksqlDB's SHOW PROPERTIES entity (PropertiesList). */
export interface PropertiesEntity extends EntityBase {
  '@type': 'properties';
  properties: { name: string; scope: string; value: string }[];
  /** Set in this session. */
  overwrittenProperties: string[];
  /** At their default value. */
  defaultProperties: string[];
}

/**
 * ksqlDB's answers to SHOW STREAMS, TABLES and QUERIES (and their EXTENDED forms), which ksqlDB tools send when
 * they connect. Sluice has no streams, tables or queries: the lists are always empty.
 */
export interface StreamsEntity extends EntityBase {
  '@type': 'streams';
  streams: never[];
}

export interface TablesEntity extends EntityBase {
  '@type': 'tables';
  tables: never[];
}

export interface QueriesEntity extends EntityBase {
  '@type': 'queries';
  queries: never[];
}

/** SHOW STREAMS EXTENDED / SHOW TABLES EXTENDED. */
export interface SourceDescriptionsEntity extends EntityBase {
  '@type': 'source_descriptions';
  sourceDescriptions: never[];
}

/** SHOW QUERIES EXTENDED. */
export interface QueryDescriptionsEntity extends EntityBase {
  '@type': 'query_descriptions';
  queryDescriptions: never[];
}

export interface TopicSummary {
  name: string;
  /** ksqlDB's shape: one entry per partition, the replica count (always 1 on the embedded log). */
  replicaInfo: number[];
  partitions: number;
  /** Records currently retained, summed over partitions. */
  records: number;
}

export interface TopicsEntity extends EntityBase {
  '@type': 'kafka_topics';
  topics: TopicSummary[];
}

/** Kafka Connect's GET /connectors/{name}/offsets shape, with the connector's name. */
export interface ConnectorOffsetsEntity extends EntityBase {
  '@type': 'connector_offsets';
  connectorName: string;
  type: ConnectorTypeName;
  offsets: { partition: Record<string, unknown>; offset: Record<string, unknown> | null }[];
}

export interface OffsetsResetEntity extends EntityBase {
  '@type': 'connector_offsets_reset';
  connectorName: string;
  message: string;
}

/** PRINT: what to stream; the shell or server streams the records themselves. */
export interface PrintEntity extends EntityBase {
  '@type': 'print_topic';
  topic: string;
  fromBeginning: boolean;
  interval: number | undefined;
  limit: number | undefined;
}

export interface StatementErrorEntity {
  '@type': 'statement_error';
  error_code: number;
  code: string;
  message: string;
  statementText: string;
  line?: number;
  column?: number;
  file?: string;
  hint?: string;
  /** The source line the position is on (secrets masked), so any client can draw a caret under it. */
  sourceLine?: string;
  /** When the caret's column within sourceLine differs from `column` (an excerpt of a long line, or a secret masked before it). */
  sourceColumn?: number;
  warnings: Warning[];
}

export type Entity =
  | ConnectorInfoEntity
  | ConnectorListEntity
  | ConnectorDescriptionEntity
  | DropConnectorEntity
  | AlterConnectorEntity
  | ConnectorStateEntity
  | ConnectorPluginsEntity
  | WarningEntity
  | VariablesEntity
  | VariableEntity
  | PropertyEntity
  | PropertiesEntity
  | StreamsEntity
  | TablesEntity
  | QueriesEntity
  | SourceDescriptionsEntity
  | QueryDescriptionsEntity
  | TopicsEntity
  | ConnectorOffsetsEntity
  | OffsetsResetEntity
  | PrintEntity
  | StatementErrorEntity;

export type EntityType = Entity['@type'];

export function isError(e: Entity): e is StatementErrorEntity {
  return e['@type'] === 'statement_error';
}
