/**
 * The JDBC source runtime (loaded by jdbcSource.load()): task splitting as Confluent's
 * JdbcSourceConnector.taskConfigs, and the source task.
 */

import type { ActivityReporter, ConfigMap, ConnectorRuntime } from '../api.js';
import { connectDialect, discoverTables } from './connect.js';
import { parseSettings } from './settings.js';
import { JdbcSourceTask, TASK_TABLES } from './task.js';

/** Kafka Connect's ConnectorUtils.groupPartitions: contiguous groups, the first (n mod g) one larger. */
export function groupPartitions<T>(elements: readonly T[], numGroups: number): T[][] {
  if (numGroups <= 0) throw new Error('number of groups must be positive');
  const perGroup = Math.floor(elements.length / numGroups);
  let leftover = elements.length - numGroups * perGroup;
  const groups: T[][] = [];
  let at = 0;
  for (let g = 0; g < numGroups; g++) {
    const size = perGroup + (leftover > 0 ? 1 : 0);
    leftover--;
    groups.push(elements.slice(at, at + size));
    at += size;
  }
  return groups;
}

/**
 * A custom query runs in one task. Otherwise the tables are discovered now and spread over
 * min(#tables, maxTasks) tasks; with no table at all one task runs and stays idle. Asked again every
 * table.poll.interval.ms, so tables created or dropped later are picked up.
 */
export async function taskConfigs(config: ConfigMap, maxTasks: number, signal?: AbortSignal, activity?: ActivityReporter): Promise<ConfigMap[]> {
  const s = parseSettings(config);
  if (s.query !== '') return [config];
  const dialect = await connectDialect(s, signal, activity);
  let tables;
  try {
    tables = await discoverTables(dialect, s);
  } finally {
    await dialect.close();
  }
  const groups = tables.length === 0 ? [[]] : groupPartitions(tables, Math.min(tables.length, Math.max(1, maxTasks)));
  return groups.map((g) => ({ ...config, [TASK_TABLES]: JSON.stringify(g) }));
}

/** Table mode watches the tables (Confluent's table monitor): taskConfigs lists them again this often. */
export function taskConfigsRefreshMs(config: ConfigMap): number | undefined {
  const s = parseSettings(config);
  return s.query === '' ? s.tablePollIntervalMs : undefined;
}

export const runtime: ConnectorRuntime = {
  taskConfigs,
  taskConfigsRefreshMs,
  createSourceTask: () => new JdbcSourceTask(),
};
