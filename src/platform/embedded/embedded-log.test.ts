import fs from 'node:fs';
import { getEventListeners } from 'node:events';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProducerRecord } from '../log.js';
import { EmbeddedLog } from './embedded-log.js';
import { tempDataDir } from './fixtures/helpers.js';
import { canonicalJson, partitionForKey } from './keys.js';

async function rejection(p: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await p;
  } catch (err) {
    return err as { code?: string; message: string };
  }
  throw new Error('expected a rejection');
}

const rec = (topic: string, value: unknown, extra: Partial<ProducerRecord> = {}): ProducerRecord => ({ topic, key: null, value, ...extra });

function timers(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}

describe('EmbeddedLog (in memory)', () => {
  let log: EmbeddedLog;
  beforeEach(() => (log = EmbeddedLog.inMemory()));
  afterEach(() => log.close());

  describe('append and read', () => {
    it('round-trips JSON keys, values and headers, unicode and nulls included', async () => {
      const records: ProducerRecord[] = [
        { topic: 't', key: { id: 1, name: 'Zoë' }, value: { text: 'héllo wörld ✓ 🚀 日本語', n: 1.5, big: '12345678901234567890', ok: true, none: null, list: [1, 'two', null] }, timestamp: 1700000000123, headers: { 'content-type': 'application/json', émoji: '🙂' } },
        { topic: 't', key: null, value: null },
        { topic: 't', key: 'plain-string', value: 'a string value' },
        { topic: 't', key: 42, value: [] },
        { topic: 't', key: undefined, value: undefined, headers: {} },
        { topic: 't', key: '', value: { nested: { deeper: { quote: '"', backslash: '\\', nl: '\n', nul: '\u0000' } } } },
      ];
      const before = Date.now();
      const positions = await log.append(records);
      expect(positions).toEqual(records.map((_, i) => ({ topic: 't', partition: 0, offset: i })));
      const read = await log.read({ topic: 't', partition: 0 }, 0, 100);
      expect(read).toHaveLength(records.length);
      read.forEach((r, i) => {
        const sent = records[i]!;
        expect(r).toMatchObject({ topic: 't', partition: 0, offset: i });
        expect(r.key).toEqual(sent.key ?? null);
        expect(r.value).toEqual(sent.value ?? null);
        expect(r.headers).toEqual(sent.headers ?? {});
      });
      expect(read[0]!.timestamp).toBe(1700000000123);
      expect(read[1]!.timestamp).toBeGreaterThanOrEqual(before);
      expect(read[1]!.timestamp).toBeLessThanOrEqual(Date.now());
    });

    it('reads from an offset, in order, at most max records; [] past the end or for an unknown topic', async () => {
      await log.append(Array.from({ length: 10 }, (_, i) => rec('t', i)));
      expect((await log.read({ topic: 't', partition: 0 }, 3, 4)).map((r) => r.value)).toEqual([3, 4, 5, 6]);
      expect((await log.read({ topic: 't', partition: 0 }, 8, 100)).map((r) => r.offset)).toEqual([8, 9]);
      expect(await log.read({ topic: 't', partition: 0 }, 10, 100)).toEqual([]);
      expect(await log.read({ topic: 't', partition: 0 }, 0, 0)).toEqual([]);
      expect(await log.read({ topic: 'nothing-yet', partition: 0 }, 0, 10)).toEqual([]);
      expect((await rejection(log.read({ topic: 't', partition: 1 }, 0, 10))).code).toBe('INVALID_ARGUMENT');
      expect((await rejection(log.read({ topic: 't', partition: 0 }, -1, 10))).code).toBe('INVALID_ARGUMENT');
      expect((await rejection(log.read({ topic: 't', partition: 0 }, 0, 1.5))).code).toBe('INVALID_ARGUMENT');
    });

    it('gives dense offsets per partition across batches and topics', async () => {
      await log.ensureTopic('multi', { partitions: 3 });
      const batch1 = await log.append([
        rec('multi', 'a', { partition: 0 }),
        rec('multi', 'b', { partition: 2 }),
        rec('multi', 'c', { partition: 0 }),
        rec('other', 'x'),
      ]);
      const batch2 = await log.append([rec('multi', 'd', { partition: 2 }), rec('multi', 'e', { partition: 0 }), rec('other', 'y')]);
      expect(batch1.map((p) => `${p.topic}/${p.partition}@${p.offset}`)).toEqual(['multi/0@0', 'multi/2@0', 'multi/0@1', 'other/0@0']);
      expect(batch2.map((p) => `${p.topic}/${p.partition}@${p.offset}`)).toEqual(['multi/2@1', 'multi/0@2', 'other/0@1']);
      expect((await log.read({ topic: 'multi', partition: 0 }, 0, 10)).map((r) => [r.offset, r.value])).toEqual([
        [0, 'a'],
        [1, 'c'],
        [2, 'e'],
      ]);
      const info = await log.describeTopic('multi');
      expect(info?.offsets).toEqual([
        { partition: 0, start: 0, end: 3 },
        { partition: 1, start: 0, end: 0 },
        { partition: 2, start: 0, end: 2 },
      ]);
    });

    it('rejects values that are not JSON, a bad timestamp and a partition out of range', async () => {
      expect(await rejection(log.append([rec('t', { n: 1n })]))).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('record 0: value') });
      expect((await rejection(log.append([rec('t', 1, { timestamp: Number.NaN })]))).code).toBe('INVALID_ARGUMENT');
      expect(await rejection(log.append([rec('t', 1, { partition: 1 })]))).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('no partition 1') });
      expect((await rejection(log.append([rec('t', 1, { partition: -1 })]))).code).toBe('INVALID_ARGUMENT');
      expect((await rejection(log.append([rec('t', 1, { headers: { n: 1 as unknown as string } })]))).code).toBe('INVALID_ARGUMENT');
      expect(await log.listTopics()).toEqual([]);
    });
  });

  describe('topics', () => {
    it('auto-creates topics on append with the default partition count', async () => {
      const wide = EmbeddedLog.inMemory({ defaultPartitions: 4 });
      await wide.append([rec('auto', 1)]);
      const info = await wide.describeTopic('auto');
      expect(info).toMatchObject({ name: 'auto', partitions: 4, retentionMs: undefined, retentionBytes: undefined });
      expect(info?.offsets).toHaveLength(4);
      expect(new Date(info!.createdAt).getTime()).toBeGreaterThan(0);
      await wide.close();

      await log.append([rec('auto1', 1)]);
      expect((await log.describeTopic('auto1'))?.partitions).toBe(1);
    });

    it('ensureTopic creates once and then returns the existing topic unchanged', async () => {
      const created = await log.ensureTopic('cfg', { partitions: 2, retentionMs: 60_000, retentionBytes: 1 << 20 });
      expect(created).toMatchObject({ name: 'cfg', partitions: 2, retentionMs: 60_000, retentionBytes: 1 << 20 });
      const again = await log.ensureTopic('cfg', { partitions: 5 });
      expect(again).toEqual(created);
      expect((await log.ensureTopic('unlimited', { retentionMs: -1 })).retentionMs).toBeUndefined();
      expect((await rejection(log.ensureTopic('zero', { partitions: 0 }))).code).toBe('INVALID_ARGUMENT');
      expect((await rejection(log.ensureTopic('neg', { retentionBytes: -5 }))).code).toBe('INVALID_ARGUMENT');
      expect((await log.listTopics()).map((t) => t.name)).toEqual(['cfg', 'unlimited']);
      expect(await log.describeTopic('missing')).toBeUndefined();
    });

    it('rejects invalid topic names everywhere with INVALID_ARGUMENT', async () => {
      for (const bad of ['', '.', '..', 'a b', 'x'.repeat(250), 'a/b', 'p1_0; DROP TABLE topics', 'ü']) {
        expect((await rejection(log.append([rec(bad, 1)]))).code).toBe('INVALID_ARGUMENT');
        expect((await rejection(log.ensureTopic(bad))).code).toBe('INVALID_ARGUMENT');
        expect((await rejection(log.describeTopic(bad))).code).toBe('INVALID_ARGUMENT');
        expect((await rejection(log.read({ topic: bad, partition: 0 }, 0, 1))).code).toBe('INVALID_ARGUMENT');
        expect((await rejection(log.waitForData([{ topic: bad, partition: 0, offset: 0 }], 10))).code).toBe('INVALID_ARGUMENT');
        expect((await rejection(log.commitSink('s', { positions: [{ topic: bad, partition: 0, offset: 0 }] }))).code).toBe('INVALID_ARGUMENT');
      }
      await log.ensureTopic('x'.repeat(249));
      expect(await log.listTopics()).toHaveLength(1);
    });
  });

  describe('partitioning', () => {
    it('uses an explicit partition, else the canonical key hash, else round-robin', async () => {
      await log.ensureTopic('p', { partitions: 5 });
      expect((await log.append([rec('p', 1, { partition: 3, key: 'k' })]))[0]!.partition).toBe(3);

      const keys = ['alice', 'bob', 'carol', 42, { id: 7, region: 'eu' }, ['a', 1]];
      const positions = await log.append(keys.map((key) => rec('p', 0, { key })));
      positions.forEach((pos, i) => expect(pos.partition).toBe(partitionForKey(canonicalJson(keys[i])!, 5)));
      // Same key with its members in another order: same partition.
      const [a, b] = await log.append([rec('p', 0, { key: { id: 7, region: 'eu' } }), rec('p', 0, { key: { region: 'eu', id: 7 } })]);
      expect(a!.partition).toBe(b!.partition);

      const rr = await log.append(Array.from({ length: 10 }, () => rec('p', 0)));
      expect(rr.map((p) => p.partition)).toEqual([0, 1, 2, 3, 4, 0, 1, 2, 3, 4]);
    });
  });

  describe('atomic append with source offsets', () => {
    it('stores records and offsets together', async () => {
      await log.append([rec('t', 1), rec('t', 2)], { connector: 'src', sourceOffsets: [{ partition: { table: 'users' }, offset: { id: 2 } }] });
      expect(await log.listSourceOffsets('src')).toEqual([{ partition: { table: 'users' }, offset: { id: 2 } }]);
      await log.append([], { connector: 'src', sourceOffsets: [{ partition: { table: 'users' }, offset: { id: 3 } }] });
      expect(await log.listSourceOffsets('src')).toEqual([{ partition: { table: 'users' }, offset: { id: 3 } }]);
    });

    it('keeps nothing of a batch that fails in the middle: no record, no topic, no offset', async () => {
      await log.append([rec('existing', 'before')], { connector: 'src', sourceOffsets: [{ partition: { f: 1 }, offset: { pos: 1 } }] });
      const commit = { connector: 'src', sourceOffsets: [{ partition: { f: 1 }, offset: { pos: 99 } }] };

      // An invalid topic name in the middle of the batch.
      const bad = await rejection(log.append([rec('existing', 'x'), rec('fresh', 'y'), rec('bad topic', 'z'), rec('existing', 'w')], commit));
      expect(bad.code).toBe('INVALID_ARGUMENT');
      // A value that cannot be serialised, after rows were already inserted and a topic created in the transaction.
      const bad2 = await rejection(log.append([rec('existing', 'x'), rec('fresh', 'y'), rec('fresh', { n: 10n })], commit));
      expect(bad2.code).toBe('INVALID_ARGUMENT');
      // An offset that cannot be serialised, checked after every record.
      const bad3 = await rejection(
        log.append([rec('existing', 'x'), rec('fresh', 'y')], { connector: 'src', sourceOffsets: [{ partition: { f: 1 }, offset: { pos: 5n } }] }),
      );
      expect(bad3.code).toBe('INVALID_ARGUMENT');

      expect((await log.listTopics()).map((t) => t.name)).toEqual(['existing']);
      expect((await log.describeTopic('existing'))?.offsets).toEqual([{ partition: 0, start: 0, end: 1 }]);
      expect((await log.read({ topic: 'existing', partition: 0 }, 0, 10)).map((r) => r.value)).toEqual(['before']);
      expect(await log.listSourceOffsets('src')).toEqual([{ partition: { f: 1 }, offset: { pos: 1 } }]);

      // Nothing of the failed attempts lingers in the caches: the next append behaves as on a fresh log.
      const ok = await log.append([rec('fresh', 'first'), rec('existing', 'second')], commit);
      expect(ok).toEqual([
        { topic: 'fresh', partition: 0, offset: 0 },
        { topic: 'existing', partition: 0, offset: 1 },
      ]);
      expect((await log.read({ topic: 'fresh', partition: 0 }, 0, 10)).map((r) => r.value)).toEqual(['first']);
      expect(await log.listSourceOffsets('src')).toEqual([{ partition: { f: 1 }, offset: { pos: 99 } }]);
    });
  });

  describe('source offsets', () => {
    it('maps a partition to one row whatever the order of its keys', async () => {
      await log.commitSourceOffsets('c', [{ partition: { table: 'users', db: 'main' }, offset: { id: 1 } }]);
      await log.commitSourceOffsets('c', [{ partition: { db: 'main', table: 'users' }, offset: { id: 2, ts: 'x' } }]);
      await log.commitSourceOffsets('c', [{ partition: { db: 'main', table: 'orders' }, offset: null }]);
      await log.commitSourceOffsets('other', [{ partition: { db: 'main', table: 'users' }, offset: { id: 100 } }]);
      expect(await log.listSourceOffsets('c')).toEqual([
        { partition: { db: 'main', table: 'orders' }, offset: null },
        { partition: { db: 'main', table: 'users' }, offset: { id: 2, ts: 'x' } },
      ]);
      expect(await log.listSourceOffsets('other')).toEqual([{ partition: { db: 'main', table: 'users' }, offset: { id: 100 } }]);
      expect(await log.listSourceOffsets('nobody')).toEqual([]);
    });

    it('keeps the last of several offsets for one partition in one commit', async () => {
      await log.commitSourceOffsets('c', [
        { partition: { f: 'a' }, offset: { pos: 1 } },
        { partition: { f: 'a' }, offset: { pos: 2 } },
      ]);
      expect(await log.listSourceOffsets('c')).toEqual([{ partition: { f: 'a' }, offset: { pos: 2 } }]);
    });

    it('rejects partitions and offsets that are not objects', async () => {
      expect((await rejection(log.commitSourceOffsets('c', [{ partition: null as unknown as Record<string, unknown>, offset: null }]))).code).toBe('INVALID_ARGUMENT');
      expect((await rejection(log.commitSourceOffsets('c', [{ partition: {}, offset: 5 as unknown as Record<string, unknown> }]))).code).toBe('INVALID_ARGUMENT');
      expect((await rejection(log.commitSourceOffsets('', []))).code).toBe('INVALID_ARGUMENT');
    });
  });

  describe('sink commits', () => {
    it('reads nothing committed as no positions and undefined state', async () => {
      expect(await log.readSinkCommit('sink')).toEqual({ positions: [], state: undefined });
    });

    it('round-trips positions and state and replaces them on the next commit', async () => {
      await log.commitSink('sink', {
        positions: [
          { topic: 'b', partition: 1, offset: 10 },
          { topic: 'a', partition: 0, offset: 5 },
        ],
        state: { bytes: 1234, file: '/tmp/out ✓.txt' },
      });
      expect(await log.readSinkCommit('sink')).toEqual({
        positions: [
          { topic: 'a', partition: 0, offset: 5 },
          { topic: 'b', partition: 1, offset: 10 },
        ],
        state: { bytes: 1234, file: '/tmp/out ✓.txt' },
      });
      // A later commit moves the named positions, keeps the others, and replaces the state.
      await log.commitSink('sink', { positions: [{ topic: 'a', partition: 0, offset: 8 }], state: { bytes: 2000 } });
      expect(await log.readSinkCommit('sink')).toEqual({
        positions: [
          { topic: 'a', partition: 0, offset: 8 },
          { topic: 'b', partition: 1, offset: 10 },
        ],
        state: { bytes: 2000 },
      });
      // No state: the previous state is removed. Null is a state of its own.
      await log.commitSink('sink', { positions: [] });
      expect((await log.readSinkCommit('sink')).state).toBeUndefined();
      await log.commitSink('sink', { positions: [], state: null });
      expect((await log.readSinkCommit('sink')).state).toBeNull();
      expect(await log.readSinkCommit('other')).toEqual({ positions: [], state: undefined });
    });
  });

  it('resetOffsets forgets source offsets, sink positions and sink state of one connector only', async () => {
    await log.append([rec('t', 1)], { connector: 'x', sourceOffsets: [{ partition: { p: 1 }, offset: { o: 1 } }] });
    await log.commitSink('x', { positions: [{ topic: 't', partition: 0, offset: 1 }], state: { s: 1 } });
    await log.commitSourceOffsets('y', [{ partition: { p: 1 }, offset: { o: 9 } }]);
    await log.commitSink('y', { positions: [{ topic: 't', partition: 0, offset: 1 }], state: 'kept' });
    await log.resetOffsets('x');
    expect(await log.listSourceOffsets('x')).toEqual([]);
    expect(await log.readSinkCommit('x')).toEqual({ positions: [], state: undefined });
    expect(await log.listSourceOffsets('y')).toHaveLength(1);
    expect(await log.readSinkCommit('y')).toEqual({ positions: [{ topic: 't', partition: 0, offset: 1 }], state: 'kept' });
    // The records themselves stay.
    expect(await log.read({ topic: 't', partition: 0 }, 0, 10)).toHaveLength(1);
  });

  describe('retention', () => {
    const T0 = 1_700_000_000_000;

    it('deletes the leading records older than retentionMs and reads skip to the new start', async () => {
      await log.ensureTopic('timed', { partitions: 2, retentionMs: 1000 });
      await log.ensureTopic('forever');
      await log.append(Array.from({ length: 10 }, (_, i) => rec('timed', i, { partition: 0, timestamp: T0 + i * 100 })));
      await log.append([rec('timed', 'p1', { partition: 1, timestamp: T0 }), rec('forever', 'old', { timestamp: 0 })]);

      expect(await log.enforceRetention(T0 + 1000)).toBe(0);
      // Cutoff T0+500: offsets 0..4 (ts T0..T0+400) go, and partition 1's only record.
      expect(await log.enforceRetention(T0 + 1500)).toBe(6);
      const info = await log.describeTopic('timed');
      expect(info?.offsets).toEqual([
        { partition: 0, start: 5, end: 10 },
        { partition: 1, start: 1, end: 1 },
      ]);
      // A consumer whose position was deleted moves on to the first retained record.
      expect((await log.read({ topic: 'timed', partition: 0 }, 2, 3)).map((r) => r.offset)).toEqual([5, 6, 7]);
      expect(await log.read({ topic: 'timed', partition: 1 }, 0, 10)).toEqual([]);
      // Offsets are never reused, also when retention emptied the partition.
      expect((await log.append([rec('timed', 'new', { partition: 1, timestamp: T0 + 5000 })]))[0]!.offset).toBe(1);
      expect((await log.describeTopic('forever'))?.offsets[0]).toEqual({ partition: 0, start: 0, end: 1 });
      expect(await log.enforceRetention(T0 + 1500)).toBe(0);
    });

    it('stops at the first record young enough, as Kafka stops at the first young segment', async () => {
      await log.ensureTopic('mixed', { retentionMs: 100 });
      await log.append([rec('mixed', 0, { timestamp: 0 }), rec('mixed', 1, { timestamp: 10_000 }), rec('mixed', 2, { timestamp: 0 })]);
      expect(await log.enforceRetention(5000)).toBe(1);
      expect((await log.read({ topic: 'mixed', partition: 0 }, 0, 10)).map((r) => r.offset)).toEqual([1, 2]);
    });

    it('deletes the oldest records until the partition is within retentionBytes', async () => {
      await log.ensureTopic('sized', { retentionBytes: 100 });
      // Each value "xxxxxxxx" is 10 bytes of JSON; no key, no headers.
      await log.append(Array.from({ length: 25 }, () => rec('sized', 'x'.repeat(8))));
      expect(await log.enforceRetention()).toBe(15);
      expect((await log.describeTopic('sized'))?.offsets[0]).toEqual({ partition: 0, start: 15, end: 25 });
      expect(await log.enforceRetention()).toBe(0);
      // Keys and headers count too: a record of 10 + 5 ("abc") + 9 ({"h":"v"}) = 24 bytes pushes three 10-byte ones out.
      await log.append([rec('sized', 'x'.repeat(8), { key: 'abc', headers: { h: 'v' } })]);
      expect(await log.enforceRetention()).toBe(3);
      expect((await log.read({ topic: 'sized', partition: 0 }, 0, 100)).map((r) => r.offset)).toEqual([18, 19, 20, 21, 22, 23, 24, 25]);
    });

    it('applies time and size limits together', async () => {
      await log.ensureTopic('both', { retentionMs: 1000, retentionBytes: 30 });
      await log.append(Array.from({ length: 10 }, (_, i) => rec('both', 'x'.repeat(8), { timestamp: T0 + i * 1000 })));
      // Time: cutoff T0+3500 removes 0..3; size: 6 × 10 bytes > 30 removes 4..6.
      expect(await log.enforceRetention(T0 + 4500)).toBe(7);
      expect((await log.describeTopic('both'))?.offsets[0]).toEqual({ partition: 0, start: 7, end: 10 });
    });
  });

  describe('waitForData', () => {
    const tp = { topic: 'w', partition: 0 };

    it('resolves at once when a partition already has data at the position', async () => {
      await log.append([rec('w', 1)]);
      const t0 = Date.now();
      await log.waitForData([{ ...tp, offset: 0 }], 10_000);
      expect(Date.now() - t0).toBeLessThan(500);
    });

    it('wakes on an append in this process without waiting for a poll', async () => {
      const quiet = EmbeddedLog.inMemory({ pollIntervalMs: 60_000 });
      await quiet.append([rec('w', 0)]);
      const t0 = Date.now();
      setTimeout(() => void quiet.append([rec('w', 1), rec('other', 1)]), 50);
      await quiet.waitForData([{ topic: 'nope', partition: 0, offset: 0 }, { ...tp, offset: 1 }], 10_000);
      expect(Date.now() - t0).toBeLessThan(1000);
      expect(await quiet.read(tp, 1, 10)).toHaveLength(1);
      await quiet.close();
    });

    it('wakes for a topic that does not exist yet once it is written', async () => {
      const t0 = Date.now();
      setTimeout(() => void log.append([rec('later', 1)]), 30);
      await log.waitForData([{ topic: 'later', partition: 0, offset: 0 }], 10_000);
      expect(Date.now() - t0).toBeLessThan(1000);
    });

    it('ignores appends at or before the position', async () => {
      await log.append([rec('w', 0)]);
      const t0 = Date.now();
      setTimeout(() => void log.append([rec('other', 1)]), 10);
      await log.waitForData([{ ...tp, offset: 1 }], 250);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(240);
    });

    it('resolves on timeout and leaves no timer or listener behind', async () => {
      const before = timers();
      const controller = new AbortController();
      const t0 = Date.now();
      const wait = log.waitForData([{ ...tp, offset: 0 }], 200, controller.signal);
      await new Promise((r) => setImmediate(r));
      expect(timers()).toBeGreaterThan(before);
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
      await wait;
      expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
      expect(timers()).toBeLessThanOrEqual(before);
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    });

    it('resolves (does not reject) on abort, and at once when already aborted', async () => {
      const before = timers();
      const controller = new AbortController();
      const t0 = Date.now();
      setTimeout(() => controller.abort(), 50);
      await log.waitForData([{ ...tp, offset: 0 }], 10_000, controller.signal);
      expect(Date.now() - t0).toBeLessThan(1000);
      expect(timers()).toBeLessThanOrEqual(before);
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
      const t1 = Date.now();
      await log.waitForData([{ ...tp, offset: 0 }], 10_000, controller.signal);
      expect(Date.now() - t1).toBeLessThan(500);
    });

    it('resolves pending waits on close', async () => {
      const closing = EmbeddedLog.inMemory();
      const before = timers();
      const t0 = Date.now();
      const wait = closing.waitForData([{ ...tp, offset: 0 }], 10_000);
      await closing.close();
      await wait;
      expect(Date.now() - t0).toBeLessThan(1000);
      expect(timers()).toBeLessThanOrEqual(before);
    });

    it('returns at once for a zero timeout', async () => {
      const t0 = Date.now();
      await log.waitForData([{ ...tp, offset: 0 }], 0);
      expect(Date.now() - t0).toBeLessThan(500);
    });
  });

  it('close is idempotent and later calls fail clearly', async () => {
    const l = EmbeddedLog.inMemory();
    await l.close();
    await l.close();
    expect(await rejection(l.append([rec('t', 1)]))).toMatchObject({ message: 'the embedded log is closed' });
    expect(await rejection(l.listTopics())).toMatchObject({ message: 'the embedded log is closed' });
    expect(await rejection(l.waitForData([], 10))).toMatchObject({ message: 'the embedded log is closed' });
  });
});

