import type { TaskStatus } from './task-status.js';

/**
 * What a task's worker thread and the main thread tell each other, for sources and sinks alike: the task's
 * status (mirrored into the main thread's TaskStatus, which the connector worker persists) and log lines.
 */
export interface StatusMessage {
  type: 'status';
  state: TaskStatus['state'];
  trace: string | undefined;
  recordsIn: number;
  recordsOut: number;
  errors: number;
  lastError: TaskStatus['lastError'];
  activity: TaskStatus['activity'];
}

export interface LogLineMessage {
  type: 'log';
  line: string;
}

export function statusMessage(s: TaskStatus): StatusMessage {
  return { type: 'status', state: s.state, trace: s.trace, recordsIn: s.recordsIn, recordsOut: s.recordsOut, errors: s.errors, lastError: s.lastError, activity: s.activity };
}

export function applyStatus(s: TaskStatus, m: StatusMessage): void {
  s.recordsIn = m.recordsIn;
  s.recordsOut = m.recordsOut;
  s.errors = m.errors;
  s.lastError = m.lastError;
  s.set(m.state, m.trace);
  s.setActivity(m.activity);
}

/** An error as it crosses a thread boundary: what describeError and the retry policy need. */
export interface ErrorData {
  name: string;
  message: string;
  code?: string;
  retriable: boolean;
}

export function errorData(err: unknown): ErrorData {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    const data: ErrorData = { name: err.name, message: err.message, retriable: (err as { retriable?: unknown }).retriable === true };
    if (typeof code === 'string') data.code = code;
    return data;
  }
  return { name: 'Error', message: String(err), retriable: false };
}

/** The error again on the other side, with its name, code and retriable flag. */
export class ThreadError extends Error {
  readonly code: string | undefined;
  readonly retriable: boolean;
  constructor(data: ErrorData) {
    super(data.message);
    this.name = data.name;
    this.code = data.code;
    this.retriable = data.retriable;
  }
}
