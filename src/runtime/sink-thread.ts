import { EmbeddedLog } from '../platform/embedded/index.js';
import type { LogLevel } from './logger.js';
import type { LogCallMessage } from './log-port.js';
import type { SinkLog, SinkRunner } from './sink-runner.js';
import { sinkRunnerFor, type SinkSpec } from './sink-spec.js';
import { TaskStatus } from './task-status.js';
import { runThreadTask, taskThreadContext } from './task-thread.js';
import { statusMessage, type LogLineMessage, type StatusMessage } from './thread-messages.js';

/**
 * A sink task on its own thread (and its own connection to log.db), so reading the log and writing the sink
 * use the second core while sources write on the first. The main thread mirrors its status from messages.
 */
export interface SinkThreadData {
  spec: SinkSpec;
  dataDir: string;
  secrets: string[];
  logLevel: LogLevel;
}

export type SinkThreadMessage =
  | (StatusMessage & { started: boolean })
  | { type: 'committed'; positions: { topic: string; partition: number; offset: number }[] }
  | LogCallMessage
  | LogLineMessage;

const { data, port, logger, writer, stop } = taskThreadContext<SinkThreadData>();

let started = false;
let runner: SinkRunner | undefined;
const status: TaskStatus = new TaskStatus(data.spec.taskId, () => report());
function report(): void {
  if (!started && status.state === 'RUNNING' && runner) {
    // First RUNNING: send the positions it resumed from (a sink with nothing new to read never commits, yet is
    // caught up).
    started = true;
    port.postMessage({ type: 'committed', positions: runner.committedPositions() } satisfies SinkThreadMessage);
  }
  port.postMessage({ ...statusMessage(status), started } satisfies SinkThreadMessage);
}

// Reads through a connection of its own (a short poll interval: appends by the main thread are only seen by
// polling); writes by the main thread.
const local = EmbeddedLog.open(data.dataDir, { readonly: true, pollIntervalMs: 20 });
const log: SinkLog = {
  listTopics: () => local.listTopics(),
  describeTopic: (name) => local.describeTopic(name),
  readSinkCommit: (connector) => local.readSinkCommit(connector),
  waitForData: (positions, timeoutMs, signal) => local.waitForData(positions, timeoutMs, signal),
  read: (tp, offset, max) => local.read(tp, offset, max),
  commitSink: (connector, commit) => writer.commitSink(connector, commit),
  append: (records) => writer.append(records),
};
// Counters change with every batch; state changes are reported at once, counters a few times a second.
await runThreadTask({
  className: data.spec.className,
  make: (runtime) => runtime.createSinkTask?.(data.spec.config),
  run: async (task) => {
    runner = sinkRunnerFor(data.spec, {
      task,
      log,
      logger,
      status,
      onCommitted: (positions) => {
        started = true;
        port.postMessage({ type: 'committed', positions: positions.map((p) => ({ ...p })) } satisfies SinkThreadMessage);
      },
    });
    await runner.run(stop);
  },
  status,
  report,
  tickMs: 250,
  port,
  cleanup: () => local.close(),
});
