import Database from 'better-sqlite3';
import fc from 'fast-check';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Catalog, compareAsSqlite, HISTORY_LIMIT } from './catalog.js';
import { DataDirLock } from './lock.js';
import { tempDataDir } from './fixtures/helpers.js';
import type { SluiceError } from '../errors/base.js';

const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

function create(catalog: Catalog, name: string, config: Record<string, string> = { 'connection.url': 'jdbc:x' }) {
  return catalog.createConnector({ name, type: 'SOURCE', className: 'JdbcSource', config, statementText: `CREATE SOURCE CONNECTOR ${name}` });
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as SluiceError).code;
  }
  return undefined;
}

describe('connectors', () => {
  let catalog: Catalog;
  beforeEach(() => (catalog = Catalog.inMemory()));
  afterEach(() => catalog.close());

  it('creates a connector at version 1, RUNNING, with UTC timestamps', () => {
    const c = catalog.createConnector({
      name: 'orders',
      type: 'SINK',
      className: 'FileSink',
      config: { b: '2', a: '1' },
      statementText: 'CREATE SINK CONNECTOR orders WITH (…)',
    });
    expect(c).toMatchObject({ name: 'orders', type: 'SINK', className: 'FileSink', desiredState: 'RUNNING', version: 1, restartGeneration: 0 });
    expect(Object.keys(c.config)).toEqual(['b', 'a']); // key order as written, for DESCRIBE
    expect(c.createdAt).toMatch(ISO_UTC);
    expect(c.updatedAt).toBe(c.createdAt);
    expect(catalog.getConnector('orders')).toEqual(c);
  });

  it('refuses a second connector with the same name', () => {
    create(catalog, 'a');
    expect(codeOf(() => create(catalog, 'a'))).toBe('CONNECTOR_EXISTS');
    expect(catalog.listConnectors()).toHaveLength(1);
  });

  it('looks names up exactly, or ignoring case on request', () => {
    create(catalog, 'Orders');
    expect(catalog.getConnector('orders')).toBeUndefined();
    expect(catalog.findConnectorIgnoringCase('ORDERS')?.name).toBe('Orders');
    create(catalog, 'ORDERS');
    expect(catalog.findConnectorIgnoringCase('ORDERS')?.name).toBe('ORDERS');
    expect(catalog.findConnectorIgnoringCase('nope')).toBeUndefined();
  });

  it('lists by name, optionally by type', () => {
    create(catalog, 'b');
    catalog.createConnector({ name: 'a', type: 'SINK', className: 'FileSink', config: {}, statementText: 's' });
    create(catalog, 'c');
    expect(catalog.listConnectors().map((c) => c.name)).toEqual(['a', 'b', 'c']);
    expect(catalog.listConnectors('SOURCE').map((c) => c.name)).toEqual(['b', 'c']);
    expect(catalog.listConnectors('SINK').map((c) => c.name)).toEqual(['a']);
  });

  it('keeps every CREATE and ALTER as a config version', () => {
    const created = create(catalog, 'a', { k: '1' });
    const altered = catalog.updateConnectorConfig('a', { k: '2', extra: 'x' }, 'ALTER CONNECTOR a SET k = 2');
    expect(altered).toMatchObject({ id: created.id, version: 2, config: { k: '2', extra: 'x' } });
    catalog.updateConnectorConfig('a', { k: '3' }, 'ALTER CONNECTOR a SET k = 3');
    const versions = catalog.listConfigVersions('a');
    expect(versions.map((v) => [v.version, v.change, v.config, v.statementText])).toEqual([
      [1, 'CREATE', { k: '1' }, 'CREATE SOURCE CONNECTOR a'],
      [2, 'ALTER', { k: '2', extra: 'x' }, 'ALTER CONNECTOR a SET k = 2'],
      [3, 'ALTER', { k: '3' }, 'ALTER CONNECTOR a SET k = 3'],
    ]);
    expect(versions.every((v) => v.connectorId === created.id && v.name === 'a')).toBe(true);
    expect(catalog.getConnector('a')?.version).toBe(3);
  });

  it('drops a connector but keeps its versions; a re-created one gets a new id and its own history', () => {
    const first = create(catalog, 'a', { k: '1' });
    catalog.updateConnectorConfig('a', { k: '2' }, 'ALTER 2');
    catalog.dropConnector('a');
    expect(catalog.getConnector('a')).toBeUndefined();
    expect(catalog.listConnectors()).toEqual([]);
    expect(catalog.listConfigVersions('a').map((v) => [v.connectorId, v.version])).toEqual([
      [first.id, 1],
      [first.id, 2],
    ]);

    const second = create(catalog, 'a', { k: 'new' });
    expect(second.id).toBeGreaterThan(first.id);
    expect(second.version).toBe(1);
    expect(catalog.listConfigVersions('a').map((v) => [v.connectorId, v.config])).toEqual([[second.id, { k: 'new' }]]);
  });

  it('never reuses the id of a dropped connector, even the highest one', () => {
    const a = create(catalog, 'a');
    catalog.dropConnector('a');
    expect(create(catalog, 'b').id).toBeGreaterThan(a.id);
  });

  it('reports CONNECTOR_NOT_FOUND for changes to a missing or dropped connector', () => {
    create(catalog, 'gone');
    catalog.dropConnector('gone');
    for (const name of ['missing', 'gone']) {
      expect(codeOf(() => catalog.updateConnectorConfig(name, {}, 's'))).toBe('CONNECTOR_NOT_FOUND');
      expect(codeOf(() => catalog.dropConnector(name))).toBe('CONNECTOR_NOT_FOUND');
      expect(codeOf(() => catalog.setDesiredState(name, 'PAUSED'))).toBe('CONNECTOR_NOT_FOUND');
      expect(codeOf(() => catalog.requestRestart(name))).toBe('CONNECTOR_NOT_FOUND');
    }
    expect(catalog.listConfigVersions('missing')).toEqual([]);
  });

  it('sets desired state and counts restarts without touching the config version', () => {
    create(catalog, 'a');
    expect(catalog.setDesiredState('a', 'PAUSED')).toMatchObject({ desiredState: 'PAUSED', version: 1 });
    expect(catalog.setDesiredState('a', 'PAUSED').desiredState).toBe('PAUSED');
    expect(catalog.requestRestart('a').restartGeneration).toBe(1);
    expect(catalog.requestRestart('a')).toMatchObject({ restartGeneration: 2, desiredState: 'PAUSED', version: 1 });
    expect(catalog.setDesiredState('a', 'RUNNING').desiredState).toBe('RUNNING');
    expect(catalog.listConfigVersions('a')).toHaveLength(1);
  });

  it('refuses a config value that is not a string', () => {
    const bad = { n: 1 } as unknown as Record<string, string>;
    expect(codeOf(() => create(catalog, 'a', bad))).toBe('INTERNAL_ERROR');
    expect(catalog.getConnector('a')).toBeUndefined();
  });
});

