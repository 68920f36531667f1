/**
 * The embedded log with real second processes: cross-process wake-up, read-committed visibility for a
 * read-only reader, and kill -9 in the middle of appends with source offsets.
 */
import Database from 'better-sqlite3';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmbeddedLog } from './embedded-log.js';
import { killHard, runChild, spawnChild, tempDataDir, waitForLine } from './fixtures/helpers.js';
import { canonicalJson, partitionForKey } from './keys.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('EmbeddedLog across processes', () => {
  let dirs: ReturnType<typeof tempDataDir>;
  beforeEach(() => (dirs = tempDataDir()));
  afterEach(() => dirs.cleanup());

  it('wakes a waiting reader when another process appends', async () => {
    await EmbeddedLog.open(dirs.dataDir).close();
    const reader = EmbeddedLog.open(dirs.dataDir, { readonly: true, pollIntervalMs: 100 });
    const child = spawnChild(['append', dirs.dataDir, 'xp', '3', '300']);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    let appendedAt = Infinity;
    child.stdout?.on('data', () => {
      if (child.output().includes('appended') && appendedAt === Infinity) appendedAt = Date.now();
    });
    try {
      const t0 = Date.now();
      await reader.waitForData([{ topic: 'xp', partition: 0, offset: 0 }], 20_000);
      const wokeAt = Date.now();
      expect(wokeAt - t0).toBeLessThan(15_000);
      const records = await reader.read({ topic: 'xp', partition: 0 }, 0, 10);
      expect(records.map((r) => r.value)).toEqual([0, 1, 2].map((i) => ({ i, from: 'child' })));
      await exited;
      expect(child.exitCode, child.errors()).toBe(0);
      // Woken by the poll (data_version), within a few intervals of the child's commit.
      expect(wokeAt - appendedAt).toBeLessThan(2000);
    } finally {
      await killHard(child);
      await reader.close();
    }
  });

  it('a read-only reader in another process sees committed data only', async () => {
    const log = EmbeddedLog.open(dirs.dataDir);
    await log.append([{ topic: 'rc', key: null, value: 'committed' }]);
    const file = path.join(dirs.dataDir, 'log.db');
    const raw = new Database(file, { timeout: 5000 });
    try {
      // A writer in the middle of a long transaction: rows inserted and the partition's end moved, not committed.
      const topicId = raw.prepare('SELECT id FROM topics WHERE name = ?').pluck().get('rc') as number;
      raw.exec('BEGIN IMMEDIATE');
      const insert = raw.prepare(`INSERT INTO p${topicId}_0 ("offset", ts, bytes, key, value, headers) VALUES (?, 0, 5, NULL, '"tx"', NULL)`);
      for (let o = 1; o <= 100; o++) insert.run(o);
      raw.prepare('UPDATE partitions SET next_offset = 101 WHERE topic_id = ?').run(topicId);

      const during = JSON.parse(await runChild(['read', dirs.dataDir, 'rc'])) as { info: { offsets: unknown[] }; records: { value: unknown }[] };
      expect(during.info.offsets).toEqual([{ partition: 0, start: 0, end: 1 }]);
      expect(during.records.map((r) => r.value)).toEqual(['committed']);

      raw.exec('COMMIT');
      const after = JSON.parse(await runChild(['read', dirs.dataDir, 'rc'])) as typeof during;
      expect(after.info.offsets).toEqual([{ partition: 0, start: 0, end: 101 }]);
      expect(after.records).toHaveLength(101);
    } finally {
      if (raw.inTransaction) raw.exec('ROLLBACK');
      raw.close();
      await log.close();
    }
  });

  it('after kill -9 at random moments, every committed source offset matches the records in the log', async () => {
    let previous = 0;
    for (let run = 0; run < 5; run++) {
      const child = spawnChild(['crash', dirs.dataDir]);
      try {
        await waitForLine(child, 'ready');
        await sleep(50 + Math.random() * 450);
      } finally {
        await killHard(child);
      }
      expect(child.signalCode, child.errors()).toBe('SIGKILL');

      const log = EmbeddedLog.open(dirs.dataDir);
      try {
        const offsets = await log.listSourceOffsets('crash');
        expect(offsets).toHaveLength(1);
        expect(offsets[0]!.partition).toEqual({ source: 'gen' });
        const committed = (offsets[0]!.offset as { seq: number }).seq;
        expect(committed).toBeGreaterThan(previous);
        previous = committed;

        const seen: number[] = [];
        for (const [topic, partitions] of [
          ['crash-a', 3],
          ['crash-b', 1],
        ] as const) {
          const info = await log.describeTopic(topic);
          expect(info?.partitions).toBe(partitions);
          for (let p = 0; p < partitions; p++) {
            const records = await log.read({ topic, partition: p }, 0, 10_000_000);
            expect(records.map((r) => r.offset)).toEqual(records.map((_, i) => i));
            expect(info?.offsets[p]).toEqual({ partition: p, start: 0, end: records.length });
            for (const r of records) {
              seen.push((r.value as { seq: number }).seq);
              if (topic === 'crash-a') expect(p).toBe(partitionForKey(canonicalJson(r.key)!, 3));
            }
          }
        }
        // Exactly the records 0 .. committed-1: no partial batch, nothing lost, nothing twice.
        expect(seen.length).toBe(committed);
        expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: committed }, (_, i) => i));
      } finally {
        await log.close();
      }
    }
  }, 120_000);
});
