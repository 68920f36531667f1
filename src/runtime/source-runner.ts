import type { SourceRecord, SourceTask } from '../connectors/api.js';
import type { Guarantee } from '../connectors/schema.js';
import type { Log, ProducerRecord, SourceOffset, TopicConfig } from '../platform/log.js';
import { sleep } from './backoff.js';
import { partitionKey } from '../platform/canonical-json.js';
import type { Logger } from './logger.js';
import { withRetries, type RetryPolicy } from './retry.js';
import { describeError, type TaskStatus } from './task-status.js';

export interface SourceRunnerOptions {
  connector: string;
  taskId: number;
  config: Readonly<Record<string, string>>;
  guarantee: Guarantee;
  task: SourceTask;
  log: Log;
  status: TaskStatus;
  logger: Logger;
  retry: RetryPolicy;
  /** Committed offsets, loaded before the task starts. */
  offsets: ReadonlyMap<string, Record<string, unknown> | null>;
  /** Standard input for connectors that read it (file source without a file), when the process lends it. */
  stdin?: NodeJS.ReadableStream | undefined;
  /** Settings of the topics this source creates (topic.creation.default.*). */
  topicConfig?: TopicConfig;
  /** Told after every write, so the runtime's view of topics stays current without asking the log. */
  onAppended: (positions: { topic: string; partition: number; offset: number }[]) => void;
}

const DEFAULT_IDLE_WAIT_MS = 1_000;

/** The last offset per source partition in a batch: what to commit once the batch is delivered. */
export function offsetsToCommit(records: readonly SourceRecord[]): SourceOffset[] {
  const latest = new Map<string, SourceOffset>();
  // Tasks usually reuse one partition object for a whole batch: compute its canonical key once per object.
  const keys = new Map<object, string>();
  for (const r of records) {
    if (r.sourceOffset === null) continue;
    let key = keys.get(r.sourcePartition);
    if (key === undefined) keys.set(r.sourcePartition, (key = partitionKey(r.sourcePartition)));
    latest.set(key, { partition: r.sourcePartition, offset: r.sourceOffset });
  }
  return [...latest.values()];
}

/**
 * poll → deliver → commit, for one source task. The order of "write the records" and "commit the offsets" is
 * the processing guarantee:
 *  - ATMOST_ONCE: offsets first, then records — a crash in between loses the batch, never repeats it;
 *  - ATLEAST_ONCE: records first (durable), then offsets — a crash in between repeats the batch, never loses it;
 *  - EFFECTIVELY_ONCE: records and offsets in one log transaction — a crash leaves both or neither.
 */
export class SourceRunner {
  idle = false;
  private polls = 0;
  private readonly knownTopics = new Set<string>();

  constructor(private readonly o: SourceRunnerOptions) {}

  async run(signal: AbortSignal): Promise<void> {
    const { task, status, logger } = this.o;
    const ctx = { policy: this.o.retry, signal, status, logger };
    try {
      const started = await withRetries(
        'start',
        async () => {
          await task.start({
            connector: this.o.connector,
            taskId: this.o.taskId,
            config: this.o.config,
            offset: (partition) => this.o.offsets.get(partitionKey(partition)),
            logger,
            signal,
            stdin: this.o.stdin,
          });
          return true;
        },
        ctx,
      );
      if (!started) return;
      status.set('RUNNING');
      while (!signal.aborted) {
        const records = await withRetries('poll', () => task.poll(), ctx);
        if (records === undefined) break;
        this.polls += 1;
        if (records.length === 0) {
          this.idle = task.idle?.() ?? true;
          await sleep(task.idleWaitMs?.() ?? DEFAULT_IDLE_WAIT_MS, signal);
          continue;
        }
        this.idle = false;
        status.recordsIn += records.length;
        // A batch polled is written even if the stop came during the poll (a source without offsets, like stdin,
        // could never poll it again). A stop while retrying leaves it undelivered, which every guarantee tolerates
        // for sources with offsets: they were not committed (it is polled again), or, at most once, they were.
        const delivered = await withRetries('write', async () => (await this.deliver(records), true), ctx, { evenIfStopped: true });
        if (delivered) status.recordsOut += records.length;
      }
    } catch (err) {
      status.error(err);
      status.set('FAILED', describeError(err));
      logger.error(`task failed: ${describeError(err)}`);
    } finally {
      await this.stopTask();
    }
  }

  /** An empty poll happened since the last records (bulk: a whole pass was read). */
  get isIdle(): boolean {
    return this.polls > 0 && this.idle;
  }

  private async deliver(records: readonly SourceRecord[]): Promise<void> {
    const { log, connector } = this.o;
    const produced: ProducerRecord[] = records.map((r) => ({
      topic: r.topic,
      key: r.key ?? null,
      value: r.value ?? null,
      ...(r.timestamp === undefined ? {} : { timestamp: r.timestamp }),
      ...(r.headers === undefined ? {} : { headers: r.headers }),
    }));
    const offsets = offsetsToCommit(records);
    for (const topic of new Set(records.map((r) => r.topic))) {
      if (this.knownTopics.has(topic)) continue;
      // Created with this source's settings; a topic that exists already keeps its own.
      await log.ensureTopic(topic, this.o.topicConfig ?? {});
      this.knownTopics.add(topic);
    }
    let positions;
    switch (this.o.guarantee) {
      case 'ATMOST_ONCE':
        if (offsets.length > 0) await log.commitSourceOffsets(connector, offsets);
        positions = await log.append(produced);
        break;
      case 'ATLEAST_ONCE':
        positions = await log.append(produced);
        if (offsets.length > 0) await log.commitSourceOffsets(connector, offsets);
        break;
      case 'EFFECTIVELY_ONCE':
        positions = await log.append(produced, { connector, sourceOffsets: offsets });
        break;
    }
    this.o.onAppended(positions);
  }

  private async stopTask(): Promise<void> {
    try {
      await this.o.task.stop();
    } catch (err) {
      this.o.logger.warn(`stopping the task failed: ${describeError(err)}`);
    }
  }
}
