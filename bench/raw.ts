// Raw limits of each stage, measured on the same machine in the same run as the end-to-end figures.
import Database from 'better-sqlite3';
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';

export function timed(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

export async function timedAsync(fn: () => Promise<void>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** better-sqlite3 iterating every row of the table: the fastest a SQLite source can read. */
export function rawSqliteIterate(dbFile: string, table: string): number {
  const db = new Database(dbFile, { readonly: true });
  let n = 0;
  const s = timed(() => {
    for (const row of db.prepare(`SELECT * FROM "${table}"`).iterate()) if (row) n += 1;
  });
  db.close();
  return n / s;
}

/**
 * The log's storage engine with nothing around it: inserts into a rowid table, WAL, synchronous=FULL, one
 * transaction per `batch` rows (the batch the pipeline appends: its batch.max.rows).
 */
export function rawLogAppend(dir: string, values: readonly string[], batch: number): number {
  const db = new Database(path.join(dir, 'raw-append.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE p (offset INTEGER PRIMARY KEY, ts INTEGER, bytes INTEGER, key TEXT, value TEXT, headers TEXT)');
  const ins = db.prepare('INSERT INTO p VALUES (?, ?, ?, NULL, ?, NULL)');
  const append = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) ins.run(i, 1_700_000_000_000, values[i]!.length, values[i]);
  });
  const s = timed(() => {
    for (let i = 0; i < values.length; i += batch) append(i, Math.min(values.length, i + batch));
  });
  db.close();
  return values.length / s;
}

/** Appending the same lines to a file in 64 KiB writes, fsynced at the end. */
export function rawFileAppend(dir: string, values: readonly string[]): number {
  const fd = openSync(path.join(dir, 'raw-append.jsonl'), 'a');
  const s = timed(() => {
    let buf = '';
    for (const v of values) {
      buf += `${v}\n`;
      if (buf.length >= 65_536) {
        writeSync(fd, buf);
        buf = '';
      }
    }
    writeSync(fd, buf);
    fsyncSync(fd);
  });
  closeSync(fd);
  return values.length / s;
}
