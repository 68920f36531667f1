import type { Log, SinkPosition, TopicPartition } from '../platform/log.js';
import { assignedPartitions, caughtUp } from './sink-runner.js';
import { sinkSubscription, type SinkSpec } from './sink-spec.js';
import type { SinkTaskMessage } from './task-host-api.js';
import type { TaskPool } from './task-pool.js';
import type { TaskStatus } from './task-status.js';
import { applyStatus } from './thread-messages.js';

const key = (tp: TopicPartition) => `${tp.topic}\u0000${tp.partition}`;

/**
 * A sink task run on a task thread, mirrored here: its status into `status`, its commits into the runtime's
 * view. Same contract as SinkRunner for the connector worker: run(signal) until stopped, isCaughtUp().
 */
export class ThreadedSink {
  private readonly positions = new Map<string, number>();
  private started = false;

  constructor(
    private readonly spec: SinkSpec,
    private readonly o: { pool: TaskPool; log: Log; status: TaskStatus; onCommitted: (positions: readonly SinkPosition[]) => void },
  ) {}

  run(signal: AbortSignal): Promise<void> {
    return this.o.pool.run('sink', this.spec, { signal, status: this.o.status, receive: (m) => this.receive(m as SinkTaskMessage) });
  }

  async isCaughtUp(): Promise<boolean> {
    if (!this.started) return false;
    const assigned = await assignedPartitions(this.o.log, sinkSubscription(this.spec.config), this.spec.taskId, this.spec.taskCount);
    return caughtUp(this.o.log, assigned, (tp) => this.positions.get(key(tp)) ?? 0);
  }

  private receive(m: SinkTaskMessage): void {
    switch (m.type) {
      case 'status':
        this.started ||= m.started;
        applyStatus(this.o.status, m);
        break;
      case 'committed':
        this.started = true;
        for (const p of m.positions) this.positions.set(key(p), p.offset);
        this.o.onCommitted(m.positions);
        break;
    }
  }
}
