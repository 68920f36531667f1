import fs, { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureLogger, eventually, sourceContext, tempDir } from '../../runtime/testing.js';
import { RetriableTaskError, type ActivityReport, type SourceRecord } from '../api.js';
import { StdinSourceTask } from './stdin-task.js';
import { FileSourceTask } from './task.js';

let tmp: ReturnType<typeof tempDir>;
let file: string;
const tasks: { stop(): Promise<void> }[] = [];
beforeEach(() => {
  tmp = tempDir('sluice-fsrc-');
  file = tmp.file('in.txt');
});
afterEach(async () => {
  for (const t of tasks.splice(0)) await t.stop();
  tmp.cleanup();
});

async function open(opts: { position?: number; batchSize?: number; path?: string } = {}) {
  const task = new FileSourceTask();
  tasks.push(task);
  const cap = captureLogger();
  const config: Record<string, string> = { file: opts.path ?? file, topic: 'lines' };
  if (opts.batchSize !== undefined) config['batch.size'] = String(opts.batchSize);
  await task.start(sourceContext(config, { offset: opts.position === undefined ? undefined : { position: opts.position }, logger: cap.logger }));
  return { task, lines: cap.lines };
}

const values = (rs: readonly SourceRecord[]) => rs.map((r) => r.value);
const positions = (rs: readonly SourceRecord[]) => rs.map((r) => r.sourceOffset?.['position']);

