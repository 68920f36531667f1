/**
 * What a connector implements to move data, modelled on Kafka Connect's Task API but async and smaller.
 * The runtime owns everything else: scheduling, retries, offsets, guarantees, status. A connector never touches
 * the catalog or the log directly; it gets this narrow context.
 */

import type { LogRecord } from '../platform/log.js';

export type ConfigMap = Readonly<Record<string, string>>;

export interface TaskLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A record produced by a source task. `partition`/`offset` say where in the source system it came from. */
export interface SourceRecord {
  /** Source partition, e.g. {"table": "users"} or {"filename": "/x.txt"}. */
  sourcePartition: Record<string, unknown>;
  /** Position just after this record in the source partition; null when the source keeps none (stdin). */
  sourceOffset: Record<string, unknown> | null;
  topic: string;
  key: unknown;
  value: unknown;
  timestamp?: number;
  headers?: Record<string, string>;
}

/**
 * What a connector says it is doing while it cannot make progress, shown beside its state (DESCRIBE, SHOW, /ws):
 * connecting (attempt n of m), retrying after a failure (the error, the delay), waiting for its input.
 * Each 'retrying' report's error counts as one of the connector's errors. undefined: done, making progress again.
 */
export interface ActivityReport {
  phase: 'connecting' | 'retrying' | 'waiting';
  /** What it connects to, retries or waits for: "PostgreSQL at db:5432/test", "file '/data/in.txt'". */
  what: string;
  attempt?: number;
  attempts?: number;
  /** retrying: how long until the next attempt. */
  retryInMs?: number;
  /** retrying: why the last attempt failed. */
  error?: unknown;
}

export type ActivityReporter = (activity: ActivityReport | undefined) => void;

export interface SourceTaskContext {
  readonly connector: string;
  readonly taskId: number;
  readonly config: ConfigMap;
  /** Last committed offset of a source partition (undefined when nothing was committed). */
  offset(partition: Record<string, unknown>): Record<string, unknown> | null | undefined;
  readonly logger: TaskLogger;
  /** Aborted when the task must stop; a poll that waits should end early. */
  readonly signal: AbortSignal;
  /** The process's standard input, when nothing else (such as the shell) reads it. */
  readonly stdin?: NodeJS.ReadableStream | undefined;
  /** Tells the runtime what the task is busy with (see ActivityReport); absent where nobody shows it. */
  readonly activity?: ActivityReporter | undefined;
}

export interface SourceTask {
  start(ctx: SourceTaskContext): Promise<void>;
  /**
   * Return the next batch. An empty array means nothing new right now: the runtime waits `poll.interval.ms`-like
   * time (the task may also wait itself, honouring ctx.signal). A batch must be small enough to hold in memory.
   */
  poll(): Promise<SourceRecord[]>;
  /**
   * True once the last poll found nothing new (bulk: a whole pass was completed) — used by `--until-idle`.
   * Without it, an empty poll counts as idle.
   */
  idle?(): boolean;
  /** How long the runtime waits after an empty poll before polling again (e.g. poll.interval.ms). Default 1 s. */
  idleWaitMs?(): number;
  stop(): Promise<void>;
}

/** A sink receives the log's records as they are (Kafka Connect's SinkRecord mirrors the consumer record). */
export type SinkRecord = LogRecord;

export interface SinkTaskContext {
  readonly connector: string;
  readonly taskId: number;
  readonly config: ConfigMap;
  /** The declared processing guarantee; only EFFECTIVELY_ONCE gets a committedState to restore. */
  readonly guarantee: 'ATMOST_ONCE' | 'ATLEAST_ONCE' | 'EFFECTIVELY_ONCE';
  /**
   * The state the sink returned from `flush` with its last committed positions, or undefined on first start.
   * A sink that makes its output consistent with its position (effectively-once) restores from it.
   */
  readonly committedState: unknown;
  readonly logger: TaskLogger;
  readonly signal: AbortSignal;
}

export interface SinkTask {
  start(ctx: SinkTaskContext): Promise<void>;
  /** Write records (they may be buffered until flush). */
  put(records: readonly SinkRecord[]): Promise<void>;
  /**
   * Make everything put so far durable; returns the state to commit atomically with the positions (e.g. a file's
   * length). After a crash the sink gets the last committed state back in `committedState`.
   */
  flush(): Promise<unknown>;
  stop(): Promise<void>;
}

/** The runtime half of a connector definition (the config half is in schema.ts). */
export interface ConnectorRuntime {
  /**
   * Split the connector's work into at most maxTasks task configs (Kafka Connect's taskConfigs). May reach the
   * source system (to list tables); must give up promptly when the signal aborts (the connector is stopping).
   */
  taskConfigs?(config: ConfigMap, maxTasks: number, signal?: AbortSignal, activity?: ActivityReporter): Promise<ConfigMap[]> | ConfigMap[];
  /**
   * How often taskConfigs may answer differently (Kafka Connect's requestTaskReconfiguration: the JDBC source's
   * table monitor, every table.poll.interval.ms): it is asked again this often, and the tasks restart on a new
   * split when its answer changed. Undefined: the split is fixed while the connector runs.
   */
  taskConfigsRefreshMs?(config: ConfigMap): number | undefined;
  /** A task for one of the configs taskConfigs returned. */
  createSourceTask?(config: ConfigMap): SourceTask;
  /**
   * The task for this config reads the process's standard input, which only the main thread has: it runs there
   * instead of on a worker thread of its own.
   */
  readsStdin?(config: ConfigMap): boolean;
  createSinkTask?(config: ConfigMap): SinkTask;
}

/** Errors a task throws to say "try again later" (network, lock, file not there yet). Others fail the task. */
export class RetriableTaskError extends Error {
  readonly retriable = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RetriableTaskError';
  }
}
