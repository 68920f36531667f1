import { parentPort, Worker, workerData } from 'node:worker_threads';
import type { ConnectorRuntime } from '../connectors/api.js';
import { defaultRegistry } from '../connectors/registry.js';
import type { Logger, LogLevel } from './logger.js';
import { LogClient, type LogReplyMessage } from './log-port.js';
import type { TaskStatus } from './task-status.js';
import { threadLogger } from './thread-messages.js';

/** What the main thread may send a task's thread: stop, or the answer to one of its log writes. */
export type TaskThreadRequest = { type: 'stop' } | LogReplyMessage;

/**
 * Main thread: run a task's thread until it exits (resolved then, never rejected). A stop request follows the
 * signal; a crash of the thread marks the task FAILED.
 */
export function runTaskThread<M>(
  file: URL,
  data: unknown,
  o: { signal: AbortSignal; status: TaskStatus; what: string; receive: (m: M, send: (r: TaskThreadRequest) => void) => void },
): Promise<void> {
  const worker = new Worker(file, { workerData: data });
  const send = (r: TaskThreadRequest) => worker.postMessage(r);
  const stop = () => send({ type: 'stop' });
  if (o.signal.aborted) stop();
  else o.signal.addEventListener('abort', stop, { once: true });
  worker.on('message', (m: M) => o.receive(m, send));
  return new Promise<void>((resolve) => {
    worker.on('error', (err) => {
      o.status.error(err);
      o.status.set('FAILED', `${o.what} thread crashed: ${err.message}`);
    });
    worker.on('exit', () => {
      o.signal.removeEventListener('abort', stop);
      resolve();
    });
  });
}

/** Task thread: its data, a logger and a log writer that go through the main thread, and the stop signal. */
export function taskThreadContext<D extends { logLevel: LogLevel; secrets: string[] }>(): {
  data: D;
  port: NonNullable<typeof parentPort>;
  logger: Logger;
  writer: LogClient;
  stop: AbortSignal;
} {
  const port = parentPort!;
  const data = workerData as D;
  const stop = new AbortController();
  const writer = new LogClient(port);
  port.on('message', (m: TaskThreadRequest) => {
    if (m.type === 'stop') stop.abort();
    else writer.settle(m);
  });
  return { data, port, logger: threadLogger(port, data.logLevel, data.secrets), writer, stop: stop.signal };
}

/**
 * Task thread: make the task of `className` and run it with `run`, reporting status every `tickMs` (and once
 * more at the end); a failure to start marks the task FAILED. The port is closed when it is done.
 */
export async function runThreadTask<T>(o: {
  className: string;
  make: (runtime: ConnectorRuntime) => T | undefined;
  run: (task: T) => Promise<void>;
  status: TaskStatus;
  report: () => void;
  tickMs: number;
  port: NonNullable<typeof parentPort>;
  cleanup?: () => Promise<void>;
}): Promise<void> {
  try {
    const runtime = await defaultRegistry.resolve(o.className)?.load?.();
    const task = runtime ? o.make(runtime) : undefined;
    if (task === undefined) throw new Error(`${o.className} has no task of this kind`);
    const ticker = setInterval(o.report, o.tickMs);
    try {
      await o.run(task);
    } finally {
      clearInterval(ticker);
    }
  } catch (err) {
    o.status.error(err);
    o.status.set('FAILED', err instanceof Error ? err.message : String(err));
  } finally {
    o.report();
    await o.cleanup?.();
    o.port.close();
  }
}
