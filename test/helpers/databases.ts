/**
 * Real databases for tests: SQLite (temp files), PostgreSQL (127.0.0.1:5432, user postgres, trust auth, db
 * `test`) and MariaDB (127.0.0.1:3306, root, empty password).
 *
 * `postgres()` / `mariadb()` find the local service by connecting; when it is absent they try to start it
 * (pg_ctlcluster / start-stop-daemon) and wait. `gate(service)` then decides: available → run; absent in CI
 * (process.env.CI) → a failing test names what is missing; absent elsewhere → skipped with a printed reason.
 *
 * Every test gets its own namespace (a SQLite file, a PostgreSQL schema, a MariaDB database) named after the
 * process and a random run id, so parallel runs never collide; `shutdown()` drops them all.
 */

import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { test } from 'vitest';

export const PG = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' } as const;
export const MARIADB = { host: '127.0.0.1', port: 3306, user: 'root', password: '' } as const;

const RUN = `${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
let counter = 0;
const uniqueName = () => `sluice_${RUN}_${++counter}`;

/** Column types per database, for table-driven tests. */
export interface TypeNames {
  /** An auto-increment primary key column definition (type and constraint). */
  serial: string;
  int64: string;
  decimal: string;
  timestamp: string;
  date: string;
  bytes: string;
  boolean: string;
  text: string;
  double: string;
}

/** One isolated place to create tables in. */
export interface Namespace {
  /** connection.url for the connector. */
  url: string;
  /** Extra connector config that confines discovery to this namespace. */
  config: Record<string, string>;
  types: TypeNames;
  /** How the connector names a table in offsets: Confluent's unquoted fully qualified name. */
  fqn(table: string): string;
  /** The quoted name to use in a custom query (qualified where the connection would not find it). */
  qualified(table: string): string;
  quote(identifier: string): string;
  exec(sql: string): Promise<void>;
  /** INSERT rows with bound parameters (strings, numbers, bigints, Buffers, null). */
  insert(table: string, columns: readonly string[], rows: readonly (readonly unknown[])[]): Promise<void>;
  query(sql: string): Promise<unknown[][]>;
  drop(): Promise<void>;
}

export interface Backend {
  name: 'SQLite' | 'PostgreSQL' | 'MariaDB';
  available: boolean;
  /** Why it is not available. */
  reason: string;
  /** A fresh namespace (call only when available). */
  open(): Promise<Namespace>;
  shutdown(): Promise<void>;
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 30_000 }, (err, stdout, stderr) => resolve(err ? `${err.message} ${stderr}` : stdout));
  });
}

async function waitFor(probe: () => Promise<boolean>, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await probe()) return true;
    await new Promise((r) => setTimeout(r, 500));
  }
  return probe();
}

// ---- SQLite ----

export function sqlite(): Backend {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-jdbc-'));
  const opened: Database.Database[] = [];
  return {
    name: 'SQLite',
    available: true,
    reason: '',
    async open() {
      const path = join(dir, `${uniqueName()}.db`);
      const db = new Database(path);
      db.pragma('journal_mode = WAL');
      opened.push(db);
      const quote = (id: string) => `"${id.replace(/"/g, '""')}"`;
      return {
        url: `jdbc:sqlite:${path}`,
        config: {},
        types: {
          serial: 'INTEGER PRIMARY KEY AUTOINCREMENT',
          int64: 'INTEGER',
          decimal: 'DECIMAL(30,10)',
          timestamp: 'DATETIME',
          date: 'DATE',
          bytes: 'BLOB',
          boolean: 'BOOLEAN',
          text: 'TEXT',
          double: 'REAL',
        },
        fqn: (t) => t,
        qualified: quote,
        quote,
        async exec(sql) {
          db.exec(sql);
        },
        async insert(table, columns, rows) {
          const stmt = db.prepare(`INSERT INTO ${quote(table)} (${columns.map(quote).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
          db.transaction(() => rows.forEach((r) => stmt.run(...r.map((v) => (typeof v === 'boolean' ? Number(v) : v)))))();
        },
        async query(sql) {
          return db.prepare(sql).raw(true).all() as unknown[][];
        },
        async drop() {
          db.close();
        },
      };
    },
    async shutdown() {
      for (const db of opened) if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---- PostgreSQL ----

async function pgReachable(): Promise<string | undefined> {
  const c = new pg.Client({ ...PG, connectionTimeoutMillis: 3000 });
  c.on('error', () => undefined);
  try {
    await c.connect();
    await c.end();
    return undefined;
  } catch (err) {
    await c.end().catch(() => undefined);
    const code = (err as { code?: string }).code;
    if (code === '3D000') {
      // The server is up but has no `test` database: create it.
      const admin = new pg.Client({ ...PG, database: 'postgres', connectionTimeoutMillis: 3000 });
      admin.on('error', () => undefined);
      try {
        await admin.connect();
        await admin.query('CREATE DATABASE test');
        return undefined;
      } catch (e) {
        return `cannot create database 'test': ${(e as Error).message}`;
      } finally {
        await admin.end().catch(() => undefined);
      }
    }
    return (err as Error).message || String(code);
  }
}

export async function postgres(): Promise<Backend> {
  let problem = await pgReachable();
  if (problem !== undefined) {
    let versions: string[] = [];
    try {
      versions = readdirSync('/etc/postgresql');
    } catch {
      // no cluster installed
    }
    if (versions.length > 0) {
      await run('pg_ctlcluster', ['--skip-systemctl-redirect', versions[0]!, 'main', 'start']);
      if (await waitFor(async () => (await pgReachable()) === undefined, 20_000)) problem = undefined;
    } else {
      problem = `${problem}; no cluster under /etc/postgresql to start`;
    }
  }
  const namespaces: { schema: string; client: pg.Client }[] = [];
  return {
    name: 'PostgreSQL',
    available: problem === undefined,
    reason: `PostgreSQL is not reachable at ${PG.host}:${PG.port} (user ${PG.user}, db ${PG.database}): ${problem}`,
    async open() {
      const schema = uniqueName();
      const client = new pg.Client({ ...PG, options: `-c search_path=${schema} -c TimeZone=UTC` });
      client.on('error', () => undefined);
      await client.connect();
      await client.query(`CREATE SCHEMA ${schema}`);
      namespaces.push({ schema, client });
      const quote = (id: string) => `"${id.replace(/"/g, '""')}"`;
      return {
        url: `jdbc:postgresql://${PG.host}:${PG.port}/${PG.database}?user=${PG.user}`,
        config: { 'schema.pattern': schema },
        types: {
          serial: 'BIGSERIAL PRIMARY KEY',
          int64: 'BIGINT',
          decimal: 'NUMERIC(30,10)',
          timestamp: 'TIMESTAMP(6)',
          date: 'DATE',
          bytes: 'BYTEA',
          boolean: 'BOOLEAN',
          text: 'TEXT',
          double: 'DOUBLE PRECISION',
        },
        fqn: (t) => `${schema}.${t}`,
        qualified: (t) => `${quote(schema)}.${quote(t)}`,
        quote,
        async exec(sql) {
          await client.query(sql);
        },
        async insert(table, columns, rows) {
          for (const r of rows) {
            const values = r.map((v) => (typeof v === 'bigint' ? v.toString() : v));
            await client.query(
              `INSERT INTO ${quote(table)} (${columns.map(quote).join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
              values,
            );
          }
        },
        async query(sql) {
          return (await client.query({ text: sql, rowMode: 'array' })).rows as unknown[][];
        },
        async drop() {
          await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        },
      };
    },
    async shutdown() {
      for (const { schema, client } of namespaces) {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
        await client.end().catch(() => undefined);
      }
    },
  };
}

// ---- MariaDB ----

async function mariadbReachable(): Promise<string | undefined> {
  try {
    const c = await mysql.createConnection({ ...MARIADB, connectTimeout: 3000 });
    await c.end();
    return undefined;
  } catch (err) {
    return (err as Error).message || String((err as { code?: string }).code);
  }
}

export async function mariadb(): Promise<Backend> {
  let problem = await mariadbReachable();
  if (problem !== undefined) {
    try {
      mkdirSync('/run/mysqld', { recursive: true });
      await run('chown', ['mysql:mysql', '/run/mysqld']);
    } catch {
      // not root, or no mysql user: the start below reports it
    }
    const out = await run('start-stop-daemon', ['--start', '--oknodo', '--background', '--exec', '/usr/sbin/mariadbd']);
    if (await waitFor(async () => (await mariadbReachable()) === undefined, 30_000)) problem = undefined;
    else problem = `${problem}; starting /usr/sbin/mariadbd did not help (${out.trim() || 'no output'})`;
  }
  const namespaces: { database: string; conn: mysql.Connection }[] = [];
  return {
    name: 'MariaDB',
    available: problem === undefined,
    reason: `MariaDB is not reachable at ${MARIADB.host}:${MARIADB.port} as root: ${problem}`,
    async open() {
      const database = uniqueName();
      const admin = await mysql.createConnection({ ...MARIADB });
      await admin.query(`CREATE DATABASE ${database}`);
      await admin.end();
      const conn = await mysql.createConnection({ ...MARIADB, database, supportBigNumbers: true, bigNumberStrings: true, dateStrings: true, timezone: 'Z' });
      await conn.query("SET time_zone = '+00:00'");
      namespaces.push({ database, conn });
      const quote = (id: string) => `\`${id.replace(/`/g, '``')}\``;
      return {
        url: `jdbc:mariadb://${MARIADB.host}:${MARIADB.port}/${database}?user=${MARIADB.user}`,
        config: {},
        types: {
          serial: 'BIGINT AUTO_INCREMENT PRIMARY KEY',
          int64: 'BIGINT',
          decimal: 'DECIMAL(30,10)',
          timestamp: 'DATETIME(6)',
          date: 'DATE',
          bytes: 'VARBINARY(255)',
          boolean: 'BOOLEAN',
          text: 'TEXT',
          double: 'DOUBLE',
        },
        fqn: (t) => `${database}.${t}`,
        qualified: quote,
        quote,
        async exec(sql) {
          await conn.query(sql);
        },
        async insert(table, columns, rows) {
          for (const r of rows) {
            await conn.query(`INSERT INTO ${quote(table)} (${columns.map(quote).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`, r as unknown[]);
          }
        },
        async query(sql) {
          const [rows] = await conn.query({ sql, rowsAsArray: true });
          return rows as unknown[][];
        },
        async drop() {
          await conn.query(`DROP DATABASE IF EXISTS ${database}`);
        },
      };
    },
    async shutdown() {
      for (const { database, conn } of namespaces) {
        await conn.query(`DROP DATABASE IF EXISTS ${database}`).catch(() => undefined);
        await conn.end().catch(() => undefined);
      }
    },
  };
}

/**
 * Whether tests of `backend` may run. Absent in CI: registers a failing test naming what is missing. Absent
 * elsewhere: prints why its tests are skipped.
 */
export function gate(backend: Backend): boolean {
  if (backend.available) return true;
  if (process.env.CI) {
    test(`${backend.name} is available (required in CI)`, () => {
      throw new Error(`${backend.reason}. CI must provide ${backend.name}; nothing may be skipped there.`);
    });
  } else {
    console.warn(`[skipped] ${backend.name} tests: ${backend.reason}`);
  }
  return false;
}
