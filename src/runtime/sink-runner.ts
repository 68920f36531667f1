import type { SinkRecord, SinkTask } from '../connectors/api.js';
import type { Guarantee } from '../connectors/schema.js';
import type { Log, ProducerRecord, SinkPosition, TopicPartition } from '../platform/log.js';
import type { Logger } from './logger.js';
import { withRetries, type RetryPolicy } from './retry.js';
import type { ErrantRecords } from './errant-records.js';
import { describeError, isRetriable, type TaskStatus } from './task-status.js';

export interface SinkRunnerOptions {
  connector: string;
  taskId: number;
  taskCount: number;
  config: Readonly<Record<string, string>>;
  guarantee: Guarantee;
  task: SinkTask;
  log: SinkLog;
  status: TaskStatus;
  logger: Logger;
  retry: RetryPolicy;
  /** Topics to consume: a fixed list, or a pattern matched against the log's topics as they appear. */
  topics: readonly string[] | RegExp;
  maxBatch: number;
  onCommitted: (positions: readonly SinkPosition[]) => void;
  /** errors.tolerance / dead letter queue handling; without it every failed put fails the task. */
  errant?: ErrantRecords;
}

/** What a sink needs of the log (a Log has it); on a worker thread, reads are its own and writes go to the main thread. */
export type SinkLog = Pick<Log, 'listTopics' | 'describeTopic' | 'readSinkCommit' | 'waitForData' | 'read' | 'commitSink'> & {
  append(records: readonly ProducerRecord[]): Promise<unknown>;
};

const WAIT_MS = 500;

/** A sink task's share of the subscribed partitions: partition i of the sorted list goes to task i mod n. */
export async function assignedPartitions(log: Pick<Log, 'listTopics'>, wanted: readonly string[] | RegExp, taskId: number, taskCount: number): Promise<TopicPartition[]> {
  const topics = await log.listTopics();
  const chosen = topics.filter((t) => (wanted instanceof RegExp ? wanted.test(t.name) : wanted.includes(t.name)));
  const all = chosen
    .flatMap((t) => Array.from({ length: t.partitions }, (_, partition) => ({ topic: t.name, partition })))
    .sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
  return all.filter((_, i) => i % taskCount === taskId);
}

/** Every assigned partition is committed up to the log's current end. */
export async function caughtUp(log: Pick<Log, 'describeTopic'>, assigned: readonly TopicPartition[], position: (tp: TopicPartition) => number): Promise<boolean> {
  for (const tp of assigned) {
    const info = await log.describeTopic(tp.topic);
    const end = info?.offsets.find((o) => o.partition === tp.partition)?.end ?? 0;
    if (position(tp) < end) return false;
  }
  return true;
}
const key = (tp: TopicPartition) => `${tp.topic}\u0000${tp.partition}`;

/**
 * read → put → flush → commit, for one sink task. As for sources, the order is the guarantee:
 *  - ATMOST_ONCE: the new positions are committed before the records are written;
 *  - ATLEAST_ONCE: records are written and flushed (durable), then positions are committed;
 *  - EFFECTIVELY_ONCE: as at-least-once, but the sink's state after the flush (e.g. its file length) is committed
 *    atomically with the positions, and on restart the sink restores its output to that state.
 */
export class SinkRunner {
  private readonly positions = new Map<string, SinkPosition>();
  private started = false;

  constructor(private readonly o: SinkRunnerOptions) {}

  async run(signal: AbortSignal): Promise<void> {
    const { task, status, logger, log, connector } = this.o;
    const ctx = { policy: this.o.retry, signal, status, logger };
    try {
      const commit = await log.readSinkCommit(connector);
      for (const p of commit.positions) this.positions.set(key(p), { ...p });
      this.committedState = commit.state;
      this.signal = signal;
      const started = await withRetries('start', async () => (await this.startTask(), true), ctx);
      if (!started) return;
      if (this.o.guarantee === 'EFFECTIVELY_ONCE') {
        const based = await withRetries('commit', async () => (await this.commitBaseline(), true), ctx);
        if (!based) return;
      }
      this.started = true;
      status.set('RUNNING');
      while (!signal.aborted) {
        const assigned = await this.assignment();
        const batch = await this.readBatch(assigned);
        if (batch.length === 0) {
          await log.waitForData(assigned.map((tp) => this.position(tp)), WAIT_MS, signal);
          continue;
        }
        status.recordsIn += batch.length;
        const next = this.advanced(batch);
        const done = await withRetries('write', () => this.deliver(batch, next), ctx);
        if (done === undefined) break;
        for (const p of next) this.positions.set(key(p), p);
        status.recordsOut += batch.length;
        this.o.onCommitted(next);
      }
    } catch (err) {
      status.error(err);
      status.setActivity(undefined);
      status.set('FAILED', describeError(err));
      logger.error(`task failed: ${describeError(err)}`);
    } finally {
      status.setActivity(undefined);
      try {
        await task.stop();
      } catch (err) {
        logger.warn(`stopping the task failed: ${describeError(err)}`);
      }
    }
  }

