/**
 * PostgreSQL through pg + pg-cursor. Every type parser is replaced by the identity, so values arrive as the
 * server's text and are decoded here without rounding (int8 → bigint, numeric → exact text). The session runs
 * in db.timezone (TimeZone startup option), so `timestamp` wall clocks and bound parameters agree with it and
 * `timestamptz` values carry their offset.
 */

import { userInfo } from 'node:os';
import pg from 'pg';
import Cursor from 'pg-cursor';
import type { ColumnMeta, Dialect, DialectOptions, RowCursor, Statement, TableFilter, TableRef } from '../dialect.js';
import { errorCode, errorMessage, fatal, isClassified, networkFailure, retriable, withoutSecrets } from '../errors.js';
import { SqlTimestamp, formatWallClock, parseTimestamp } from '../time.js';
import { describeTarget, type ServerTarget } from '../url.js';
import type { Cell, ColumnKind, FieldInfo } from '../values.js';

const CONNECT_TIMEOUT_MS = 10_000;
/** Closing must never hang a stopping task on a connection that died. */
const CLOSE_TIMEOUT_MS = 2_000;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Text in, text out: decoding is done per type below. */
const RAW = { getTypeParser: () => (text: string) => text } as unknown as pg.CustomTypesConfig;

const TYPES: Record<number, [ColumnKind, string]> = {
  16: ['boolean', 'boolean'],
  17: ['bytes', 'bytea'],
  20: ['int64', 'bigint'],
  21: ['int16', 'smallint'],
  23: ['int32', 'integer'],
  26: ['int64', 'oid'],
  700: ['float32', 'real'],
  701: ['float64', 'double precision'],
  1082: ['date', 'date'],
  1083: ['time', 'time'],
  1114: ['timestamp', 'timestamp'],
  1184: ['timestamp', 'timestamptz'],
  1700: ['decimal', 'numeric'],
};

const NAMES: Record<number, string> = { 25: 'text', 1043: 'varchar', 1042: 'char', 114: 'json', 3802: 'jsonb', 2950: 'uuid' };

interface PgField {
  name: string;
  dataTypeID: number;
  dataTypeModifier: number;
}

export function pgField(f: PgField): FieldInfo {
  const [kind, dbType] = TYPES[f.dataTypeID] ?? ['string', NAMES[f.dataTypeID] ?? `type ${f.dataTypeID}`];
  const info: FieldInfo = { name: f.name, kind, dbType, nullable: true };
  if (kind === 'decimal' && f.dataTypeModifier >= 4) {
    const mod = f.dataTypeModifier - 4;
    info.precision = (mod >> 16) & 0xffff;
    info.scale = mod & 0xffff;
  }
  return info;
}

function decode(kind: ColumnKind, text: unknown, zone: string): Cell {
  if (text === null || text === undefined) return null;
  const v = text as string;
  switch (kind) {
    case 'boolean':
      return v === 't' || v === 'true';
    case 'int16':
    case 'int32':
    case 'float32':
    case 'float64':
      return Number(v);
    case 'int64':
      return BigInt(v);
    case 'bytes':
      return v.startsWith('\\x') ? Buffer.from(v.slice(2), 'hex') : Buffer.from(v, 'utf8');
    case 'timestamp':
      return parseTimestamp(v, zone) ?? v;
    default:
      return v;
  }
}

const RETRIABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300', '40001', '40P01', '55P03', '57014', '55006']);

export function classify(err: unknown, doing: string, where: string, secrets: (string | undefined)[]): Error {
  if (isClassified(err)) return err;
  const message = withoutSecrets(errorMessage(err), secrets, where);
  const network = networkFailure(err);
  if (network !== undefined) return retriable(`cannot reach ${where} while ${doing}: ${withoutSecrets(network, secrets, where)}`);
  const state = errorCode(err) ?? '';
  if (state.startsWith('08') || state.startsWith('53') || RETRIABLE_STATES.has(state)) {
    return retriable(`${where} is not available while ${doing} (SQLSTATE ${state}): ${message}`);
  }
  if (state === '28P01' || state === '28000') return fatal(`${where} rejected the credentials (SQLSTATE ${state}): ${message}`);
  if (state === '3D000') return fatal(`${where}: the database does not exist: ${message}`);
  return fatal(`${where}: ${doing} failed${state ? ` (SQLSTATE ${state})` : ''}: ${message}`);
}

