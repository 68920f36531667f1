import type { ActivityRecord } from '../catalog/types.js';
import type { ActivityReport } from '../connectors/api.js';
import { describeError } from './task-status.js';

/**
 * The activity to show after a report: `since` is when the activity began and is kept while it goes on (attempts
 * and retries of one connection keep the time the connecting began); the last error is kept until it is done.
 */
export function nextActivity(before: ActivityRecord | undefined, report: ActivityReport | undefined, now: number): ActivityRecord | undefined {
  if (report === undefined) return undefined;
  const continues = before !== undefined && (before.what === report.what || (before.phase !== 'waiting' && report.phase !== 'waiting'));
  const next: ActivityRecord = { phase: report.phase, what: report.what, since: continues ? before.since : new Date(now).toISOString() };
  if (report.attempt !== undefined) next.attempt = report.attempt;
  if (report.attempts !== undefined) next.attempts = report.attempts;
  if (report.phase === 'retrying' && report.retryInMs !== undefined) next.nextAt = new Date(now + Math.max(0, report.retryInMs)).toISOString();
  const lastError = report.error !== undefined ? describeError(report.error) : continues ? before.lastError : undefined;
  if (lastError !== undefined) next.lastError = lastError;
  return next;
}

export function sameActivity(a: ActivityRecord | undefined, b: ActivityRecord | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The warning logged for a retry a connector or task reports itself (a JDBC connection attempt), worded as the
 * runtime's own retries are: without it a database that is down said nothing on stderr until the attempts were spent.
 */
export function retryWarning(a: ActivityReport): string {
  const attempt = a.attempt !== undefined ? `attempt ${a.attempt}${a.attempts !== undefined ? ` of ${a.attempts}` : ''}, ` : '';
  const wait = a.retryInMs !== undefined ? `retrying in ${a.retryInMs} ms` : 'retrying';
  return `${a.what} failed (${attempt}${wait}): ${describeError(a.error)}`;
}
