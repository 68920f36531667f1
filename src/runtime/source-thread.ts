import { parentPort, workerData } from 'node:worker_threads';
import { defaultRegistry } from '../connectors/registry.js';
import type { EncodedBatch } from '../platform/encoded-batch.js';
import type { SourceOffset, TopicConfig } from '../platform/log.js';
import type { LogLevel } from './logger.js';
import type { SourceLog, SourceRunner } from './source-runner.js';
import { sourceRunnerFor, type SourceSpec } from './source-spec.js';
import { TaskStatus } from './task-status.js';
import { statusMessage, ThreadError, threadLogger, type ErrorData, type LogLineMessage, type StatusMessage } from './thread-messages.js';

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

/** Log calls the thread makes; the main thread runs them on its log and replies. */
export type SourceLogCall =
  | { method: 'ensureTopic'; args: [name: string, config: TopicConfig | undefined] }
  | { method: 'appendEncoded'; args: [batch: EncodedBatch, commit: { connector: string; sourceOffsets: readonly SourceOffset[] } | undefined] }
  | { method: 'commitSourceOffsets'; args: [connector: string, offsets: readonly SourceOffset[]] };

export type SourceThreadMessage =
  | (StatusMessage & { idle: boolean })
  | { type: 'topic'; topic: string }
  | ({ type: 'call'; id: number } & SourceLogCall)
  | LogLineMessage;

export type SourceThreadRequest = { type: 'stop' } | { type: 'reply'; id: number; error?: ErrorData };

const data = workerData as SourceThreadData;
const port = parentPort!;
const logger = threadLogger(port, data.logLevel, data.secrets);

const stop = new AbortController();
const pending = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
let nextCall = 0;
port.on('message', (m: SourceThreadRequest) => {
  if (m.type === 'stop') {
    stop.abort();
    return;
  }
  const call = pending.get(m.id);
  pending.delete(m.id);
  if (m.error) call?.reject(new ThreadError(m.error));
  else call?.resolve();
});

function call(c: SourceLogCall): Promise<void> {
  const id = nextCall++;
  return new Promise<void>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    port.postMessage({ type: 'call', id, ...c } as SourceThreadMessage);
  });
}

const log: SourceLog = {
  ensureTopic: (name, config) => call({ method: 'ensureTopic', args: [name, config] }),
  appendEncoded: (batch, commit) => call({ method: 'appendEncoded', args: [batch, commit] }),
  commitSourceOffsets: (connector, offsets) => call({ method: 'commitSourceOffsets', args: [connector, offsets] }),
};

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
  runner = sourceRunnerFor(data.spec, { task, log, logger, status, onTopic: (topic) => port.postMessage({ type: 'topic', topic } satisfies SourceThreadMessage) });
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
