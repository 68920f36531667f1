/**
 * The JDBC source task. One connection per task; its tables are polled one pass at a time (a table's pass runs
 * to the end of its result before another table's starts, as Confluent's querier queue does), round-robin,
 * each table at most every poll.interval.ms.
 *
 * Waiting is left to the runtime: when no table is due, or a pass found nothing new, poll() returns [] at once;
 * idleWaitMs() says how long until the next pass is due, and idle() whether every table's last pass found nothing
 * new (bulk: completed).
 */

import type { SourceRecord, SourceTask, SourceTaskContext } from '../api.js';
import { connectDialect, discoverTables } from './connect.js';
import type { Dialect, TableRef } from './dialect.js';
import { fatal, isRetriable } from './errors.js';
import { Querier } from './querier.js';
import { parseSettings, type Settings } from './settings.js';

/** Task config key with the tables assigned by taskConfigs (JSON array of TableRef; Confluent's 'tables'). */
export const TASK_TABLES = 'tables';

export function assignedTables(config: Readonly<Record<string, string>>): TableRef[] | undefined {
  const raw = config[TASK_TABLES];
  if (raw === undefined) return undefined;
  try {
    const parsed = JSON.parse(raw) as unknown;
    if (Array.isArray(parsed) && parsed.every((t) => typeof t === 'object' && t !== null && typeof (t as TableRef).name === 'string')) {
      return parsed as TableRef[];
    }
  } catch {
    // fall through
  }
  throw fatal(`task config '${TASK_TABLES}' is not a JSON list of tables`);
}

export class JdbcSourceTask implements SourceTask {
  #ctx: SourceTaskContext | undefined;
  #s: Settings | undefined;
  #dialect: Dialect | undefined;
  #queriers: Querier[] = [];
  #next = 0;

  async start(ctx: SourceTaskContext): Promise<void> {
    this.#ctx = ctx;
    const s = parseSettings(ctx.config);
    this.#s = s;
    const dialect = await connectDialect(s, ctx.signal, ctx.activity);
    try {
      const init = { dialect, settings: s, ctx };
      if (s.query !== '') {
        this.#queriers = [await Querier.create(init)];
      } else {
        const tables = assignedTables(ctx.config) ?? (await discoverTables(dialect, s));
        this.#queriers = [];
        for (const table of tables) this.#queriers.push(await Querier.create({ ...init, table }));
      }
    } catch (err) {
      await dialect.close();
      throw err;
    }
    this.#dialect = dialect;
    ctx.logger.info(`reading ${this.#queriers.map((q) => q.label).join(', ') || 'no tables'} from ${dialect.description} (mode ${s.mode})`);
  }

  async poll(): Promise<SourceRecord[]> {
    const ctx = this.#ctx;
    const s = this.#s;
    if (!ctx || !s) throw new Error('poll() before start()');
    if (ctx.signal.aborted) return [];
    const n = this.#queriers.length;
    const now = Date.now();
    // The table whose pass is open continues; otherwise due tables take turns.
    const open = this.#queriers.findIndex((q) => q.reading);
    const order = open >= 0 ? [open] : [];
    for (let i = 0; i < n; i++) {
      const at = (this.#next + i) % n;
      if (at !== open && this.#queriers[at]!.nextPassAt <= now) order.push(at);
    }
    for (const at of order) {
      const q = this.#queriers[at]!;
      let records: SourceRecord[];
      try {
        this.#dialect ??= await connectDialect(s, ctx.signal, ctx.activity);
        records = await q.poll(this.#dialect, s.batchMaxRows);
      } catch (err) {
        await this.#recover(err);
        throw err;
      }
      if (!q.reading) this.#next = (at + 1) % n;
      if (records.length > 0) return records;
      if (ctx.signal.aborted) break;
    }
    return [];
  }

  idle(): boolean {
    return this.#queriers.every((q) => !q.reading && q.caughtUp);
  }

  /** After an empty poll: until the next table's pass is due (at most poll.interval.ms). */
  idleWaitMs(): number {
    const interval = this.#s?.pollIntervalMs ?? 1_000;
    if (this.#queriers.some((q) => q.reading)) return 0;
    const next = Math.min(...this.#queriers.map((q) => q.nextPassAt));
    if (!Number.isFinite(next)) return interval;
    return Math.min(interval, Math.max(1, next - Date.now()));
  }

  async stop(): Promise<void> {
    for (const q of this.#queriers) await q.close();
    const d = this.#dialect;
    this.#dialect = undefined;
    await d?.close();
  }

  /** After a retriable failure the connection may be dead: drop it, the next poll reconnects. */
  async #recover(err: unknown): Promise<void> {
    for (const q of this.#queriers) await q.close();
    if (!isRetriable(err)) return;
    const d = this.#dialect;
    this.#dialect = undefined;
    await d?.close().catch(() => undefined);
  }
}
