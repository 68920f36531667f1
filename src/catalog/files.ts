import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Connector configs hold secrets in plain text, so the data dir is 0700 and every file in it 0600.
 * Modes are given at creation (umask can only remove bits) and re-applied with chmod for a file we create.
 */
export function ensureDataDir(dir: string): void {
  if (!fs.existsSync(dir)) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.chmodSync(dir, 0o700);
  }
}

/** Atomic replace (write + rename) so a reader never sees half a file. */
export function writePrivateFile(file: string, text: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, text, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/**
 * Creates the SQLite file empty with mode 0600 before SQLite opens it: SQLite would create it 0644, and
 * it gives its -wal and -shm files the mode of the main file, so they inherit 0600 too.
 */
export function createPrivateFile(file: string): void {
  fs.closeSync(fs.openSync(file, 'a', 0o600));
  fs.chmodSync(file, 0o600);
}

export function isSqliteError(err: unknown, ...codes: string[]): boolean {
  return err instanceof Database.SqliteError && (codes.length === 0 || codes.some((c) => err.code.startsWith(c)));
}
