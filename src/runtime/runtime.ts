import os from 'node:os';
import type { Catalog } from '../catalog/catalog.js';
import type { ConnectorRecord, ConnectorStatusRecord } from '../catalog/types.js';
import type { ConnectorRegistry } from '../connectors/registry.js';
import type { Log, SinkPosition, SourceOffset, TopicInfo } from '../platform/log.js';
import { ConnectorWorker, workerKey, type TaskThreads } from './connector-worker.js';
import { TaskPool } from './task-pool.js';
import type { Logger } from './logger.js';
import { describeError } from './task-status.js';

export interface RuntimeOptions {
  catalog: Catalog;
  log: Log;
  registry: ConnectorRegistry;
  logger: Logger;
  workerId?: string;
  /** Lent to connectors that read standard input; undefined when the process itself reads it (the shell). */
  stdin?: NodeJS.ReadableStream;
  /**
   * Run each task on a worker thread: a source reads and encodes there while this thread appends to the log; a
   * sink reads the log file in this data dir through its own connection. Needs a file-backed log and the
   * compiled runtime (dist/); tests run in-thread.
   */
  taskThreads?: TaskThreads;
  /** How often caches refresh, status counters persist and retention runs. */
  tickMs?: number;
}

/** What the engine may ask of a running runtime, synchronously (answers come from caches refreshed each tick). */
export interface RuntimeView {
  status(record: ConnectorRecord): ConnectorStatusRecord | undefined;
  topics(): readonly TopicInfo[];
  sourceOffsets(connector: string): readonly SourceOffset[];
  sinkPositions(connector: string): readonly SinkPosition[];
  /** Ask the runtime to act on the catalog now (after a statement changed it). */
  reconcile(): void;
  /** Resolves once the runtime has acted on the catalog and no connector is still starting (or after `maxMs`). */
  settled?(maxMs?: number, signal?: AbortSignal): Promise<void>;
  /** Forget a connector's committed offsets (it must be paused: the caller checks). */
  resetOffsets(connector: string): Promise<void>;
  readonly log: Log;
}

export type IdleOutcome = 'idle' | 'failed' | 'stopped';

/** How long state changes wait to be saved together. */
const STATUS_SAVE_DELAY_MS = 20;

/** How long a statement that shows connector state waits for connectors that are starting (settled()). */
const SETTLE_MAX_MS = 5_000;

/** How often untilIdle looks: each look is a few cached reads, and --until-idle exits this much sooner. */
const IDLE_CHECK_MS = 25;

/**
 * The scheduler: keeps what runs equal to what the catalog says should run. Catalog changes arrive through
 * reconcile() (called by the engine after each statement) and a periodic tick; all changes are applied one at
 * a time, in order, so a quick PAUSE/RESUME/ALTER sequence ends in the state of the last statement.
 */
export class Runtime implements RuntimeView {
  readonly log: Log;
  private readonly workers = new Map<number, ConnectorWorker>();
  private queue: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private topicCache: TopicInfo[] = [];
  private offsetCache = new Map<string, SourceOffset[]>();
  private positionCache = new Map<string, SinkPosition[]>();
  private statusDirty = new Set<number>();
  /** What was last saved per connector (without its timestamp), so unchanged statuses are not written again. */
  private readonly lastSaved = new Map<number, string>();
  private readonly workerId: string;
  private persistTimer: NodeJS.Timeout | undefined;
  private taskPool: TaskPool | undefined;

  constructor(private readonly o: RuntimeOptions) {
    this.log = o.log;
    this.workerId = o.workerId ?? `${os.hostname()}:${process.pid}`;
  }

  async start(): Promise<void> {
    await this.refreshCaches();
    this.reconcile();
    await this.queue;
    this.timer = setInterval(() => void this.tick(), this.o.tickMs ?? 500);
    this.timer.unref();
  }

