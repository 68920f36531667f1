import type { ActivityRecord, RuntimeState, TaskStatusRecord } from '../catalog/types.js';
import type { ActivityReport } from '../connectors/api.js';
import { nextActivity, sameActivity } from './activity.js';

/** Live counters and state of one task; the connector worker persists them. */
export class TaskStatus {
  state: RuntimeState = 'UNASSIGNED';
  trace: string | undefined;
  recordsIn = 0;
  recordsOut = 0;
  errors = 0;
  lastError: { message: string; at: string } | undefined;
  /** What the task is busy with beside its state (connecting, retrying, waiting for its input). */
  activity: ActivityRecord | undefined;
  private counted: object | undefined;

  constructor(
    readonly id: number,
    private readonly onChange: () => void,
  ) {}

  set(state: RuntimeState, trace?: string): void {
    if (this.state === state && this.trace === trace) return;
    this.state = state;
    this.trace = trace;
    this.onChange();
  }

  /** A report of the task (or of the runtime retrying for it); a retry's error counts as an error. */
  report(a: ActivityReport | undefined): void {
    if (a?.phase === 'retrying' && a.error !== undefined) this.error(a.error);
    this.setActivity(nextActivity(this.activity, a, Date.now()));
  }

  setActivity(activity: ActivityRecord | undefined): void {
    if (sameActivity(this.activity, activity)) return;
    this.activity = activity;
    this.onChange();
  }

  error(err: unknown): void {
    // The retry helper counts each failure as it happens; the runner's last-resort catch then sees the same error
    // object again when it gives up, which must not count twice.
    if (typeof err === 'object' && err !== null) {
      if (this.counted === err) return;
      this.counted = err;
    }
    this.errors += 1;
    this.lastError = { message: describeError(err), at: new Date().toISOString() };
  }

  record(): TaskStatusRecord {
    const r: TaskStatusRecord = { id: this.id, state: this.state, recordsIn: this.recordsIn, recordsOut: this.recordsOut, errors: this.errors };
    if (this.trace !== undefined) r.trace = this.trace;
    if (this.activity !== undefined) r.activity = this.activity;
    return r;
  }
}

export function isRetriable(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { retriable?: unknown }).retriable === true;
}

/** One line for status and logs: the error's class and message, then its causes (no stack frames: users read this). */
export function describeError(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e !== undefined && e !== null && depth < 5; depth += 1) {
    if (e instanceof Error) {
      const code = (e as { code?: unknown }).code;
      parts.push(`${e.name}${typeof code === 'string' ? ` ${code}` : ''}: ${e.message}`);
      e = e.cause;
    } else {
      parts.push(String(e));
      break;
    }
  }
  return parts.join(' — caused by ');
}
