import type { ConfigMap, SinkTask } from '../connectors/api.js';
import { frameworkField } from '../connectors/framework.js';
import { listValue, valueOf, type Guarantee } from '../connectors/schema.js';
import type { SinkPosition } from '../platform/log.js';
import { ErrantRecords } from './errant-records.js';
import type { Logger } from './logger.js';
import type { RetryPolicy } from './retry.js';
import { SinkRunner, type SinkLog } from './sink-runner.js';
import type { TaskStatus } from './task-status.js';

/** Everything that defines one sink task, as plain data, so it can also be handed to a worker thread. */
export interface SinkSpec {
  connector: string;
  className: string;
  taskId: number;
  taskCount: number;
  config: ConfigMap;
  guarantee: Guarantee;
  retry: RetryPolicy;
  maxBatch: number;
}

/** The runner for a spec; the parts that are not data (log, task, logger, status) come from where it runs. */
export function sinkRunnerFor(
  spec: SinkSpec,
  parts: { task: SinkTask; log: SinkLog; logger: Logger; status: TaskStatus; onCommitted: (positions: readonly SinkPosition[]) => void },
): SinkRunner {
  const { config } = spec;
  return new SinkRunner({
    connector: spec.connector,
    taskId: spec.taskId,
    taskCount: spec.taskCount,
    config,
    guarantee: spec.guarantee,
    retry: spec.retry,
    maxBatch: spec.maxBatch,
    ...parts,
    topics: sinkSubscription(config),
    errant: new ErrantRecords({
      connector: spec.connector,
      taskId: spec.taskId,
      tolerance: (valueOf(config, frameworkField.tolerance) ?? 'none').toLowerCase() === 'all' ? 'all' : 'none',
      logEnable: valueOf(config, frameworkField.logEnable) === 'true',
      includeMessages: valueOf(config, frameworkField.logIncludeMessages) === 'true',
      dlqTopic: valueOf(config, frameworkField.dlqTopic) ?? '',
      dlqHeaders: valueOf(config, frameworkField.dlqHeaders) === 'true',
      log: parts.log,
      logger: parts.logger,
    }),
  });
}

/** What a sink consumes: its fixed 'topics' list, or its 'topics.regex' matched against whole topic names. */
export function sinkSubscription(config: ConfigMap): readonly string[] | RegExp {
  const regex = valueOf(config, frameworkField.topicsRegex);
  return regex ? new RegExp(`^(?:${regex})$`) : listValue(config, frameworkField.topics);
}
