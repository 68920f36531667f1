import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { CatalogError, SluiceError } from '../errors/base.js';
import { ensureDataDir, isSqliteError } from './files.js';
import { DataDirLock } from './lock.js';
import { assertNotTooNew, migrate, readSchemaVersion } from './migrate.js';
import { LATEST_SCHEMA_VERSION } from './migrations.js';
import { CATALOG_FILE, configureConnection, copyToMemory, openCatalogFile, openCatalogFileReadonly, type Durability } from './open-db.js';
import { encodeConfig, toConfigVersion, toConnector, toStatement } from './rows.js';
import type { ConfigVersionRow, ConnectorRow, StatementRow } from './rows.js';
import { WalFlusher } from './wal-flusher.js';
import type { ConfigVersion, ConnectorKind, ConnectorRecord, ConnectorStatusRecord, DesiredState, StatementRecord } from './types.js';

export interface CatalogOpenOptions {
  readonly?: boolean;
  /** Default: true unless readonly. */
  lock?: boolean;
  /** Shown to a second process in the DATA_DIR_LOCKED error, e.g. 'sluice run'. */
  owner?: string;
  /** Default 'commit'. With 'flush', a change is durable only once `flush()` has resolved. */
  durability?: Durability;
}

export interface CreateConnectorInput {
  name: string;
  type: ConnectorKind;
  className: string;
  config: Record<string, string>;
  statementText: string;
}

const LIVE = 'dropped_at IS NULL';

/**
 * The statement history keeps the newest this many entries: it is an audit trail, and a server answering a
 * flood of reads would otherwise grow the catalog without end (a million rows a minute was seen). Connector
 * changes are also kept for good in config_versions.
 */
export const HISTORY_LIMIT = 10_000;
/** Pruned once per this many entries, so a statement does not pay for a DELETE each time. */
const HISTORY_PRUNE_EVERY = 500;
const DESIRED_STATES: readonly DesiredState[] = ['RUNNING', 'PAUSED'];

/** The SQLite catalog: connector specs, config versions, desired state and statement history. */
export class Catalog {
  private readonly statements = new Map<string, Database.Statement>();
  /** Read-only catalogs: connectors as last read, with what they were read at (see listConnectors). */
  private readonly recordCache = new Map<number, { stamp: string; record: ConnectorRecord }>();
  /**
   * Writable catalogs: the live connectors as of the last listConnectors, in name order. The data-dir lock makes
   * this connection the only writer, so what can have changed since is exactly what its own writes touched
   * (`touched`). Undefined: read them all again.
   */
  private live: ConnectorRecord[] | undefined;
  private readonly touched = new Set<number>();
  /** Counts writes to connector rows, so a rolled-back transaction knows whether `live` may hold what it undid. */
  private connectorWrites = 0;
  private lock: DataDirLock | undefined;

  private constructor(
    private readonly db: Database.Database,
    /** The data dir this catalog lives in; undefined for in-memory catalogs, sandboxes included. */
    readonly dataDir: string | undefined,
    lock: DataDirLock | undefined,
    /** True for `open(dir, { readonly: true })`: every write throws CATALOG_ERROR. */
    readonly isReadonly: boolean,
    /** Only for durability 'flush'. */
    private readonly flusher?: WalFlusher,
  ) {
    this.lock = lock;
  }