describe('the list of connectors kept between calls', () => {
  let dirs: ReturnType<typeof tempDataDir>;
  beforeEach(() => (dirs = tempDataDir()));
  afterEach(() => dirs.cleanup());

  // Names where JavaScript's order and SQLite's differ (a code point above U+FFFF against U+E000–U+FFFF), and case.
  const names = ['a', 'B', 'b', '\u{1F600}x', '\uFF21', '\uE000', 'z\u00E9'];
  type Op = { op: 'create' | 'alter' | 'drop' | 'pause' | 'resume' | 'restart' | 'list'; name: string; rollback: boolean; listInside: boolean };
  const ops = fc.array(
    fc.record({
      op: fc.constantFrom<Op['op']>('create', 'alter', 'drop', 'pause', 'resume', 'restart', 'list'),
      // Few names, so that changes meet the connectors they change; one of each kind that sorts differently.
      name: fc.constantFrom('b', '\u{1F600}x', '\uFF21'),
      rollback: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
      listInside: fc.boolean(),
    }),
    { maxLength: 40 },
  );

  it("stays what the database says after any mix of changes, failures and rolled-back transactions (another connection's read as the truth)", () => {
    fc.assert(
      fc.property(ops, (steps: Op[]) => {
        fs.rmSync(dirs.dataDir, { recursive: true, force: true });
        const writer = Catalog.open(dirs.dataDir);
        const truth = Catalog.open(dirs.dataDir, { readonly: true });
        try {
          let n = 0;
          const apply = (s: Op) => {
            switch (s.op) {
              case 'create':
                return writer.createConnector({ name: s.name, type: n % 2 ? 'SINK' : 'SOURCE', className: 'X', config: { n: String(n++) }, statementText: 'c' });
              case 'alter':
                return writer.updateConnectorConfig(s.name, { n: String(n++) }, 'a');
              case 'drop':
                return writer.dropConnector(s.name);
              case 'pause':
                return writer.setDesiredState(s.name, 'PAUSED');
              case 'resume':
                return writer.setDesiredState(s.name, 'RUNNING');
              case 'restart':
                return writer.requestRestart(s.name);
              case 'list':
                return writer.listConnectors();
            }
          };
          for (const s of steps) {
            try {
              writer.transaction(() => {
                apply(s);
                // The scheduler lists inside the statement's (or the group's) transaction, before it commits.
                if (s.listInside) writer.listConnectors();
                if (s.rollback) throw new Error('rolled back');
              });
            } catch {
              // CONNECTOR_EXISTS, CONNECTOR_NOT_FOUND or the rollback above: nothing changed.
            }
            for (const type of [undefined, 'SOURCE', 'SINK'] as const) expect(writer.listConnectors(type)).toEqual(truth.listConnectors(type));
          }
        } finally {
          truth.close();
          writer.close();
        }
      }),
      { numRuns: 100 },
    );
  });

  it("sorts names as SQLite does (by code point), not as JavaScript's < does (by UTF-16 unit)", () => {
    const sorted = [...names].sort(compareAsSqlite);
    const db = new Database(':memory:');
    const bySqlite = db.prepare('SELECT value FROM json_each(?) ORDER BY value').pluck().all(JSON.stringify(names));
    db.close();
    expect(sorted).toEqual(bySqlite);
    expect([...names].sort()).not.toEqual(bySqlite);
    // And so does the kept list, one connector added (and listed) at a time, in either order.
    for (const order of [names, [...names].reverse()]) {
      const catalog = Catalog.inMemory();
      for (const name of order) {
        create(catalog, name);
        catalog.listConnectors();
      }
      expect(catalog.listConnectors().map((c) => c.name)).toEqual(bySqlite);
      catalog.close();
    }
  });

  it('gives copies: changing a listed record changes nothing kept', () => {
    const catalog = Catalog.inMemory();
    create(catalog, 'a');
    const [first] = catalog.listConnectors();
    first!.name = 'changed';
    expect(catalog.listConnectors()[0]!.name).toBe('a');
    catalog.close();
  });
});

