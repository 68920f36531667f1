import fs, { promises as fsp } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { captureLogger, sinkContext, tempDir } from '../../runtime/testing.js';
import type { SinkRecord } from '../api.js';
import fc from 'fast-check';
import { BatchReader, encodeBatch } from '../../platform/encoded-batch.js';
import { StoredRecord } from '../../platform/stored-record.js';
import { FileSinkTask, formatRecordValue, formatValue } from './task.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir('sluice-fsink-');
});
afterEach(() => {
  vi.restoreAllMocks();
  tmp.cleanup();
});

let offset = 0;
const rec = (value: unknown): SinkRecord => ({ topic: 't', partition: 0, offset: offset++, timestamp: 0, key: null, value, headers: {} });

async function started(file: string | undefined, committedState?: unknown) {
  const task = new FileSinkTask();
  const cap = captureLogger();
  await task.start(sinkContext(file === undefined ? {} : { file }, { committedState, logger: cap.logger }));
  return { task, lines: cap.lines };
}

describe('formatValue', () => {
  it('writes strings as they are, anything else as JSON, null and undefined as null', () => {
    expect(formatValue('plain "text" ✓')).toBe('plain "text" ✓');
    expect(formatValue({ b: [1, 'x'], a: null })).toBe('{"b":[1,"x"],"a":null}');
    expect(formatValue(42)).toBe('42');
    expect(formatValue(true)).toBe('true');
    expect(formatValue(null)).toBe('null');
    expect(formatValue(undefined)).toBe('null');
  });
});

describe('formatRecordValue', () => {
  const stored = (value: unknown) => new StoredRecord('t', 0, 0, 0, null, new BatchReader(encodeBatch([{ topic: 't', key: null, value }])).value(0), null);

  it('copies the stored JSON text and gives the same line as formatting the parsed value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(formatRecordValue(stored(v))).toBe(formatValue(v));
      }),
      { numRuns: 2000, seed: 7 },
    );
    for (const v of ['', '"', 'line\nbreak', '\u2028', 'ünï', -0, 1e21, [], {}, null]) expect(formatRecordValue(stored(v))).toBe(formatValue(v));
  });

  it('formats the value of a record without stored text', () => {
    expect(formatRecordValue(rec({ a: 1 }))).toBe('{"a":1}');
    expect(formatRecordValue(rec('s'))).toBe('s');
  });
});

