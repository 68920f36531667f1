import type { ConnectorRuntime } from '../connectors/api.js';
import { defaultRegistry } from '../connectors/registry.js';
import type { Logger, LogLevel } from './logger.js';
import type { LogCallMessage, LogClient, LogReplyMessage } from './log-port.js';
import type { SinkSpec } from './sink-spec.js';
import type { SourceSpec } from './source-spec.js';
import type { TaskStatus } from './task-status.js';
import type { LogLineMessage, StatusMessage } from './thread-messages.js';

/**
 * Task threads: a few worker threads (one per core) each run many tasks, so a hundred connectors cost a hundred
 * async loops, not a hundred threads with a V8 heap each. These are the messages between a thread and the main
 * thread; per-task messages carry the task's key.
 */
export type TaskKind = 'source' | 'sink';

export interface TaskStart {
  type: 'start';
  task: string;
  kind: TaskKind;
  spec: SourceSpec | SinkSpec;
  /** Secret values known now, added to the thread's redactor. */
  secrets: string[];
}

export type HostRequest = TaskStart | { type: 'stop'; task: string } | LogReplyMessage;

/** What a task reports, as it reports it; the pool adds the task key. */
export type SourceTaskMessage = (StatusMessage & { idle: boolean }) | { type: 'topic'; topic: string };
export type SinkTaskMessage = (StatusMessage & { started: boolean }) | { type: 'committed'; positions: { topic: string; partition: number; offset: number }[] };
export type TaskMessage = SourceTaskMessage | SinkTaskMessage;

export type HostMessage = (TaskMessage & { task: string }) | { type: 'ended'; task: string } | LogCallMessage | LogLineMessage;

export interface HostData {
  dataDir: string;
  logLevel: LogLevel;
}

/** What a task body gets on its thread. */
export interface TaskContext<S> {
  spec: S;
  logger: Logger;
  writer: LogClient;
  stop: AbortSignal;
  send: (m: TaskMessage) => void;
  dataDir: string;
}

/**
 * Makes the task of `className` and runs it with `run`, reporting status every `tickMs` (and once more at the
 * end); a failure to start marks the task FAILED.
 */
export async function runHostedTask<T>(o: {
  className: string;
  make: (runtime: ConnectorRuntime) => T | undefined;
  run: (task: T) => Promise<void>;
  status: TaskStatus;
  report: () => void;
  tickMs: number;
}): Promise<void> {
  try {
    const runtime = await defaultRegistry.resolve(o.className)?.load?.();
    const task = runtime ? o.make(runtime) : undefined;
    if (task === undefined) throw new Error(`${o.className} has no task of this kind`);
    const ticker = setInterval(o.report, o.tickMs);
    try {
      await o.run(task);
    } finally {
      clearInterval(ticker);
    }
  } catch (err) {
    o.status.error(err);
    o.status.set('FAILED', err instanceof Error ? err.message : String(err));
  } finally {
    o.report();
  }
}
