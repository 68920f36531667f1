import type { ActivityRecord, ConnectorRecord, ConnectorStatusRecord, RuntimeState, TaskStatusRecord } from '../catalog/types.js';
import type { ActivityReport, ConfigMap } from '../connectors/api.js';
import { nextActivity, retryWarning, sameActivity } from './activity.js';
import { frameworkField, MAX_POLL_RECORDS } from '../connectors/framework.js';
import { valueOf, type ConnectorDefinition, type Guarantee } from '../connectors/schema.js';
import type { Log, SinkPosition } from '../platform/log.js';
import { partitionKey } from '../platform/canonical-json.js';
import type { Logger } from './logger.js';
import type { RetryPolicy } from './retry.js';
import type { LogLevel } from './logger.js';
import type { SinkRunner } from './sink-runner.js';
import { sinkRunnerFor, type SinkSpec } from './sink-spec.js';
import { ThreadedSink } from './threaded-sink.js';
import { SourceRunner } from './source-runner.js';
import { sourceRunnerFor, type SourceSpec } from './source-spec.js';
import { ThreadedSource } from './threaded-source.js';
import type { TaskPool } from './task-pool.js';
import { describeError, TaskStatus } from './task-status.js';
import { abortQuietly } from './abort-quietly.js';
import { sleep } from './backoff.js';

export interface WorkerDeps {
  log: Log;
  logger: Logger;
  workerId: string;
  /** Called on every state change so the runtime can persist status promptly. */
  onStatusChange: () => void;
  onSinkCommitted: (connector: string, positions: readonly SinkPosition[]) => void;
  stdin?: NodeJS.ReadableStream | undefined;
  /** Task threads to run tasks on; on this thread when absent. */
  pool?: TaskPool | undefined;
}

export interface TaskThreads {
  dataDir: string;
  logLevel: LogLevel;
  /** Secrets to mask in the threads' log lines. */
  secrets: () => string[];
}

type Runtime = NonNullable<Awaited<ReturnType<NonNullable<ConnectorDefinition['load']>>>>;

interface RunningTask {
  status: TaskStatus;
  runner: SourceRunner | ThreadedSource | SinkRunner | ThreadedSink;
  done: Promise<void>;
}

const SINK_MAX_BATCH = 10_000;

/** Records per sink batch: consumer.override.max.poll.records when it is a positive integer. */
function sinkBatch(config: ConfigMap): number {
  const n = Number(config[`${frameworkField.consumerOverride.key}${MAX_POLL_RECORDS}`]);
  return Number.isInteger(n) && n > 0 ? n : SINK_MAX_BATCH;
}

/** What makes a running connector stale: any config change or a RESTART. */
export function workerKey(r: ConnectorRecord): string {
  return `${r.id}:${r.version}:${r.restartGeneration}`;
}

/** Runs one connector: splits it into tasks, runs each, and reports a Kafka Connect style status. */
export class ConnectorWorker {
  readonly key: string;
  private state: RuntimeState = 'UNASSIGNED';
  private trace: string | undefined;
  private tasks: RunningTask[] = [];
  private abort = new AbortController();
  /** Stops the current set of tasks only (a new task split replaces them); follows `abort`. */
  private tasksAbort = new AbortController();
  /** What tasks replaced by a new split had counted, by task id, so totals survive the change. */
  private readonly replaced = new Map<number, Pick<TaskStatusRecord, 'recordsIn' | 'recordsOut' | 'errors'>>();
  /** The loop that asks taskConfigs again (taskConfigsRefreshMs), while it runs. */
  private watching: Promise<void> = Promise.resolve();
  private starting: Promise<void> = Promise.resolve();
  private launched = false;
  /** Why the connector itself (not a task) failed to start, kept as lastError across restarts. */
  private connectorError: { message: string; at: string } | undefined;
  /** Failures of the connector itself in this run (each failed attempt to split its work), added to its tasks' errors. */
  private startErrors = 0;
  private counted: object | undefined;
  /** What the connector itself is busy with while it splits its work (connecting to list the tables). */
  private activity: ActivityRecord | undefined;
  private readonly logger: Logger;
  /** Topics this connector has written to (sources), kept across restarts. */
  private readonly topics: Set<string>;