  private committedState: unknown;
  private signal: AbortSignal = new AbortController().signal;
  /** A write failed part-way: under effectively-once the sink must be put back to its committed state first. */
  private mustRestore = false;

  private async startTask(): Promise<void> {
    await this.o.task.start({
      connector: this.o.connector,
      taskId: this.o.taskId,
      config: this.o.config,
      guarantee: this.o.guarantee,
      committedState: this.o.guarantee === 'EFFECTIVELY_ONCE' ? this.committedState : undefined,
      logger: this.o.logger,
      signal: this.signal,
    });
  }

  /**
   * Effectively-once: commit the state the task started from (what it restored, or the file as found on a first
   * start) with the current positions, so a crash before the first batch's commit goes back to it. Without this a
   * first start has no committed state, and a crash between its first flush and commit would leave that batch in
   * the output to be written a second time.
   */
  private async commitBaseline(): Promise<void> {
    const state = await this.o.task.flush();
    if (state === undefined) return;
    await this.o.log.commitSink(this.o.connector, { positions: this.committedPositions(), state });
    this.committedState = state;
  }

  /**
   * Everything this task is assigned is committed up to the log's current end. Asked of the log itself, not of
   * the last loop iteration, so a topic that appeared (or grew) since then is not missed.
   */
  async isCaughtUp(): Promise<boolean> {
    return this.started && caughtUp(this.o.log, await this.assignment(), (tp) => this.position(tp).offset);
  }

  committedPositions(): SinkPosition[] {
    return [...this.positions.values()];
  }

  private position(tp: TopicPartition): SinkPosition {
    return this.positions.get(key(tp)) ?? { ...tp, offset: 0 };
  }

  /** This task's share of the subscribed partitions: partition i of the sorted list goes to task i mod n. */
  private assignment(): Promise<TopicPartition[]> {
    return assignedPartitions(this.o.log, this.o.topics, this.o.taskId, this.o.taskCount);
  }

  private async readBatch(assigned: readonly TopicPartition[]): Promise<SinkRecord[]> {
    const out: SinkRecord[] = [];
    for (const tp of assigned) {
      const room = this.o.maxBatch - out.length;
      if (room <= 0) break;
      const records = await this.o.log.read(tp, this.position(tp).offset, room);
      for (const r of records) out.push(r);
    }
    return out;
  }

  private advanced(batch: readonly SinkRecord[]): SinkPosition[] {
    // A batch is read partition by partition: the last record of each run of one partition is its new position.
    const next = new Map<string, SinkPosition>();
    for (let i = 0; i < batch.length; i++) {
      const r = batch[i]!;
      const after = batch[i + 1];
      if (after && after.partition === r.partition && after.topic === r.topic) continue;
      next.set(key(r), { topic: r.topic, partition: r.partition, offset: r.offset + 1 });
    }
    return [...next.values()];
  }

  /**
   * put the batch; if the task refuses it and errors.tolerance is 'all', find the bad records one at a time and
   * hand them to the errant-record handling (log, dead letter queue) instead of failing the task.
   */
  private async put(batch: readonly SinkRecord[]): Promise<void> {
    const { task, errant, status } = this.o;
    try {
      await task.put(batch);
      return;
    } catch (err) {
      if (isRetriable(err) || !errant?.tolerant) throw err;
    }
    // Restart the task first: it drops what the failed put buffered (and, effectively-once, returns to the
    // committed state), so the good records before the bad one are not written twice.
    await task.stop();
    await this.startTask();
    for (const record of batch) {
      try {
        await task.put([record]);
      } catch (err) {
        if (isRetriable(err)) throw err;
        status.error(err);
        await errant.report(record, err, 'TASK_PUT');
      }
    }
  }

  private async deliver(batch: readonly SinkRecord[], next: readonly SinkPosition[]): Promise<true> {
    const { log, task, connector } = this.o;
    const all = () => {
      const merged = new Map(this.positions);
      for (const p of next) merged.set(key(p), p);
      return [...merged.values()];
    };
    if (this.o.guarantee === 'ATMOST_ONCE') {
      await log.commitSink(connector, { positions: all() });
      await this.put(batch);
      await task.flush();
      return true;
    }
    const exactly = this.o.guarantee === 'EFFECTIVELY_ONCE';
    if (exactly && this.mustRestore) {
      // Restarting the task hands it the committed state again, undoing whatever the failed attempt wrote.
      await task.stop();
      await this.startTask();
      this.mustRestore = false;
    }
    try {
      await this.put(batch);
      const state = await task.flush();
      await log.commitSink(connector, exactly ? { positions: all(), state } : { positions: all() });
      if (exactly) this.committedState = state;
      return true;
    } catch (err) {
      this.mustRestore = exactly;
      throw err;
    }
  }
}
