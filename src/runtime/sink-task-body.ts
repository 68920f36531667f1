import type { EmbeddedLog } from '../platform/embedded/index.js';
import type { SinkLog, SinkRunner } from './sink-runner.js';
import { sinkRunnerFor, type SinkSpec } from './sink-spec.js';
import { runHostedTask, type SinkTaskMessage, type TaskContext } from './task-host-api.js';
import { TaskStatus } from './task-status.js';
import { statusMessage } from './thread-messages.js';

/**
 * A sink task on a task thread: it reads the log through the thread's own read-only connection and writes its
 * commits through the main thread, so reading the log and writing the sink use another core.
 */
export async function runSinkTask(ctx: TaskContext<SinkSpec>, local: EmbeddedLog): Promise<void> {
  let started = false;
  let runner: SinkRunner | undefined;
  const status: TaskStatus = new TaskStatus(ctx.spec.taskId, () => report());
  const report = (): void => {
    if (!started && status.state === 'RUNNING' && runner) {
      // First RUNNING: send the positions it resumed from (a sink with nothing new to read never commits, yet is
      // caught up).
      started = true;
      ctx.send({ type: 'committed', positions: runner.committedPositions() } satisfies SinkTaskMessage);
    }
    ctx.send({ ...statusMessage(status), started } satisfies SinkTaskMessage);
  };
  const log: SinkLog = {
    listTopics: () => local.listTopics(),
    describeTopic: (name) => local.describeTopic(name),
    readSinkCommit: (connector) => local.readSinkCommit(connector),
    waitForData: (positions, timeoutMs, signal) => local.waitForData(positions, timeoutMs, signal),
    read: (tp, offset, max) => local.read(tp, offset, max),
    commitSink: (connector, commit) => ctx.writer.commitSink(connector, commit),
    append: (records) => ctx.writer.append(records),
  };
  // Counters change with every batch; state changes are reported at once, counters a few times a second.
  await runHostedTask({
    className: ctx.spec.className,
    make: (runtime) => runtime.createSinkTask?.(ctx.spec.config),
    run: async (task) => {
      runner = sinkRunnerFor(ctx.spec, {
        task,
        log,
        logger: ctx.logger,
        status,
        onCommitted: (positions) => {
          started = true;
          ctx.send({ type: 'committed', positions: positions.map((p) => ({ ...p })) });
        },
      });
      await runner.run(ctx.stop);
    },
    status,
    report,
    tickMs: 250,
  });
}
