import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RetriableTaskError } from '../connectors/api.js';
import { FileSinkTask } from '../connectors/file-sink/task.js';
import type { Guarantee } from '../connectors/schema.js';
import { EmbeddedLog } from '../platform/embedded/index.js';
import type { Log, SinkCommit } from '../platform/log.js';
import type { RetryPolicy } from './retry.js';
import { SinkRunner } from './sink-runner.js';
import { TaskStatus } from './task-status.js';
import { captureLogger, eventually, FaultyLog, tempDir } from './testing.js';

const CONNECTOR = 'file-out';
const TOPIC = 'lines';
const TOTAL = 12;
const BATCH = 4;
const NO_RETRY: RetryPolicy = { timeoutMs: 0, maxDelayMs: 10 };
const RETRY: RetryPolicy = { timeoutMs: 10_000, maxDelayMs: 5 };

let tmp: ReturnType<typeof tempDir>;
let out: string;
let log: EmbeddedLog;
beforeEach(async () => {
  tmp = tempDir('sluice-sink-');
  out = tmp.file('out.txt');
  log = EmbeddedLog.inMemory();
  await log.append(Array.from({ length: TOTAL }, (_, i) => ({ topic: TOPIC, key: null, value: `line ${i}` })));
});
afterEach(async () => {
  await log.close();
  tmp.cleanup();
});

/** Runs a file sink runner until it has committed everything or failed, then stops it (as a worker stop would). */
async function runSink(l: Log, guarantee: Guarantee, retry: RetryPolicy = NO_RETRY) {
  const status = new TaskStatus(0, () => undefined);
  const { logger, lines } = captureLogger();
  const runner = new SinkRunner({
    connector: CONNECTOR,
    taskId: 0,
    taskCount: 1,
    config: { file: out, topics: TOPIC },
    guarantee,
    task: new FileSinkTask(),
    log: l,
    status,
    logger,
    retry,
    topics: [TOPIC],
    maxBatch: BATCH,
    onCommitted: () => undefined,
  });
  const ac = new AbortController();
  const done = runner.run(ac.signal);
  await eventually(async () => status.state === 'FAILED' || (await runner.isCaughtUp()), 5_000, 'the sink to catch up or fail');
  ac.abort();
  await done;
  return { status, lines };
}

const fileLines = () => (fs.existsSync(out) ? fs.readFileSync(out, 'utf8').split('\n').slice(0, -1) : []);
const expected = (...ranges: [number, number][]) => ranges.flatMap(([a, b]) => Array.from({ length: b - a }, (_, i) => `line ${a + i}`));
const committedOffset = async () => (await log.readSinkCommit(CONNECTOR)).positions.find((p) => p.topic === TOPIC)?.offset ?? 0;
/** A fault on the commit of the batch that ends at `offset` (the next offset to read). */
const commitUpTo = (offset: number) => (args: unknown[]) => (args[1] as SinkCommit).positions.some((p) => p.offset === offset);

describe('sink runner: EFFECTIVELY_ONCE with the file sink', () => {
  it.each([
    ['the first batch', BATCH],
    ['a later batch', 2 * BATCH],
  ])('a commit failing after the flush of %s is retried and the file has every line once', async (_, upTo) => {
    const faulty = new FaultyLog(log).failOnce('commitSink', { match: commitUpTo(upTo), error: () => new RetriableTaskError('commit lost') });
    const run = await runSink(faulty, 'EFFECTIVELY_ONCE', RETRY);
    expect(faulty.pendingFaults).toBe(0);
    expect(run.status.record()).toMatchObject({ state: 'RUNNING', errors: 1, recordsOut: TOTAL });
    expect(fileLines()).toEqual(expected([0, TOTAL]));
    expect(await committedOffset()).toBe(TOTAL);
    expect((await log.readSinkCommit(CONNECTOR)).state).toEqual({ length: fs.statSync(out).size, file: out });
  });

  it.each([
    ['the first batch', BATCH],
    ['a later batch', 2 * BATCH],
  ])('a crash between the flush and the commit of %s: a restart from the last commit leaves every line once', async (_, upTo) => {
    const faulty = new FaultyLog(log).failOnce('commitSink', { match: commitUpTo(upTo) });
    const crashed = await runSink(faulty, 'EFFECTIVELY_ONCE');
    expect(crashed.status.state).toBe('FAILED');
    expect(crashed.status.trace).toContain('injected failure in commitSink');
    // The batch is in the file but not committed.
    expect(fileLines()).toEqual(expected([0, upTo]));
    expect(await committedOffset()).toBe(upTo - BATCH);

    const again = await runSink(log, 'EFFECTIVELY_ONCE');
    expect(again.status.state).toBe('RUNNING');
    expect(fileLines()).toEqual(expected([0, TOTAL]));
    expect(await committedOffset()).toBe(TOTAL);
  });

  it('a file that existed before the connector keeps its content through a crash on the first batch', async () => {
    fs.writeFileSync(out, 'old 1\nold 2\n');
    const faulty = new FaultyLog(log).failOnce('commitSink', { match: commitUpTo(BATCH) });
    expect((await runSink(faulty, 'EFFECTIVELY_ONCE')).status.state).toBe('FAILED');
    await runSink(log, 'EFFECTIVELY_ONCE');
    expect(fileLines()).toEqual(['old 1', 'old 2', ...expected([0, TOTAL])]);
  });

  it('commits the file length with the positions, after the data is in the file', async () => {
    const faulty = new FaultyLog(log);
    const seen: { size: number; commit: SinkCommit }[] = [];
    faulty.observe = (method, args) => {
      if (method === 'commitSink') seen.push({ size: fs.existsSync(out) ? fs.statSync(out).size : 0, commit: args[1] as SinkCommit });
    };
    await runSink(faulty, 'EFFECTIVELY_ONCE');
    const withData = seen.filter((s) => s.commit.positions.length > 0);
    expect(withData.map((s) => s.commit.positions[0]!.offset)).toEqual([4, 8, 12]);
    for (const s of withData) expect(s.commit.state).toEqual({ length: s.size, file: out });
  });
});

