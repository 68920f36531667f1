import { afterEach, describe, expect, it } from 'vitest';
import { RetriableTaskError } from '../connectors/api.js';
import type { SourceRecord, SourceTask } from '../connectors/api.js';
import type { Guarantee } from '../connectors/schema.js';
import { EmbeddedLog } from '../platform/embedded/index.js';
import { BatchReader, type EncodedBatch } from '../platform/encoded-batch.js';
import type { Log, SourceOffset } from '../platform/log.js';
import { partitionKey } from '../platform/canonical-json.js';
import type { RetryPolicy } from './retry.js';
import { offsetsToCommit, SourceRunner, type SourceLog } from './source-runner.js';
import { TaskStatus } from './task-status.js';
import { captureLogger, eventually, FaultyLog, NumberedSource, readAll } from './testing.js';

const CONNECTOR = 'numbers-src';
const NO_RETRY: RetryPolicy = { timeoutMs: 0, maxDelayMs: 10 };

const logs: EmbeddedLog[] = [];
afterEach(async () => {
  for (const l of logs.splice(0)) await l.close();
});
function embedded(): EmbeddedLog {
  const l = EmbeddedLog.inMemory();
  logs.push(l);
  return l;
}

/** Runs a source runner (offsets loaded from the log, as the worker does) until its task is idle or failed, then stops it. */
async function runSource(log: Log, task: NumberedSource, guarantee: Guarantee, retry: RetryPolicy = NO_RETRY) {
  const offsets = new Map((await log.listSourceOffsets(CONNECTOR)).map((o) => [partitionKey(o.partition), o.offset]));
  const status = new TaskStatus(0, () => undefined);
  const { logger, lines } = captureLogger();
  const runner = new SourceRunner({ connector: CONNECTOR, taskId: 0, config: {}, guarantee, task, log, status, logger, retry, offsets, onTopic: () => undefined });
  const ac = new AbortController();
  const done = runner.run(ac.signal);
  await eventually(() => runner.isIdle || status.state === 'FAILED', 5_000, 'the source to be idle or failed');
  ac.abort();
  await done;
  return { status, lines };
}

const values = async (log: Log) => (await readAll(log, 'numbers')).map((r) => r.value);
const committed = async (log: Log): Promise<SourceOffset[]> => log.listSourceOffsets(CONNECTOR);
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
/** The write calls in order, batches shown by their first value. */
const firstValue = (batch: unknown) => {
  const b = batch as EncodedBatch;
  return b.length === 0 ? undefined : (JSON.parse(new BatchReader(b).value(0) ?? 'null') as unknown);
};
const writes = (log: FaultyLog) =>
  log.calls
    .filter((c) => c.method === 'appendEncoded' || c.method === 'commitSourceOffsets')
    .map((c) => (c.method === 'appendEncoded' ? `append(${(firstValue(c.args[0]) as number) ?? '-'}${c.args[1] ? '+offsets' : ''})` : `commit(${JSON.stringify((c.args[1] as SourceOffset[])[0]?.offset)})`));
/** A fault on the batch starting at `first`. */
const batchFrom = (first: number) => (args: unknown[]) => firstValue(args[0]) === first;
const offsetsUpTo = (n: number) => (args: unknown[]) => (args[1] as SourceOffset[]).some((o) => o.offset?.['n'] === n);

describe('offsetsToCommit', () => {
  it('keeps the last offset per source partition and skips records without one', () => {
    const rec = (p: string, n: number | null) => ({ sourcePartition: { p }, sourceOffset: n === null ? null : { n }, topic: 't', key: null, value: n });
    expect(offsetsToCommit([rec('a', 1), rec('b', 7), rec('a', 2), rec('b', null)])).toEqual([
      { partition: { p: 'a' }, offset: { n: 2 } },
      { partition: { p: 'b' }, offset: { n: 7 } },
    ]);
  });
});

