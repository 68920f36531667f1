import Database from 'better-sqlite3';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Catalog } from './catalog.js';
import { tempDataDir } from './fixtures/helpers.js';
import { DataDirLock } from './lock.js';
import { migrate } from './migrate.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from './migrations.js';
import type { SluiceError } from '../errors/base.js';

function fresh(): Database.Database {
  return new Database(':memory:');
}

function tables(db: Database.Database): string[] {
  return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
}

function thrown(fn: () => unknown): SluiceError {
  try {
    fn();
  } catch (err) {
    return err as SluiceError;
  }
  throw new Error('expected an error');
}

describe('MIGRATIONS', () => {
  it('is numbered 1..n with no gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(LATEST_SCHEMA_VERSION).toBe(MIGRATIONS.length);
  });
});

describe('migrate', () => {
  // Test migrations go after the real ones, whatever their number.
  const L = LATEST_SCHEMA_VERSION;
  const all = MIGRATIONS.map((m) => m.version);
  const second: Migration = { version: L + 1, name: 'test table', up: 'CREATE TABLE extra (x INTEGER);' };

  it('applies each migration once and sets user_version', () => {
    const db = fresh();
    expect(migrate(db, 'mem', MIGRATIONS)).toEqual(all);
    expect(db.pragma('user_version', { simple: true })).toBe(L);
    expect(migrate(db, 'mem', MIGRATIONS)).toEqual([]);
    expect(migrate(db, 'mem', [...MIGRATIONS, second])).toEqual([L + 1]);
    expect(db.pragma('user_version', { simple: true })).toBe(L + 1);
    expect(tables(db)).toContain('extra');
    expect(db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all()).toEqual([
      ...MIGRATIONS.map((m) => ({ version: m.version, name: m.name })),
      { version: L + 1, name: 'test table' },
    ]);
    db.close();
  });

  it('leaves the catalog at the last whole version when a migration fails', () => {
    const db = fresh();
    migrate(db, 'mem', MIGRATIONS);
    const broken: Migration = { version: L + 1, name: 'broken', up: 'CREATE TABLE half (x); CREATE TABLE oops (' };
    expect(() => migrate(db, 'mem', [...MIGRATIONS, broken])).toThrow();
    expect(db.pragma('user_version', { simple: true })).toBe(L);
    expect(tables(db)).not.toContain('half');
    db.close();
  });

  it('refuses a catalog newer than the newest migration', () => {
    const db = fresh();
    migrate(db, 'mem', MIGRATIONS);
    db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    expect(thrown(() => migrate(db, 'mem', MIGRATIONS)).code).toBe('CATALOG_TOO_NEW');
    db.close();
  });

  it('refuses a migration list with a gap', () => {
    const gap: Migration = { version: L + 2, name: 'gap', up: '' };
    expect(thrown(() => migrate(fresh(), 'mem', [...MIGRATIONS, gap])).code).toBe('INTERNAL_ERROR');
  });
});

describe('schema version of a data dir', () => {
  let dirs: ReturnType<typeof tempDataDir>;
  beforeEach(() => (dirs = tempDataDir()));
  afterEach(() => dirs.cleanup());

  it('is migrated once across reopen', () => {
    Catalog.open(dirs.dataDir).close();
    const catalog = Catalog.open(dirs.dataDir);
    expect(catalog.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
    catalog.close();
    const raw = new Database(path.join(dirs.dataDir, 'catalog.db'), { readonly: true });
    expect(raw.prepare('SELECT count(*) AS n FROM schema_migrations').get()).toEqual({ n: MIGRATIONS.length });
    raw.close();
  });

  it('fails with CATALOG_TOO_NEW, read-write or read-only, and does not touch the file', () => {
    const catalog = Catalog.open(dirs.dataDir);
    catalog.createConnector({ name: 'a', type: 'SOURCE', className: 'x', config: {}, statementText: 's' });
    catalog.close();
    const file = path.join(dirs.dataDir, 'catalog.db');
    const raw = new Database(file);
    raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    raw.close();

    const err = thrown(() => Catalog.open(dirs.dataDir));
    expect(err.code).toBe('CATALOG_TOO_NEW');
    expect(err.message).toContain(String(LATEST_SCHEMA_VERSION + 1));
    expect(thrown(() => Catalog.open(dirs.dataDir, { readonly: true })).code).toBe('CATALOG_TOO_NEW');
    DataDirLock.acquire(dirs.dataDir, 'test').release(); // the failed open let go of the lock

    const after = new Database(file, { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION + 1);
    expect(after.prepare('SELECT name FROM connectors').all()).toEqual([{ name: 'a' }]);
    after.close();
  });

  it('opens read-only an un-migrated catalog as a migrated snapshot, leaving the file as it was', () => {
    // e.g. a first run that died between creating the file and migrating it
    const file = path.join(dirs.dataDir, 'catalog.db');
    DataDirLock.acquire(dirs.dataDir, 'test').release();
    new Database(file).close();
    const reader = Catalog.open(dirs.dataDir, { readonly: true });
    expect(reader.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
    expect(reader.listConnectors()).toEqual([]);
    reader.close();
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(0);
    raw.close();
  });
});
