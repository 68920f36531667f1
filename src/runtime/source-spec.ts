import type { ConfigMap, SourceTask } from '../connectors/api.js';
import { frameworkField } from '../connectors/framework.js';
import { valueOf, type Guarantee } from '../connectors/schema.js';
import type { TopicConfig } from '../platform/log.js';
import type { Logger } from './logger.js';
import type { RetryPolicy } from './retry.js';
import { SourceRunner, type SourceLog } from './source-runner.js';
import type { TaskStatus } from './task-status.js';

/** Everything that defines one source task, as plain data, so it can also be handed to a worker thread. */
export interface SourceSpec {
  connector: string;
  className: string;
  taskId: number;
  config: ConfigMap;
  guarantee: Guarantee;
  retry: RetryPolicy;
  /** Committed offsets, by the canonical key of their source partition. */
  offsets: [string, Record<string, unknown> | null][];
}

/** The runner for a spec; the parts that are not data (task, log, logger, status) come from where it runs. */
export function sourceRunnerFor(
  spec: SourceSpec,
  parts: {
    task: SourceTask;
    log: SourceLog;
    logger: Logger;
    status: TaskStatus;
    onTopic: (topic: string) => void;
    onIdleChange?: (idle: boolean) => void;
    stdin?: NodeJS.ReadableStream | undefined;
  },
): SourceRunner {
  return new SourceRunner({
    connector: spec.connector,
    taskId: spec.taskId,
    config: spec.config,
    guarantee: spec.guarantee,
    retry: spec.retry,
    offsets: new Map(spec.offsets),
    topicConfig: topicConfigOf(spec.config),
    ...parts,
  });
}

/** Settings of the topics a source creates: Kafka Connect's topic.creation.default.* keys. */
export function topicConfigOf(config: ConfigMap): TopicConfig {
  const setting = (f: typeof frameworkField.topicPartitions) => Number(valueOf(config, f) ?? -1);
  const topicConfig: TopicConfig = {};
  if (setting(frameworkField.topicPartitions) > 0) topicConfig.partitions = setting(frameworkField.topicPartitions);
  if (setting(frameworkField.topicRetentionMs) >= 0) topicConfig.retentionMs = setting(frameworkField.topicRetentionMs);
  if (setting(frameworkField.topicRetentionBytes) >= 0) topicConfig.retentionBytes = setting(frameworkField.topicRetentionBytes);
  return topicConfig;
}