describe('source runner guarantees', () => {
  it('ATMOST_ONCE commits the offsets before appending: a failure after the commit loses the batch, never repeats it', async () => {
    const log = new FaultyLog(embedded()).failOnce('appendEncoded', { match: batchFrom(5) });
    const first = await runSource(log, new NumberedSource(15, 5), 'ATMOST_ONCE');
    expect(first.status.state).toBe('FAILED');
    expect(first.status.trace).toContain('injected failure in appendEncoded');
    expect(writes(log)).toEqual(['commit({"n":5})', 'append(0)', 'commit({"n":10})', 'append(5)']);
    expect(await values(log)).toEqual(range(0, 5));
    expect(await committed(log)).toEqual([{ partition: NumberedSource.PARTITION, offset: { n: 10 } }]);

    // After a restart the source resumes after the lost batch: 5..9 are gone, nothing is repeated.
    const task = new NumberedSource(15, 5);
    const second = await runSource(log, task, 'ATMOST_ONCE');
    expect(second.status.state).toBe('RUNNING');
    expect(await values(log)).toEqual([...range(0, 5), ...range(10, 15)]);
    expect(await committed(log)).toEqual([{ partition: NumberedSource.PARTITION, offset: { n: 15 } }]);
  });

  it('ATLEAST_ONCE appends, then commits: a failure in between repeats the batch after a restart, never loses it', async () => {
    const log = new FaultyLog(embedded()).failOnce('commitSourceOffsets', { match: offsetsUpTo(10) });
    const first = await runSource(log, new NumberedSource(15, 5), 'ATLEAST_ONCE');
    expect(first.status.state).toBe('FAILED');
    expect(writes(log)).toEqual(['append(0)', 'commit({"n":5})', 'append(5)', 'commit({"n":10})']);
    expect(await values(log)).toEqual(range(0, 10));
    expect(await committed(log)).toEqual([{ partition: NumberedSource.PARTITION, offset: { n: 5 } }]);

    await runSource(log, new NumberedSource(15, 5), 'ATLEAST_ONCE');
    // 5..9 twice (the batch whose commit failed is polled again), nothing missing.
    expect(await values(log)).toEqual([...range(0, 10), ...range(5, 15)]);
    expect(await committed(log)).toEqual([{ partition: NumberedSource.PARTITION, offset: { n: 15 } }]);
  });

  it('ATLEAST_ONCE retried in process also repeats rather than loses', async () => {
    const log = new FaultyLog(embedded()).failOnce('commitSourceOffsets', {
      match: offsetsUpTo(10),
      error: () => new RetriableTaskError('commit timed out'),
    });
    const run = await runSource(log, new NumberedSource(15, 5), 'ATLEAST_ONCE', { timeoutMs: 10_000, maxDelayMs: 5 });
    expect(run.status.state).toBe('RUNNING');
    expect(run.status.errors).toBe(1);
    expect(await values(log)).toEqual([...range(0, 10), ...range(5, 15)]);
  });

  it.each([
    ['before', false],
    ['after', true],
  ])('EFFECTIVELY_ONCE writes records and offsets in one append: a failure %s it leaves both or neither', async (_, after) => {
    const log = new FaultyLog(embedded()).failOnce('appendEncoded', { match: batchFrom(5), after });
    const first = await runSource(log, new NumberedSource(15, 5), 'EFFECTIVELY_ONCE');
    expect(first.status.state).toBe('FAILED');
    expect(writes(log)).toEqual(['append(0+offsets)', 'append(5+offsets)']);
    expect(await values(log)).toEqual(range(0, after ? 10 : 5));
    expect(await committed(log)).toEqual([{ partition: NumberedSource.PARTITION, offset: { n: after ? 10 : 5 } }]);

    await runSource(log, new NumberedSource(15, 5), 'EFFECTIVELY_ONCE');
    expect(await values(log)).toEqual(range(0, 15));
    expect(await committed(log)).toEqual([{ partition: NumberedSource.PARTITION, offset: { n: 15 } }]);
    // Never a separate offset commit.
    expect(log.count('commitSourceOffsets')).toBe(0);
    const appendCommit = log.calls.filter((c) => c.method === 'appendEncoded').map((c) => c.args[1]);
    expect(appendCommit.length).toBeGreaterThan(0);
    expect(appendCommit.every((c) => (c as { connector: string }).connector === CONNECTOR)).toBe(true);
  });

  it('EFFECTIVELY_ONCE retried in process delivers each record once', async () => {
    const log = new FaultyLog(embedded()).failOnce('appendEncoded', { match: batchFrom(5), error: () => new RetriableTaskError('database is locked') });
    const run = await runSource(log, new NumberedSource(15, 5), 'EFFECTIVELY_ONCE', { timeoutMs: 10_000, maxDelayMs: 5 });
    expect(run.status.state).toBe('RUNNING');
    expect(run.status.errors).toBe(1);
    expect(await values(log)).toEqual(range(0, 15));
    expect(log.count('commitSourceOffsets')).toBe(0);
  });

  it('counts records in and out and stops the task when stopped', async () => {
    const log = embedded();
    const task = new NumberedSource(12, 5);
    const run = await runSource(log, task, 'ATLEAST_ONCE');
    expect(run.status.record()).toMatchObject({ state: 'RUNNING', recordsIn: 12, recordsOut: 12, errors: 0 });
    expect(task.started).toBe(1);
    expect(task.stopped).toBe(1);
  });

  it('delivers a batch whose poll was under way when the stop came (a source without offsets cannot poll it again)', async () => {
    const log = embedded();
    let release: (() => void) | undefined;
    const polled = new Promise<void>((resolve) => (release = resolve));
    let polls = 0;
    // Like stdin: no offsets, and the poll returns its lines only after the stop was requested.
    const task: SourceTask = {
      start: async () => undefined,
      poll: async (): Promise<SourceRecord[]> => {
        if (++polls > 1) return [];
        release?.();
        await new Promise((r) => setTimeout(r, 50));
        return ['a', 'b'].map((value) => ({ sourcePartition: { filename: '' }, sourceOffset: null, topic: 'stdin', key: null, value }));
      },
      stop: async () => undefined,
    };
    const status = new TaskStatus(0, () => undefined);
    const runner = new SourceRunner({ connector: CONNECTOR, taskId: 0, config: {}, guarantee: 'ATLEAST_ONCE', task, log, status, logger: captureLogger().logger, retry: NO_RETRY, offsets: new Map(), onTopic: () => undefined });
    const ac = new AbortController();
    const done = runner.run(ac.signal);
    await polled;
    ac.abort();
    await done;
    expect((await readAll(log, 'stdin')).map((r) => r.value)).toEqual(['a', 'b']);
    expect(status.record()).toMatchObject({ recordsIn: 2, recordsOut: 2 });
  });

  it('polls the next batches while one is being written, delivers in order, and is idle only once all are written', async () => {
    const inner = embedded();
    const task = new NumberedSource(50, 5);
    const events: string[] = [];
    let writing = 0;
    // A log that takes a while per batch, as one on another thread or across the network does.
    const slow: SourceLog = {
      ensureTopic: (name, config) => inner.ensureTopic(name, config),
      commitSourceOffsets: (connector, offsets) => inner.commitSourceOffsets(connector, offsets),
      appendEncoded: async (batch, commit) => {
        writing += 1;
        events.push(`write ${String(firstValue(batch))} at poll ${task.polls}`);
        await new Promise((r) => setTimeout(r, 20));
        await inner.appendEncoded(batch, commit);
        writing -= 1;
      },
    };
    const status = new TaskStatus(0, () => undefined);
    const runner = new SourceRunner({ connector: CONNECTOR, taskId: 0, config: {}, guarantee: 'EFFECTIVELY_ONCE', task, log: slow, status, logger: captureLogger().logger, retry: NO_RETRY, offsets: new Map(), onTopic: () => undefined });
    const ac = new AbortController();
    const done = runner.run(ac.signal);
    let idleWhileWriting = false;
    await eventually(() => {
      if (runner.isIdle && writing > 0) idleWhileWriting = true;
      return runner.isIdle;
    }, 5_000, 'the source to be idle');
    ac.abort();
    await done;
    expect(idleWhileWriting).toBe(false);
    expect(await values(inner)).toEqual(range(0, 50));
    expect(writing).toBe(0);
    // Batch k (first value 5k) is written while later polls happen: at most two batches ahead of the writer.
    const pollAtWrite = events.map((e) => Number(/at poll (\d+)/.exec(e)![1]));
    expect(events.map((e) => Number(/write (\d+)/.exec(e)![1]))).toEqual(range(0, 10).map((k) => 5 * k));
    expect(pollAtWrite.some((p, k) => p > k + 1)).toBe(true);
    expect(pollAtWrite.every((p, k) => p <= k + 3)).toBe(true);
  });
});
