/**
 * MySQL and MariaDB through mysql2. The driver returns BIGINT and DECIMAL as strings (supportBigNumbers +
 * bigNumberStrings, decimalNumbers off) and dates as text (dateStrings), so nothing is rounded; the session runs
 * at time_zone '+00:00', so TIMESTAMP columns are read and compared in UTC while DATETIME columns are wall clocks
 * in db.timezone. Results are streamed (rows pushed into a bounded Readable; the socket is paused while it is
 * full). Parameters are rendered client-side as literals that cannot carry SQL: digits, plain date-time text, or
 * a hex string literal.
 */

import mysql from 'mysql2';
import type { ColumnMeta, Dialect, DialectOptions, RowCursor, Statement, TableFilter, TableRef } from '../dialect.js';
import { errorMessage, fatal, isClassified, networkFailure, retriable, withoutSecrets } from '../errors.js';
import { formatWallClock, fromEpochSecondsText, parseTimestamp, type SqlTimestamp } from '../time.js';
import { describeTarget, type ServerTarget } from '../url.js';
import type { Cell, ColumnKind, FieldInfo } from '../values.js';

const CONNECT_TIMEOUT_MS = 10_000;
const CLOSE_TIMEOUT_MS = 2_000;
const STALL_TIMEOUT_MS = 60_000;
const BINARY_CHARSET = 63;
const FLAG = { NOT_NULL: 1, UNSIGNED: 32 };
const T = {
  DECIMAL: 0, TINY: 1, SHORT: 2, LONG: 3, FLOAT: 4, DOUBLE: 5, TIMESTAMP: 7, LONGLONG: 8, INT24: 9, DATE: 10,
  TIME: 11, DATETIME: 12, YEAR: 13, NEWDATE: 14, BIT: 16, JSON: 245, NEWDECIMAL: 246, GEOMETRY: 255,
} as const;

interface MyField {
  name: string;
  columnType?: number;
  type?: number;
  flags: number | string[];
  characterSet?: number;
  decimals: number;
  columnLength?: number;
  typeName?: string;
}

const UNSIGNED_BIGINT = 'bigint unsigned';

export function mysqlField(f: MyField): FieldInfo {
  const type = f.columnType ?? f.type ?? -1;
  const flags = typeof f.flags === 'number' ? f.flags : 0;
  const unsigned = (flags & FLAG.UNSIGNED) !== 0;
  const length = f.columnLength ?? 0;
  const info = (kind: ColumnKind, dbType: string, extra: Partial<FieldInfo> = {}): FieldInfo => ({
    name: f.name,
    kind,
    dbType: unsigned ? `${dbType} unsigned` : dbType,
    nullable: (flags & FLAG.NOT_NULL) === 0,
    ...extra,
  });
  switch (type) {
    case T.TINY:
      return length === 1 ? info('boolean', 'tinyint(1)') : info(unsigned ? 'int16' : 'int8', 'tinyint');
    case T.SHORT:
      return info(unsigned ? 'int32' : 'int16', 'smallint');
    case T.INT24:
      return info('int32', 'mediumint');
    case T.LONG:
      return info(unsigned ? 'int64' : 'int32', 'int');
    case T.LONGLONG:
      // Up to 2^64 − 1 does not fit a Connect int64: the envelope types it Decimal(20, 0); its cells are still integers.
      return unsigned ? info('decimal', 'bigint', { precision: 20, scale: 0 }) : info('int64', 'bigint');
    case T.FLOAT:
      return info('float32', 'float');
    case T.DOUBLE:
      return info('float64', 'double');
    case T.DECIMAL:
    case T.NEWDECIMAL: {
      const scale = f.decimals;
      return info('decimal', 'decimal', { precision: length - (scale > 0 ? 1 : 0) - (unsigned ? 0 : 1), scale });
    }
    case T.TIMESTAMP:
      return info('timestamp', 'timestamp', { utc: true });
    case T.DATETIME:
      return info('timestamp', 'datetime');
    case T.DATE:
    case T.NEWDATE:
      return info('date', 'date');
    case T.TIME:
      return info('string', 'time');
    case T.YEAR:
      return info('int16', 'year');
    case T.BIT:
      return length === 1 ? info('boolean', 'bit(1)') : info('bytes', 'bit');
    case T.JSON:
      return info('string', 'json');
    case T.GEOMETRY:
      return info('bytes', 'geometry');
    default:
      return f.characterSet === BINARY_CHARSET ? info('bytes', 'binary') : info('string', 'text');
  }
}

