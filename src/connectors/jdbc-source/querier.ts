/**
 * One table (or the custom query) of a JDBC source task: builds the SQL of its mode exactly as Confluent's
 * queriers do, streams one pass at a time, and turns rows into records with Confluent's partitions and offsets.
 *
 * A pass is one execution of the mode's query. Its cursor stays open across polls until the result is exhausted
 * (each poll takes at most batch.max.rows rows), so a pass is one statement with one consistent view, bulk mode
 * needs no paging key, and the database is asked for the window's end once per pass; the next pass starts from the
 * offset reached, after poll.interval.ms.
 *
 * Timestamp mode follows PR #1093: a record's offset only advances to a timestamp once every row with that
 * timestamp has been read (the querier looks one row ahead), so stopping inside a group of equal timestamps
 * re-reads the group after a restart instead of losing its rest.
 */

import type { SourceRecord, SourceTaskContext } from '../api.js';
import { jdbcField as F } from './index.js';
import type { ColumnMeta, Dialect, RowCursor, Statement, TableRef } from './dialect.js';
import { fatal, isRetriable } from './errors.js';
import { usesIncrementing, usesTimestamp, type Mode, type Settings } from './settings.js';
import { SqlTimestamp } from './time.js';
import {
  connectPayload,
  fieldSchema,
  outputField,
  structSchema,
  toJsonValue,
  type Cell,
  type ConnectSchema,
  type FieldInfo,
  type OutputField,
} from './values.js';

/** Confluent's offset and partition keys (JdbcSourceConnectorConstants, TimestampIncrementingOffset). */
export const OFFSET = {
  incrementing: 'incrementing',
  timestamp: 'timestamp',
  timestampNanos: 'timestamp_nanos',
} as const;
export const PARTITION = { table: 'table', query: 'query', protocol: 'protocol' } as const;
const PROTOCOL_V1 = '1';
const QUERY_PARTITION_VALUE = 'query';
/** Confluent starts incrementing mode below any id: `inc > -1`. */
const INITIAL_INCREMENTING = -1n;

export type Offset = Record<string, unknown>;

/** The source partition of a table or the query, as Confluent stores it. */
export function sourcePartition(mode: Mode, table: { name: string; fqn: string } | undefined): Offset {
  if (!table) return { [PARTITION.query]: QUERY_PARTITION_VALUE };
  if (mode === 'bulk') return { [PARTITION.table]: table.name };
  return { [PARTITION.protocol]: PROTOCOL_V1, [PARTITION.table]: table.fqn };
}

/** 64-bit offsets beyond ±2^53 are stored as digit strings so no digit is lost (read back either way). */
function offsetNumber(n: bigint): number | string {
  return toJsonValue(n) as number | string;
}

function toBigInt(v: unknown): bigint | undefined {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  if (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v)) return BigInt(v.trim());
  return undefined;
}

export function readOffset(o: Offset | null | undefined): { inc?: bigint; ts?: SqlTimestamp } {
  if (!o) return {};
  const out: { inc?: bigint; ts?: SqlTimestamp } = {};
  const inc = toBigInt(o[OFFSET.incrementing]);
  if (inc !== undefined) out.inc = inc;
  const ms = o[OFFSET.timestamp];
  if (typeof ms === 'number' || (typeof ms === 'string' && ms.trim() !== '')) {
    const nanos = o[OFFSET.timestampNanos];
    out.ts = SqlTimestamp.fromMillis(Number(ms), typeof nanos === 'number' || typeof nanos === 'string' ? Number(nanos) : undefined);
  }
  return out;
}

/** The exact name of `wanted` among `names`: exact match first, else a unique case-insensitive one. */
function resolveName(wanted: string, names: readonly string[]): string | undefined {
  if (names.includes(wanted)) return wanted;
  const matches = names.filter((n) => n.toLowerCase() === wanted.toLowerCase());
  return matches.length === 1 ? matches[0] : undefined;
}

