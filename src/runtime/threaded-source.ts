import type { SourceSpec } from './source-spec.js';
import type { SourceTaskMessage } from './task-host-api.js';
import type { TaskPool } from './task-pool.js';
import type { TaskStatus } from './task-status.js';
import { applyStatus } from './thread-messages.js';

/**
 * A source task run on a task thread, mirrored here: the thread reads and encodes the next batch while this
 * thread appends the last one to the runtime's log. Same contract as SourceRunner for the connector worker:
 * run(signal) until stopped, isIdle.
 */
export class ThreadedSource {
  private idle = false;

  constructor(
    private readonly spec: SourceSpec,
    private readonly o: { pool: TaskPool; status: TaskStatus; onTopic: (topic: string) => void },
  ) {}

  get isIdle(): boolean {
    return this.idle;
  }

  run(signal: AbortSignal): Promise<void> {
    return this.o.pool.run('source', this.spec, { signal, status: this.o.status, receive: (m) => this.receive(m as SourceTaskMessage) });
  }

  private receive(m: SourceTaskMessage): void {
    switch (m.type) {
      case 'status':
        this.idle = m.idle;
        applyStatus(this.o.status, m);
        break;
      case 'topic':
        this.o.onTopic(m.topic);
        break;
    }
  }
}
