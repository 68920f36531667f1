import Database from 'better-sqlite3';
import fs from 'node:fs';
import { CatalogError } from '../errors/base.js';
import { createPrivateFile } from './files.js';

export const CATALOG_FILE = 'catalog.db';

/**
 * How long a statement waits for another connection's lock before SQLITE_BUSY. Only one process writes
 * (the data dir lock), but `sluice check` may read concurrently and WAL checkpoints briefly need the file;
 * a few seconds turns such overlaps into a short wait instead of an error.
 */
export const BUSY_TIMEOUT_MS = 5000;

/** Settings every connection needs, file-backed or in memory. */
export function configureConnection(db: Database.Database): void {
  // Off by default in SQLite; config versions must never point at a connector that does not exist.
  db.pragma('foreign_keys = ON');
}

/**
 * 'commit': every commit waits for the disk. 'flush': commits return once written (safe against a crash, not
 * a power loss) and the caller makes them durable with a WalFlusher before it says they are done.
 */
export type Durability = 'commit' | 'flush';

export function openCatalogFile(file: string, durability: Durability = 'commit'): Database.Database {
  if (!fs.existsSync(file)) createPrivateFile(file);
  // A catalog from an older Sluice or a copied file may be group/world readable: it holds secrets.
  else if ((fs.statSync(file).mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
  const db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
  try {
    // WAL: readers (sluice check) never block the writer and the writer never blocks them; a crash at any
    // point leaves the last committed state.
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new CatalogError('CATALOG_ERROR', `cannot switch ${file} to WAL mode (got ${String(mode)})`);
    // FULL rather than NORMAL: in WAL mode NORMAL is already safe against a process crash or kill -9, but a
    // power loss may undo the last commits. A statement the user saw succeed must stay done. A server, whose
    // event loop must not stop for a disk flush, takes NORMAL and flushes the WAL itself before answering.
    db.pragma(durability === 'flush' ? 'synchronous = NORMAL' : 'synchronous = FULL');
    configureConnection(db);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Read-only connection: takes no lock, writes nothing; SQLite itself refuses writes on it. */
export function openCatalogFileReadonly(file: string): Database.Database {
  const db = new Database(file, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
  configureConnection(db);
  return db;
}

/**
 * An independent in-memory copy. `serialize()` reads through the WAL, so the copy has every commit (and
 * this connection's uncommitted writes). Header bytes 18–19 say "WAL" for a WAL file, and an in-memory
 * database cannot have a WAL, so SQLite refuses such an image (SQLITE_CANTOPEN); set them to rollback
 * journal (1) first.
 */
export function copyToMemory(db: Database.Database): Database.Database {
  const image = db.serialize();
  if (image.length >= 20) {
    image[18] = 1;
    image[19] = 1;
  }
  const copy = new Database(image);
  configureConnection(copy);
  return copy;
}
