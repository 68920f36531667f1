import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Log } from '../platform/log.js';
import { writeStderrLine, type LogLevel } from './logger.js';
import { answerLogCall } from './log-port.js';
import type { SinkSpec } from './sink-spec.js';
import type { SourceSpec } from './source-spec.js';
import type { HostData, HostMessage, HostRequest, TaskKind, TaskMessage } from './task-host-api.js';
import type { TaskStatus } from './task-status.js';

interface Hosted {
  status: TaskStatus;
  receive: (m: TaskMessage) => void;
  ended: () => void;
}

/** One task thread and the tasks it runs. */
class HostThread {
  readonly tasks = new Map<string, Hosted>();
  readonly worker: Worker;
  dead = false;

  constructor(data: HostData, log: Log, onExit: () => void) {
    this.worker = new Worker(new URL('./task-host.js', import.meta.url), { workerData: data });
    this.worker.on('message', (m: HostMessage) => {
      switch (m.type) {
        case 'call':
          answerLogCall(log, m, (r) => this.send(r));
          return;
        case 'log':
          // Already formatted and redacted on the thread.
          writeStderrLine(m.line);
          return;
        case 'ended': {
          const t = this.tasks.get(m.task);
          this.tasks.delete(m.task);
          t?.ended();
          return;
        }
        default:
          this.tasks.get(m.task)?.receive(m);
      }
    });
    this.worker.on('error', (err) => {
      for (const t of this.tasks.values()) {
        t.status.error(err);
        t.status.set('FAILED', `task thread crashed: ${err.message}`);
      }
    });
    this.worker.on('exit', () => {
      this.dead = true;
      for (const t of this.tasks.values()) t.ended();
      this.tasks.clear();
      onExit();
    });
  }

  send(m: HostRequest): void {
    if (!this.dead) this.worker.postMessage(m);
  }
}

/**
 * Task threads for the runtime: one per core (at least two), each running many tasks, started on first use. A task
 * goes to the thread with the fewest, so a source and its sink land on different cores.
 */
export class TaskPool {
  private readonly threads: HostThread[] = [];
  private next = 0;

  constructor(
    private readonly o: { log: Log; dataDir: string; logLevel: LogLevel; secrets: () => string[]; size?: number },
  ) {}

  /** Runs a task on a thread until it ends (resolved then, never rejected); the signal stops it. */
  run(kind: TaskKind, spec: SourceSpec | SinkSpec, t: { signal: AbortSignal; status: TaskStatus; receive: (m: TaskMessage) => void }): Promise<void> {
    const thread = this.pick();
    const task = `${spec.connector}/${spec.taskId}#${this.next++}`;
    return new Promise<void>((resolve) => {
      const stop = () => thread.send({ type: 'stop', task });
      thread.tasks.set(task, {
        status: t.status,
        receive: t.receive,
        ended: () => {
          t.signal.removeEventListener('abort', stop);
          resolve();
        },
      });
      thread.send({ type: 'start', task, kind, spec, secrets: this.o.secrets() });
      if (t.signal.aborted) stop();
      else t.signal.addEventListener('abort', stop, { once: true });
    });
  }

  /** Ends the threads (their tasks were stopped first by the runtime). */
  async close(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
    this.threads.length = 0;
  }

  private pick(): HostThread {
    const size = this.o.size ?? Math.max(2, os.availableParallelism());
    const live = this.threads.filter((t) => !t.dead);
    if (live.length < size) {
      const thread: HostThread = new HostThread({ dataDir: this.o.dataDir, logLevel: this.o.logLevel }, this.o.log, () => {
        const i = this.threads.indexOf(thread);
        if (i >= 0) this.threads.splice(i, 1);
      });
      this.threads.push(thread);
      return thread;
    }
    return live.reduce((a, b) => (b.tasks.size < a.tasks.size ? b : a));
  }
}