describe('statement history', () => {
  it('records statements and lists them newest first', () => {
    const catalog = Catalog.inMemory();
    catalog.recordStatement({ kind: 'CREATE_CONNECTOR', text: 'CREATE …', ok: true, source: 'shell' });
    catalog.recordStatement({ kind: 'DROP_CONNECTOR', text: 'DROP x', ok: false, errorCode: 'CONNECTOR_NOT_FOUND', source: 'run:a.sql' });
    catalog.recordStatement({ kind: 'SHOW', text: 'SHOW CONNECTORS', ok: true });
    const all = catalog.listStatements();
    expect(all.map((s) => s.kind)).toEqual(['SHOW', 'DROP_CONNECTOR', 'CREATE_CONNECTOR']);
    expect(all[0]).toEqual({ id: all[0]?.id, executedAt: all[0]?.executedAt, kind: 'SHOW', text: 'SHOW CONNECTORS', ok: true });
    expect(all[1]).toMatchObject({ ok: false, errorCode: 'CONNECTOR_NOT_FOUND', source: 'run:a.sql' });
    expect(all[0]?.executedAt).toMatch(ISO_UTC);
    expect(catalog.listStatements(2).map((s) => s.kind)).toEqual(['SHOW', 'DROP_CONNECTOR']);
    expect(catalog.listStatements(0)).toEqual([]);
    expect(codeOf(() => catalog.listStatements(-1))).toBe('INVALID_ARGUMENT');
    catalog.close();
  });

  it(`keeps the newest ${HISTORY_LIMIT} entries (and never more than a few hundred beyond)`, () => {
    const catalog = Catalog.inMemory();
    const total = HISTORY_LIMIT * 2 + 123;
    catalog.transaction(() => {
      for (let i = 1; i <= total; i++) catalog.recordStatement({ kind: 'SHOW', text: `statement ${i}`, ok: true });
    });
    const kept = catalog.listStatements();
    expect(kept.length).toBeGreaterThanOrEqual(HISTORY_LIMIT);
    expect(kept.length).toBeLessThanOrEqual(HISTORY_LIMIT + 500);
    expect(kept[0]?.text).toBe(`statement ${total}`);
    // The newest, without a gap.
    expect(kept.map((s) => s.text)).toEqual(Array.from({ length: kept.length }, (_, i) => `statement ${total - i}`));
    catalog.close();
  });
});

