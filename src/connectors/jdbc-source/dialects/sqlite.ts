/**
 * SQLite through better-sqlite3. The file is opened read-only with a busy timeout, so the source waits for a
 * writer's lock instead of failing and can never write. Integers are read with safeIntegers (bigint, no
 * rounding). SQLite compares timestamps as text, so timestamp modes compare a normalised form
 * (strftime('%Y-%m-%d %H:%M:%f', …): any SQLite date-time text, INTEGER as epoch ms, REAL as a Julian day).
 */

import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { ColumnMeta, Dialect, DialectOptions, RowCursor, Statement, TableFilter, TableRef } from '../dialect.js';
import { errorMessage, fatal, isClassified, retriable } from '../errors.js';
import { SqlTimestamp, formatWallClock, fromJulianDay, parseTimestamp } from '../time.js';
import { describeTarget, type SqliteTarget } from '../url.js';
import type { Cell, ColumnKind, FieldInfo } from '../values.js';

/** How long a statement waits for another connection's lock before SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 5000;
const NORMALISED = '__sluice_ts__';
const CANONICAL = "'%Y-%m-%d %H:%M:%f'";

/** The Connect-ish kind of a declared type, following SQLite's affinity rules. */
export function sqliteKind(declared: string | null): { kind: ColumnKind; precision?: number; scale?: number } {
  const t = (declared ?? '').toUpperCase().trim();
  if (t === '') return { kind: 'dynamic' };
  if (t.includes('BOOL')) return { kind: 'boolean' };
  if (t === 'DATE') return { kind: 'date' };
  if (t.includes('DATETIME') || t.includes('TIMESTAMP')) return { kind: 'timestamp' };
  if (t === 'TIME') return { kind: 'time' };
  if (t.includes('INT')) return { kind: 'int64' };
  if (t.includes('CHAR') || t.includes('CLOB') || t.includes('TEXT')) return { kind: 'string' };
  if (t.includes('BLOB')) return { kind: 'bytes' };
  if (t.includes('REAL') || t.includes('FLOA') || t.includes('DOUB')) return { kind: 'float64' };
  if (t.includes('DEC') || t.includes('NUMERIC')) {
    const m = /\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)/.exec(t);
    if (!m) return { kind: 'decimal' };
    return { kind: 'decimal', precision: Number(m[1]), scale: Number(m[2] ?? '0') };
  }
  return { kind: 'dynamic' };
}

function decode(kind: ColumnKind, v: unknown, zone: string): Cell {
  if (v === null || v === undefined) return null;
  switch (kind) {
    case 'boolean':
      return typeof v === 'bigint' ? v !== 0n : typeof v === 'number' ? v !== 0 : (v as Cell);
    case 'float64':
      return typeof v === 'bigint' ? Number(v) : (v as Cell);
    case 'decimal':
      return typeof v === 'bigint' || typeof v === 'number' ? String(v) : (v as Cell);
    case 'timestamp':
      if (typeof v === 'string') return parseTimestamp(v, zone) ?? v;
      if (typeof v === 'bigint') return SqlTimestamp.fromMillis(Number(v));
      if (typeof v === 'number') return fromJulianDay(v);
      return v as Cell;
    case 'date':
    case 'time':
    case 'string':
      return typeof v === 'bigint' || typeof v === 'number' ? String(v) : (v as Cell);
    case 'bytes':
      return typeof v === 'string' ? Buffer.from(v, 'utf8') : (v as Cell);
    default:
      return v as Cell;
  }
}

export function classify(err: unknown, doing: string, where: string): Error {
  const code = (err as { code?: unknown })?.code;
  const message = errorMessage(err);
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || (typeof code === 'string' && code.startsWith('SQLITE_BUSY'))) {
    return retriable(`${where} is locked by another connection while ${doing}: ${message}`);
  }
  if (code === 'SQLITE_CANTOPEN') return retriable(`cannot open ${where}: ${message}`);
  return fatal(`${where}: ${doing} failed: ${message}`);
}

