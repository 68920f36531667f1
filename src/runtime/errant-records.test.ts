import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SinkRecord, SinkTask } from '../connectors/api.js';
import type { Guarantee } from '../connectors/schema.js';
import { EmbeddedLog } from '../platform/embedded/index.js';
import { ErrantRecords } from './errant-records.js';
import { SinkRunner } from './sink-runner.js';
import { TaskStatus } from './task-status.js';
import { captureLogger, eventually, readAll } from './testing.js';

/** A sink that refuses any record whose value contains "poison", and remembers what it accepted. */
class PickySink implements SinkTask {
  written: unknown[] = [];
  private pending: unknown[] = [];
  async start(): Promise<void> {
    this.pending = [];
  }
  async put(records: readonly SinkRecord[]): Promise<void> {
    for (const r of records) {
      if (String(r.value).includes('poison')) throw new TypeError(`cannot write ${String(r.value)}`);
      this.pending.push(r.value);
    }
  }
  async flush(): Promise<unknown> {
    this.written.push(...this.pending);
    this.pending = [];
    return { n: this.written.length };
  }
  async stop(): Promise<void> {}
}

let log: EmbeddedLog;
beforeEach(async () => {
  log = EmbeddedLog.inMemory();
  await log.append(['a', 'b', 'poison 1', 'c', 'poison 2', 'd'].map((value) => ({ topic: 'in', key: 'k', value })));
});
afterEach(async () => {
  await log.close();
});

async function run(opts: { tolerance: 'none' | 'all'; dlqTopic?: string; headers?: boolean; logEnable?: boolean; guarantee?: Guarantee }) {
  const status = new TaskStatus(0, () => undefined);
  const { logger, lines } = captureLogger();
  const task = new PickySink();
  const runner = new SinkRunner({
    connector: 'picky',
    taskId: 0,
    taskCount: 1,
    config: {},
    guarantee: opts.guarantee ?? 'ATLEAST_ONCE',
    task,
    log,
    status,
    logger,
    retry: { timeoutMs: 0, maxDelayMs: 10 },
    topics: ['in'],
    maxBatch: 100,
    onCommitted: () => undefined,
    errant: new ErrantRecords({
      connector: 'picky',
      taskId: 0,
      tolerance: opts.tolerance,
      logEnable: opts.logEnable ?? false,
      includeMessages: true,
      dlqTopic: opts.dlqTopic ?? '',
      dlqHeaders: opts.headers ?? false,
      log,
      logger,
    }),
  });
  const ac = new AbortController();
  const done = runner.run(ac.signal);
  await eventually(async () => status.state === 'FAILED' || (await runner.isCaughtUp()), 5_000, 'caught up or failed');
  ac.abort();
  await done;
  return { status, task, lines };
}

describe('errors.tolerance and the dead letter queue', () => {
  it("with 'none' a bad record fails the task and nothing after it is committed", async () => {
    const { status, task } = await run({ tolerance: 'none' });
    expect(status.state).toBe('FAILED');
    expect(status.trace).toContain('cannot write poison 1');
    expect(task.written).toEqual([]);
    expect((await log.readSinkCommit('picky')).positions.find((p) => p.topic === 'in')?.offset ?? 0).toBe(0);
  });

  it.each(['ATLEAST_ONCE', 'EFFECTIVELY_ONCE'] as const)("with 'all' (%s) bad records go to the DLQ with context headers and the rest flows", async (guarantee) => {
    const { status, task } = await run({ tolerance: 'all', dlqTopic: 'in-dlq', headers: true, guarantee });
    expect(status.state).toBe('RUNNING');
    expect(task.written).toEqual(['a', 'b', 'c', 'd']);
    expect(status.errors).toBe(2);
    const dlq = await readAll(log, 'in-dlq');
    expect(dlq.map((r) => r.value)).toEqual(['poison 1', 'poison 2']);
    expect(dlq[0]!.key).toBe('k');
    expect(dlq[0]!.headers).toMatchObject({
      '__connect.errors.topic': 'in',
      '__connect.errors.offset': '2',
      '__connect.errors.connector.name': 'picky',
      '__connect.errors.stage': 'TASK_PUT',
      '__connect.errors.exception.class.name': 'TypeError',
      '__connect.errors.exception.message': 'cannot write poison 1',
    });
    expect((await log.readSinkCommit('picky')).positions.find((p) => p.topic === 'in')?.offset).toBe(6);
  });

  it("with 'all' and no DLQ, bad records are skipped and, with errors.log.enable, logged with their content", async () => {
    const { task, lines } = await run({ tolerance: 'all', logEnable: true });
    expect(task.written).toEqual(['a', 'b', 'c', 'd']);
    expect(lines.filter((l) => l.includes('error tolerated'))).toHaveLength(2);
    expect(lines.some((l) => l.includes('value="poison 2"'))).toBe(true);
    expect(await log.describeTopic('in-dlq')).toBeUndefined();
  });

  it('without errors.log.enable tolerated errors are not logged', async () => {
    const { lines } = await run({ tolerance: 'all' });
    expect(lines.filter((l) => l.includes('error tolerated'))).toEqual([]);
  });
});
