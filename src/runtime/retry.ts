import { Backoff, sleep } from './backoff.js';
import { describeError, isRetriable, type TaskStatus } from './task-status.js';
import type { Logger } from './logger.js';

export interface RetryPolicy {
  timeoutMs: number;
  maxDelayMs: number;
}

/**
 * Run `fn`; on a retriable error wait with jittered backoff and try again until the policy's budget is spent.
 * Non-retriable errors, and retriable ones past the budget, are thrown. Returns undefined if stopped. While it
 * waits to try again the task's activity says so (attempt, next attempt, last error); each failure is counted.
 */
export async function withRetries<T>(
  what: string,
  fn: () => Promise<T>,
  ctx: { policy: RetryPolicy; signal: AbortSignal; status: TaskStatus; logger: Logger },
  opts: { evenIfStopped?: boolean } = {},
): Promise<T | undefined> {
  const backoff = new Backoff({ timeoutMs: ctx.policy.timeoutMs, maxDelayMs: ctx.policy.maxDelayMs });
  // evenIfStopped: the first attempt happens even after a stop (work already taken on must be finished); retries do not.
  try {
    for (let first = true; ; first = false) {
      if (ctx.signal.aborted && !(first && opts.evenIfStopped)) return undefined;
      try {
        const result = await fn();
        if (backoff.attempts > 0) ctx.logger.info(`${what} succeeded after ${backoff.attempts} retr${backoff.attempts === 1 ? 'y' : 'ies'}`);
        return result;
      } catch (err) {
        // Stopped meanwhile: no retry to announce (nor a warning that one comes), the stop ends it; the failure may be
        // the stop's own doing (a connection attempt cut short). Work finished even after a stop still counts its own.
        if (ctx.signal.aborted && isRetriable(err) && !(first && opts.evenIfStopped)) return undefined;
        ctx.status.error(err);
        const delay = isRetriable(err) ? backoff.next() : undefined;
        if (delay === undefined) throw err;
        ctx.logger.warn(`${what} failed (retrying in ${delay} ms): ${describeError(err)}`);
        ctx.status.report({ phase: 'retrying', what, attempt: backoff.attempts, retryInMs: delay, error: err });
        await sleep(delay, ctx.signal);
      }
    }
  } finally {
    // Done retrying, however it ended: a FAILED task's trace says the rest.
    if (backoff.attempts > 0) ctx.status.report(undefined);
  }
}
