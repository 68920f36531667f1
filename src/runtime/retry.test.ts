import { afterEach, describe, expect, it } from 'vitest';
import { RetriableTaskError } from '../connectors/api.js';
import { EmbeddedLog } from '../platform/embedded/index.js';
import { withRetries, type RetryPolicy } from './retry.js';
import { SourceRunner } from './source-runner.js';
import { TaskStatus } from './task-status.js';
import { captureLogger, eventually, NumberedSource, readAll } from './testing.js';

const logs: EmbeddedLog[] = [];
afterEach(async () => {
  for (const l of logs.splice(0)) await l.close();
});

/** A source runner over a fresh in-memory log whose task's poll fails as `failPoll` says. */
function start(failPoll: (poll: number) => Error | undefined, retry: RetryPolicy) {
  const log = EmbeddedLog.inMemory();
  logs.push(log);
  const task = new NumberedSource(6, 3);
  task.failPoll = failPoll;
  const status = new TaskStatus(0, () => undefined);
  const { logger, lines } = captureLogger();
  const runner = new SourceRunner({ connector: 'flaky', taskId: 0, config: {}, guarantee: 'ATLEAST_ONCE', task, log, status, logger, retry, offsets: new Map(), onTopic: () => undefined });
  const ac = new AbortController();
  const t0 = Date.now();
  const done = runner.run(ac.signal).then(() => Date.now() - t0);
  return { log, task, status, lines, runner, done, stop: () => (ac.abort(), done) };
}

const twiceThenFine = (poll: number) => (poll <= 2 ? new RetriableTaskError(`database busy (poll ${poll})`) : undefined);

describe('retries', () => {
  it('a retriable poll failure is retried within errors.retry.timeout: the task runs on and counts the errors', async () => {
    const r = start(twiceThenFine, { timeoutMs: 10_000, maxDelayMs: 10 });
    await eventually(() => r.runner.isIdle, 5_000, 'the source to go idle');
    expect(r.status.record()).toEqual({ id: 0, state: 'RUNNING', recordsIn: 6, recordsOut: 6, errors: 2 });
    expect(r.status.lastError?.message).toBe('RetriableTaskError: database busy (poll 2)');
    expect((await readAll(r.log, 'numbers')).map((x) => x.value)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(r.lines.filter((l) => l.includes('WARN') && l.includes('poll failed (retrying in'))).toHaveLength(2);
    expect(r.lines.some((l) => l.includes('poll succeeded after 2 retries'))).toBe(true);
    await r.stop();
    expect(r.task.stopped).toBe(1);
  });

  it('while it retries, the task says so (attempt, next attempt, last error, since the first failure); done, it says nothing', async () => {
    const seen: ReturnType<TaskStatus['record']>['activity'][] = [];
    const status = new TaskStatus(0, () => seen.push(status.activity));
    const { logger } = captureLogger();
    let calls = 0;
    const result = await withRetries(
      'poll',
      async () => {
        calls += 1;
        if (calls <= 2) throw new RetriableTaskError(`database busy (poll ${calls})`);
        return 'rows';
      },
      { policy: { timeoutMs: 10_000, maxDelayMs: 20 }, signal: new AbortController().signal, status, logger },
    );
    expect(result).toBe('rows');
    const [first, second, last] = seen;
    expect(first).toMatchObject({ phase: 'retrying', what: 'poll', attempt: 1, lastError: 'RetriableTaskError: database busy (poll 1)' });
    expect(second).toMatchObject({ phase: 'retrying', what: 'poll', attempt: 2, since: first!.since, lastError: 'RetriableTaskError: database busy (poll 2)' });
    expect(Date.parse(first!.nextAt!)).toBeGreaterThanOrEqual(Date.parse(first!.since));
    expect(last).toBeUndefined();
    expect(seen).toHaveLength(3);
    expect(status.errors).toBe(2);
    expect(status.record().activity).toBeUndefined();
  });

  it('with errors.retry.timeout=0 the first retriable failure fails the task, with the error as its trace', async () => {
    const r = start(twiceThenFine, { timeoutMs: 0, maxDelayMs: 10 });
    await r.done;
    expect(r.status.state).toBe('FAILED');
    expect(r.status.trace).toBe('RetriableTaskError: database busy (poll 1)');
    expect(r.status.errors).toBe(1);
    expect(r.task.polls).toBe(1);
    expect(r.task.stopped).toBe(1);
  });

  it('a non-retriable failure fails the task at once, even when retries are unlimited', async () => {
    const cause = Object.assign(new Error('no such table: users'), { code: 'SQLITE_ERROR' });
    const r = start((poll) => (poll === 1 ? new Error('query failed', { cause }) : undefined), { timeoutMs: -1, maxDelayMs: 10 });
    await r.done;
    expect(r.status.state).toBe('FAILED');
    expect(r.status.trace).toBe('Error: query failed — caused by Error SQLITE_ERROR: no such table: users');
    expect(r.task.polls).toBe(1);
  });

  it('gives up once the retry budget is spent', async () => {
    const r = start(() => new RetriableTaskError('still down'), { timeoutMs: 150, maxDelayMs: 20 });
    const took = await r.done;
    expect(r.status.state).toBe('FAILED');
    expect(r.status.trace).toBe('RetriableTaskError: still down');
    expect(took).toBeGreaterThanOrEqual(140);
    expect(took).toBeLessThan(2_000);
    expect(r.task.polls).toBeGreaterThan(3);
  });

  it('keeps each delay under errors.retry.delay.max.ms', async () => {
    const r = start((poll) => (poll <= 4 ? new RetriableTaskError('busy') : undefined), { timeoutMs: 60_000, maxDelayMs: 15 });
    const t0 = Date.now();
    await eventually(() => r.task.polls >= 5, 5_000, 'five polls');
    // Uncapped, four delays would be about 300 + 600 + 1200 + 2400 ms.
    expect(Date.now() - t0).toBeLessThan(1_000);
    const delays = r.lines.flatMap((l) => /retrying in (\d+) ms/.exec(l)?.[1] ?? []).map(Number);
    expect(delays).toHaveLength(4);
    for (const d of delays) expect(d).toBeLessThanOrEqual(15);
    await r.stop();
  });

  it('a stop ends the retry wait at once', async () => {
    const r = start(() => new RetriableTaskError('down'), { timeoutMs: -1, maxDelayMs: 60_000 });
    await eventually(() => r.task.polls >= 2, 5_000, 'a retry');
    const took = Date.now();
    await r.stop();
    expect(Date.now() - took).toBeLessThan(500);
    expect(r.status.state).toBe('RUNNING'); // stopped, not failed: the runner's owner sets the final state
  });
});

describe('withRetries', () => {
  it('returns undefined, without calling, once stopped', async () => {
    const ac = new AbortController();
    ac.abort();
    let calls = 0;
    const out = await withRetries('x', async () => ++calls, {
      policy: { timeoutMs: -1, maxDelayMs: 10 },
      signal: ac.signal,
      status: new TaskStatus(0, () => undefined),
      logger: captureLogger().logger,
    });
    expect(out).toBeUndefined();
    expect(calls).toBe(0);
  });
});