describe('EmbeddedLog (data dir)', () => {
  let dirs: ReturnType<typeof tempDataDir>;
  beforeEach(() => (dirs = tempDataDir()));
  afterEach(() => dirs.cleanup());

  it('creates DIR/log.db 0600 in a 0700 dir, in WAL mode', async () => {
    const log = EmbeddedLog.open(dirs.dataDir);
    await log.append([rec('t', 1)]);
    expect(fs.statSync(dirs.dataDir).mode & 0o777).toBe(0o700);
    for (const f of fs.readdirSync(dirs.dataDir)) expect(fs.statSync(path.join(dirs.dataDir, f)).mode & 0o777, f).toBe(0o600);
    expect(fs.existsSync(path.join(dirs.dataDir, 'log.db-wal'))).toBe(true);
    expect(log.file).toBe(path.join(dirs.dataDir, 'log.db'));
    await log.close();
  });

  it('keeps everything across close and reopen', async () => {
    let log = EmbeddedLog.open(dirs.dataDir, { defaultPartitions: 3 });
    await log.ensureTopic('kept', { partitions: 2, retentionMs: 86_400_000, retentionBytes: 1 << 30 });
    const keyed = ['a', 'b', 'c', 'd', 'e', 'f', { x: 1 }].map((key, i) => rec('auto', { i, s: 'ünï' }, { key, headers: { n: String(i) } }));
    const firstPositions = await log.append(keyed, { connector: 'src', sourceOffsets: [{ partition: { z: 1, a: 2 }, offset: { n: 7 } }] });
    await log.append([rec('kept', 'x', { partition: 1 })]);
    await log.commitSink('sink', { positions: [{ topic: 'kept', partition: 1, offset: 1 }], state: { bytes: 3 } });
    const topicsBefore = await log.listTopics();
    const recordsBefore = await Promise.all([0, 1, 2].map((p) => log.read({ topic: 'auto', partition: p }, 0, 100)));
    await log.close();

    log = EmbeddedLog.open(dirs.dataDir, { defaultPartitions: 3 });
    expect(await log.listTopics()).toEqual(topicsBefore);
    expect(await Promise.all([0, 1, 2].map((p) => log.read({ topic: 'auto', partition: p }, 0, 100)))).toEqual(recordsBefore);
    expect(await log.listSourceOffsets('src')).toEqual([{ partition: { a: 2, z: 1 }, offset: { n: 7 } }]);
    expect(await log.readSinkCommit('sink')).toEqual({ positions: [{ topic: 'kept', partition: 1, offset: 1 }], state: { bytes: 3 } });
    // Key hashing is stable across processes: the same keys land in the same partitions, offsets continue.
    const again = await log.append(keyed);
    expect(again.map((p) => p.partition)).toEqual(firstPositions.map((p) => p.partition));
    again.forEach((p, i) => expect(p.offset).toBe(firstPositions[i]!.offset + firstPositions.filter((q) => q.partition === p.partition).length));
    await log.close();
  });

  it('sees appends of another instance in this process promptly', async () => {
    const writer = EmbeddedLog.open(dirs.dataDir);
    const reader = EmbeddedLog.open(dirs.dataDir, { readonly: true, pollIntervalMs: 60_000 });
    const t0 = Date.now();
    setTimeout(() => void writer.append([rec('shared', 1)]), 30);
    await reader.waitForData([{ topic: 'shared', partition: 0, offset: 0 }], 10_000);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect((await reader.read({ topic: 'shared', partition: 0 }, 0, 10)).map((r) => r.value)).toEqual([1]);
    await reader.close();
    await writer.close();
  });

  it('read-only before the log exists: reads as empty, creates nothing, and sees the log once it is written', async () => {
    const early = EmbeddedLog.open(dirs.dataDir, { readonly: true });
    expect(await early.listTopics()).toEqual([]);
    expect(await early.read({ topic: 't', partition: 0 }, 0, 10)).toEqual([]);
    expect(fs.existsSync(dirs.dataDir)).toBe(false);
    const writer = EmbeddedLog.open(dirs.dataDir);
    setTimeout(() => void writer.append([rec('t', 'first')]), 30);
    await early.waitForData([{ topic: 't', partition: 0, offset: 0 }], 10_000);
    expect((await early.read({ topic: 't', partition: 0 }, 0, 10)).map((r) => r.value)).toEqual(['first']);
    expect((await early.listTopics()).map((t) => t.name)).toEqual(['t']);
    await early.close();
    await writer.close();
  });

  it('read-only: reads and refuses every write', async () => {
    const writer = EmbeddedLog.open(dirs.dataDir);
    await writer.append([rec('t', 1)]);
    const ro = EmbeddedLog.open(dirs.dataDir, { readonly: true });
    expect(ro.isReadonly).toBe(true);
    expect(await ro.read({ topic: 't', partition: 0 }, 0, 10)).toHaveLength(1);
    const refusals = [
      ro.append([rec('t', 2)]),
      ro.ensureTopic('new'),
      ro.commitSourceOffsets('c', [{ partition: {}, offset: null }]),
      ro.commitSink('c', { positions: [] }),
      ro.resetOffsets('c'),
      ro.enforceRetention(),
    ];
    for (const p of refusals) expect(await rejection(p)).toMatchObject({ message: 'the embedded log was opened read-only' });
    await ro.close();
    await writer.close();
  });

  it('refuses a log written by a newer schema', async () => {
    const log = EmbeddedLog.open(dirs.dataDir);
    await log.close();
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(path.join(dirs.dataDir, 'log.db'));
    db.pragma('user_version = 99');
    db.close();
    expect(() => EmbeddedLog.open(dirs.dataDir)).toThrow(expect.objectContaining({ code: 'CATALOG_TOO_NEW' }));
    expect(() => EmbeddedLog.open(dirs.dataDir, { readonly: true })).toThrow(expect.objectContaining({ code: 'CATALOG_TOO_NEW' }));
  });
});