function decode(f: FieldInfo, v: unknown, zone: string): Cell {
  if (v === null || v === undefined) return null;
  switch (f.kind) {
    case 'boolean':
      return Buffer.isBuffer(v) ? v.some((b) => b !== 0) : Number(v) !== 0;
    case 'int64':
      return BigInt(v as string | number);
    case 'decimal':
      // An integer column is a bigint cell whatever its Connect type, so it follows the one JSON rule for integers.
      return f.dbType === UNSIGNED_BIGINT ? BigInt(v as string | number) : String(v);
    case 'timestamp':
      return typeof v === 'string' ? (parseTimestamp(v, f.utc ? 'UTC' : zone) ?? v) : (v as Cell);
    case 'bytes':
      return Buffer.isBuffer(v) ? v : typeof v === 'string' ? Buffer.from(v, 'utf8') : Buffer.from(JSON.stringify(v), 'utf8');
    default:
      return typeof v === 'object' && !Buffer.isBuffer(v) ? JSON.stringify(v) : (v as Cell);
  }
}

const RETRIABLE_ERRNO = new Set([1040, 1053, 1205, 1213, 1927, 2002, 2003, 2006, 2013, 1317, 1080, 1152, 1184]);
const AUTH_ERRNO = new Set([1044, 1045, 1698, 1251]);

export function classify(err: unknown, doing: string, where: string, secrets: (string | undefined)[]): Error {
  if (isClassified(err)) return err;
  const message = withoutSecrets(errorMessage(err), secrets, where);
  const errno = (err as { errno?: unknown })?.errno;
  const code = (err as { code?: unknown })?.code;
  if (typeof errno === 'number' && AUTH_ERRNO.has(errno)) return fatal(`${where} rejected the credentials (${code}): ${message}`);
  if (typeof errno === 'number' && errno === 1049) return fatal(`${where}: the database does not exist: ${message}`);
  const network = networkFailure(err);
  if (network !== undefined) return retriable(`cannot reach ${where} while ${doing}: ${withoutSecrets(network, secrets, where)}`);
  if (typeof errno === 'number' && RETRIABLE_ERRNO.has(errno)) return retriable(`${where} is not available while ${doing} (${code}): ${message}`);
  return fatal(`${where}: ${doing} failed${typeof code === 'string' ? ` (${code})` : ''}: ${message}`);
}

/** A literal that cannot carry SQL whatever the sql_mode: digits, plain text of safe characters, or hex. */
export function mysqlLiteral(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'bigint' || (typeof v === 'number' && Number.isFinite(v))) return String(v);
  if (Array.isArray(v)) return v.length === 0 ? 'NULL' : v.map(mysqlLiteral).join(', ');
  const s = String(v);
  if (/^[0-9A-Za-z _:.+-]*$/.test(s)) return `'${s}'`;
  return `CONVERT(X'${Buffer.from(s, 'utf8').toString('hex')}' USING utf8mb4)`;
}

function render(stmt: Statement): string {
  return stmt.text.reduce((acc, part, i) => `${acc}${mysqlLiteral(stmt.params[i - 1])}${part}`);
}

