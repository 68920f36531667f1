import type { SourceRecord, SourceTask } from '../connectors/api.js';
import type { Guarantee } from '../connectors/schema.js';
import { encodeBatch, type EncodedBatch } from '../platform/encoded-batch.js';
import type { SourceOffset, TopicConfig } from '../platform/log.js';
import { sleep } from './backoff.js';
import { retryWarning } from './activity.js';
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
  log: SourceLog;
  status: TaskStatus;
  logger: Logger;
  retry: RetryPolicy;
  /** Committed offsets, loaded before the task starts. */
  offsets: ReadonlyMap<string, Record<string, unknown> | null>;
  /** Standard input for connectors that read it (file source without a file), when the process lends it. */
  stdin?: NodeJS.ReadableStream | undefined;
  /** Settings of the topics this source creates (topic.creation.default.*). */
  topicConfig?: TopicConfig;
  /** Told of each topic the first time a batch is written to it (the connector's topics in DESCRIBE). */
  onTopic: (topic: string) => void;
  /** Told when isIdle may have changed (a worker thread reports it at once). */
  onIdleChange?: (idle: boolean) => void;
}

/** What a source needs of the log (a Log has it); on a worker thread these calls go to the main thread's log. */
export interface SourceLog {
  ensureTopic(name: string, config?: TopicConfig): Promise<unknown>;
  appendEncoded(batch: EncodedBatch, commit?: { connector: string; sourceOffsets: readonly SourceOffset[] }): Promise<unknown>;
  commitSourceOffsets(connector: string, offsets: readonly SourceOffset[]): Promise<void>;
}

const DEFAULT_IDLE_WAIT_MS = 1_000;

/** How a delivery ended: delivered, given up because the task stopped, or failed. */
type Delivery = { delivered: boolean } | { error: unknown };

/** Polled batches waiting for the log or being written: a bound on memory, and enough to keep the log busy. */
const IN_FLIGHT = 2;

/** Deliveries run one after another, in order; one that fails or gives up cancels those queued after it. */
class Deliveries {
  private readonly queue: Promise<Delivery>[] = [];
  private tail: Promise<Delivery> = Promise.resolve({ delivered: true });

  add(deliver: () => Promise<Delivery>): void {
    this.tail = this.tail.then((before) => ('error' in before || !before.delivered ? before : deliver()));
    this.queue.push(this.tail);
  }

  /** Waits until fewer than `room` are queued. false if one gave up (stopped); a delivery's error is thrown. */
  async waitForRoom(room: number): Promise<boolean> {
    while (this.queue.length >= room) {
      const outcome = await this.queue.shift()!;
      if ('error' in outcome) throw outcome.error;
      if (!outcome.delivered) return false;
    }
    return true;
  }

  /** Resolves when every queued delivery has ended, however it ended. */
  async settled(): Promise<void> {
    await this.tail;
  }
}

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
  /** Topics ensured (created if missing) by this runner. */
  private readonly knownTopics = new Set<string>();
  /** Topics a batch was written to, as told to onTopic. */
  private readonly writtenTopics = new Set<string>();

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
            activity: (a) => {
              if (a?.phase === 'retrying' && a.error !== undefined) logger.warn(retryWarning(a));
              status.report(a);
            },
          });
          return true;
        },
        ctx,
      );
      if (!started) return;
      status.set('RUNNING');
      // Batches are delivered while the next ones are polled, so reading the source and writing the log overlap
      // when the log is elsewhere (another thread, Kafka). Deliveries still run one at a time, in order.
      const deliveries = new Deliveries();
      try {
        while (!signal.aborted) {
          const records = await withRetries('poll', () => task.poll(), ctx);
          if (records === undefined) break;
          this.polls += 1;
          if (records.length === 0) {
            // Idle only once everything polled before is in the log: --until-idle then finds it there.
            if (!(await deliveries.waitForRoom(1))) break;
            this.setIdle(task.idle?.() ?? true);
            await sleep(task.idleWaitMs?.() ?? DEFAULT_IDLE_WAIT_MS, signal);
            continue;
          }
          this.setIdle(false);
          status.recordsIn += records.length;
          if (!(await deliveries.waitForRoom(IN_FLIGHT))) break;
          deliveries.add(() => this.deliverWithRetries(records, ctx));
        }
      } finally {
        // Batches taken on are finished (or given up) before the task stops, whatever ended the loop.
        await deliveries.settled();
      }
      await deliveries.waitForRoom(1);
    } catch (err) {
      status.error(err);
      // The trace says why it failed; what it was busy with is over.
      status.setActivity(undefined);
      status.set('FAILED', describeError(err));
      logger.error(`task failed: ${describeError(err)}`);
    } finally {
      // Stopped or failed, it is busy with nothing any more (a stop can come in the middle of connecting).
      status.setActivity(undefined);
      await this.stopTask();
    }
  }

  /** An empty poll happened since the last records (bulk: a whole pass was read). */
  get isIdle(): boolean {
    return this.polls > 0 && this.idle;
  }

  private setIdle(idle: boolean): void {
    if (this.idle === idle) return;
    this.idle = idle;
    this.o.onIdleChange?.(idle);
  }

  /**
   * A batch polled is written even if the stop came during the poll (a source without offsets, like stdin,
   * could never poll it again). A stop while retrying leaves it undelivered, which every guarantee tolerates for
   * sources with offsets: they were not committed (it is polled again), or, at most once, they were.
   */
  private async deliverWithRetries(records: readonly SourceRecord[], ctx: Parameters<typeof withRetries>[2]): Promise<Delivery> {
    try {
      const delivered = await withRetries('write', async () => (await this.deliver(records), true), ctx, { evenIfStopped: true });
      if (delivered) this.o.status.recordsOut += records.length;
      return { delivered: delivered === true };
    } catch (error) {
      return { error };
    }
  }

  private async deliver(records: readonly SourceRecord[]): Promise<void> {
    const { log, connector } = this.o;
    // Encoded here, where the task runs: on a worker thread the main thread then only stores text.
    const produced = encodeBatch(records);
    const offsets = offsetsToCommit(records);
    const topics = new Set(records.map((r) => r.topic));
    for (const topic of topics) {
      if (this.knownTopics.has(topic)) continue;
      // Created with this source's settings; a topic that exists already keeps its own.
      await log.ensureTopic(topic, this.o.topicConfig ?? {});
      this.knownTopics.add(topic);
    }
    switch (this.o.guarantee) {
      case 'ATMOST_ONCE':
        if (offsets.length > 0) await log.commitSourceOffsets(connector, offsets);
        await log.appendEncoded(produced);
        break;
      case 'ATLEAST_ONCE':
        await log.appendEncoded(produced);
        if (offsets.length > 0) await log.commitSourceOffsets(connector, offsets);
        break;
      case 'EFFECTIVELY_ONCE':
        await log.appendEncoded(produced, { connector, sourceOffsets: offsets });
        break;
    }
    for (const topic of topics) {
      if (this.writtenTopics.has(topic)) continue;
      this.writtenTopics.add(topic);
      this.o.onTopic(topic);
    }
  }

  private async stopTask(): Promise<void> {
    try {
      await this.o.task.stop();
    } catch (err) {
      this.o.logger.warn(`stopping the task failed: ${describeError(err)}`);
    }
  }
}