describe('file sink task', () => {
  it('appends one line per record value', async () => {
    const out = tmp.file('out.txt');
    const { task } = await started(out);
    await task.put([rec('héllo'), rec({ id: 1, tags: ['a'] }), rec(null), rec(7), rec('')]);
    await task.flush();
    await task.stop();
    expect(fs.readFileSync(out, 'utf8')).toBe('héllo\n{"id":1,"tags":["a"]}\nnull\n7\n\n');
  });

  it('writes lines of any size and script exactly, across its write chunks', async () => {
    const out = tmp.file('out.txt');
    const { task } = await started(out);
    const values = ['a'.repeat(70_000), '😀€é'.repeat(9_000), 'x', '€'.repeat(21_845), ...Array.from({ length: 5_000 }, (_, i) => `line ${i} ✓`)];
    await task.put(values.map((v) => rec(v)));
    const state = await task.flush();
    await task.stop();
    const expected = values.map((v) => `${v}\n`).join('');
    expect(fs.readFileSync(out, 'utf8')).toBe(expected);
    expect(state).toMatchObject({ length: Buffer.byteLength(expected) });
  });

  it('flush writes, fsyncs and returns the byte length with the file', async () => {
    const out = tmp.file('out.txt');
    fs.writeFileSync(out, 'before\n');
    const { task } = await started(out);
    const probe = await fsp.open(out, 'r');
    const sync = vi.spyOn(Object.getPrototypeOf(probe) as { datasync: () => Promise<void> }, 'datasync');
    await probe.close();
    await task.put([rec('€uro'), rec('x')]);
    expect(fs.readFileSync(out, 'utf8')).toBe('before\n'); // buffered until flush
    const state = await task.flush();
    expect(sync).toHaveBeenCalled();
    const bytes = 'before\n'.length + Buffer.byteLength('€uro\nx\n');
    expect(state).toEqual({ length: bytes, file: out });
    expect(fs.statSync(out).size).toBe(bytes);
    await task.stop();
  });

  it('writes a large put before the flush, and stop flushes what is buffered', async () => {
    const out = tmp.file('out.txt');
    const { task } = await started(out);
    const big = 'x'.repeat(1_000);
    await task.put(Array.from({ length: 100 }, () => rec(big)));
    expect(fs.statSync(out).size).toBeGreaterThan(0);
    await task.put([rec('last')]);
    await task.stop();
    const text = fs.readFileSync(out, 'utf8');
    expect(text.split('\n')).toHaveLength(102);
    expect(text.endsWith('last\n')).toBe(true);
  });

  it('truncates a longer file back to the committed length on start', async () => {
    const out = tmp.file('out.txt');
    fs.writeFileSync(out, 'one\ntwo\nthree (written after the commit)\n');
    const { task, lines } = await started(out, { length: 8, file: out });
    expect(fs.readFileSync(out, 'utf8')).toBe('one\ntwo\n');
    expect(lines.join('\n')).toMatch(/truncating .* to the committed 8 bytes/);
    await task.put([rec('three')]);
    expect(await task.flush()).toEqual({ length: 14, file: out });
    await task.stop();
    expect(fs.readFileSync(out, 'utf8')).toBe('one\ntwo\nthree\n');
  });

  it('accepts a committed length without a file name (older state)', async () => {
    const out = tmp.file('out.txt');
    fs.writeFileSync(out, 'one\ntwo\n');
    const { task } = await started(out, { length: 4 });
    await task.stop();
    expect(fs.readFileSync(out, 'utf8')).toBe('one\n');
  });

  it('warns, and keeps the file, when it is shorter than committed', async () => {
    const out = tmp.file('out.txt');
    fs.writeFileSync(out, 'one\n');
    const { task, lines } = await started(out, { length: 100, file: out });
    expect(lines.find((l) => l.includes(' WARN '))).toMatch(/shorter \(4 bytes\) than committed \(100\)/);
    expect(await task.flush()).toEqual({ length: 4, file: out });
    await task.stop();
    expect(fs.readFileSync(out, 'utf8')).toBe('one\n');
  });

  it('never truncates a file that the committed length does not belong to (the file was changed by ALTER)', async () => {
    const other = tmp.file('other.txt');
    fs.writeFileSync(other, 'someone else’s data\n');
    const { task } = await started(other, { length: 3, file: tmp.file('out.txt') });
    await task.put([rec('new')]);
    await task.stop();
    expect(fs.readFileSync(other, 'utf8')).toBe('someone else’s data\nnew\n');
  });

  it('writes to standard output without a file, and has no state to commit', async () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(((_: unknown, cb?: (err?: Error) => void) => {
      cb?.();
      return true;
    }) as typeof process.stdout.write);
    const { task } = await started(undefined);
    await task.put([rec('to stdout'), rec({ n: 1 })]);
    expect(await task.flush()).toBeUndefined();
    await task.stop();
    expect(write).toHaveBeenCalledTimes(1);
    expect(String(write.mock.calls[0]![0])).toBe('to stdout\n{"n":1}\n');
  });

  it('fails clearly when the directory does not exist or the path is a directory', async () => {
    await expect(started(tmp.file('missing/out.txt'))).rejects.toThrow(/cannot create .*missing\/out\.txt: its directory does not exist/);
    await expect(started(tmp.dir)).rejects.toThrow(/is a directory, not a file/);
  });

  it('fails clearly when the file is not writable', async (ctx) => {
    if (process.getuid?.() === 0) {
      console.log('skipped: running as root, which may write any file, so permission denied cannot be provoked');
      ctx.skip();
    }
    const out = tmp.file('ro.txt');
    fs.writeFileSync(out, '');
    fs.chmodSync(out, 0o444);
    await expect(started(out)).rejects.toThrow(/permission denied writing/);
  });
});