  constructor(
    readonly record: ConnectorRecord,
    private readonly def: ConnectorDefinition,
    private readonly deps: WorkerDeps,
    /** Counters carried over from the previous run of this connector, so totals survive restarts. */
    private readonly previous: ConnectorStatusRecord | undefined,
  ) {
    this.key = workerKey(record);
    this.logger = deps.logger.child(record.name);
    this.topics = new Set(previous?.topics ?? []);
  }

  get config(): ConfigMap {
    return this.record.config;
  }

  get guarantee(): Guarantee {
    return (valueOf(this.config, frameworkField.processingGuarantees) ?? 'ATLEAST_ONCE').toUpperCase() as Guarantee;
  }

  private get retry(): RetryPolicy {
    return {
      timeoutMs: Number(valueOf(this.config, frameworkField.retryTimeout) ?? 0),
      maxDelayMs: Number(valueOf(this.config, frameworkField.retryDelayMax) ?? 60_000),
    };
  }

  /**
   * Start in the background: splitting into tasks may have to reach a database that is slow or down, and that
   * must hold up neither the other connectors nor a stop. Each task then starts, with retries, on its own.
   */
  start(): void {
    this.abort = new AbortController();
    this.starting = this.launchAll(this.abort.signal);
  }

  private async launchAll(signal: AbortSignal): Promise<void> {
    this.launched = false;
    try {
      const runtime = await this.def.load?.();
      if (!runtime) throw new Error(`connector ${this.def.className} cannot run in this Sluice (no runtime)`);
      const configs = await this.taskConfigs(runtime, signal);
      await this.launchTasks(runtime, configs, signal);
      if (signal.aborted) return;
      this.setState('RUNNING');
      const everyMs = runtime.taskConfigs ? runtime.taskConfigsRefreshMs?.(this.config) : undefined;
      if (everyMs !== undefined && everyMs > 0) this.watching = this.watchTaskConfigs(runtime, configs, everyMs, signal);
    } catch (err) {
      if (signal.aborted) return;
      this.logger.error(`cannot start: ${describeError(err)}`);
      this.countError(err);
      this.setState('FAILED', describeError(err));
    } finally {
      this.launched = true;
    }
  }

  private async taskConfigs(runtime: Runtime, signal: AbortSignal): Promise<ConfigMap[]> {
    const maxTasks = Number(valueOf(this.config, frameworkField.tasksMax) ?? 1);
    if (!runtime.taskConfigs) return [this.config];
    try {
      return await runtime.taskConfigs(this.config, maxTasks, signal, (a) => this.report(a));
    } finally {
      // The trace of a failure, or the tasks, say the rest.
      this.report(undefined);
    }
  }

  private report(a: ActivityReport | undefined): void {
    if (a?.phase === 'retrying' && a.error !== undefined) {
      this.countError(a.error);
      this.logger.warn(retryWarning(a));
    }
    const next = nextActivity(this.activity, a, Date.now());
    if (sameActivity(next, this.activity)) return;
    this.activity = next;
    this.deps.onStatusChange();
  }

  /** One failure of the connector itself, counted once however many times it is seen (reported, then thrown). */
  private countError(err: unknown): void {
    if (typeof err === 'object' && err !== null) {
      if (this.counted === err) return;
      this.counted = err;
    }
    this.connectorError = { message: describeError(err), at: new Date().toISOString() };
    this.startErrors += 1;
  }

  /** A set of tasks, one per config, resuming from the committed source offsets. */
  private async launchTasks(runtime: Runtime, configs: readonly ConfigMap[], signal: AbortSignal): Promise<void> {
    const offsets = this.def.kind === 'source' ? await this.loadSourceOffsets() : new Map<string, Record<string, unknown> | null>();
    if (signal.aborted) return;
    const tasksAbort = new AbortController();
    signal.addEventListener('abort', () => abortQuietly(tasksAbort), { once: true });
    this.tasksAbort = tasksAbort;
    this.tasks = configs.map((config, taskId) => this.launch(runtime, config, taskId, configs.length, offsets, tasksAbort.signal));
  }

