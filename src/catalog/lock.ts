import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { CatalogError } from '../errors/base.js';
import { createPrivateFile, ensureDataDir, isSqliteError, writePrivateFile } from './files.js';

export const LOCK_FILE = 'lock.db';
export const OWNER_FILE = 'owner.json';

interface OwnerInfo {
  pid: number;
  owner: string;
  acquiredAt: string;
}

/**
 * One process per data dir. The lock is SQLite's own OS lock on `lock.db`, held in EXCLUSIVE locking mode
 * after a write: the kernel drops it when the connection closes or the process dies (even by kill -9), so
 * there is never a stale lock file to clean up. `owner.json` only tells the loser who won.
 */
export class DataDirLock {
  private db: Database.Database | undefined;

  private constructor(
    readonly dataDir: string,
    db: Database.Database,
  ) {
    this.db = db;
  }

  static acquire(dataDir: string, owner: string): DataDirLock {
    const dir = path.resolve(dataDir);
    const file = path.join(dir, LOCK_FILE);
    let db: Database.Database | undefined;
    try {
      ensureDataDir(dir);
      if (!fs.existsSync(file)) createPrivateFile(file);
      // timeout 0: a contended lock must fail at once, not after the default 5 s of retries.
      db = new Database(file, { timeout: 0 });
      db.pragma('journal_mode = DELETE');
      db.pragma('locking_mode = EXCLUSIVE');
      // The first write in EXCLUSIVE locking mode takes the EXCLUSIVE lock and keeps it until close.
      // BEGIN EXCLUSIVE fails with SQLITE_BUSY at once when another connection holds it.
      db.exec('BEGIN EXCLUSIVE');
      db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER NOT NULL, acquired_at TEXT NOT NULL)');
      db.exec('DELETE FROM holder');
      db.prepare('INSERT INTO holder (pid, acquired_at) VALUES (?, ?)').run(process.pid, new Date().toISOString());
      db.exec('COMMIT');
      const info: OwnerInfo = { pid: process.pid, owner, acquiredAt: new Date().toISOString() };
      writePrivateFile(path.join(dir, OWNER_FILE), `${JSON.stringify(info, null, 2)}\n`);
      return new DataDirLock(dir, db);
    } catch (err) {
      db?.close(); // also rolls back a half-done BEGIN and drops any lock we got
      if (isSqliteError(err, 'SQLITE_BUSY', 'SQLITE_LOCKED')) throw lockedError(dir);
      // lock.db holds nothing but the lock, but it is not deleted here: a process may hold a lock on it.
      const damaged = isSqliteError(err, 'SQLITE_NOTADB', 'SQLITE_CORRUPT');
      throw new CatalogError('CATALOG_ERROR', `cannot lock data dir ${dir}: ${(err as Error).message}`, {
        cause: err,
        ...(damaged ? { hint: `${file} is damaged; it holds only the lock: if no Sluice process uses this data dir, delete it` } : {}),
      });
    }
  }

  get held(): boolean {
    return this.db !== undefined;
  }

  /** Idempotent. owner.json goes first (only if it is still ours) so a winner's file is never removed. */
  release(): void {
    if (!this.db) return;
    const ownerFile = path.join(this.dataDir, OWNER_FILE);
    if (readOwner(ownerFile)?.pid === process.pid) fs.rmSync(ownerFile, { force: true });
    this.db.close();
    this.db = undefined;
  }
}

function readOwner(file: string): OwnerInfo | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<OwnerInfo>;
    if (typeof parsed.pid !== 'number') return undefined;
    return { pid: parsed.pid, owner: String(parsed.owner ?? 'unknown'), acquiredAt: String(parsed.acquiredAt ?? '') };
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else — still alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The winner writes owner.json just after taking the lock, so we may read nothing yet, or a file left by a
 * holder that was killed. Wait briefly for a file naming a live process before reporting.
 */
function lockedError(dir: string): CatalogError {
  const ownerFile = path.join(dir, OWNER_FILE);
  let info = readOwner(ownerFile);
  for (let i = 0; i < 20 && !(info && isAlive(info.pid)); i++) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 25);
    info = readOwner(ownerFile);
  }
  const who = info && isAlive(info.pid) ? `pid ${info.pid} (${info.owner})` : 'another process';
  return new CatalogError('DATA_DIR_LOCKED', `data dir ${dir} in use by ${who}`, {
    hint: 'stop that process, or use another data dir',
  });
}
