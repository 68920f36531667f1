import type { ListTopics, PrintTopic } from '../sql/ast.js';
import type { ExecContext } from './context.js';
import type { PrintEntity, TopicsEntity } from './results.js';

/** SHOW TOPICS: the log's topics (none when no runtime runs in this process, e.g. `sluice check`). */
export function listTopics(s: ListTopics, ctx: ExecContext): TopicsEntity {
  const topics = [...(ctx.runtime?.topics() ?? [])]
    .filter((t) => s.all || !t.name.startsWith('_'))
    .sort((a, b) => a.name.localeCompare(b.name));
  return {
    '@type': 'kafka_topics',
    statementText: s.text,
    warnings: [],
    topics: topics.map((t) => ({
      name: t.name,
      replicaInfo: t.offsets.map(() => 1),
      partitions: t.partitions,
      records: t.offsets.reduce((n, p) => n + (p.end - p.start), 0),
    })),
  };
}

/** PRINT describes what to stream; the shell or server that runs the statement streams the records. */
export function printTopic(s: PrintTopic): PrintEntity {
  return {
    '@type': 'print_topic',
    statementText: s.text,
    warnings: [],
    topic: s.topic,
    fromBeginning: s.fromBeginning,
    interval: s.interval,
    limit: s.limit,
  };
}
