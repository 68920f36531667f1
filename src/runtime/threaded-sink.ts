import { Worker } from 'node:worker_threads';
import type { Log, SinkPosition, TopicPartition } from '../platform/log.js';
import type { Logger, LogLevel } from './logger.js';
import { assignedPartitions, caughtUp } from './sink-runner.js';
import { sinkSubscription, type SinkSpec } from './sink-spec.js';
import { answerLogCall } from './log-port.js';
import type { SinkThreadData, SinkThreadMessage, SinkThreadRequest } from './sink-thread.js';
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
    const worker = new Worker(new URL('./sink-thread.js', import.meta.url), { workerData: data });
    const stop = () => worker.postMessage({ type: 'stop' });
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
    worker.on('message', (m: SinkThreadMessage) => this.receive(m, (r) => worker.postMessage(r satisfies SinkThreadRequest)));
    return new Promise<void>((resolve) => {
      worker.on('error', (err) => {
        this.o.status.error(err);
        this.o.status.set('FAILED', `sink thread crashed: ${err.message}`);
      });
      worker.on('exit', () => {
        signal.removeEventListener('abort', stop);
        resolve();
      });
    });
  }

  async isCaughtUp(): Promise<boolean> {
    if (!this.started) return false;
    const assigned = await assignedPartitions(this.o.log, sinkSubscription(this.spec.config), this.spec.taskId, this.spec.taskCount);
    return caughtUp(this.o.log, assigned, (tp) => this.positions.get(key(tp)) ?? 0);
  }

  private receive(m: SinkThreadMessage, send: (r: SinkThreadRequest) => void): void {
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