const INTEGRAL = new Set(['int8', 'int16', 'int32', 'int64', 'dynamic']);

export interface QuerierInit {
  dialect: Dialect;
  settings: Settings;
  /** Table mode; undefined for the custom query. */
  table?: TableRef;
  ctx: Pick<SourceTaskContext, 'offset' | 'logger'>;
}

export class Querier {
  readonly label: string;
  readonly topic: string;
  readonly partition: Offset;
  /** When the next pass may start (epoch ms). */
  nextPassAt = 0;
  /** True when the last complete pass found nothing new (bulk: completed). */
  caughtUp = false;

  readonly #s: Settings;
  readonly #mode: Mode;
  readonly #tableName: string | undefined;
  readonly #source: string;
  readonly #nullable: Map<string, boolean>;
  readonly #inc: string | undefined;
  readonly #ts: string[];
  readonly #tsExpr: string | undefined;
  readonly #normalised: Dialect['normalisedTimestamp'];
  /** A MySQL TIMESTAMP column compares in UTC. */
  readonly #tsUtc: boolean;
  #incOffset: bigint;
  #tsOffset: SqlTimestamp | undefined;
  #cursor: RowCursor | undefined;
  #lookahead: Cell[][] = [];
  #passRows = 0;
  #fields: OutputField[] | undefined;
  #extra = 0;
  #schema: ConnectSchema | undefined;
  #keyIndex = -1;
  #incIndex = -1;
  #tsIndexes: number[] = [];

  private constructor(
    init: QuerierInit,
    meta: { nullable: Map<string, boolean>; inc: string | undefined; ts: string[]; tsUtc: boolean },
    source: string,
  ) {
    const { dialect, settings: s, table } = init;
    this.#s = s;
    this.#mode = s.mode;
    this.#tableName = table?.name;
    this.#source = source;
    this.#nullable = meta.nullable;
    this.#inc = meta.inc;
    this.#ts = meta.ts;
    this.#tsUtc = meta.tsUtc;
    this.#tsExpr = usesTimestamp(s.mode) ? dialect.timestampExpression(meta.ts.map((c) => dialect.quote(c))) : undefined;
    this.#normalised = usesTimestamp(s.mode) ? dialect.normalisedTimestamp : undefined;
    this.label = table ? dialect.fqn(table) : 'query';
    this.topic = table ? s.topicPrefix + table.name : s.topicPrefix;
    this.partition = sourcePartition(s.mode, table ? { name: table.name, fqn: dialect.fqn(table) } : undefined);

    let stored = init.ctx.offset(this.partition);
    // Confluent's protocol v0 partition {"table": name} from older versions is still honoured.
    if ((stored === undefined || stored === null) && table && s.mode !== 'bulk') stored = init.ctx.offset({ [PARTITION.table]: table.name });
    const offset = readOffset(stored);
    this.#incOffset = offset.inc ?? INITIAL_INCREMENTING;
    this.#tsOffset = offset.ts ?? (s.timestampInitial === null ? SqlTimestamp.fromMillis(0) : s.timestampInitial === -1 ? undefined : SqlTimestamp.fromMillis(s.timestampInitial));
    if (stored) init.ctx.logger.info(`${this.label}: resuming from offset ${JSON.stringify(stored)}`);
  }