  /**
   * Apply the catalog as it is NOW. The snapshot is taken at the call, not when the queued step runs: a script
   * executes all its statements before any step runs, and `PAUSE …; ALTER … RESET OFFSETS; RESUME …` must still
   * pause, reset and resume in that order.
   */
  reconcile(): void {
    if (this.stopped) return;
    const snapshot = this.o.catalog.listConnectors();
    this.queue = this.queue.then(() => this.apply(snapshot)).catch((err) => this.o.logger.error(`scheduler: ${describeError(err)}`));
  }

  /** SIGINT/SIGTERM: stop polling, let batches finish, flush, commit, persist status. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.persistTimer) clearTimeout(this.persistTimer);
    this.persistTimer = undefined;
    await this.queue;
    await Promise.all([...this.workers.values()].map((w) => w.stop()));
    this.persistStatus(true);
    this.workers.clear();
    await this.taskPool?.close();
    this.taskPool = undefined;
  }

  status(record: ConnectorRecord): ConnectorStatusRecord | undefined {
    const w = this.workers.get(record.id);
    return w ? w.status() : this.o.catalog.getStatus(record.id);
  }

  topics(): readonly TopicInfo[] {
    return this.topicCache;
  }

  sourceOffsets(connector: string): readonly SourceOffset[] {
    return this.offsetCache.get(connector) ?? [];
  }

  sinkPositions(connector: string): readonly SinkPosition[] {
    return this.positionCache.get(connector) ?? [];
  }

  async resetOffsets(connector: string): Promise<void> {
    const run = this.queue.then(async () => {
      await this.log.resetOffsets(connector);
      this.offsetCache.delete(connector);
      this.positionCache.delete(connector);
    });
    this.queue = run.catch(() => undefined);
    await run;
  }

  /**
   * Resolves once every change asked for so far has been applied and every connector that should run has started
   * its tasks or failed — or after `maxMs`, since a task may retry its start for a long time (a database that is
   * down): what a status shows is then still true, only not final.
   */
  async settled(maxMs = SETTLE_MAX_MS, signal?: AbortSignal): Promise<void> {
    const until = Date.now() + maxMs;
    await this.queue;
    while (!this.stopped && !signal?.aborted && Date.now() < until && [...this.workers.values()].some((w) => w.isStarting)) {
      await new Promise((r) => setTimeout(r, IDLE_CHECK_MS));
    }
  }

  /**
   * Resolves when every running connector is idle (sources found nothing new, sinks committed everything) or
   * FAILED — 'failed' if any failed, so healthy connectors still deliver everything before the exit. Two consecutive idle observations are required, so a record handed from a
   * source to a sink between two checks is not missed.
   */
  async untilIdle(signal?: AbortSignal): Promise<IdleOutcome> {
    let idleChecks = 0;
    for (;;) {
      if (signal?.aborted || this.stopped) return 'stopped';
      await this.queue;
      const running = [...this.workers.values()].filter((w) => w.record.desiredState === 'RUNNING');
      // A FAILED connector stays failed until RESTART: it counts as done, and the others still drain.
      const idle = (await Promise.all(running.map(async (w) => w.failed || (await w.isIdle())))).every(Boolean);
      idleChecks = idle ? idleChecks + 1 : 0;
      if (idleChecks >= 2) return running.some((w) => w.failed) ? 'failed' : 'idle';
      await new Promise((r) => setTimeout(r, IDLE_CHECK_MS));
    }
  }

  private async apply(live: readonly ConnectorRecord[]): Promise<void> {
    if (this.stopped) return;
    const liveIds = new Set(live.map((r) => r.id));
    for (const [id, w] of this.workers) {
      if (!liveIds.has(id)) {
        await w.stop();
        this.workers.delete(id);
        this.o.logger.info(`stopped dropped connector ${w.record.name}`);
      }
    }
    for (const record of live) {
      const current = this.workers.get(record.id);
      const def = this.o.registry.resolve(record.className);
      if (!def) continue;
      const stale = current !== undefined && current.key !== workerKey(record);
      if (current && !stale && current.record.desiredState === record.desiredState) continue;
      if (current) {
        const restarting = stale && record.desiredState === 'RUNNING';
        if (restarting) current.markRestarting();
        await current.stop(record.desiredState === 'PAUSED' ? 'PAUSED' : restarting ? 'RESTARTING' : 'UNASSIGNED');
      }
      const worker = new ConnectorWorker(record, def, this.deps(record.id), current?.status() ?? this.o.catalog.getStatus(record.id));
      this.workers.set(record.id, worker);
      if (record.desiredState === 'PAUSED') worker.markPaused();
      else worker.start();
    }
    // Only what this step changed (marked dirty by the workers): a server applies a step per statement, and
    // recomputing a hundred connectors' statuses each time was most of its busy time.
    this.persistStatus(false);
  }

