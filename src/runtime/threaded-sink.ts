import type { Log, SinkPosition, TopicPartition } from '../platform/log.js';
import type { Logger, LogLevel } from './logger.js';
import { assignedPartitions, caughtUp } from './sink-runner.js';
import { sinkSubscription, type SinkSpec } from './sink-spec.js';
import { answerLogCall } from './log-port.js';
import type { SinkThreadData, SinkThreadMessage } from './sink-thread.js';
import { runTaskThread, type TaskThreadRequest } from './task-thread.js';
import type { TaskStatus } from './task-status.js';
import { applyStatus } from './thread-messages.js';

const key = (tp: TopicPartition) => `${tp.topic}\u0000${tp.partition}`;

/**
 * Runs a sink task in a worker thread and mirrors it here: its status into `status`, its commits into the
 * runtime's view. Same contract as SinkRunner for the connector worker: run(signal) until stopped, isCaughtUp().
 */
export class ThreadedSink {
  private readonly positions = new Map<string, number>();
  private started = false;

  constructor(
    private readonly spec: SinkSpec,
    private readonly o: {
      dataDir: string;
      log: Log;
      status: TaskStatus;
      logger: Logger;
      logLevel: LogLevel;
      secrets: string[];
      onCommitted: (positions: readonly SinkPosition[]) => void;
    },
  ) {}

  run(signal: AbortSignal): Promise<void> {
    const data: SinkThreadData = { spec: this.spec, dataDir: this.o.dataDir, secrets: this.o.secrets, logLevel: this.o.logLevel };
    return runTaskThread(new URL('./sink-thread.js', import.meta.url), data, {
      signal,
      status: this.o.status,
      what: 'sink',
      receive: (m: SinkThreadMessage, send) => this.receive(m, send),
    });
  }

  async isCaughtUp(): Promise<boolean> {
    if (!this.started) return false;
    const assigned = await assignedPartitions(this.o.log, sinkSubscription(this.spec.config), this.spec.taskId, this.spec.taskCount);
    return caughtUp(this.o.log, assigned, (tp) => this.positions.get(key(tp)) ?? 0);
  }

  private receive(m: SinkThreadMessage, send: (r: TaskThreadRequest) => void): void {
    switch (m.type) {
      case 'call':
        answerLogCall(this.o.log, m, send);
        break;
      case 'status':
        this.started ||= m.started;
        applyStatus(this.o.status, m);
        break;
      case 'committed':
        this.started = true;
        for (const p of m.positions) this.positions.set(key(p), p.offset);
        this.o.onCommitted(m.positions);
        break;
      case 'log':
        // Already formatted and redacted in the thread.
        process.stderr.write(`${m.line}\n`);
        break;
    }
  }
}