  /** Validates the table or query and its columns, then reads the committed offset. */
  static async create(init: QuerierInit): Promise<Querier> {
    const { dialect, settings: s, table } = init;
    const what = table ? `table '${dialect.fqn(table)}'` : `the query in '${F.query.key}'`;
    let meta: ColumnMeta[] | undefined;
    if (table) {
      meta = await dialect.columns(table);
      if (!meta) throw fatal(`${what} does not exist in ${dialect.description}`);
    }
    // The newline keeps a trailing `-- comment` of the user's query from swallowing the closing parenthesis.
    const source = table ? dialect.qualify(table) : `(${s.query}\n) AS q`;
    let fields: FieldInfo[];
    try {
      fields = await dialect.describe(`SELECT * FROM ${source} LIMIT 0`);
    } catch (err) {
      const e = dialect.classify(err, `checking ${what}`);
      if (!table && !isRetriable(e)) throw fatal(`the custom query in '${F.query.key}' failed: ${e.message}`);
      throw e;
    }
    const names = fields.map((f) => f.name);
    const nullable = new Map<string, boolean>(fields.map((f) => [f.name, f.nullable]));
    if (meta) for (const c of meta) nullable.set(c.name, c.nullable);
    const column = (wanted: string, key: string): FieldInfo => {
      const name = resolveName(wanted, names);
      if (name === undefined) throw fatal(`'${key}' names column '${wanted}', which ${what} does not have (columns: ${names.join(', ')})`);
      return fields.find((f) => f.name === name)!;
    };
    const nonNull = (f: FieldInfo) => {
      if (!s.validateNonNull || !table || nullable.get(f.name) === false) return;
      throw fatal(
        `column '${f.name}' of ${what} is nullable, but incremental modes need a NOT NULL column ` +
          `(set '${F.validateNonNull.key}'='false' to skip this check)`,
      );
    };

    let inc: string | undefined;
    if (usesIncrementing(s.mode)) {
      let f: FieldInfo;
      if (s.incrementingColumn !== '') {
        f = column(s.incrementingColumn, F.incrementingColumn.key);
      } else {
        const auto = meta?.find((c) => c.autoIncrement);
        if (!auto) {
          throw fatal(`${what} has no auto-increment column to detect; set '${F.incrementingColumn.key}'`);
        }
        f = column(auto.name, F.incrementingColumn.key);
      }
      const integral = INTEGRAL.has(f.kind) || (f.kind === 'decimal' && (f.scale ?? 0) === 0);
      if (!integral) throw fatal(`incrementing column '${f.name}' of ${what} has type ${f.dbType}; it must be an integer`);
      nonNull(f);
      inc = f.name;
    }
    const ts: string[] = [];
    let tsUtc = false;
    if (usesTimestamp(s.mode)) {
      const tsFields = s.timestampColumns.map((c) => column(c, F.timestampColumn.key));
      for (const f of tsFields) {
        if (!dialect.normalisedTimestamp && f.kind !== 'timestamp' && f.kind !== 'date') {
          throw fatal(`timestamp column '${f.name}' of ${what} has type ${f.dbType}; it must be a timestamp or date`);
        }
      }
      // COALESCE(a, b, …) is NOT NULL when any of its columns is.
      if (tsFields.every((f) => nullable.get(f.name) !== false)) nonNull(tsFields[tsFields.length - 1]!);
      ts.push(...tsFields.map((f) => f.name));
      tsUtc = tsFields[0]?.utc === true;
    }
    if (s.key !== undefined) column(s.key, F.key.key);
    return new Querier(init, { nullable, inc, ts, tsUtc }, source);
  }

  get reading(): boolean {
    return this.#cursor !== undefined;
  }