export async function openSqlite(o: DialectOptions & { target: SqliteTarget }): Promise<Dialect> {
  const where = describeTarget(o.target);
  const { path } = o.target;
  if (!existsSync(path)) throw retriable(`${where} does not exist (yet)`);
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
    db.defaultSafeIntegers(true);
    db.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (err) {
    const code = (err as { code?: unknown })?.code;
    if (code === 'SQLITE_NOTADB') throw fatal(`${where} is not a SQLite database`);
    throw classify(err, 'opening it', where);
  }
  const zone = o.zone;
  const quote = (id: string) => `"${id.replace(/"/g, '""')}"`;

  function fieldsOf(stmt: Database.Statement): FieldInfo[] {
    return stmt.columns().map((c) => ({ name: c.name, dbType: c.type ?? '', nullable: true, ...sqliteKind(c.type) }));
  }

  const dialect: Dialect = {
    product: 'SQLite',
    description: where,
    timestampDigits: 3,
    quote,
    qualify: (t) => quote(t.name),
    fqn: (t) => t.name,
    async listTables(filter: TableFilter): Promise<TableRef[]> {
      const types: string[] = filter.types.map((t) => t.toLowerCase()).filter((t) => t === 'table' || t === 'view');
      const rows = db
        .prepare("SELECT name, type FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")
        .all() as { name: string; type: string }[];
      return rows.filter((r) => types.includes(r.type)).map((r) => ({ name: r.name }));
    },
    async columns(t: TableRef): Promise<ColumnMeta[] | undefined> {
      const rows = db.prepare('SELECT name, type, "notnull" AS nn, pk FROM pragma_table_info(?)').all(t.name) as {
        name: string;
        type: string;
        nn: bigint;
        pk: bigint;
      }[];
      if (rows.length === 0) return undefined;
      const pks = rows.filter((r) => r.pk > 0n);
      // A single INTEGER PRIMARY KEY is the rowid: auto-assigned and never NULL.
      const rowid = pks.length === 1 && pks[0]!.type.toUpperCase() === 'INTEGER' ? pks[0]!.name : undefined;
      return rows.map((r) => ({ name: r.name, nullable: r.nn === 0n && r.name !== rowid, autoIncrement: r.name === rowid }));
    },
    async describe(sql: string): Promise<FieldInfo[]> {
      try {
        return fieldsOf(db.prepare(sql));
      } catch (err) {
        throw classify(err, 'preparing the query', where);
      }
    },
    async open(stmt: Statement, _fetchSize: number): Promise<RowCursor> {
      let prepared: Database.Statement;
      try {
        prepared = db.prepare(stmt.text.join('?'));
      } catch (err) {
        throw classify(err, 'preparing the query', where);
      }
      if (!prepared.reader) throw fatal(`${where}: the query does not return rows`);
      const fields = fieldsOf(prepared);
      const kinds = fields.map((f) => f.kind);
      prepared.raw(true);
      // The iterator holds one statement open for the pass; rows are stepped one at a time, never loaded whole.
      const it = prepared.iterate(...stmt.params) as IterableIterator<unknown[]>;
      let done = false;
      return {
        async read(n: number): Promise<Cell[][]> {
          const out: Cell[][] = [];
          try {
            while (!done && out.length < n) {
              const r = it.next();
              if (r.done) {
                done = true;
                break;
              }
              const raw = r.value;
              for (let i = 0; i < raw.length; i++) {
                const v = raw[i];
                if (v !== null) raw[i] = decode(kinds[i]!, v, zone);
              }
              out.push(raw as Cell[]);
            }
          } catch (err) {
            done = true;
            throw classify(err, 'reading rows', where);
          }
          return out;
        },
        fields: () => fields,
        async close(): Promise<void> {
          if (!done) {
            done = true;
            it.return?.();
          }
        },
      };
    },
    async now(): Promise<SqlTimestamp> {
      const text = db.prepare(`SELECT strftime(${CANONICAL}, 'now')`).pluck().get() as string;
      return parseTimestamp(text, 'UTC')!;
    },
    timestampExpression(cols: readonly string[]): string {
      const x = cols.length === 1 ? cols[0]! : `COALESCE(${cols.join(', ')})`;
      return `(CASE WHEN typeof(${x}) = 'integer' THEN strftime(${CANONICAL}, ${x} / 1000.0, 'unixepoch') ELSE strftime(${CANONICAL}, ${x}) END)`;
    },
    normalisedTimestamp: {
      alias: NORMALISED,
      parse: (cell) => (typeof cell === 'string' ? parseTimestamp(cell, zone) : undefined),
    },
    bindTimestamp: (ts) => formatWallClock(ts, zone, 3),
    bindInteger: (n) => n,
    classify: (err, doing) => (isClassified(err) ? err : classify(err, doing, where)),
    async close(): Promise<void> {
      if (db.open) db.close();
    },
  };
  return dialect;
}
