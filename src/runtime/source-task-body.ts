import type { SourceRunner } from './source-runner.js';
import { sourceRunnerFor, type SourceSpec } from './source-spec.js';
import { runHostedTask, type SourceTaskMessage, type TaskContext } from './task-host-api.js';
import { TaskStatus } from './task-status.js';
import { statusMessage } from './thread-messages.js';

/**
 * A source task on a task thread: polling the source and encoding records to JSON happen there, while the main
 * thread appends the previous batch to the log (it owns the log's write connection, so effectively-once keeps
 * its one transaction).
 */
export async function runSourceTask(ctx: TaskContext<SourceSpec>): Promise<void> {
  let runner: SourceRunner | undefined;
  let last = '';
  const status: TaskStatus = new TaskStatus(ctx.spec.taskId, () => report(true));
  /** State changes are sent at once; counters and idleness when they changed, checked a few times a second. */
  const report = (force = false): void => {
    const m = { ...statusMessage(status), idle: runner?.isIdle ?? false } satisfies SourceTaskMessage;
    const text = JSON.stringify(m);
    if (!force && text === last) return;
    last = text;
    ctx.send(m);
  };
  await runHostedTask({
    className: ctx.spec.className,
    make: (runtime) => runtime.createSourceTask?.(ctx.spec.config),
    run: async (task) => {
      runner = sourceRunnerFor(ctx.spec, {
        task,
        log: ctx.writer,
        logger: ctx.logger,
        status,
        onTopic: (topic) => ctx.send({ type: 'topic', topic }),
        // --until-idle waits for this: sent at once, not with the next tick.
        onIdleChange: () => report(true),
      });
      await runner.run(ctx.stop);
    },
    status,
    // Ticks send only what changed; every state change was sent when it happened.
    report: () => report(),
    tickMs: 100,
  });
}