describe('sink runner: ATLEAST_ONCE with the file sink', () => {
  it('a crash between the flush and the commit repeats the batch after a restart, never loses it', async () => {
    const faulty = new FaultyLog(log).failOnce('commitSink', { match: commitUpTo(2 * BATCH) });
    expect((await runSink(faulty, 'ATLEAST_ONCE')).status.state).toBe('FAILED');
    expect(fileLines()).toEqual(expected([0, 2 * BATCH]));
    await runSink(log, 'ATLEAST_ONCE');
    expect(fileLines()).toEqual(expected([0, 2 * BATCH], [BATCH, TOTAL]));
    expect(await committedOffset()).toBe(TOTAL);
  });

  it('a retried commit repeats the batch too (and commits no sink state)', async () => {
    const faulty = new FaultyLog(log).failOnce('commitSink', { match: commitUpTo(2 * BATCH), error: () => new RetriableTaskError('commit lost') });
    const run = await runSink(faulty, 'ATLEAST_ONCE', RETRY);
    expect(run.status.state).toBe('RUNNING');
    expect(fileLines()).toEqual(expected([0, 2 * BATCH], [BATCH, TOTAL]));
    expect((await log.readSinkCommit(CONNECTOR)).state).toBeUndefined();
  });
});

describe('sink runner: ATMOST_ONCE with the file sink', () => {
  it('commits the positions before writing: a crash right after the commit loses the batch, never repeats it', async () => {
    const faulty = new FaultyLog(log).failOnce('commitSink', { match: commitUpTo(2 * BATCH), after: true });
    const sizes: number[] = [];
    faulty.observe = (method) => {
      if (method === 'commitSink') sizes.push(fs.existsSync(out) ? fs.statSync(out).size : 0);
    };
    expect((await runSink(faulty, 'ATMOST_ONCE')).status.state).toBe('FAILED');
    // At each commit the file did not hold the batch being committed yet.
    expect(sizes).toEqual([0, Buffer.byteLength(expected([0, BATCH]).join('\n') + '\n')]);
    expect(fileLines()).toEqual(expected([0, BATCH]));
    expect(await committedOffset()).toBe(2 * BATCH);

    await runSink(log, 'ATMOST_ONCE');
    expect(fileLines()).toEqual(expected([0, BATCH], [2 * BATCH, TOTAL]));
  });
});

describe('sink runner', () => {
  it('picks up records appended while it runs, and topics created after it started', async () => {
    const { logger } = captureLogger();
    const status = new TaskStatus(0, () => undefined);
    const runner = new SinkRunner({
      connector: CONNECTOR,
      taskId: 0,
      taskCount: 1,
      config: { file: out },
      guarantee: 'ATLEAST_ONCE',
      task: new FileSinkTask(),
      log,
      status,
      logger,
      retry: NO_RETRY,
      topics: /^l.*$/,
      maxBatch: BATCH,
      onCommitted: () => undefined,
    });
    const ac = new AbortController();
    const done = runner.run(ac.signal);
    await eventually(() => fileLines().length === TOTAL, 5_000, 'the first lines');
    await log.append([{ topic: TOPIC, key: null, value: 'late' }]);
    await log.append([{ topic: 'later', key: null, value: { a: 1 } }]);
    await eventually(() => fileLines().length === TOTAL + 2, 5_000, 'the late lines');
    expect(fileLines().slice(TOTAL).sort()).toEqual(['late', '{"a":1}']);
    await eventually(() => runner.isCaughtUp(), 5_000, 'caught up');
    ac.abort();
    await done;
    expect(status.record()).toMatchObject({ recordsIn: TOTAL + 2, recordsOut: TOTAL + 2 });
  });
});
