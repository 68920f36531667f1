import type { LogLevel } from './logger.js';
import type { LogCallMessage } from './log-port.js';
import type { SourceRunner } from './source-runner.js';
import { sourceRunnerFor, type SourceSpec } from './source-spec.js';
import { TaskStatus } from './task-status.js';
import { runThreadTask, taskThreadContext } from './task-thread.js';
import { statusMessage, type LogLineMessage, type StatusMessage } from './thread-messages.js';

/**
 * A source task on its own thread: polling the source and encoding records to JSON happen here, while the main
 * thread appends the previous batch to the log (it owns the log's write connection, so effectively-once keeps
 * its one transaction). The main thread mirrors status from messages.
 */
export interface SourceThreadData {
  spec: SourceSpec;
  secrets: string[];
  logLevel: LogLevel;
}

export type SourceThreadMessage = (StatusMessage & { idle: boolean }) | { type: 'topic'; topic: string } | LogCallMessage | LogLineMessage;

const { data, port, logger, writer: log, stop } = taskThreadContext<SourceThreadData>();

let runner: SourceRunner | undefined;
let last = '';
const status: TaskStatus = new TaskStatus(data.spec.taskId, () => report(true));
/** State changes are sent at once; counters and idleness when they changed, checked a few times a second. */
function report(force = false): void {
  const m = { ...statusMessage(status), idle: runner?.isIdle ?? false } satisfies SourceThreadMessage;
  const text = JSON.stringify(m);
  if (!force && text === last) return;
  last = text;
  port.postMessage(m);
}

await runThreadTask({
  className: data.spec.className,
  make: (runtime) => runtime.createSourceTask?.(data.spec.config),
  run: async (task) => {
    runner = sourceRunnerFor(data.spec, {
      task,
      log,
      logger,
      status,
      onTopic: (topic) => port.postMessage({ type: 'topic', topic } satisfies SourceThreadMessage),
      // --until-idle waits for this: sent at once, not with the next tick.
      onIdleChange: () => report(true),
    });
    await runner.run(stop);
  },
  status,
  // Ticks send only what changed; every state change was sent when it happened.
  report: () => report(),
  tickMs: 100,
  port,
});