  /** The task threads, started with the first task that needs them. */
  private pool(): TaskPool | undefined {
    const t = this.o.taskThreads;
    if (!t || this.stopped) return undefined;
    this.taskPool ??= new TaskPool({ log: this.log, dataDir: t.dataDir, logLevel: t.logLevel, secrets: t.secrets });
    return this.taskPool;
  }

  private deps(connectorId: number) {
    return {
      log: this.log,
      logger: this.o.logger,
      workerId: this.workerId,
      stdin: this.o.stdin,
      pool: this.pool(),
      onStatusChange: () => {
        this.statusDirty.add(connectorId);
        // State changes are persisted promptly (a FAILED should survive a crash soon after it) but together: each
        // save is a commit that waits for the disk, and a burst of changes (a script of CREATEs, a server under
        // load) would otherwise cost one each. Counters are saved each tick.
        if (this.persistTimer === undefined) {
          this.persistTimer = setTimeout(() => {
            this.persistTimer = undefined;
            this.persistStatus(false);
          }, STATUS_SAVE_DELAY_MS);
        }
      },
      onSinkCommitted: (connector: string, positions: readonly SinkPosition[]) => {
        const merged = new Map((this.positionCache.get(connector) ?? []).map((p) => [`${p.topic}\u0000${p.partition}`, p]));
        for (const p of positions) merged.set(`${p.topic}\u0000${p.partition}`, p);
        this.positionCache.set(connector, [...merged.values()]);
      },
    };
  }

  /**
   * Save the status of the given connectors (all, or those marked dirty) that changed since last saved, in ONE
   * catalog transaction: with many connectors, a transaction (and fsync) per connector per tick would dominate.
   */
  private persistStatus(all: boolean): void {
    const ids = all ? [...this.workers.keys()] : [...this.statusDirty];
    this.statusDirty.clear();
    const changed: { id: number; status: ConnectorStatusRecord; text: string }[] = [];
    for (const id of ids) {
      const w = this.workers.get(id);
      if (!w) continue;
      const status = w.status();
      const text = JSON.stringify({ ...status, updatedAt: '' });
      if (this.lastSaved.get(id) === text) continue;
      changed.push({ id, status, text });
    }
    if (changed.length === 0) return;
    try {
      this.o.catalog.transaction(() => {
        for (const c of changed) {
          const w = this.workers.get(c.id)!;
          if (this.o.catalog.getConnector(w.record.name)?.id === c.id) this.o.catalog.saveStatus(c.id, c.status);
        }
      });
      for (const c of changed) this.lastSaved.set(c.id, c.text);
    } catch (err) {
      this.o.logger.warn(`cannot save connector status: ${describeError(err)}`);
    }
  }


  private async tick(): Promise<void> {
    if (this.stopped) return;
    this.reconcile();
    try {
      await this.refreshCaches();
      await this.log.enforceRetention();
    } catch (err) {
      this.o.logger.warn(`runtime tick: ${describeError(err)}`);
    }
    this.persistStatus(true);
  }

  private async refreshCaches(): Promise<void> {
    this.topicCache = await this.log.listTopics();
    let read = 0;
    for (const c of this.o.catalog.listConnectors()) {
      if (c.type === 'SOURCE') this.offsetCache.set(c.name, await this.log.listSourceOffsets(c.name));
      else this.positionCache.set(c.name, (await this.log.readSinkCommit(c.name)).positions);
      // The embedded log answers at once: with a hundred connectors this loop held the event loop (and every
      // client of a server) for milliseconds each tick. Other work gets a turn every few connectors.
      if (++read % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
