import Database from 'better-sqlite3';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Catalog } from './catalog.js';
import { killHard, spawnHolder, tempDataDir } from './fixtures/helpers.js';
import { DataDirLock } from './lock.js';
import type { SluiceError } from '../errors/base.js';

function thrown(fn: () => unknown): SluiceError {
  try {
    fn();
  } catch (err) {
    return err as SluiceError;
  }
  throw new Error('expected an error');
}

function owner(dataDir: string): { pid: number; owner: string } {
  return JSON.parse(fs.readFileSync(path.join(dataDir, 'owner.json'), 'utf8')) as { pid: number; owner: string };
}

describe('DataDirLock in one process', () => {
  let dirs: ReturnType<typeof tempDataDir>;
  beforeEach(() => (dirs = tempDataDir()));
  afterEach(() => dirs.cleanup());

  it('records the owner, refuses a second holder, and can be taken again after release', () => {
    const lock = DataDirLock.acquire(dirs.dataDir, 'sluice run');
    expect(owner(dirs.dataDir)).toMatchObject({ pid: process.pid, owner: 'sluice run' });
    const err = thrown(() => DataDirLock.acquire(dirs.dataDir, 'other'));
    expect(err.code).toBe('DATA_DIR_LOCKED');
    expect(err.message).toContain(`data dir ${dirs.dataDir} in use by pid ${process.pid}`);
    expect(err.message).toContain('sluice run');
    lock.release();
    lock.release(); // idempotent
    expect(fs.existsSync(path.join(dirs.dataDir, 'owner.json'))).toBe(false);
    DataDirLock.acquire(dirs.dataDir, 'again').release();
  });

  it('says what to do when lock.db is damaged', () => {
    fs.mkdirSync(dirs.dataDir, { recursive: true });
    const file = path.join(dirs.dataDir, 'lock.db');
    fs.writeFileSync(file, 'this is not a database, just text that is long enough to have a header.'.repeat(20));
    const err = thrown(() => DataDirLock.acquire(dirs.dataDir, 'sluice run'));
    expect(err.code).toBe('CATALOG_ERROR');
    expect(err.hint).toBe(`${file} is damaged; it holds only the lock: if no Sluice process uses this data dir, delete it`);
    fs.rmSync(file);
    DataDirLock.acquire(dirs.dataDir, 'again').release();
  });

  it('makes a second read-write Catalog.open fail, and lock: false skips it', () => {
    const first = Catalog.open(dirs.dataDir, { owner: 'first' });
    expect(thrown(() => Catalog.open(dirs.dataDir)).code).toBe('DATA_DIR_LOCKED');
    const unlocked = Catalog.open(dirs.dataDir, { lock: false });
    expect(unlocked.listConnectors()).toEqual([]);
    unlocked.close();
    first.close();
    Catalog.open(dirs.dataDir).close();
  });
});

describe('DataDirLock across processes', () => {
  let dirs: ReturnType<typeof tempDataDir>;
  let holder: ChildProcess | undefined;
  beforeEach(() => (dirs = tempDataDir()));
  afterEach(async () => {
    if (holder) await killHard(holder);
    holder = undefined;
    dirs.cleanup();
  });

  it('names the holding pid, fails fast, allows read-only opens, and frees the dir after kill -9', async () => {
    const child = await spawnHolder(dirs.dataDir, 'hold');
    holder = child;

    const started = Date.now();
    const err = thrown(() => Catalog.open(dirs.dataDir, { owner: 'second' }));
    expect(Date.now() - started).toBeLessThan(2000); // busy_timeout 0: no 5 s wait for a lock that will not come
    expect(err.code).toBe('DATA_DIR_LOCKED');
    expect(err.message).toBe(`data dir ${dirs.dataDir} in use by pid ${child.pid} (lock test holder)`);
    expect(thrown(() => DataDirLock.acquire(dirs.dataDir, 'direct')).code).toBe('DATA_DIR_LOCKED');

    const reader = Catalog.open(dirs.dataDir, { readonly: true });
    expect(reader.getConnector('held')?.config).toEqual({ a: '1' });
    reader.close();

    await killHard(child);
    const catalog = Catalog.open(dirs.dataDir, { owner: 'after kill' });
    expect(owner(dirs.dataDir)).toMatchObject({ pid: process.pid, owner: 'after kill' });
    expect(catalog.getConnector('held')?.config).toEqual({ a: '1' });
    catalog.close();
  });

  it('never corrupts the catalog when the writer is killed mid-write', async () => {
    const child = await spawnHolder(dirs.dataDir, 'write');
    holder = child;
    // let it commit for a while, reading along through a read-only connection
    const reader = Catalog.open(dirs.dataDir, { readonly: true });
    let seen = 0;
    for (let i = 0; i < 20; i++) {
      await new Promise((r) => setTimeout(r, 20));
      const held = reader.getConnector('held');
      expect(held).toBeDefined();
      seen = Math.max(seen, held?.version ?? 0);
    }
    reader.close();
    await killHard(child);
    expect(seen).toBeGreaterThan(1);

    const catalog = Catalog.open(dirs.dataDir);
    const held = catalog.getConnector('held');
    // every committed ALTER is there with its version row, and each transaction was all-or-nothing
    expect(held?.version).toBeGreaterThanOrEqual(seen);
    expect(catalog.listConfigVersions('held')).toHaveLength(held?.version ?? -1);
    expect(catalog.listStatements()).toHaveLength((held?.version ?? 0) - 1);
    catalog.close();
    const raw = new Database(path.join(dirs.dataDir, 'catalog.db'), { readonly: true });
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    raw.close();
  });
});