  static open(dataDir: string, opts: CatalogOpenOptions = {}): Catalog {
    const dir = path.resolve(dataDir);
    const readonly = opts.readonly ?? false;
    // Checked first: a read-only open would otherwise see "no catalog yet" and carry on with an empty one.
    if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory()) {
      throw new CatalogError('CATALOG_ERROR', `data dir ${dir} is not a directory`, { hint: 'point --data-dir (or SLUICE_DATA_DIR) at a directory' });
    }
    const lock = (opts.lock ?? !readonly) ? DataDirLock.acquire(dir, opts.owner ?? 'sluice') : undefined;
    try {
      const flushing = !readonly && opts.durability === 'flush';
      const db = readonly ? openReadonly(dir) : openWritable(dir, flushing ? 'flush' : 'commit');
      return new Catalog(db, dir, lock, readonly, flushing ? new WalFlusher(path.join(dir, `${CATALOG_FILE}-wal`)) : undefined);
    } catch (err) {
      lock?.release();
      throw asCatalogError(err, `cannot open the catalog in ${dir}`);
    }
  }

  static inMemory(): Catalog {
    const db = new Database(':memory:');
    configureConnection(db);
    migrate(db, ':memory:');
    return new Catalog(db, undefined, undefined, false);
  }

  /** A writable in-memory copy to validate a script against; changes never flow either way. */
  sandbox(): Catalog {
    return this.guard(() => {
      const copy = copyToMemory(this.db);
      // A read-only catalog may be an older schema; the copy is ours to bring up to date.
      migrate(copy, 'sandbox');
      return new Catalog(copy, undefined, undefined, false);
    });
  }

  /**
   * Runs fn in one transaction: everything or nothing. Nested calls become savepoints (better-sqlite3), so a
   * failing inner call undoes only its own writes if the outer call catches the error. fn must be
   * synchronous: a transaction cannot span an await.
   */
  transaction<T>(fn: () => T): T {
    return this.guard(() => {
      const tx = this.db.transaction(fn);
      const writesBefore = this.connectorWrites;
      try {
        // IMMEDIATE takes the write lock up front, so a reader cannot make the first write fail with BUSY.
        return this.isReadonly ? tx.deferred() : tx.immediate();
      } catch (err) {
        // Rolled back: a listConnectors inside it may have taken in rows that no longer are.
        if (this.connectorWrites !== writesBefore) this.live = undefined;
        throw err;
      }
    });
  }

  getConnector(name: string): ConnectorRecord | undefined {
    return this.guard(() => {
      const row = this.stmt(`SELECT * FROM connectors WHERE name = ? AND ${LIVE}`).get(name) as ConnectorRow | undefined;
      return row && toConnector(row);
    });
  }

  /**
   * For did-you-mean and case-insensitive lookups. Folds case in JS (Unicode-aware) rather than with
   * SQLite's NOCASE (ASCII only); an exact match wins over others differing only in case.
   */
  findConnectorIgnoringCase(name: string): ConnectorRecord | undefined {
    const exact = this.getConnector(name);
    if (exact) return exact;
    const folded = name.toLowerCase();
    // ASCII names: SQLite's lower() folds them, so one indexed-size query instead of decoding every connector.
    if (/^[\x00-\x7f]*$/.test(name)) {
      return this.guard(() => {
        const row = this.stmt(`SELECT * FROM connectors WHERE lower(name) = ? AND ${LIVE} ORDER BY name LIMIT 1`).get(folded) as ConnectorRow | undefined;
        return row && toConnector(row);
      });
    }
    return this.listConnectors().find((c) => c.name.toLowerCase() === folded);
  }

  /**
   * Every live connector, by name. The scheduler asks after every statement that changes one (a server with
   * hundreds of connectors, hundreds of times a second), so a writable catalog reads again only the rows its own
   * writes touched since the last call.
   */
  listConnectors(type?: ConnectorKind): ConnectorRecord[] {
    // Without the lock (read-only, or opened with lock: false) another process may write at any time.
    if (this.isReadonly || (this.dataDir !== undefined && !this.lock)) return this.listConnectorsByStamps(type);
    return this.guard(() => {
      if (!this.live) {
        this.live = (this.stmt(`SELECT * FROM connectors WHERE ${LIVE} ORDER BY name`).all() as ConnectorRow[]).map(toConnector);
      } else {
        const byLiveId = this.stmt(`SELECT * FROM connectors WHERE id = ? AND ${LIVE}`);
        for (const id of this.touched) {
          const live = this.live;
          const at = live.findIndex((c) => c.id === id);
          if (at >= 0) live.splice(at, 1);
          const row = byLiveId.get(id) as ConnectorRow | undefined;
          if (!row) continue;
          const record = toConnector(row);
          // Names of live connectors are unique: the first one after it is where it goes.
          let lo = 0;
          for (let hi = live.length; lo < hi; ) {
            const mid = (lo + hi) >>> 1;
            if (compareAsSqlite(live[mid]!.name, record.name) < 0) lo = mid + 1;
            else hi = mid;
          }
          live.splice(lo, 0, record);
        }
      }
      this.touched.clear();
      const records = type === undefined ? this.live : this.live.filter((c) => c.type === type);
      return records.map((c) => ({ ...c }));
    });
  }

  /**
   * listConnectors for a catalog another process may change at any time: a row is read whole
   * (and its config decoded) only when it changed since it was last read; a first query takes just what says
   * whether it did.
   */
  private listConnectorsByStamps(type?: ConnectorKind): ConnectorRecord[] {
    return this.guard(() => {
      const stamps = (
        type === undefined
          ? this.stmt(`SELECT id, version, restart_generation, desired_state, updated_at FROM connectors WHERE ${LIVE} ORDER BY name`).raw().all()
          : this.stmt(`SELECT id, version, restart_generation, desired_state, updated_at FROM connectors WHERE ${LIVE} AND type = ? ORDER BY name`).raw().all(type)
      ) as [number, number, number, string, string][];
      const byId = this.stmt('SELECT * FROM connectors WHERE id = ?');
      const seen = new Set<number>();
      const records = stamps.map(([id, version, generation, desired, updatedAt]) => {
        seen.add(id);
        const stamp = `${version}:${generation}:${desired}:${updatedAt}`;
        const cached = this.recordCache.get(id);
        if (cached?.stamp === stamp) return { ...cached.record };
        const record = toConnector(byId.get(id) as ConnectorRow);
        this.recordCache.set(id, { stamp, record });
        return { ...record };
      });
      if (type === undefined) for (const id of this.recordCache.keys()) if (!seen.has(id)) this.recordCache.delete(id);
      return records;
    });
  }

  createConnector(input: CreateConnectorInput): ConnectorRecord {
    return this.write(() => {
      if (this.getConnector(input.name)) {
        throw new CatalogError('CONNECTOR_EXISTS', `connector '${input.name}' already exists`);
      }
      const now = timestamp();
      const config = encodeConfig(input.config);
      const { lastInsertRowid } = this.stmt(
        `INSERT INTO connectors (name, type, class_name, config, desired_state, restart_generation, version, created_at, updated_at)
         VALUES (?, ?, ?, ?, 'RUNNING', 0, 1, ?, ?)`,
      ).run(input.name, input.type, input.className, config, now, now);
      const id = Number(lastInsertRowid);
      this.touch(id);
      this.insertVersion(id, 1, config, input.statementText, 'CREATE', now);
      return this.byId(id);
    });
  }

  /** Replaces the whole config (the engine merges ALTER's changes first) and keeps it as a new version. */
  updateConnectorConfig(name: string, config: Record<string, string>, statementText: string): ConnectorRecord {
    return this.write(() => {
      const current = this.mustGet(name);
      const now = timestamp();
      const encoded = encodeConfig(config);
      const version = current.version + 1;
      this.stmt('UPDATE connectors SET config = ?, version = ?, updated_at = ? WHERE id = ?').run(encoded, version, now, current.id);
      this.touch(current.id);
      this.insertVersion(current.id, version, encoded, statementText, 'ALTER', now);
      return this.byId(current.id);
    });
  }

  /** Marks the connector dropped; the row and its versions stay as history, and the name is free again. */
  dropConnector(name: string): void {
    this.write(() => {
      const current = this.mustGet(name);
      const now = timestamp();
      this.stmt('UPDATE connectors SET dropped_at = ?, updated_at = ? WHERE id = ?').run(now, now, current.id);
      this.touch(current.id);
    });
  }

  setDesiredState(name: string, state: DesiredState): ConnectorRecord {
    if (!DESIRED_STATES.includes(state)) throw new SluiceError('INTERNAL_ERROR', `unknown desired state '${String(state)}'`);
    return this.write(() => {
      const current = this.mustGet(name);
      if (current.desiredState === state) return current;
      this.stmt('UPDATE connectors SET desired_state = ?, updated_at = ? WHERE id = ?').run(state, timestamp(), current.id);
      this.touch(current.id);
      return this.byId(current.id);
    });
  }

  requestRestart(name: string): ConnectorRecord {
    return this.write(() => {
      const current = this.mustGet(name);
      this.stmt('UPDATE connectors SET restart_generation = restart_generation + 1, updated_at = ? WHERE id = ?').run(
        timestamp(),
        current.id,
      );
      this.touch(current.id);
      return this.byId(current.id);
    });
  }

  /**
   * Versions of the live connector with this name, oldest first. With no live one, those of the most
   * recently dropped connector of that name, so history stays readable after DROP; [] if there never was one.
   */
  listConfigVersions(name: string): ConfigVersion[] {
    return this.guard(() => {
      const rows = this.stmt(
        `SELECT v.*, c.name FROM config_versions v JOIN connectors c ON c.id = v.connector_id
         WHERE v.connector_id = (SELECT id FROM connectors WHERE name = ? ORDER BY dropped_at IS NULL DESC, id DESC LIMIT 1)
         ORDER BY v.version`,
      ).all(name) as ConfigVersionRow[];
      return rows.map(toConfigVersion);
    });
  }

  /**
   * Appends to the statement history. To record a failed statement, call this after its transaction has
   * rolled back, not inside it, or the record is rolled back too.
   */
  recordStatement(r: Omit<StatementRecord, 'id' | 'executedAt'>): void {
    this.write(() => {
      const { lastInsertRowid } = this.stmt('INSERT INTO statements (executed_at, kind, text, ok, error_code, source) VALUES (?, ?, ?, ?, ?, ?)').run(
        timestamp(),
        r.kind,
        r.text,
        r.ok ? 1 : 0,
        r.errorCode ?? null,
        r.source ?? null,
      );
      // Ids only grow (AUTOINCREMENT), so everything at or below newest - limit is older than the newest `limit`.
      const id = Number(lastInsertRowid);
      if (id % HISTORY_PRUNE_EVERY === 0) this.stmt('DELETE FROM statements WHERE id <= ?').run(id - HISTORY_LIMIT);
    });
  }

  /** Newest first; all of them without a limit. */
  listStatements(limit?: number): StatementRecord[] {
    if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0)) {
      throw new SluiceError('INVALID_ARGUMENT', `statement limit must be a whole number ≥ 0, got ${limit}`);
    }
    return this.guard(() => {
      // LIMIT -1 is SQLite for "no limit".
      const rows = this.stmt('SELECT * FROM statements ORDER BY id DESC LIMIT ?').all(limit ?? -1) as StatementRow[];
      return rows.map(toStatement);
    });
  }

  /** Persist the runtime's view of a connector (written whole; see migration 2). */
  saveStatus(connectorId: number, status: ConnectorStatusRecord): void {
    this.write(() => {
      this.stmt(
        `INSERT INTO connector_status (connector_id, status, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (connector_id) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at`,
      ).run(connectorId, JSON.stringify(status), status.updatedAt);
    });
  }

  getStatus(connectorId: number): ConnectorStatusRecord | undefined {
    return this.guard(() => {
      const row = this.stmt('SELECT status FROM connector_status WHERE connector_id = ?').get(connectorId) as { status: string } | undefined;
      return row ? (JSON.parse(row.status) as ConnectorStatusRecord) : undefined;
    });
  }

  /**
   * Resolves once every change committed so far is on disk — at once unless the catalog was opened with
   * durability 'flush'. The fsync runs off the event loop.
   */
  async flush(): Promise<void> {
    if (!this.flusher) return;
    try {
      await this.flusher.flush();
    } catch (err) {
      throw asCatalogError(err, 'cannot flush the catalog to disk');
    }
  }

  schemaVersion(): number {
    return this.guard(() => readSchemaVersion(this.db));
  }

  /** Idempotent. Closes the database before releasing the lock, so no one else writes while we still might. */
  close(): void {
    if (this.db.open) this.db.close();
    this.lock?.release();
    this.lock = undefined;
  }

  private mustGet(name: string): ConnectorRecord {
    const found = this.getConnector(name);
    if (!found) throw new CatalogError('CONNECTOR_NOT_FOUND', `connector '${name}' does not exist`);
    return found;
  }

  /** Every write to a connector row says which, for listConnectors. */
  private touch(id: number): void {
    this.touched.add(id);
    this.connectorWrites += 1;
  }

  private byId(id: number): ConnectorRecord {
    return toConnector(this.stmt('SELECT * FROM connectors WHERE id = ?').get(id) as ConnectorRow);
  }

  private insertVersion(id: number, version: number, config: string, text: string, change: 'CREATE' | 'ALTER', now: string): void {
    this.stmt(
      `INSERT INTO config_versions (connector_id, version, config, statement_text, change, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
    ).run(id, version, config, text, change, now);
  }

  /** Prepared once per connection: the same few statements run for every SQL statement a user sends. */
  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  /** Every write is a (possibly nested) transaction, refused up front on a read-only catalog. */
  private write<T>(fn: () => T): T {
    if (this.isReadonly) throw new CatalogError('CATALOG_ERROR', 'the catalog was opened read-only');
    return this.transaction(fn);
  }

  /** SQLite failures (disk full, I/O, closed handle) become CATALOG_ERROR; our own errors pass through. */
  private guard<T>(fn: () => T): T {
    if (!this.db.open) throw new CatalogError('CATALOG_ERROR', 'the catalog is closed');
    try {
      return fn();
    } catch (err) {
      if (isSqliteError(err)) throw asCatalogError(err, 'catalog error');
      throw err;
    }
  }
}

function openWritable(dir: string, durability: Durability): Database.Database {
  ensureDataDir(dir);
  const file = path.join(dir, CATALOG_FILE);
  const db = openCatalogFile(file, durability);
  try {
    migrate(db, file);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/**
 * No lock, no writes to the file. If the catalog does not exist yet or predates this build's schema, the
 * caller gets a migrated in-memory snapshot instead: `sluice check` only needs something to copy.
 */
function openReadonly(dir: string): Database.Database {
  const file = path.join(dir, CATALOG_FILE);
  if (!fs.existsSync(file)) {
    const empty = new Database(':memory:');
    configureConnection(empty);
    migrate(empty, file);
    return empty;
  }
  const db = openCatalogFileReadonly(file);
  try {
    if (assertNotTooNew(db, file) === LATEST_SCHEMA_VERSION) return db;
    const snapshot = copyToMemory(db);
    db.close();
    migrate(snapshot, file);
    return snapshot;
  } catch (err) {
    if (db.open) db.close();
    throw err;
  }
}

/**
 * SQLite's order for TEXT (BINARY: UTF-8 bytes, i.e. code points). JavaScript compares UTF-16 code units, which
 * differs only where a surrogate (a code point above U+FFFF) meets U+E000–U+FFFF: those are shifted past it.
 */
export function compareAsSqlite(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

function codePointRank(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000;
}

function asCatalogError(err: unknown, context: string): SluiceError {
  if (err instanceof SluiceError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new CatalogError('CATALOG_ERROR', `${context}: ${message}`, { cause: err });
}

function timestamp(): string {
  return new Date().toISOString();
}