  /**
   * Asks taskConfigs again every `everyMs` (the JDBC source lists its tables): when the split changed (a table
   * was created or dropped), the tasks stop as for a stop — batches finish and commit — and a new set starts from
   * the committed offsets. A failure to ask is logged and the running tasks go on.
   */
  private async watchTaskConfigs(runtime: Runtime, first: readonly ConfigMap[], everyMs: number, signal: AbortSignal): Promise<void> {
    let known = JSON.stringify(first);
    while (!signal.aborted) {
      await sleep(everyMs, signal);
      if (signal.aborted) return;
      let configs: ConfigMap[];
      try {
        configs = await this.taskConfigs(runtime, signal);
      } catch (err) {
        if (!signal.aborted) {
          this.logger.warn(`cannot check for a new task split, the tasks go on as they are: ${describeError(err)}`);
          this.countError(err);
        }
        continue;
      }
      const text = JSON.stringify(configs);
      if (signal.aborted || text === known) continue;
      known = text;
      this.logger.info(`the work to split changed: restarting on ${configs.length} task${configs.length === 1 ? '' : 's'}`);
      this.markRestarting();
      abortQuietly(this.tasksAbort);
      await Promise.all(this.tasks.map((t) => t.done));
      for (const t of this.tasks) {
        const r = t.status.record();
        const before = this.replaced.get(r.id) ?? { recordsIn: 0, recordsOut: 0, errors: 0 };
        this.replaced.set(r.id, { recordsIn: before.recordsIn + r.recordsIn, recordsOut: before.recordsOut + r.recordsOut, errors: before.errors + r.errors });
      }
      this.tasks = [];
      if (signal.aborted) return;
      try {
        await this.launchTasks(runtime, configs, signal);
      } catch (err) {
        if (signal.aborted) return;
        this.logger.error(`cannot start the new tasks: ${describeError(err)}`);
        this.countError(err);
        this.setState('FAILED', describeError(err));
        return;
      }
      if (!signal.aborted) this.setState('RUNNING');
    }
  }

  /** Stop polling, let in-flight batches finish (flush, commit), stop the tasks. */
  async stop(finalState: RuntimeState = 'UNASSIGNED'): Promise<void> {
    abortQuietly(this.abort);
    await this.starting;
    await this.watching;
    await Promise.all(this.tasks.map((t) => t.done));
    for (const t of this.tasks) if (t.status.state !== 'FAILED') t.status.set(finalState === 'PAUSED' ? 'PAUSED' : 'UNASSIGNED');
    if (this.state !== 'FAILED' || finalState === 'PAUSED') this.setState(finalState);
  }

  markPaused(): void {
    this.setState('PAUSED');
  }

  /** Shown while the connector stops to start again with a new config or after RESTART. */
  markRestarting(): void {
    this.setState('RESTARTING');
  }

  /**
   * Still on its way to running: not yet split into tasks, or a task not yet started. A connector that failed, or
   * whose desired state is PAUSED, is not starting.
   */
  get isStarting(): boolean {
    if (this.record.desiredState !== 'RUNNING' || this.failed) return false;
    const { state, tasks, activity } = this.status();
    const unsettled = (s: RuntimeState) => s === 'UNASSIGNED' || s === 'RESTARTING';
    // An attempt already failed and the next is awaited: the status says so, and the retries may go on for minutes
    // (a database that is down), so a SHOW or DESCRIBE waiting for the outcome would only hold the user up.
    const retrying = (a: ActivityRecord | undefined) => a !== undefined && (a.phase === 'retrying' || a.lastError !== undefined);
    if (!this.launched) return !retrying(activity);
    return (unsettled(state) && !retrying(activity)) || tasks.some((t) => unsettled(t.state) && !retrying(t.activity));
  }

  /** Every source task found nothing new at its last poll and every sink task has committed all there is. */
  async isIdle(): Promise<boolean> {
    // Still splitting into tasks: not idle yet, whatever the (empty) task list says.
    if (!this.launched) return false;
    for (const t of this.tasks) {
      if (t.status.state === 'FAILED') continue;
      const r = t.runner;
      const idle = r instanceof SourceRunner || r instanceof ThreadedSource ? r.isIdle : await r.isCaughtUp();
      if (!idle) return false;
    }
    return true;
  }

  get failed(): boolean {
    return this.state === 'FAILED' || this.tasks.some((t) => t.status.state === 'FAILED');
  }