describe('file source task', () => {
  it('emits one record per line with byte positions, whatever the UTF-8 width of the text', async () => {
    const text = 'héllo\n€ 2\n😀 smile\nplain\n';
    fs.writeFileSync(file, text);
    const { task } = await open();
    const records = await task.poll();
    expect(values(records)).toEqual(['héllo', '€ 2', '😀 smile', 'plain']);
    const ends: number[] = [];
    let at = 0;
    for (const line of text.split('\n').slice(0, -1)) ends.push((at += Buffer.byteLength(line) + 1));
    expect(positions(records)).toEqual(ends);
    // The offset carries the file's identity too, so a file replaced while stopped is not resumed at the old position.
    expect(records[0]).toEqual({
      sourcePartition: { filename: file },
      sourceOffset: { position: 7, file_id: `${statSync(file).ino}:${statSync(file, { bigint: true }).birthtimeNs}` },
      topic: 'lines',
      key: null,
      value: 'héllo',
    });
    expect(await task.poll()).toEqual([]);
    expect(task.idle()).toBe(true);
  });

  it('ends lines at \\n or \\r\\n, and keeps a lone \\r inside a line', async () => {
    fs.writeFileSync(file, 'a\r\nb\nc\r\nx\ry\n\n');
    const { task } = await open();
    const records = await task.poll();
    expect(values(records)).toEqual(['a', 'b', 'c', 'x\ry', '']);
    expect(positions(records)).toEqual([3, 5, 8, 12, 13]);
  });

  it('holds back a partial last line until its terminator arrives', async () => {
    fs.writeFileSync(file, 'one\ntw');
    const { task } = await open();
    expect(values(await task.poll())).toEqual(['one']);
    expect(await task.poll()).toEqual([]);
    fs.appendFileSync(file, 'o\r');
    expect(await task.poll()).toEqual([]);
    fs.appendFileSync(file, '\nthree\n');
    const records = await task.poll();
    expect(values(records)).toEqual(['two', 'three']);
    expect(positions(records)).toEqual([9, 15]);
  });

  it('returns at most batch.size lines per poll, and the next poll goes on where it stopped', async () => {
    fs.writeFileSync(file, Array.from({ length: 10 }, (_, i) => `line ${i}\n`).join(''));
    const { task } = await open({ batchSize: 3 });
    const sizes: number[] = [];
    const all: unknown[] = [];
    for (let i = 0; i < 5; i++) {
      const rs = await task.poll();
      sizes.push(rs.length);
      all.push(...values(rs));
    }
    expect(sizes).toEqual([3, 3, 3, 1, 0]);
    expect(all).toEqual(Array.from({ length: 10 }, (_, i) => `line ${i}`));
  });

  it('resumes from a committed byte position', async () => {
    fs.writeFileSync(file, 'é1\né2\né3\n');
    const { task } = await open({ position: 8 });
    const records = await task.poll();
    expect(values(records)).toEqual(['é3']);
    expect(positions(records)).toEqual([12]);
  });

  it('starts again at 0, with a warning, when the file is shorter than the committed position (truncated)', async () => {
    fs.writeFileSync(file, 'new\n');
    const { task, lines } = await open({ position: 100 });
    expect(values(await task.poll())).toEqual(['new']);
    expect(lines.find((l) => l.includes(' WARN '))).toMatch(/was truncated \(now 4 bytes, position was 100\); reading from the start/);
  });

  it('notices a truncation while running', async () => {
    fs.writeFileSync(file, 'first line\nsecond line\n');
    const { task, lines } = await open();
    expect(values(await task.poll())).toHaveLength(2);
    fs.truncateSync(file, 0);
    fs.appendFileSync(file, 'again\n');
    expect(values(await task.poll())).toEqual(['again']);
    expect(lines.some((l) => l.includes('WARN') && l.includes('truncated'))).toBe(true);
  });

  it('finishes a rotated file, then reads the new file at the path from 0', async () => {
    fs.writeFileSync(file, 'a\nb\n');
    const { task, lines } = await open();
    expect(values(await task.poll())).toEqual(['a', 'b']);
    fs.renameSync(file, `${file}.1`);
    fs.appendFileSync(`${file}.1`, 'c\n'); // the writer still had the old file open
    fs.writeFileSync(file, 'new 1\nnew 2\n');
    const rest: SourceRecord[] = [];
    for (let i = 0; i < 4; i++) rest.push(...(await task.poll()));
    expect(values(rest)).toEqual(['c', 'new 1', 'new 2']);
    expect(positions(rest)).toEqual([6, 6, 12]);
    expect(lines.some((l) => l.includes('WARN') && l.includes('replaced by a new file'))).toBe(true);
  });

  it('does not get stuck on a rotated file whose last line never got its terminator', async () => {
    fs.writeFileSync(file, 'a\npartial');
    const { task } = await open();
    expect(values(await task.poll())).toEqual(['a']);
    fs.renameSync(file, `${file}.1`);
    fs.writeFileSync(file, 'new 1\n');
    const rest: SourceRecord[] = [];
    for (let i = 0; i < 4; i++) rest.push(...(await task.poll()));
    expect(values(rest)).toEqual(['partial', 'new 1']);
    expect(positions(rest)).toEqual([0, 6]);
  });

  it('keeps reading the old file when the path was moved away and nothing replaced it yet', async () => {
    fs.writeFileSync(file, 'a\n');
    const { task } = await open();
    expect(values(await task.poll())).toEqual(['a']);
    fs.renameSync(file, `${file}.1`);
    expect(await task.poll()).toEqual([]);
    fs.appendFileSync(`${file}.1`, 'b\n');
    expect(values(await task.poll())).toEqual(['b']);
  });

  it('waits for a missing file (saying so), and reads it from its start once it appears', async () => {
    const task = new FileSourceTask();
    tasks.push(task);
    const reports: (ActivityReport | undefined)[] = [];
    // A committed position of a file that is gone: the new file is another one, read from its start.
    await task.start(sourceContext({ file, topic: 'lines' }, { offset: { position: 3, file_id: '1:1' }, activity: (a) => reports.push(a) }));
    expect(reports).toEqual([{ phase: 'waiting', what: `file '${file}'` }]);
    expect(await task.poll()).toEqual([]);
    expect(task.idle()).toBe(true);
    fs.writeFileSync(file, 'here\nthere\n');
    expect(values(await task.poll())).toEqual(['here', 'there']);
    expect(reports.at(-1)).toBeUndefined();
  });

  it('fails for good (not retriable) on a directory', async () => {
    const err = await open({ path: tmp.dir }).then(
      async ({ task }) => task.poll().then(() => undefined),
      (e: unknown) => e,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(RetriableTaskError);
    expect((err as Error).message).toMatch(/is a directory, not a file/);
  });

  it('fails for good (not retriable) on a file it may not read', async (ctx) => {
    if (process.getuid?.() === 0) {
      console.log('skipped: running as root, which may read any file, so permission denied cannot be provoked');
      ctx.skip();
    }
    fs.writeFileSync(file, 'secret\n');
    fs.chmodSync(file, 0o000);
    const err = await open().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(RetriableTaskError);
    expect((err as Error).message).toMatch(/permission denied/);
  });

  it('reads a 1 MB line whole', async () => {
    const long = 'ü'.repeat(512 * 1024); // 1 MiB of UTF-8
    fs.writeFileSync(file, `short\n${long}\nafter\n`);
    const { task } = await open();
    const records = await task.poll();
    expect(records.map((r) => (r.value as string).length)).toEqual([5, long.length, 5]);
    expect(records[1]!.value).toBe(long);
    expect(positions(records)).toEqual([6, 6 + 1024 * 1024 + 1, 6 + 1024 * 1024 + 1 + 6]);
  });
});

describe('stdin source task', () => {
  it('reads lines of its input stream, without offsets, and is idle once the stream ended and was drained', async () => {
    const input = new PassThrough();
    const task = new StdinSourceTask(input);
    tasks.push(task);
    await task.start(sourceContext({ topic: 'in', 'batch.size': '2' }));
    input.write('one\ntwo\r\nthr');
    const got: SourceRecord[] = [];
    await eventually(async () => (got.push(...(await task.poll())), got.length === 2), 2_000, 'two lines');
    expect(got[0]).toEqual({ sourcePartition: { filename: '' }, sourceOffset: null, topic: 'in', key: null, value: 'one' });
    expect(values(got)).toEqual(['one', 'two']);
    expect(task.idle()).toBe(false);
    input.end('ee\nfour\nfive');
    await eventually(async () => (got.push(...(await task.poll())), task.idle()), 2_000, 'the end of input');
    expect(values(got)).toEqual(['one', 'two', 'three', 'four', 'five']);
  });

  it('keeps the order of many lines, a batch at most batch.size, through its backpressure', async () => {
    const input = new PassThrough();
    const task = new StdinSourceTask(input);
    tasks.push(task);
    await task.start(sourceContext({ topic: 'in', 'batch.size': '100' }));
    const n = 20_000;
    for (let i = 0; i < n; i += 1_000) input.write(Array.from({ length: 1_000 }, (_, j) => `${i + j}\n`).join(''));
    input.end();
    const got: unknown[] = [];
    const sizes = new Set<number>();
    const deadline = Date.now() + 5_000;
    while (!task.idle() && Date.now() < deadline) {
      const batch = await task.poll();
      sizes.add(batch.length);
      got.push(...values(batch));
      if (batch.length === 0) await new Promise((r) => setTimeout(r, 1));
    }
    expect(Math.max(...sizes)).toBe(100);
    expect(got).toEqual(Array.from({ length: n }, (_, i) => `${i}`));
  });
});

describe('file replaced while stopped', () => {
  it('reads the new file from its start instead of the old position', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sluice-fs-'));
    const file = path.join(dir, 'in.txt');
    writeFileSync(file, 'one\ntwo\nthree\n');
    const first = new FileSourceTask();
    const committed = new Map<string, Record<string, unknown>>();
    await first.start(fakeContext(file, committed));
    const lines = await first.poll();
    await first.stop();
    committed.set(file, lines.at(-1)!.sourceOffset!);
    // Replaced (new inode) by a file longer than the old position.
    rmSync(file);
    writeFileSync(file, 'alpha\nbeta\ngamma\ndelta\n');
    const second = new FileSourceTask();
    await second.start(fakeContext(file, committed));
    expect((await second.poll()).map((r) => r.value)).toEqual(['alpha', 'beta', 'gamma', 'delta']);
    await second.stop();
  });
});

function fakeContext(file: string, committed: Map<string, Record<string, unknown>>) {
  return {
    connector: 'c',
    taskId: 0,
    config: { file, topic: 'lines' },
    offset: (p: Record<string, unknown>) => committed.get(String(p['filename'])),
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    signal: new AbortController().signal,
  };
}

describe('stdin that the process itself reads', () => {
  it('is refused with a clear, non-retriable error when the runtime lends no stdin (the shell)', async () => {
    const task = new StdinSourceTask();
    const ctx = { ...fakeContext('', new Map()), config: { topic: 'lines' } };
    const err = await task.start(ctx).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(RetriableTaskError);
    expect((err as Error).message).toMatch(/standard input is not available.*'file'/);
  });

  it('reads the stdin the runtime lends', async () => {
    const input = new PassThrough();
    const task = new StdinSourceTask();
    await task.start({ ...fakeContext('', new Map()), config: { topic: 'lines' }, stdin: input });
    input.end('a\nb\n');
    const got = await eventually(async () => {
      const r = await task.poll();
      return r.length === 2 ? r : false;
    });
    expect((got as SourceRecord[]).map((r) => r.value)).toEqual(['a', 'b']);
    await task.stop();
  });
});
