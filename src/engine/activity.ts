import type { ActivityRecord, ConnectorStatusRecord } from '../catalog/types.js';
import type { ActivityInfo } from './results.js';

/** A delay for people: "0.4 s", "9.8 s", "2 min 5 s". */
function delay(ms: number): string {
  if (ms < 60_000) return `${(Math.max(0, ms) / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

function attemptOf(a: ActivityRecord): string {
  return a.attempt === undefined ? '' : `attempt ${a.attempt}${a.attempts !== undefined ? ` of ${a.attempts}` : ''}`;
}

/** One line: "connecting to X since T (attempt 2 of 3; last error: …)", "retrying poll since T: attempt 1 failed, next in 0.3 s; last error: …". */
export function describeActivity(a: ActivityRecord, now: number): string {
  const lastError = a.lastError !== undefined ? `last error: ${a.lastError}` : '';
  switch (a.phase) {
    case 'connecting': {
      const detail = [attemptOf(a), lastError].filter((x) => x !== '').join('; ');
      return `connecting to ${a.what} since ${a.since}${detail ? ` (${detail})` : ''}`;
    }
    case 'retrying': {
      const next = a.nextAt !== undefined ? `, next in ${delay(Date.parse(a.nextAt) - now)}` : '';
      return `retrying ${a.what} since ${a.since}: ${attemptOf(a) || 'an attempt'} failed${next}${lastError ? `; ${lastError}` : ''}`;
    }
    case 'waiting':
      return `waiting for ${a.what} since ${a.since}`;
  }
}

export function activityInfo(a: ActivityRecord, now: number): ActivityInfo {
  const info: ActivityInfo = { ...a, description: describeActivity(a, now) };
  delete (info as { nextAt?: string }).nextAt;
  if (a.nextAt !== undefined) {
    info.nextAttemptAt = a.nextAt;
    info.nextAttemptInMs = Math.max(0, Date.parse(a.nextAt) - now);
  }
  return info;
}

/** A few words for SHOW CONNECTORS: "connecting to X (attempt 2/3)", "retrying X (attempt 1/3 failed)", "task 1 waiting for file 'x'". */
export function activitySummary(status: ConnectorStatusRecord): string | undefined {
  const short = (a: ActivityRecord): string => {
    const n = a.attempt === undefined ? '' : `attempt ${a.attempt}${a.attempts !== undefined ? `/${a.attempts}` : ''}`;
    switch (a.phase) {
      case 'connecting':
        return `connecting to ${a.what}${n ? ` (${n})` : ''}`;
      case 'retrying':
        return `retrying ${a.what} (${n || 'an attempt'} failed)`;
      case 'waiting':
        return `waiting for ${a.what}`;
    }
  };
  if (status.activity) return short(status.activity);
  const busy = status.tasks.filter((t) => t.activity !== undefined && (t.state === 'RUNNING' || t.state === 'UNASSIGNED'));
  if (busy.length === 0) return undefined;
  const first = busy[0]!;
  const prefix = status.tasks.length > 1 ? `task ${first.id} ` : '';
  return `${prefix}${short(first.activity!)}${busy.length > 1 ? ` (+${busy.length - 1} more)` : ''}`;
}
