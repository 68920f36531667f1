import { parentPort, workerData } from 'node:worker_threads';
import { defaultRegistry } from '../connectors/registry.js';
import type { LogLevel } from './logger.js';
import { LogClient, type LogCallMessage, type LogReplyMessage } from './log-port.js';
import type { SourceRunner } from './source-runner.js';
import { sourceRunnerFor, type SourceSpec } from './source-spec.js';
import { TaskStatus } from './task-status.js';
import { statusMessage, threadLogger, type LogLineMessage, type StatusMessage } from './thread-messages.js';

/**
 * A source task on its own thread: polling the source and encoding records to JSON happen here, while the main
 * thread appends the previous batch to the log (it owns the log's write connection, so effectively-once keeps
 * its one transaction). The main thread mirrors status from messages.
 */
export interface SourceThreadData {
  spec: SourceSpec;
  secrets: string[];
  logLevel: LogLevel;
}

export type SourceThreadMessage = (StatusMessage & { idle: boolean }) | { type: 'topic'; topic: string } | LogCallMessage | LogLineMessage;

export type SourceThreadRequest = { type: 'stop' } | LogReplyMessage;

const data = workerData as SourceThreadData;
const port = parentPort!;
const logger = threadLogger(port, data.logLevel, data.secrets);

const stop = new AbortController();
const log = new LogClient(port);
port.on('message', (m: SourceThreadRequest) => {
  if (m.type === 'stop') stop.abort();
  else log.settle(m);
});

let runner: SourceRunner | undefined;
let last = '';
const status: TaskStatus = new TaskStatus(data.spec.taskId, () => report(true));
/** State changes are sent at once; counters and idleness when they changed, checked a few times a second. */
function report(force = false): void {
  const m = { ...statusMessage(status), idle: runner?.isIdle ?? false } satisfies SourceThreadMessage;
  const text = JSON.stringify(m);
  if (!force && text === last) return;
  last = text;
  port.postMessage(m);
}

try {
  const def = defaultRegistry.resolve(data.spec.className);
  const runtime = await def?.load?.();
  const task = runtime?.createSourceTask?.(data.spec.config);
  if (!task) throw new Error(`${data.spec.className} has no source task`);
  runner = sourceRunnerFor(data.spec, {
    task,
    log,
    logger,
    status,
    onTopic: (topic) => port.postMessage({ type: 'topic', topic } satisfies SourceThreadMessage),
    // --until-idle waits for this: sent at once, not with the next tick.
    onIdleChange: () => report(true),
  });
  const ticker = setInterval(report, 100);
  await runner.run(stop.signal);
  clearInterval(ticker);
} catch (err) {
  status.error(err);
  status.set('FAILED', err instanceof Error ? err.message : String(err));
} finally {
  report(true);
  port.close();
}
