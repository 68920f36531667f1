// Storage choice for the embedded log (issue 3 §1): a SQLite table vs. append-only segment files, measured
// with JSON records shaped like a JDBC row. Run: npx tsx bench/log-storage.ts [rows]
import Database from 'better-sqlite3';
import { closeSync, mkdtempSync, openSync, readSync, writeSync, fsyncSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const N = Number(process.argv[2] ?? 1_000_000);
const BATCH = 10_000;
const dir = mkdtempSync(path.join(os.tmpdir(), 'sluice-bench-'));
const VALUES = Array.from({ length: N }, (_, i) => JSON.stringify({ id: i, name: `user-${i}`, email: `user${i}@example.com`, created_at: '2026-11-22T02:11:00.000Z', balance: '1234.56' }));
const value = (i: number) => VALUES[i]!;

function time(label: string, fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(`${label.padEnd(40)} ${(N / s / 1e6).toFixed(3)} M rec/s`);
  return N / s;
}

// --- SQLite table
const db = new Database(path.join(dir, 'log.db'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec('CREATE TABLE records (topic_id INTEGER NOT NULL, partition INTEGER NOT NULL, offset INTEGER NOT NULL, ts INTEGER NOT NULL, key TEXT, value TEXT, headers TEXT, PRIMARY KEY (topic_id, partition, offset)) WITHOUT ROWID');
const ins = db.prepare('INSERT INTO records VALUES (1, 0, ?, ?, NULL, ?, NULL)');
time('sqlite append (batch 10k, tx each)', () => {
  const tx = db.transaction((from: number) => {
    for (let i = from; i < from + BATCH; i++) ins.run(i, 1700000000000, value(i));
  });
  for (let i = 0; i < N; i += BATCH) tx(i);
});
const sel = db.prepare('SELECT offset, ts, key, value FROM records WHERE topic_id = 1 AND partition = 0 AND offset >= ? ORDER BY offset LIMIT ?').raw();
time('sqlite read (pages of 10k)', () => {
  let next = 0;
  for (;;) {
    const rows = sel.all(next, BATCH) as unknown[][];
    if (rows.length === 0) break;
    for (const r of rows) JSON.parse(r[3] as string);
    next = (rows[rows.length - 1]![0] as number) + 1;
  }
});

// --- SQLite, one rowid table per partition (offset is the rowid)
db.exec('CREATE TABLE p1 (offset INTEGER PRIMARY KEY, ts INTEGER NOT NULL, key TEXT, value TEXT, headers TEXT)');
const ins2 = db.prepare('INSERT INTO p1 VALUES (?, ?, NULL, ?, NULL)');
time('sqlite rowid-per-partition append', () => {
  const tx = db.transaction((from: number) => {
    for (let i = from; i < from + BATCH; i++) ins2.run(i, 1700000000000, value(i));
  });
  for (let i = 0; i < N; i += BATCH) tx(i);
});
const sel2 = db.prepare('SELECT offset, ts, key, value FROM p1 WHERE offset >= ? ORDER BY offset LIMIT ?').raw();
time('sqlite rowid-per-partition read', () => {
  let next = 0;
  for (;;) {
    const rows = sel2.all(next, BATCH) as unknown[][];
    if (rows.length === 0) break;
    for (const r of rows) JSON.parse(r[3] as string);
    next = (rows[rows.length - 1]![0] as number) + 1;
  }
});

// --- segment file: one JSON line per record, fsync per batch
const seg = path.join(dir, 'segment.log');
time('segment append (batch 10k, fsync each)', () => {
  const fd = openSync(seg, 'a');
  for (let i = 0; i < N; i += BATCH) {
    let buf = '';
    for (let j = i; j < i + BATCH; j++) buf += `${JSON.stringify({ o: j, t: 1700000000000, k: null, v: value(j) })}\n`;
    writeSync(fd, buf);
    fsyncSync(fd);
  }
  closeSync(fd);
});
time('segment read (64 KiB chunks)', () => {
  const fd = openSync(seg, 'r');
  const buf = Buffer.alloc(1 << 16);
  let rest = '';
  let pos = 0;
  const size = statSync(seg).size;
  while (pos < size) {
    const n = readSync(fd, buf, 0, buf.length, pos);
    pos += n;
    const lines = (rest + buf.toString('utf8', 0, n)).split('\n');
    rest = lines.pop()!;
    for (const l of lines) JSON.parse(JSON.parse(l).v);
  }
  closeSync(fd);
});
console.log(`data in ${dir}`);
