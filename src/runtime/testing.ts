// Test support for the runtime and file connector suites (excluded from the build, like the other testing.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ActivityReporter, SinkTaskContext, SourceRecord, SourceTask, SourceTaskContext } from '../connectors/api.js';
import type { Log, LogRecord, ProducerRecord, SinkCommit, SinkPosition, SourceOffset, TopicConfig, TopicPartition } from '../platform/log.js';
import type { EncodedBatch } from '../platform/encoded-batch.js';
import { createLogger, type Logger } from './logger.js';

/** Polls `fn` until it returns a truthy value (or stops throwing) and resolves with that value; fails after timeoutMs. */
export async function eventually<T>(fn: () => T | Promise<T>, timeoutMs = 5_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${detail})`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(prefix = 'sluice-rt-'): { dir: string; file: (name: string) => string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, file: (name) => path.join(dir, name), cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** A logger that keeps its lines (level debug) so tests can look for warnings. */
export function captureLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: createLogger({ level: 'debug', write: (l) => lines.push(l) }), lines };
}

type Method = Exclude<keyof Log, 'close'> | 'close';

interface Fault {
  method: Method;
  /** Calls of the method to let through before failing. */
  skip: number;
  /** Perform the real call first, then throw (the effect is durable, the caller sees a failure: a crash right after). */
  after: boolean;
  /** Only calls whose arguments match count (and fail). */
  match: (args: unknown[]) => boolean;
  error: () => Error;
}

/**
 * A real Log with failures injected at chosen calls, each once: the only stand-in for the log these suites use.
 * Every call is recorded (method and arguments) so tests can check the order of writes and commits.
 */
export class FaultyLog implements Log {
  readonly calls: { method: Method; args: unknown[] }[] = [];
  private readonly faults: Fault[] = [];
  /** Runs before each real call (e.g. to look at a sink's file when it commits). */
  observe: ((method: Method, args: unknown[]) => void) | undefined;

  constructor(readonly inner: Log) {}

  /** The next call of `method` (after `skip` more) throws `error()`; with `after`, the real call happens first. */
  failOnce(method: Method, opts: { skip?: number; after?: boolean; match?: (args: unknown[]) => boolean; error?: () => Error } = {}): this {
    this.faults.push({
      method,
      skip: opts.skip ?? 0,
      after: opts.after ?? false,
      match: opts.match ?? (() => true),
      error: opts.error ?? (() => new Error(`injected failure in ${method}`)),
    });
    return this;
  }

  count(method: Method): number {
    return this.calls.filter((c) => c.method === method).length;
  }

  get pendingFaults(): number {
    return this.faults.length;
  }

  private async call<T>(method: Method, args: unknown[], real: () => Promise<T>): Promise<T> {
    this.calls.push({ method, args });
    this.observe?.(method, args);
    let fault: Fault | undefined;
    const i = this.faults.findIndex((f) => f.method === method && f.match(args));
    if (i >= 0) {
      const f = this.faults[i]!;
      if (f.skip > 0) f.skip -= 1;
      else {
        fault = f;
        this.faults.splice(i, 1);
      }
    }
    if (fault && !fault.after) throw fault.error();
    const result = await real();
    if (fault) throw fault.error();
    return result;
  }

  ensureTopic(name: string, config?: TopicConfig) {
    return this.call('ensureTopic', [name, config], () => this.inner.ensureTopic(name, config));
  }
  listTopics() {
    return this.call('listTopics', [], () => this.inner.listTopics());
  }
  describeTopic(name: string) {
    return this.call('describeTopic', [name], () => this.inner.describeTopic(name));
  }
  append(records: readonly ProducerRecord[], commit?: { connector: string; sourceOffsets: readonly SourceOffset[] }) {
    return this.call('append', commit ? [records, commit] : [records], () => this.inner.append(records, commit));
  }
  appendEncoded(batch: EncodedBatch, commit?: { connector: string; sourceOffsets: readonly SourceOffset[] }) {
    return this.call('appendEncoded', commit ? [batch, commit] : [batch], () => this.inner.appendEncoded(batch, commit));
  }
  commitSourceOffsets(connector: string, offsets: readonly SourceOffset[]) {
    return this.call('commitSourceOffsets', [connector, offsets], () => this.inner.commitSourceOffsets(connector, offsets));
  }
  listSourceOffsets(connector: string) {
    return this.call('listSourceOffsets', [connector], () => this.inner.listSourceOffsets(connector));
  }
  read(tp: TopicPartition, offset: number, max: number): Promise<LogRecord[]> {
    return this.call('read', [tp, offset, max], () => this.inner.read(tp, offset, max));
  }
  waitForData(positions: readonly SinkPosition[], timeoutMs: number, signal?: AbortSignal) {
    return this.call('waitForData', [positions, timeoutMs], () => this.inner.waitForData(positions, timeoutMs, signal));
  }
  readSinkCommit(connector: string) {
    return this.call('readSinkCommit', [connector], () => this.inner.readSinkCommit(connector));
  }
  commitSink(connector: string, commit: SinkCommit) {
    return this.call('commitSink', [connector, commit], () => this.inner.commitSink(connector, commit));
  }
  resetOffsets(connector: string) {
    return this.call('resetOffsets', [connector], () => this.inner.resetOffsets(connector));
  }
  enforceRetention(now?: number) {
    return this.call('enforceRetention', [now], () => this.inner.enforceRetention(now));
  }
  close() {
    return this.call('close', [], () => this.inner.close());
  }
}

/** Every record of a topic's partition 0 (the suites use one partition). */
export async function readAll(log: Log, topic: string): Promise<LogRecord[]> {
  const out: LogRecord[] = [];
  for (;;) {
    const batch = await log.read({ topic, partition: 0 }, out.length === 0 ? 0 : out[out.length - 1]!.offset + 1, 10_000);
    if (batch.length === 0) return out;
    out.push(...batch);
  }
}

/**
 * A source of numbered records 0..total-1 in batches; its offset `{n}` is the next number, so a restart resumes
 * exactly after the last committed record. `failPoll` makes chosen polls throw.
 */
export class NumberedSource implements SourceTask {
  next = 0;
  started = 0;
  stopped = 0;
  polls = 0;
  failPoll: ((poll: number) => Error | undefined) | undefined;
  static readonly PARTITION = { source: 'numbers' };

  constructor(
    private readonly total: number,
    private readonly batch: number,
    private readonly topic = 'numbers',
  ) {}

  async start(ctx: SourceTaskContext): Promise<void> {
    this.started += 1;
    const committed = ctx.offset(NumberedSource.PARTITION);
    this.next = typeof committed?.['n'] === 'number' ? committed['n'] : 0;
  }

  async poll(): Promise<SourceRecord[]> {
    this.polls += 1;
    const err = this.failPoll?.(this.polls);
    if (err) throw err;
    const out: SourceRecord[] = [];
    while (out.length < this.batch && this.next < this.total) {
      const n = this.next++;
      out.push({ sourcePartition: NumberedSource.PARTITION, sourceOffset: { n: n + 1 }, topic: this.topic, key: null, value: n });
    }
    return out;
  }

  idleWaitMs(): number {
    return 5;
  }

  async stop(): Promise<void> {
    this.stopped += 1;
  }
}

/** A sink task context for driving a sink task by hand. */
export function sinkContext(config: Record<string, string>, opts: { committedState?: unknown; logger?: Logger; guarantee?: SinkTaskContext['guarantee'] } = {}): SinkTaskContext {
  return {
    connector: 'test-sink',
    taskId: 0,
    config,
    guarantee: opts.guarantee ?? 'EFFECTIVELY_ONCE',
    committedState: opts.committedState,
    logger: opts.logger ?? captureLogger().logger,
    signal: new AbortController().signal,
  };
}

/** A source task context for driving a source task by hand, with committed offsets keyed by canonical partition JSON. */
export function sourceContext(
  config: Record<string, string>,
  opts: { offset?: Record<string, unknown> | null; logger?: Logger; signal?: AbortSignal; activity?: ActivityReporter } = {},
): SourceTaskContext {
  return {
    connector: 'test-source',
    taskId: 0,
    config,
    offset: () => opts.offset,
    logger: opts.logger ?? captureLogger().logger,
    signal: opts.signal ?? new AbortController().signal,
    activity: opts.activity,
  };
}
