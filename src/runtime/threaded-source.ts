import type { Log } from '../platform/log.js';
import type { LogLevel } from './logger.js';
import type { SourceSpec } from './source-spec.js';
import { answerLogCall } from './log-port.js';
import type { SourceThreadData, SourceThreadMessage } from './source-thread.js';
import { runTaskThread, type TaskThreadRequest } from './task-thread.js';
import type { TaskStatus } from './task-status.js';
import { applyStatus } from './thread-messages.js';

/**
 * Runs a source task in a worker thread and serves its log calls here, on the runtime's log: the thread reads
 * and encodes the next batch while this thread appends the last one. Same contract as SourceRunner for the
 * connector worker: run(signal) until stopped, isIdle.
 */
export class ThreadedSource {
  private idle = false;

  constructor(
    private readonly spec: SourceSpec,
    private readonly o: { log: Log; status: TaskStatus; logLevel: LogLevel; secrets: string[]; onTopic: (topic: string) => void },
  ) {}

  get isIdle(): boolean {
    return this.idle;
  }

  run(signal: AbortSignal): Promise<void> {
    const data: SourceThreadData = { spec: this.spec, secrets: this.o.secrets, logLevel: this.o.logLevel };
    return runTaskThread(new URL('./source-thread.js', import.meta.url), data, {
      signal,
      status: this.o.status,
      what: 'source',
      receive: (m: SourceThreadMessage, send) => this.receive(m, send),
    });
  }

  private receive(m: SourceThreadMessage, send: (m: TaskThreadRequest) => void): void {
    switch (m.type) {
      case 'status':
        this.idle = m.idle;
        applyStatus(this.o.status, m);
        break;
      case 'topic':
        this.o.onTopic(m.topic);
        break;
      case 'call':
        answerLogCall(this.o.log, m, send);
        break;
      case 'log':
        // Already formatted and redacted in the thread.
        process.stderr.write(`${m.line}\n`);
        break;
    }
  }
}