function osUserName(): string | undefined {
  try {
    return userInfo().username || undefined;
  } catch {
    // A uid with no passwd entry (common in containers) has no name.
    return undefined;
  }
}

/**
 * libpq's rule, which psql users expect: connection.user, else the URL's user, else PGUSER, else the name of the
 * operating-system user. pg alone falls back to $USER, which is unset under many service managers and in
 * containers, and then sends no user at all.
 */
export function postgresUser(
  given: string | undefined,
  urlUser: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  osUser: () => string | undefined = osUserName,
): string | undefined {
  for (const candidate of [given, urlUser, env.PGUSER]) if (candidate !== undefined && candidate !== '') return candidate;
  return osUser();
}

export async function openPostgres(o: DialectOptions & { target: ServerTarget }): Promise<Dialect> {
  const t = o.target;
  const user = postgresUser(o.user, t.user);
  const where = describeTarget({ ...t, user });
  if (user === undefined) throw fatal(`${where}: no user to connect as: set 'connection.user' (or PGUSER)`);
  const password = o.password ?? t.password;
  // A driver may echo either password: the one it was given, or the URL's one that connection.password overrides;
  // pg reads PGPASSWORD when no password is given: it is as secret as connection.password.
  const secrets = [password, t.password, process.env.PGPASSWORD];
  const zone = o.zone;
  const sslmode = (t.params.sslmode ?? (t.params.ssl === 'true' ? 'require' : '')).toLowerCase();
  const ssl = sslmode === 'require' || sslmode === 'prefer' ? { rejectUnauthorized: false } : sslmode.startsWith('verify') ? true : undefined;
  const escape = (s: string) => s.replace(/[\\ ]/g, '\\$&');
  const client = new pg.Client({
    host: t.host,
    port: t.port,
    database: t.database,
    user,
    password,
    ssl,
    types: RAW,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: t.params.applicationname ?? 'sluice-jdbc-source',
    options: `-c TimeZone=${escape(zone)} -c DateStyle=ISO -c bytea_output=hex`,
  });
  let broken: Error | undefined;
  // An idle connection that dies emits 'error'; without a listener that would crash the process.
  client.on('error', (err) => {
    broken = classify(err, 'using the connection', where, secrets);
  });
  // A stop must not wait for an attempt to a host that does not answer (up to CONNECT_TIMEOUT_MS): its socket is
  // closed, and connect() fails at once.
  const cut = () => (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
  o.signal?.addEventListener('abort', cut, { once: true });
  try {
    // Stopped while the driver loaded: the listener above would never fire.
    if (o.signal?.aborted) throw retriable(`${where}: stopped before connecting`);
    await client.connect();
  } catch (err) {
    void client.end().catch(() => undefined);
    throw classify(err, 'connecting', where, secrets);
  } finally {
    o.signal?.removeEventListener('abort', cut);
  }

  const quote = (id: string) => `"${id.replace(/"/g, '""')}"`;
  async function query(text: string, values: unknown[], doing: string): Promise<pg.QueryArrayResult> {
    if (broken) throw broken;
    try {
      return await client.query({ text, values, rowMode: 'array', types: RAW });
    } catch (err) {
      throw classify(err, doing, where, secrets);
    }
  }
  const fieldsOf = (fields: readonly PgField[]) => fields.map(pgField);

  const dialect: Dialect = {
    product: 'PostgreSQL',
    description: where,
    timestampDigits: 6,
    quote,
    qualify: (r) => (r.schema !== undefined ? `${quote(r.schema)}.${quote(r.name)}` : quote(r.name)),
    fqn: (r) => (r.schema !== undefined ? `${r.schema}.${r.name}` : r.name),
    async listTables(filter: TableFilter): Promise<TableRef[]> {
      const types = filter.types.flatMap((x) => (x === 'TABLE' ? ['BASE TABLE'] : x === 'VIEW' ? ['VIEW'] : x === 'FOREIGN TABLE' ? ['FOREIGN'] : []));
      const r = await query(
        `SELECT table_schema, table_name FROM information_schema.tables
          WHERE table_type = ANY($1::text[]) AND table_schema NOT IN ('pg_catalog', 'information_schema')
            AND CASE WHEN $2::text IS NULL THEN table_schema = ANY (current_schemas(false)) ELSE table_schema LIKE $2::text END
          ORDER BY table_schema, table_name`,
        [types, filter.schemaPattern ?? null],
        'listing tables',
      );
      return r.rows.map(([schema, name]) => ({ schema: schema as string, name: name as string }));
    },
    async columns(r: TableRef): Promise<ColumnMeta[] | undefined> {
      const res = await query(
        `SELECT a.attname, NOT a.attnotnull,
                coalesce(pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%', false) OR coalesce(a.attidentity, '') <> ''
           FROM pg_catalog.pg_class c
           JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
           LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
           LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
          WHERE n.nspname = coalesce($1::text, current_schema()) AND c.relname = $2::text
          ORDER BY a.attnum`,
        [r.schema ?? null, r.name],
        'reading column metadata',
      );
      if (res.rows.length === 0) return undefined;
      return res.rows
        .filter(([name]) => name !== null)
        .map(([name, nullable, auto]) => ({ name: name as string, nullable: nullable === 't', autoIncrement: auto === 't' }));
    },
    async describe(sql: string): Promise<FieldInfo[]> {
      return fieldsOf((await query(sql, [], 'describing the query')).fields);
    },
    async open(stmt: Statement): Promise<RowCursor> {
      if (broken) throw broken;
      const text = stmt.text.reduce((acc, part, i) => `${acc}$${i}${part}`);
      const cursor = client.query(new Cursor(text, stmt.params as unknown[], { rowMode: 'array', types: RAW }));
      let fields: FieldInfo[] = [];
      let kinds: ColumnKind[] = [];
      let done = false;
      let failed = false;
      const readRaw = (n: number) =>
        new Promise<unknown[][]>((resolve, reject) => {
          cursor.read(n, (err, rows, result) => {
            if (err) return reject(err);
            if (result?.fields && fields.length === 0) {
              fields = fieldsOf(result.fields);
              kinds = fields.map((f) => f.kind);
            }
            resolve(rows as unknown[][]);
          });
        });
      return {
        async read(n: number): Promise<Cell[][]> {
          if (done) return [];
          if (broken) throw broken;
          const out: Cell[][] = [];
          try {
            // One round trip of n rows (the JDBC fetch size); fewer than n means the portal is complete.
            const rows = await readRaw(n);
            for (const row of rows) out.push(row.map((v, i) => decode(kinds[i]!, v, zone)));
            if (rows.length < n) done = true;
          } catch (err) {
            done = true;
            failed = true;
            throw classify(err, 'reading rows', where, secrets);
          }
          return out;
        },
        fields: () => fields,
        async close(): Promise<void> {
          done = true;
          // After an error (or with the connection gone) there is no portal left, and pg-cursor's close would wait
          // for a readyForQuery that never comes.
          if (failed || broken) return;
          await withTimeout(cursor.close(), CLOSE_TIMEOUT_MS).catch(() => undefined);
        },
      };
    },
    async now(): Promise<SqlTimestamp> {
      const r = await query('SELECT floor(extract(epoch FROM CURRENT_TIMESTAMP) * 1000000)::bigint::text', [], 'reading the current time');
      return SqlTimestamp.fromNanos(BigInt(r.rows[0]![0] as string) * 1000n);
    },
    timestampExpression: (cols) => (cols.length === 1 ? cols[0]! : `COALESCE(${cols.join(', ')})`),
    bindTimestamp: (ts) => formatWallClock(ts, zone, 6),
    bindInteger: (n) => n.toString(),
    classify: (err, doing) => classify(err, doing, where, secrets),
    async close(): Promise<void> {
      await withTimeout(client.end(), CLOSE_TIMEOUT_MS).catch(() => undefined);
    },
  };
  return dialect;
}