  status(): ConnectorStatusRecord {
    const base = this.previous?.tasks ?? [];
    if (this.tasks.length === 0) {
      // Nothing runs (paused, or the connector could not start): show the tasks as last seen, with their totals, so
      // the counters survive PAUSE/RESUME; a task that had failed stays FAILED with its trace.
      const idle: RuntimeState = this.state === 'PAUSED' ? 'PAUSED' : 'UNASSIGNED';
      return this.statusRecord(
        base.map((t) => (t.state === 'FAILED' ? { ...t } : { id: t.id, state: idle, recordsIn: t.recordsIn, recordsOut: t.recordsOut, errors: t.errors })),
      );
    }
    const tasks = this.tasks.map((t) => t.status.record());
    // Counters keep growing across restarts: add what earlier runs of the same task id counted.
    for (const t of tasks) {
      for (const before of [base.find((b) => b.id === t.id), this.replaced.get(t.id)]) {
        if (!before) continue;
        t.recordsIn += before.recordsIn;
        t.recordsOut += before.recordsOut;
        t.errors += before.errors;
      }
    }
    return this.statusRecord(tasks);
  }

  private statusRecord(tasks: TaskStatusRecord[]): ConnectorStatusRecord {
    const lastError =
      [...this.tasks.map((t) => t.status.lastError), this.connectorError].filter((e) => e !== undefined).sort((a, b) => (a.at < b.at ? 1 : -1))[0] ??
      this.previous?.lastError;
    const record: ConnectorStatusRecord = { state: this.summaryState(), workerId: this.deps.workerId, tasks, updatedAt: new Date().toISOString() };
    if (this.trace !== undefined) record.trace = this.trace;
    if (this.activity !== undefined) record.activity = this.activity;
    if (lastError) record.lastError = lastError;
    if (this.topics.size > 0) record.topics = [...this.topics].sort();
    const errors = (this.previous?.errors ?? 0) + this.startErrors;
    if (errors > 0) record.errors = errors;
    return record;
  }

  /** Kafka Connect keeps a connector RUNNING while its tasks fail; a connector all of whose tasks failed is FAILED. */
  private summaryState(): RuntimeState {
    if (this.state === 'RUNNING' && this.tasks.length > 0 && this.tasks.every((t) => t.status.state === 'FAILED')) return 'FAILED';
    return this.state;
  }

  private setState(state: RuntimeState, trace?: string): void {
    this.state = state;
    this.trace = trace;
    this.deps.onStatusChange();
  }

  private async loadSourceOffsets(): Promise<Map<string, Record<string, unknown> | null>> {
    const offsets = await this.deps.log.listSourceOffsets(this.record.name);
    return new Map(offsets.map((o) => [partitionKey(o.partition), o.offset]));
  }

  private launch(
    runtime: Runtime,
    config: ConfigMap,
    taskId: number,
    taskCount: number,
    offsets: ReadonlyMap<string, Record<string, unknown> | null>,
    signal: AbortSignal,
  ): RunningTask {
    const status = new TaskStatus(taskId, () => this.deps.onStatusChange());
    const logger = this.logger.child(String(taskId));
    let runner: RunningTask['runner'];
    const pool = this.deps.pool;
    if (this.def.kind === 'source') {
      const spec: SourceSpec = {
        connector: this.record.name,
        className: this.record.className,
        taskId,
        config,
        guarantee: this.guarantee,
        retry: this.retry,
        offsets: [...offsets],
      };
      const onTopic = (topic: string) => {
        if (this.topics.has(topic)) return;
        this.topics.add(topic);
        this.deps.onStatusChange();
      };
      if (pool && !runtime.readsStdin?.(config)) {
        runner = new ThreadedSource(spec, { pool, status, onTopic });
      } else {
        const task = runtime.createSourceTask?.(config);
        if (!task) throw new Error(`${this.def.className} has no source task`);
        runner = sourceRunnerFor(spec, { task, log: this.deps.log, logger, status, onTopic, stdin: this.deps.stdin });
      }
    } else {
      const spec: SinkSpec = {
        connector: this.record.name,
        className: this.record.className,
        taskId,
        taskCount,
        config,
        guarantee: this.guarantee,
        retry: this.retry,
        maxBatch: sinkBatch(config),
      };
      const onCommitted = (positions: readonly SinkPosition[]) => this.deps.onSinkCommitted(this.record.name, positions);
      if (pool) {
        runner = new ThreadedSink(spec, { pool, log: this.deps.log, status, onCommitted });
      } else {
        const task = runtime.createSinkTask?.(config);
        if (!task) throw new Error(`${this.def.className} has no sink task`);
        runner = sinkRunnerFor(spec, { task, log: this.deps.log, logger, status, onCommitted });
      }
    }
    const done = runner.run(signal).finally(() => this.deps.onStatusChange());
    return { status, runner, done };
  }
}