describe('a catalog in a data dir', () => {
  let dirs: ReturnType<typeof tempDataDir>;
  beforeEach(() => (dirs = tempDataDir()));
  afterEach(() => dirs.cleanup());

  it('keeps everything across close and reopen', () => {
    const first = Catalog.open(dirs.dataDir);
    expect(first.dataDir).toBe(dirs.dataDir);
    create(first, 'a', { k: '1' });
    first.updateConnectorConfig('a', { k: '2' }, 'ALTER');
    first.setDesiredState('a', 'PAUSED');
    create(first, 'b');
    first.dropConnector('b');
    first.recordStatement({ kind: 'X', text: 't', ok: true });
    const before = { connectors: first.listConnectors(), versions: first.listConfigVersions('a'), dropped: first.listConfigVersions('b') };
    const statements = first.listStatements();
    first.close();

    const again = Catalog.open(dirs.dataDir);
    expect(again.listConnectors()).toEqual(before.connectors);
    expect(again.listConfigVersions('a')).toEqual(before.versions);
    expect(again.listConfigVersions('b')).toEqual(before.dropped);
    expect(again.listStatements()).toEqual(statements);
    again.close();
  });

  it('runs in WAL mode and leaves a consistent file', () => {
    const catalog = Catalog.open(dirs.dataDir);
    create(catalog, 'a');
    const raw = new Database(path.join(dirs.dataDir, 'catalog.db'), { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(raw.pragma('foreign_key_check')).toEqual([]);
    raw.close();
    catalog.close();
  });

  it('creates the data dir 0700 and its files 0600, whatever the umask', () => {
    const previous = process.umask(0);
    try {
      const catalog = Catalog.open(dirs.dataDir);
      create(catalog, 'a'); // so the -wal file exists
      const mode = (name: string) => fs.statSync(path.join(dirs.dataDir, name)).mode & 0o777;
      expect(mode('.')).toBe(0o700);
      for (const file of ['catalog.db', 'catalog.db-wal', 'catalog.db-shm', 'lock.db', 'owner.json']) {
        expect([file, mode(file)]).toEqual([file, 0o600]);
      }
      catalog.close();
    } finally {
      process.umask(previous);
    }
  });

  it('tightens a catalog file that others can read', () => {
    Catalog.open(dirs.dataDir).close();
    const file = path.join(dirs.dataDir, 'catalog.db');
    fs.chmodSync(file, 0o644);
    Catalog.open(dirs.dataDir).close();
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('throws CATALOG_ERROR (not a raw SQLite error) for a file that is not a catalog', () => {
    fs.mkdirSync(dirs.dataDir);
    fs.writeFileSync(path.join(dirs.dataDir, 'catalog.db'), 'not a database at all, just some text. '.repeat(50));
    expect(codeOf(() => Catalog.open(dirs.dataDir))).toBe('CATALOG_ERROR');
    // and the failed open released the lock
    DataDirLock.acquire(dirs.dataDir, 'test').release();
  });

  it('throws CATALOG_ERROR when the data dir path is a file', () => {
    fs.writeFileSync(dirs.dataDir, 'x');
    expect(codeOf(() => Catalog.open(dirs.dataDir))).toBe('CATALOG_ERROR');
    expect(codeOf(() => Catalog.open(dirs.dataDir, { lock: false }))).toBe('CATALOG_ERROR');
  });

  it('refuses use after close', () => {
    const catalog = Catalog.open(dirs.dataDir);
    catalog.close();
    catalog.close();
    expect(codeOf(() => catalog.listConnectors())).toBe('CATALOG_ERROR');
  });
});

describe('read-only open', () => {
  let dirs: ReturnType<typeof tempDataDir>;
  beforeEach(() => (dirs = tempDataDir()));
  afterEach(() => dirs.cleanup());

  it('reads what was written, takes no lock, and refuses writes', () => {
    const writer = Catalog.open(dirs.dataDir);
    create(writer, 'a');
    const reader = Catalog.open(dirs.dataDir, { readonly: true }); // the writer holds the lock: no conflict
    expect(reader.isReadonly).toBe(true);
    expect(reader.getConnector('a')?.name).toBe('a');
    create(writer, 'b'); // committed later, still visible: the reader is live, not a snapshot
    expect(reader.listConnectors().map((c) => c.name)).toEqual(['a', 'b']);
    expect(codeOf(() => create(reader, 'c'))).toBe('CATALOG_ERROR');
    expect(codeOf(() => reader.recordStatement({ kind: 'X', text: 't', ok: true }))).toBe('CATALOG_ERROR');
    // reads may still be grouped in a transaction for a consistent view
    expect(reader.transaction(() => reader.listConnectors()).length).toBe(2);
    reader.close();
    writer.close();
  });

  it('gives an empty catalog for a data dir that does not exist, without creating it', () => {
    const reader = Catalog.open(dirs.dataDir, { readonly: true });
    expect(reader.listConnectors()).toEqual([]);
    expect(fs.existsSync(dirs.dataDir)).toBe(false);
    const sandbox = reader.sandbox();
    create(sandbox, 'a');
    expect(sandbox.getConnector('a')).toBeDefined();
    sandbox.close();
    reader.close();
  });
});

describe('a data dir that is a regular file', () => {
  it('is refused for reading and for writing, with CATALOG_ERROR', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-notdir-'));
    const file = path.join(dir, 'plain-file');
    fs.writeFileSync(file, 'x');
    for (const readonly of [true, false]) {
      let code: string | undefined;
      try {
        Catalog.open(file, { readonly }).close();
      } catch (err) {
        code = (err as { code?: string }).code;
      }
      expect(code).toBe('CATALOG_ERROR');
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