export async function openMysql(o: DialectOptions & { target: ServerTarget }): Promise<Dialect> {
  const t = o.target;
  const user = o.user ?? t.user;
  const password = o.password ?? t.password;
  const where = describeTarget({ ...t, user });
  // A driver may echo either password: the one it was given, or the URL's one that connection.password overrides.
  const secrets = [password, t.password];
  const zone = o.zone;
  const ssl = ['true', 'required', 'require'].includes((t.params.ssl ?? t.params.sslmode ?? t.params.usessl ?? '').toLowerCase())
    ? { rejectUnauthorized: false }
    : undefined;

  let conn: mysql.Connection | undefined;
  let broken: Error | undefined;

  async function connect(): Promise<mysql.Connection> {
    const c = mysql.createConnection({
      host: t.host,
      port: t.port,
      database: t.database,
      user,
      password: password ?? '',
      ssl,
      connectTimeout: CONNECT_TIMEOUT_MS,
      charset: 'utf8mb4',
      supportBigNumbers: true,
      bigNumberStrings: true,
      decimalNumbers: false,
      dateStrings: true,
      jsonStrings: true,
      multipleStatements: false,
    });
    // A connection that dies while idle emits 'error'; without a listener that would crash the process.
    c.on('error', (err) => {
      broken = classify(err, 'using the connection', where, secrets);
    });
    // A stop must not wait for an attempt to a host that does not answer (up to CONNECT_TIMEOUT_MS).
    const cut = () => c.destroy();
    o.signal?.addEventListener('abort', cut, { once: true });
    try {
      // Stopped while the driver loaded: the listener above would never fire.
      if (o.signal?.aborted) {
        cut();
        throw retriable(`${where}: stopped before connecting`);
      }
      await new Promise<void>((resolve, reject) => c.connect((err) => (err ? reject(err) : resolve())));
      await new Promise<void>((resolve, reject) => c.query("SET time_zone = '+00:00'", (err) => (err ? reject(err) : resolve())));
    } finally {
      o.signal?.removeEventListener('abort', cut);
    }
    broken = undefined;
    return c;
  }

  async function live(doing: string): Promise<mysql.Connection> {
    if (conn && !broken) return conn;
    conn?.destroy();
    conn = undefined;
    try {
      conn = await connect();
    } catch (err) {
      throw classify(err, doing === 'connecting' ? doing : `reconnecting for ${doing}`, where, secrets);
    }
    return conn;
  }

  async function query(sql: string, doing: string): Promise<{ rows: unknown[][]; fields: MyField[] }> {
    const c = await live(doing);
    return new Promise((resolve, reject) => {
      c.query({ sql, rowsAsArray: true }, (err, rows, fields) => {
        if (err) reject(classify(err, doing, where, secrets));
        else resolve({ rows: rows as unknown[][], fields: (fields ?? []) as unknown as MyField[] });
      });
    });
  }

  await live('connecting');
  const quote = (id: string) => `\`${id.replace(/`/g, '``')}\``;

  const dialect: Dialect = {
    product: t.product,
    description: where,
    timestampDigits: 6,
    quote,
    qualify: (r) => (r.catalog !== undefined ? `${quote(r.catalog)}.${quote(r.name)}` : quote(r.name)),
    fqn: (r) => (r.catalog !== undefined ? `${r.catalog}.${r.name}` : r.name),
    async listTables(filter: TableFilter): Promise<TableRef[]> {
      const types = filter.types.flatMap((x) => (x === 'TABLE' ? ['BASE TABLE'] : x === 'VIEW' ? ['VIEW'] : []));
      if (types.length === 0) return [];
      if (filter.catalogPattern === undefined && t.database === undefined) {
        throw fatal(`${where}: the URL names no database to list tables from; add it (jdbc:mysql://HOST:PORT/DATABASE) or set a catalog pattern`);
      }
      const schema =
        filter.catalogPattern !== undefined ? `TABLE_SCHEMA LIKE ${mysqlLiteral(filter.catalogPattern)}` : 'TABLE_SCHEMA = DATABASE()';
      const r = await query(
        `SELECT TABLE_SCHEMA, TABLE_NAME FROM information_schema.TABLES WHERE TABLE_TYPE IN (${mysqlLiteral(types)}) AND ${schema} ORDER BY TABLE_SCHEMA, TABLE_NAME`,
        'listing tables',
      );
      return r.rows.map(([catalog, name]) => ({ catalog: String(catalog), name: String(name) }));
    },
    async columns(r: TableRef): Promise<ColumnMeta[] | undefined> {
      const schema = r.catalog !== undefined ? mysqlLiteral(r.catalog) : 'DATABASE()';
      const res = await query(
        `SELECT COLUMN_NAME, IS_NULLABLE, EXTRA FROM information_schema.COLUMNS
          WHERE BINARY TABLE_SCHEMA = ${schema} AND BINARY TABLE_NAME = ${mysqlLiteral(r.name)} ORDER BY ORDINAL_POSITION`,
        'reading column metadata',
      );
      if (res.rows.length === 0) return undefined;
      return res.rows.map(([name, nullable, extra]) => ({
        name: String(name),
        nullable: nullable === 'YES',
        autoIncrement: String(extra).toLowerCase().includes('auto_increment'),
      }));
    },
    async describe(sql: string): Promise<FieldInfo[]> {
      return (await query(sql, 'describing the query')).fields.map(mysqlField);
    },
    async open(stmt: Statement, fetchSize: number): Promise<RowCursor> {
      const c = await live('running the query');
      const q = c.query({ sql: render(stmt), rowsAsArray: true });
      let fields: FieldInfo[] = [];
      q.on('fields', (fs: MyField[]) => {
        fields = fs.map(mysqlField);
      });
      // Bounded buffer: when it is full mysql2 pauses the socket until the next read.
      const stream = q.stream({ highWaterMark: Math.max(fetchSize, 1) });
      const it = stream[Symbol.asyncIterator]() as AsyncIterator<unknown[]>;
      let done = false;
      let started = false;
      // Once rows flow, a silent server means a dead connection (a killed thread can leave the socket open):
      // give up after STALL_TIMEOUT_MS instead of hanging. Before the first row a slow query may legitimately think.
      const next = (): Promise<IteratorResult<unknown[]>> => {
        if (!started) return it.next();
        return new Promise((resolve, reject) => {
          const timer = setTimeout(() => {
            const seconds = STALL_TIMEOUT_MS / 1000;
            reject(Object.assign(new Error(`no data from the server for ${seconds} s in the middle of a result`), { code: 'PROTOCOL_SEQUENCE_TIMEOUT' }));
          }, STALL_TIMEOUT_MS);
          it.next().then(
            (r) => (clearTimeout(timer), resolve(r)),
            (e: unknown) => (clearTimeout(timer), reject(e)),
          );
        });
      };
      return {
        async read(n: number): Promise<Cell[][]> {
          const out: Cell[][] = [];
          try {
            while (!done && out.length < n) {
              const r = await next();
              started = true;
              if (r.done) {
                done = true;
                break;
              }
              out.push(r.value.map((v, i) => decode(fields[i]!, v, zone)));
            }
          } catch (err) {
            done = true;
            broken = classify(err, 'reading rows', where, secrets);
            throw broken;
          }
          return out;
        },
        fields: () => fields,
        async close(): Promise<void> {
          if (done) return;
          done = true;
          // mysql2 cannot cancel a streaming result: drop the connection, the next use reconnects.
          stream.destroy();
          conn?.destroy();
          conn = undefined;
        },
      };
    },
    async now(): Promise<SqlTimestamp> {
      const r = await query('SELECT UNIX_TIMESTAMP(NOW(6))', 'reading the current time');
      return fromEpochSecondsText(String(r.rows[0]![0]));
    },
    timestampExpression: (cols) => (cols.length === 1 ? cols[0]! : `COALESCE(${cols.join(', ')})`),
    bindTimestamp: (ts, utc) => formatWallClock(ts, utc ? 'UTC' : zone, 6),
    bindInteger: (n) => n,
    classify: (err, doing) => classify(err, doing, where, secrets),
    async close(): Promise<void> {
      const c = conn;
      conn = undefined;
      if (!c) return;
      if (!broken) {
        // A polite QUIT, but never wait long for a connection that may be dying.
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, CLOSE_TIMEOUT_MS);
          c.end(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      c.destroy();
    },
  };
  return dialect;
}
