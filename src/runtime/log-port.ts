import type { MessagePort } from 'node:worker_threads';
import { encodeBatch, type EncodedBatch } from '../platform/encoded-batch.js';
import type { Log, ProducerRecord, SinkCommit, SourceOffset, TopicConfig } from '../platform/log.js';
import { errorData, ThreadError, type ErrorData } from './thread-messages.js';

/**
 * Every write to log.db is made by the main thread's connection; a task's worker thread asks for it here. One
 * writer means a sink's commit never waits behind a source's appends for SQLite's write lock (under a steady
 * stream of appends such a waiter can starve until its busy timeout), and effectively-once keeps its single
 * transaction. Worker threads still read the log through their own connections.
 */
export type LogCall =
  | { method: 'ensureTopic'; args: [name: string, config: TopicConfig | undefined] }
  | { method: 'appendEncoded'; args: [batch: EncodedBatch, commit: { connector: string; sourceOffsets: readonly SourceOffset[] } | undefined] }
  | { method: 'commitSourceOffsets'; args: [connector: string, offsets: readonly SourceOffset[]] }
  | { method: 'commitSink'; args: [connector: string, commit: SinkCommit] };

export type LogCallMessage = { type: 'call'; id: number } & LogCall;
export interface LogReplyMessage {
  type: 'reply';
  id: number;
  error?: ErrorData;
}

/** The thread's side: each write becomes a message, resolved (or rejected with the error) by the reply. */
export class LogClient {
  private readonly pending = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  private next = 0;

  constructor(private readonly port: MessagePort) {}

  /** Hand every reply from the main thread here. */
  settle(m: LogReplyMessage): void {
    const call = this.pending.get(m.id);
    this.pending.delete(m.id);
    if (m.error) call?.reject(new ThreadError(m.error));
    else call?.resolve();
  }

  ensureTopic(name: string, config?: TopicConfig): Promise<void> {
    return this.call({ method: 'ensureTopic', args: [name, config] });
  }

  appendEncoded(batch: EncodedBatch, commit?: { connector: string; sourceOffsets: readonly SourceOffset[] }): Promise<void> {
    return this.call({ method: 'appendEncoded', args: [batch, commit] });
  }

  /** Encoded here, on the thread. */
  append(records: readonly ProducerRecord[]): Promise<void> {
    return this.appendEncoded(encodeBatch(records));
  }

  commitSourceOffsets(connector: string, offsets: readonly SourceOffset[]): Promise<void> {
    return this.call({ method: 'commitSourceOffsets', args: [connector, offsets] });
  }

  commitSink(connector: string, commit: SinkCommit): Promise<void> {
    return this.call({ method: 'commitSink', args: [connector, commit] });
  }

  private call(c: LogCall): Promise<void> {
    const id = this.next++;
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.port.postMessage({ type: 'call', id, ...c } as LogCallMessage);
    });
  }
}

/** The main thread's side: run the call on the runtime's log and reply. */
export function answerLogCall(log: Log, m: LogCallMessage, reply: (r: LogReplyMessage) => void): void {
  run(log, m).then(
    () => reply({ type: 'reply', id: m.id }),
    (err: unknown) => reply({ type: 'reply', id: m.id, error: errorData(err) }),
  );
}

async function run(log: Log, c: LogCall): Promise<void> {
  switch (c.method) {
    case 'ensureTopic':
      await log.ensureTopic(...c.args);
      return;
    case 'appendEncoded':
      await log.appendEncoded(...c.args);
      return;
    case 'commitSourceOffsets':
      await log.commitSourceOffsets(...c.args);
      return;
    case 'commitSink':
      await log.commitSink(...c.args);
      return;
  }
}
