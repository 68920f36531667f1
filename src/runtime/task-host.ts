import { parentPort, workerData } from 'node:worker_threads';
import { EmbeddedLog } from '../platform/embedded/index.js';
import { SecretRedactor } from '../sql/secret-redactor.js';
import { createLogger } from './logger.js';
import { LogClient } from './log-port.js';
import { runSinkTask } from './sink-task-body.js';
import type { SinkSpec } from './sink-spec.js';
import { runSourceTask } from './source-task-body.js';
import type { SourceSpec } from './source-spec.js';
import type { HostData, HostMessage, HostRequest, TaskContext, TaskStart } from './task-host-api.js';
import { abortQuietly } from './abort-quietly.js';

// A task thread (see task-host-api.ts): runs the tasks the main thread starts here until each is stopped.
const port = parentPort!;
const data = workerData as HostData;
const redactor = new SecretRedactor();
const logger = createLogger({ level: data.logLevel, redact: (s) => redactor.redact(s), write: (line) => port.postMessage({ type: 'log', line } satisfies HostMessage) });
const writer = new LogClient(port);
const running = new Map<string, AbortController>();
/** The sinks' read connection to the log, shared by every sink task on this thread; opened when first needed. */
let local: EmbeddedLog | undefined;

port.on('message', (m: HostRequest) => {
  switch (m.type) {
    case 'start':
      start(m);
      break;
    case 'stop':
      const task = running.get(m.task);
      if (task) abortQuietly(task);
      break;
    case 'reply':
      writer.settle(m);
      break;
  }
});

function start(m: TaskStart): void {
  for (const s of m.secrets) redactor.add(s);
  const stop = new AbortController();
  running.set(m.task, stop);
  const base = { logger: logger.child(`${m.spec.connector}/${m.spec.taskId}`), writer, stop: stop.signal, dataDir: data.dataDir, send: (t: Parameters<TaskContext<unknown>['send']>[0]) => port.postMessage({ ...t, task: m.task } as HostMessage) };
  const body =
    m.kind === 'source'
      ? runSourceTask({ ...base, spec: m.spec as SourceSpec })
      : // Reads through a connection of its own (a short poll interval: appends by the main thread are only seen
        // by polling); writes by the main thread.
        runSinkTask({ ...base, spec: m.spec as SinkSpec }, (local ??= EmbeddedLog.open(data.dataDir, { readonly: true, pollIntervalMs: 20 })));
  void body.finally(() => {
    running.delete(m.task);
    port.postMessage({ type: 'ended', task: m.task } satisfies HostMessage);
  });
}
