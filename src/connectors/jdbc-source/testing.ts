/**
 * Test support for the JDBC source: drives tasks through the SourceTask contract with a fake context whose
 * offsets the test commits, as the runtime would after delivery. Excluded from the build (src/**\/testing.ts).
 */

import type { SourceRecord, SourceTaskContext, TaskLogger } from '../api.js';
import { JdbcSourceTask } from './task.js';

function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stable(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Committed source offsets, keyed by partition; round-trips through JSON like a real offset store. */
export class OffsetStore {
  readonly #map = new Map<string, string>();

  commit(records: readonly SourceRecord[]): void {
    for (const r of records) this.#map.set(stable(r.sourcePartition), JSON.stringify(r.sourceOffset));
  }

  set(partition: Record<string, unknown>, offset: Record<string, unknown> | null): void {
    this.#map.set(stable(partition), JSON.stringify(offset));
  }

  get(partition: Record<string, unknown>): Record<string, unknown> | null | undefined {
    const raw = this.#map.get(stable(partition));
    return raw === undefined ? undefined : (JSON.parse(raw) as Record<string, unknown> | null);
  }

  entries(): [string, unknown][] {
    return [...this.#map].map(([k, v]) => [k, JSON.parse(v)]);
  }
}

export interface FakeContext extends SourceTaskContext {
  logs: string[];
  abort(): void;
}

export function fakeContext(config: Record<string, string>, store: OffsetStore, taskId = 0): FakeContext {
  const logs: string[] = [];
  const controller = new AbortController();
  const log = (level: string) => (m: string) => void logs.push(`${level} ${m}`);
  const logger: TaskLogger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  return {
    connector: 'test',
    taskId,
    config,
    offset: (p) => store.get(p),
    logger,
    signal: controller.signal,
    logs,
    abort: () => controller.abort(),
  };
}

export async function startTask(config: Record<string, string>, store = new OffsetStore()): Promise<{ task: JdbcSourceTask; ctx: FakeContext; store: OffsetStore }> {
  const task = new JdbcSourceTask();
  const ctx = fakeContext(config, store);
  await task.start(ctx);
  return { task, ctx, store };
}

/** One poll; its records are committed unless `commit` is false (a crash before delivery). */
export async function pollOnce(task: JdbcSourceTask, store: OffsetStore, commit = true): Promise<SourceRecord[]> {
  const records = await task.poll();
  if (commit) store.commit(records);
  return records;
}

/**
 * Polls (committing) until a poll returns nothing and the task is idle: every table's last pass found nothing
 * new. Waits briefly first and between empty polls, as the runtime would, so that with the tiny poll.interval.ms
 * of incremental tests a new pass is due (idle() still describes the previous pass until then).
 */
export async function drain(task: JdbcSourceTask, store: OffsetStore, maxPolls = 1000): Promise<SourceRecord[]> {
  const all: SourceRecord[] = [];
  await new Promise((r) => setTimeout(r, 3));
  for (let i = 0; i < maxPolls; i++) {
    const records = await pollOnce(task, store);
    all.push(...records);
    if (records.length === 0) {
      if (task.idle()) return all;
      await new Promise((r) => setTimeout(r, 2));
    }
  }
  throw new Error(`not idle after ${maxPolls} polls`);
}

/** The value objects of records (schemaless). */
export const values = (records: readonly SourceRecord[]) => records.map((r) => r.value as Record<string, unknown>);