  /**
   * Up to `max` records. Starts a pass when none is open; [] means the pass ended (see caughtUp). Offsets held in
   * memory advance with every record returned.
   */
  async poll(dialect: Dialect, max: number): Promise<SourceRecord[]> {
    if (!this.#cursor) await this.#startPass(dialect);
    const cursor = this.#cursor!;
    const ahead = this.#mode === 'timestamp' ? 1 : 0;
    const want = max + ahead - this.#lookahead.length;
    let fresh: Cell[][];
    try {
      fresh = want > 0 ? await cursor.read(want) : [];
    } catch (err) {
      await this.close();
      throw dialect.classify(err, `reading ${this.label}`);
    }
    const exhausted = fresh.length < want;
    if (!this.#fields) this.#prepareFields(cursor.fields());
    const rows = this.#lookahead.length > 0 ? [...this.#lookahead, ...fresh] : fresh;
    const emit = exhausted ? rows : rows.slice(0, max);
    this.#lookahead = exhausted ? [] : rows.slice(max);
    const records = emit.map((row, i) => this.#record(row, emit[i + 1] ?? this.#lookahead[0]));
    this.#passRows += records.length;
    if (exhausted) {
      await this.close();
      this.caughtUp = this.#mode === 'bulk' || this.#passRows === 0;
      this.nextPassAt = Date.now() + this.#s.pollIntervalMs;
    }
    return records;
  }

  /** Ends the pass (the next starts from the offsets reached). */
  async close(): Promise<void> {
    const c = this.#cursor;
    this.#cursor = undefined;
    this.#lookahead = [];
    this.#fields = undefined;
    this.#schema = undefined;
    if (c) await c.close().catch(() => undefined);
  }

  /** The mode's SQL (Confluent's BulkTableQuerier / TimestampIncrementingCriteria), with its parameters. */
  async statement(dialect: Dialect): Promise<Statement> {
    const s = this.#s;
    const suffix = s.querySuffix !== '' ? ` ${s.querySuffix}` : '';
    const q = (c: string) => dialect.quote(c);
    if (this.#mode === 'bulk') {
      return { text: [`${s.query !== '' ? s.query : `SELECT * FROM ${this.#source}`}${suffix}`], params: [] };
    }
    const ts = this.#tsExpr;
    const select = ts !== undefined && this.#normalised ? `*, ${ts} AS ${q(this.#normalised.alias)}` : '*';
    const base = `SELECT ${select} FROM ${this.#source}`;
    const inc = this.#inc !== undefined ? q(this.#inc) : undefined;
    const bindTs = (t: SqlTimestamp) => dialect.bindTimestamp(t, this.#tsUtc);
    if (this.#mode === 'incrementing') {
      return { text: [`${base} WHERE ${inc} > `, ` ORDER BY ${inc} ASC${suffix}`], params: [dialect.bindInteger(this.#incOffset)] };
    }
    const now = await dialect.now();
    if (this.#tsOffset === undefined) this.#tsOffset = now; // timestamp.initial = -1
    const end = now.minusMillis(s.delayMs);
    if (this.#mode === 'timestamp') {
      return {
        text: [`${base} WHERE ${ts} > `, ` AND ${ts} < `, ` ORDER BY ${ts} ASC${suffix}`],
        params: [bindTs(this.#tsOffset), bindTs(end)],
      };
    }
    return {
      text: [`${base} WHERE ${ts} < `, ` AND ((${ts} = `, ` AND ${inc} > `, `) OR ${ts} > `, `) ORDER BY ${ts},${inc} ASC${suffix}`],
      params: [bindTs(end), bindTs(this.#tsOffset), dialect.bindInteger(this.#incOffset), bindTs(this.#tsOffset)],
    };
  }

  async #startPass(dialect: Dialect): Promise<void> {
    const stmt = await this.statement(dialect);
    this.#passRows = 0;
    this.#lookahead = [];
    try {
      this.#cursor = await dialect.open(stmt, this.#s.batchMaxRows + 1);
    } catch (err) {
      const e = dialect.classify(err, `querying ${this.label}`);
      if (this.#s.query !== '' && !isRetriable(e)) throw fatal(`the custom query in '${F.query.key}' failed: ${e.message}`);
      throw e;
    }
  }

  #prepareFields(raw: readonly FieldInfo[]): void {
    this.#extra = this.#normalised ? 1 : 0;
    const mapping = { numericMapping: this.#s.numericMapping, granularity: this.#s.granularity, zone: this.#s.zone };
    const visible = raw.slice(0, raw.length - this.#extra);
    this.#fields = visible.map((f) => outputField({ ...f, nullable: this.#nullable.get(f.name) ?? f.nullable }, mapping));
    const names = visible.map((f) => f.name);
    this.#keyIndex = this.#s.key !== undefined ? names.indexOf(resolveName(this.#s.key, names) ?? '') : -1;
    this.#incIndex = this.#inc !== undefined ? names.indexOf(this.#inc) : -1;
    this.#tsIndexes = this.#ts.map((c) => names.indexOf(c));
    const dynamic = this.#fields.some((f) => f.kind === 'dynamic');
    this.#schema = this.#s.valueEnvelope && !dynamic ? structSchema(this.#fields, [], this.#tableName) : undefined;
  }

  #timestampOf(row: Cell[]): SqlTimestamp {
    let found: Cell | undefined;
    if (this.#normalised) {
      const t = this.#normalised.parse(row[row.length - 1] ?? null);
      if (t) return t;
    } else {
      for (const i of this.#tsIndexes) {
        if (row[i] !== null && row[i] !== undefined) {
          found = row[i];
          break;
        }
      }
      if (found instanceof SqlTimestamp) return found;
      if (typeof found === 'string' && /^\d{4,}-\d{2}-\d{2}$/.test(found)) {
        return SqlTimestamp.fromMillis(Date.parse(`${found}T00:00:00Z`));
      }
    }
    throw fatal(`${this.label}: a row has an unreadable timestamp in ${this.#ts.join(', ')} (${String(found ?? row[row.length - 1])})`);
  }

  #incrementingOf(row: Cell[]): bigint {
    const v = row[this.#incIndex];
    const n = toBigInt(typeof v === 'string' ? v.replace(/\.0*$/, '') : v);
    if (n === undefined) throw fatal(`${this.label}: incrementing column '${this.#inc}' holds a non-integer value (${String(v)})`);
    return n;
  }

  #tsOffsetMap(ts: SqlTimestamp): Offset {
    return { [OFFSET.timestamp]: ts.epochMillis, [OFFSET.timestampNanos]: ts.nanosOfSecond };
  }

  #record(row: Cell[], next: Cell[] | undefined): SourceRecord {
    let sourceOffset: Offset | null = null;
    switch (this.#mode) {
      case 'incrementing':
        this.#incOffset = this.#incrementingOf(row);
        sourceOffset = { [OFFSET.incrementing]: offsetNumber(this.#incOffset) };
        break;
      case 'timestamp': {
        const ts = this.#timestampOf(row);
        // Advance only when the next row has a later timestamp or there is none: the group is complete.
        if (next === undefined || this.#timestampOf(next).compare(ts) !== 0) this.#tsOffset = ts;
        sourceOffset = this.#tsOffsetMap(this.#tsOffset!);
        break;
      }
      case 'timestamp+incrementing': {
        this.#tsOffset = this.#timestampOf(row);
        this.#incOffset = this.#incrementingOf(row);
        sourceOffset = { ...this.#tsOffsetMap(this.#tsOffset), [OFFSET.incrementing]: offsetNumber(this.#incOffset) };
        break;
      }
      default:
        break;
    }
    const fields = this.#fields!;
    const n = fields.length;
    let value: unknown;
    const obj: Record<string, unknown> = {};
    if (this.#s.valueEnvelope) {
      const cells: Cell[] = new Array<Cell>(n);
      for (let i = 0; i < n; i++) {
        const f = fields[i]!;
        cells[i] = f.convert(row[i] ?? null);
        obj[f.name] = connectPayload(f, cells[i]!, this.#s.decimalFormat);
      }
      value = { schema: this.#schema ?? structSchema(fields, cells, this.#tableName), payload: obj };
    } else {
      for (let i = 0; i < n; i++) {
        const f = fields[i]!;
        obj[f.name] = toJsonValue(f.convert(row[i] ?? null));
      }
      value = obj;
    }
    let key: unknown = null;
    if (this.#keyIndex >= 0) {
      const f = fields[this.#keyIndex]!;
      const cell = f.convert(row[this.#keyIndex] ?? null);
      key = this.#s.keyEnvelope ? { schema: fieldSchema(f, cell), payload: connectPayload(f, cell, this.#s.decimalFormat) } : toJsonValue(cell);
    }
    return { sourcePartition: this.partition, sourceOffset, topic: this.topic, key, value };
  }
}
